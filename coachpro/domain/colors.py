"""Colours the coach picks, checked against WCAG 2's contrast ratio (1.4.3: 4.5:1 for text)."""

import re

_HEX = re.compile(r"#?([0-9a-fA-F]{6})")
AA_TEXT = 4.5
WHITE = "#ffffff"
CREAM = "#fbf7f3"  # the page background: links in the accent sit on it


def parse_hex(value: str) -> str:
    """'#6B3A6E', '6b3a6e' → '#6b3a6e'; ValueError for anything else."""
    match = _HEX.fullmatch(value.strip())
    if match is None:
        raise ValueError("Use a colour like #6b3a6e.")
    return "#" + match[1].lower()


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    h = parse_hex(colour)
    r, g, b = (int(h[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def accent_contrast(colour: str) -> float:
    """The worst contrast the accent is used at: white text on it (buttons) and it as text
    on the page's light backgrounds (links)."""
    return min(contrast_ratio(colour, WHITE), contrast_ratio(colour, CREAM))


def darker(colour: str, amount: float = 0.3) -> str:
    """The same hue, darker (for hover states and headings)."""
    h = parse_hex(colour)
    r, g, b = (round(int(h[i : i + 2], 16) * (1 - amount)) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"
