"""Questionnaires as data: reading an instrument document and scoring answers to it.

An instrument is a JSON document (format "coachpro-instrument/1", described in
docs/instruments.md): its items, the answer scales they use, which items are reverse-scored,
how answers add up (sum or mean, optionally subscales), how many answers may be missing, a
clinical cutoff and the figures that say when a change is reliable. Everything here is pure:
no Flask, no database, so scoring can be checked by hand and by property tests.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

FORMAT = "coachpro-instrument/1"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
KEY = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
MAX_ITEMS = 200
MAX_OPTIONS = 20
MAX_TEXT = 1000
# Jacobson & Truax (1991): a change is reliable when it is larger than 1.96 standard errors
# of the difference, so it would arise from measurement error alone less than 5% of the time.
Z_95 = 1.96


class InstrumentError(ValueError):
    """The document is not a usable instrument; the message says where and why."""


class Method(StrEnum):
    SUM = "sum"
    MEAN = "mean"


class Change(StrEnum):
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Scale:
    key: str
    options: tuple[Option, ...]  # in the order they are shown
    # For a semantic differential: the two words printed at either end of the row.
    poles: tuple[str, str] | None = None
    # A line the published form prints before the items that use this scale.
    intro: str = ""

    @property
    def values(self) -> frozenset[int]:
        return frozenset(o.value for o in self.options)

    @property
    def low(self) -> int:
        return min(self.values)

    @property
    def high(self) -> int:
        return max(self.values)

    def label_of(self, value: int | None) -> str | None:
        """The printed answer that scores `value` (None for no answer)."""
        return next((o.label for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    scale: Scale
    reverse: bool = False


@dataclass(frozen=True)
class Subscale:
    key: str
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ReliableChange:
    """Either a published reliable-change threshold in points, or the standard deviation and
    reliability it is computed from."""

    source: str
    sd: float | None = None
    reliability: float | None = None
    critical_difference: float | None = None

    @property
    def threshold(self) -> float:
        """The smallest change in points that counts as reliable."""
        if self.critical_difference is not None:
            return self.critical_difference
        assert self.sd is not None and self.reliability is not None
        return Z_95 * self.sd * math.sqrt(2) * math.sqrt(1 - self.reliability)


@dataclass(frozen=True)
class Instrument:
    slug: str
    name: str
    short_name: str
    citation: str
    items: tuple[Item, ...]
    method: Method = Method.SUM
    higher_is_better: bool = True
    max_missing: int = 0
    subscales: tuple[Subscale, ...] = ()
    cutoff: float | None = None
    reliable_change: ReliableChange | None = None
    instructions: str = ""
    source_url: str = ""
    licence: str = ""
    drift_gap: float | None = None

    @property
    def lowest(self) -> float:
        return _combine(self.method, [_scored_range(i)[0] for i in self.items])

    @property
    def highest(self) -> float:
        return _combine(self.method, [_scored_range(i)[1] for i in self.items])

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)


@dataclass(frozen=True)
class Score:
    total: float | None  # None when too many answers are missing to score
    answered: int
    missing: tuple[str, ...]  # keys of the items left unanswered
    subscales: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.total is not None


# --- reading a document ---------------------------------------------------------------------


def _text(value: Any, where: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InstrumentError(f"{where}: expected some text.")
    if len(value) > limit:
        raise InstrumentError(f"{where}: longer than {limit} characters.")
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InstrumentError(f"{where}: contains control characters.")
    return value.strip()


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InstrumentError(f"{where}: expected a number.")
    return float(value)


def _read_scale(key: str, raw: Any) -> Scale:
    where = f"scales.{key}"
    if not KEY.match(key):
        raise InstrumentError(f"{where}: a scale's name may use letters, digits, - _ and .")
    if not isinstance(raw, dict) or not isinstance(raw.get("options"), list):
        raise InstrumentError(f"{where}: expected an object with a list of options.")
    options = []
    for n, opt in enumerate(raw["options"]):
        if not isinstance(opt, dict):
            raise InstrumentError(f"{where}.options[{n}]: expected an object.")
        value = opt.get("value")
        if isinstance(value, bool) or not isinstance(value, int) or not -1000 <= value <= 1000:
            raise InstrumentError(f"{where}.options[{n}].value: expected a whole number.")
        options.append(Option(value, _text(opt.get("label"), f"{where}.options[{n}].label")))
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise InstrumentError(f"{where}: needs between 2 and {MAX_OPTIONS} options.")
    if len({o.value for o in options}) != len(options):
        raise InstrumentError(f"{where}: two options have the same value.")
    poles = raw.get("poles")
    if poles is not None:
        if not (isinstance(poles, list) and len(poles) == 2):
            raise InstrumentError(f"{where}.poles: expected the two words at either end.")
        poles = (_text(poles[0], f"{where}.poles[0]"), _text(poles[1], f"{where}.poles[1]"))
    return Scale(
        key, tuple(options), poles, _text(raw.get("intro"), f"{where}.intro", required=False)
    )


def _read_reliable_change(raw: Any) -> ReliableChange | None:
    if raw is None:
        return None
    where = "reliable_change"
    if not isinstance(raw, dict):
        raise InstrumentError(f"{where}: expected an object.")
    source = _text(raw.get("source"), f"{where}.source")
    if raw.get("critical_difference") is not None:
        diff = _number(raw["critical_difference"], f"{where}.critical_difference")
        if diff <= 0:
            raise InstrumentError(f"{where}.critical_difference: must be more than 0.")
        return ReliableChange(source, critical_difference=diff)
    sd = _number(raw.get("sd"), f"{where}.sd")
    reliability = _number(raw.get("reliability"), f"{where}.reliability")
    if sd <= 0:
        raise InstrumentError(f"{where}.sd: must be more than 0.")
    if not 0 <= reliability < 1:
        raise InstrumentError(f"{where}.reliability: must be from 0 up to (not including) 1.")
    return ReliableChange(source, sd=sd, reliability=reliability)


def read_instrument(doc: Any) -> Instrument:
    """An Instrument from a parsed JSON document, or InstrumentError naming the first problem."""
    if not isinstance(doc, dict):
        raise InstrumentError("The file must hold one JSON object.")
    if doc.get("format") != FORMAT:
        raise InstrumentError(f'format: expected "{FORMAT}".')
    slug = doc.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise InstrumentError("slug: lower-case letters, digits and hyphens, up to 63.")
    name = _text(doc.get("name"), "name", limit=120)
    short_name = _text(doc.get("short_name") or name, "short_name", limit=40)
    citation = _text(doc.get("citation"), "citation")
    raw_scales = doc.get("scales")
    if not isinstance(raw_scales, dict) or not raw_scales:
        raise InstrumentError("scales: expected an object of named answer scales.")
    scales = {key: _read_scale(key, raw) for key, raw in raw_scales.items()}
    raw_items = doc.get("items")
    if not isinstance(raw_items, list) or not 1 <= len(raw_items) <= MAX_ITEMS:
        raise InstrumentError(f"items: expected a list of 1 to {MAX_ITEMS} items.")
    items: list[Item] = []
    for n, raw in enumerate(raw_items):
        where = f"items[{n}]"
        if not isinstance(raw, dict):
            raise InstrumentError(f"{where}: expected an object.")
        key = raw.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            raise InstrumentError(f"{where}.key: letters, digits, - _ and . (up to 40).")
        if raw.get("scale") not in scales:
            raise InstrumentError(f"{where}.scale: not one of the scales ({', '.join(scales)}).")
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            raise InstrumentError(f"{where}.reverse: expected true or false.")
        items.append(
            Item(key, _text(raw.get("text"), f"{where}.text"), scales[raw["scale"]], reverse)
        )
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise InstrumentError("items: two items have the same key.")
    scoring = doc.get("scoring")
    if not isinstance(scoring, dict):
        raise InstrumentError("scoring: expected an object.")
    try:
        method = Method(str(scoring.get("method")))
    except ValueError:
        raise InstrumentError('scoring.method: "sum" or "mean".') from None
    higher = scoring.get("higher_is", "better")
    if higher not in ("better", "worse"):
        raise InstrumentError('scoring.higher_is: "better" or "worse".')
    max_missing = scoring.get("max_missing", 0)
    if isinstance(max_missing, bool) or not isinstance(max_missing, int):
        raise InstrumentError("scoring.max_missing: expected a whole number.")
    if not 0 <= max_missing < len(items):
        raise InstrumentError("scoring.max_missing: from 0 to one less than the number of items.")
    subscales = []
    for key, raw in (scoring.get("subscales") or {}).items():
        where = f"scoring.subscales.{key}"
        if (
            not KEY.match(key)
            or not isinstance(raw, dict)
            or not isinstance(raw.get("items"), list)
        ):
            raise InstrumentError(f"{where}: expected a name and a list of item keys.")
        unknown = [k for k in raw["items"] if k not in keys]
        if unknown or not raw["items"]:
            raise InstrumentError(f"{where}.items: unknown item keys {unknown or '(none given)'}.")
        subscales.append(
            Subscale(
                key, _text(raw.get("name") or key, f"{where}.name", limit=80), tuple(raw["items"])
            )
        )
    cutoff = None if doc.get("cutoff") is None else _number(doc["cutoff"], "cutoff")
    drift_gap = None if doc.get("drift_gap") is None else _number(doc["drift_gap"], "drift_gap")
    if drift_gap is not None and drift_gap <= 0:
        raise InstrumentError("drift_gap: must be more than 0.")
    instrument = Instrument(
        slug=slug,
        name=name,
        short_name=short_name,
        citation=citation,
        items=tuple(items),
        method=method,
        higher_is_better=higher == "better",
        max_missing=max_missing,
        subscales=tuple(subscales),
        cutoff=cutoff,
        reliable_change=_read_reliable_change(doc.get("reliable_change")),
        instructions=_text(doc.get("instructions"), "instructions", required=False),
        source_url=_text(doc.get("source_url"), "source_url", required=False, limit=300),
        licence=_text(doc.get("licence"), "licence", required=False),
        drift_gap=drift_gap,
    )
    if cutoff is not None and not instrument.lowest <= cutoff <= instrument.highest:
        raise InstrumentError(
            f"cutoff: {cutoff:g} is outside the possible scores "
            f"({instrument.lowest:g} to {instrument.highest:g})."
        )
    return instrument


# --- scoring --------------------------------------------------------------------------------


def _scored_range(item: Item) -> tuple[int, int]:
    return item.scale.low, item.scale.high


def scored_value(item: Item, value: int) -> int:
    """The points an answer earns: reverse-scored items count from the other end of their scale."""
    if value not in item.scale.values:
        raise InstrumentError(f"Item {item.key}: {value} is not one of its answers.")
    return item.scale.low + item.scale.high - value if item.reverse else value


def _combine(method: Method, points: Sequence[float]) -> float:
    return sum(points) if method is Method.SUM else sum(points) / len(points)


def _score_items(
    method: Method, items: Sequence[Item], answers: Mapping[str, int], max_missing: int
) -> float | None:
    points = [scored_value(i, answers[i.key]) for i in items if i.key in answers]
    missing = len(items) - len(points)
    if missing > max_missing or not points:
        return None
    if method is Method.MEAN:
        return sum(points) / len(points)
    # A sum with a few answers missing is prorated: the answered items' mean stands in for
    # each missing one, so a skipped question neither lowers nor raises the score.
    return sum(points) * len(items) / len(points)


def score(instrument: Instrument, answers: Mapping[str, int]) -> Score:
    """Score answers (item key -> chosen value). Unknown keys and values that are not one of
    an item's answers raise InstrumentError; unanswered items count against max_missing."""
    unknown = [k for k in answers if instrument.item(k) is None]
    if unknown:
        raise InstrumentError(f"Not items of {instrument.short_name}: {', '.join(unknown)}.")
    for item in instrument.items:
        if item.key in answers:
            scored_value(item, answers[item.key])  # raises on a value out of range
    missing = tuple(i.key for i in instrument.items if i.key not in answers)
    total = _score_items(instrument.method, instrument.items, answers, instrument.max_missing)
    subscales: dict[str, float | None] = {}
    for sub in instrument.subscales:
        items = [i for i in instrument.items if i.key in sub.items]
        # A subscale may miss as many answers as the whole in proportion, rounded down.
        allowed = instrument.max_missing * len(items) // len(instrument.items)
        subscales[sub.key] = _score_items(instrument.method, items, answers, allowed)
    return Score(
        total=None if total is None else round(total, 2),
        answered=len(instrument.items) - len(missing),
        missing=missing,
        subscales={k: None if v is None else round(v, 2) for k, v in subscales.items()},
    )


