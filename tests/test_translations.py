"""The catalogues are complete: every string marked for translation in the code and the
templates has a German translation with the same placeholders, and the compiled .mo files
the app reads say what the .po files say. Run scripts/translations.sh after changing text."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "coachpro" / "translations"
LANGUAGES = ["de"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("coachpro/**.py", "python"), ("templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def marked_strings() -> set:
    found = set()

    # Babel skips folders starting with "_" by default: templates/_macros holds text too.
    def folders(path: str) -> bool:
        return not Path(path).name.startswith(".")

    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, directory_filter=folders
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.fixture(scope="module")
def marked():
    strings = marked_strings()
    assert len(strings) > 100
    return strings


def catalog(language: str):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(marked, language):
    translations = catalog(language)
    untranslated = []
    for message in marked:
        key = message[0] if isinstance(message, tuple) else message
        entry = translations.get(key)
        strings = entry.string if entry else None
        done = strings and (all(strings) if isinstance(strings, tuple) else True)
        if not done or "fuzzy" in entry.flags:
            untranslated.append(message)
    assert untranslated == [], f"missing from {language}: {sorted(map(str, untranslated))}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    wrong = []
    for entry in catalog(language):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            wrong.append(entry.id)
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_current_one(language):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(mo) if m.id}
    written = {_key(m.id): _key(m.string) for m in catalog(language) if m.id and m.string}
    assert compiled == written, "run scripts/translations.sh to compile the catalogues"


def _key(value):
    return value if isinstance(value, str) else tuple(value)


def test_a_german_visitor_books_in_german(client):
    page = client.get("/book", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}).text
    assert '<html lang="de"' in page
    assert "Kostenloses Erstgespräch buchen" in page and "Zeiten anzeigen" in page
    english = client.get("/book", headers={"Accept-Language": "en-US"}).text
    assert "Book a free consult" in english and "Kostenlos" not in english
