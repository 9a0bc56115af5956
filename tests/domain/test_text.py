"""Cleaning typed text: one-line fields and multi-line ones."""

import pytest

from coachpro.domain.text import multi_line, single_line, without_surrogates


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("Maya", "Maya"),
        ("  Maya  ", "Maya"),
        ("Maya\r\nBcc: x@evil.test", "Maya Bcc: x@evil.test"),
        ("Ma\nya", "Ma ya"),
        ("A\u2028B\u2029C\x85D", "A B C D"),
        ("A\x0bB\x0cC\x1cD\x1dE\x1eF", "A B C D E F"),
        ("A\x00B\x07C\x7fD", "A B C D"),
        ("x\u202eevil\u202c", "x evil"),
        ("a\u2066b\u2069", "a b"),
        ("a\ud800b", "a b"),
        ("a  \t  b", "a b"),
        ("a\u00a0b", "a b"),
        ("Zoë & 李 🙂", "Zoë & 李 🙂"),
        ("a\u200db", "a\u200db"),  # a zero-width joiner holds emoji together: kept
        ("", ""),
    ],
)
def test_single_line(typed, clean):
    assert single_line(typed) == clean


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("one\r\ntwo", "one\ntwo"),
        ("one\rtwo", "one\ntwo"),
        ("one\u2028two\u2029three\x85four", "one\ntwo\nthree\nfour"),
        ("tab\tstays", "tab\tstays"),
        ("bell\x07and\x00nul", "bellandnul"),
        ("bidi\u202eout", "bidiout"),
        ("a\ud800b", "ab"),
        ("Zoë\n李", "Zoë\n李"),
    ],
)
def test_multi_line(typed, clean):
    assert multi_line(typed) == clean


def test_without_surrogates():
    assert without_surrogates("ok") == "ok"
    assert without_surrogates("a\ud800b\udfffc") == "abc"
    text = "no surrogates here"
    assert without_surrogates(text) is text  # nothing copied when nothing changes


@pytest.mark.parametrize("alone", ["\ud800", "\udfff", "x\ud800", "\udfffx"])
def test_the_first_and_last_surrogates_are_found_on_their_own(alone):
    assert without_surrogates(alone) == alone.replace("\ud800", "").replace("\udfff", "")


def test_slugs_are_short_plain_and_unique():
    from coachpro.domain.text import slug_for

    assert slug_for("Weekend Reset", set()) == "weekend-reset"
    assert slug_for("Zoë & Ana's Retreat!", set()) == "zoe-ana-s-retreat"
    assert slug_for("Weekend Reset", {"weekend-reset", "weekend-reset-2"}) == "weekend-reset-3"
    assert slug_for("💞", set()) == "package"
    assert len(slug_for("x" * 500, set())) <= 50