# --- reading scores -------------------------------------------------------------------------


def in_clinical_range(instrument: Instrument, total: float) -> bool:
    """Whether a score is on the distressed side of the cutoff (False when there is none)."""
    if instrument.cutoff is None:
        return False
    return total < instrument.cutoff if instrument.higher_is_better else total > instrument.cutoff


def change(instrument: Instrument, before: float, after: float) -> Change | None:
    """Whether the change from one score to a later one is a reliable improvement, a reliable
    deterioration or within measurement error; None when the instrument has no figures."""
    rc = instrument.reliable_change
    if rc is None:
        return None
    diff = after - before if instrument.higher_is_better else before - after
    # Scores are stored to two decimals; compare with a little slack so a change exactly at
    # the threshold counts the same way whatever the rounding.
    if abs(diff) + 1e-9 < rc.threshold:
        return Change.UNCHANGED
    return Change.IMPROVED if diff > 0 else Change.DETERIORATED


def reliable_change_index(instrument: Instrument, before: float, after: float) -> float | None:
    """Jacobson & Truax's RCI: the change divided by the standard error of the difference
    (positive = better). None without figures."""
    rc = instrument.reliable_change
    if rc is None:
        return None
    diff = after - before if instrument.higher_is_better else before - after
    return round(diff / (rc.threshold / Z_95), 2)
