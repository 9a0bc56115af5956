"""WCAG contrast, as the accent colour check uses it."""

from hypothesis import given
from hypothesis import strategies as st

from coachpro.domain.colors import CREAM, WHITE, accent_contrast, contrast_ratio, darker, parse_hex

colours = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06x}")


def test_known_ratios():
    assert round(contrast_ratio("#000000", WHITE), 2) == 21.0
    assert contrast_ratio(WHITE, WHITE) == 1.0
    assert round(contrast_ratio("#767676", WHITE), 2) == 4.54  # the classic lightest AA grey
    assert round(accent_contrast("#6b3a6e"), 1) == 8.0  # CoachPro's plum


@given(colours, colours)
def test_contrast_is_symmetric_and_between_1_and_21(a, b):
    assert contrast_ratio(a, b) == contrast_ratio(b, a)
    assert 1 <= contrast_ratio(a, b) <= 21


@given(colours)
def test_darker_never_lowers_contrast_with_white(colour):
    assert contrast_ratio(darker(colour), WHITE) >= contrast_ratio(colour, WHITE) - 1e-9
    assert accent_contrast(colour) <= contrast_ratio(colour, CREAM)


def test_colours_are_read_strictly():
    assert parse_hex(" 6B3A6E ") == "#6b3a6e"
    for bad in ("blue", "#fff", "#6b3a6e;}body{", "#6b3a6g", ""):
        try:
            parse_hex(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
