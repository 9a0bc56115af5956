"""A small, safe text format for exercise instructions and messages.

Paragraphs are separated by blank lines; lines starting with "- " make a bullet list and
"1. " a numbered list; *emphasis* and **strong**; web addresses (http, https) are clickable.
Everything else is escaped, so no HTML typed by anyone ever reaches a page as markup.
"""

import html
import re

_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<!\*)\*(?!\s)(.+?)(?<!\s)\*(?!\*)")
_BULLET = re.compile(r"^\s*[-•]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def _emphasised(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _STRONG.sub(r"<strong>\1</strong>", escaped)
    return _EM.sub(r"<em>\1</em>", escaped)


def _inline(text: str) -> str:
    """One line: its web addresses clickable, *emphasis* and **strong** around them."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(_emphasised(text[last : match.start()]))
        url = html.escape(match[0], quote=True)
        out.append(f'<a href="{url}" rel="nofollow noopener noreferrer">{url}</a>')
        last = match.end()
    out.append(_emphasised(text[last:]))
    return "".join(out)


def render_rich_text(text: str) -> str:
    """HTML for `text` in the format above; safe to insert unescaped."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        bullets = [_BULLET.match(line) for line in lines]
        numbers = [_NUMBER.match(line) for line in lines]
        if all(bullets):
            items = "".join(f"<li>{_inline(m[1])}</li>" for m in bullets if m)
            blocks.append(f"<ul>{items}</ul>")
        elif all(numbers):
            items = "".join(f"<li>{_inline(m[1])}</li>" for m in numbers if m)
            blocks.append(f"<ol>{items}</ol>")
        else:
            blocks.append("<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>")
    return "\n".join(blocks)


def plain_steps(text: str) -> list[str]:
    """The list items of `text` as plain strings (used as a checklist's items)."""
    steps = []
    for line in text.splitlines():
        match = _BULLET.match(line) or _NUMBER.match(line)
        if match:
            steps.append(re.sub(r"\*+", "", match[1]).strip())
    return steps


def _linked(line: str) -> str:
    """One line, escaped, with its web addresses made clickable."""
    out, last = [], 0
    for match in _URL.finditer(line):
        out.append(html.escape(line[last : match.start()], quote=True))
        url = html.escape(match[0], quote=True)
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(html.escape(line[last:], quote=True))
    return "".join(out)


def render_email_text(text: str) -> str:
    """An email's plain text as HTML: paragraphs, line breaks and clickable web addresses,
    everything else escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            blocks.append("<p>" + "<br>".join(_linked(line) for line in lines) + "</p>")
    return "\n".join(blocks)
