"""The questionnaires the coach can ask: the built-in ones and those the coach uploads."""

import dataclasses
import json
import math
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select

from coachpro.domain.instruments import (
    Instrument as InstrumentDoc,
)
from coachpro.domain.instruments import (
    InstrumentError,
    ReliableChange,
    read_instrument,
)
from coachpro.extensions import db
from coachpro.models import Instrument
from coachpro.services.unit_of_work import transactional

MAX_UPLOAD = 256 * 1024  # a long questionnaire is a few dozen kilobytes


class InstrumentProblem(Exception):
    """Why an upload or a change to an instrument was refused, in the coach's words."""


@lru_cache(maxsize=64)
def _parsed(document: str) -> InstrumentDoc:
    return read_instrument(json.loads(document))


def definition(row: Instrument) -> InstrumentDoc:
    """The instrument as scoring sees it: its document, with the coach's reliable-change
    figures and drift gap when they set them."""
    doc = _parsed(row.document)
    changes: dict[str, object] = {}
    if row.rc_source:
        changes["reliable_change"] = ReliableChange(
            row.rc_source,
            sd=row.rc_sd,
            reliability=row.rc_reliability,
            critical_difference=row.rc_critical,
        )
    if row.drift_gap:
        changes["drift_gap"] = row.drift_gap
    return dataclasses.replace(doc, **changes) if changes else doc  # type: ignore[arg-type]


def drift_gap(doc: InstrumentDoc) -> float | None:
    """The gap between partners that counts as drifting apart: the coach's, else the
    reliable-change threshold (a gap no bigger than measurement error says little)."""
    if doc.drift_gap is not None:
        return doc.drift_gap
    return doc.reliable_change.threshold if doc.reliable_change else None


def instruments(active_only: bool = False) -> list[Instrument]:
    query = select(Instrument).order_by(Instrument.built_in.desc(), Instrument.name)
    if active_only:
        query = query.where(Instrument.active)
    return list(db.session.scalars(query))


def read_upload(data: bytes) -> InstrumentDoc:
    """Parse an uploaded file; InstrumentProblem says what is wrong with it."""
    if len(data) > MAX_UPLOAD:
        raise InstrumentProblem(_("The file is larger than 256 KB."))
    try:
        doc = json.loads(data.decode("utf-8"))
    except RecursionError:  # thousands of nested brackets
        raise InstrumentProblem(_("The file is not JSON: it is nested too deeply.")) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise InstrumentProblem(
            _("The file is not JSON: %(error)s", error=_shorter(str(error)))
        ) from None
    try:
        return read_instrument(doc)
    except InstrumentError as error:
        # The message quotes the file (a key, a list of keys): keep it short enough for a
        # flash message in the session cookie.
        raise InstrumentProblem(_shorter(str(error))) from None


def _shorter(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transactional(retry=True)
def add_instrument(data: bytes) -> Instrument:
    """Load an uploaded instrument. Its slug must be new: a changed questionnaire is a new
    instrument, so scores given on the old wording keep the wording they were given on."""
    doc = read_upload(data)
    if db.session.scalar(select(Instrument.id).where(Instrument.slug == doc.slug)):
        raise InstrumentProblem(
            _('An instrument called "%(slug)s" is already loaded; give this one its own slug.',
              slug=doc.slug)
        )  # fmt: skip
    row = Instrument(
        slug=doc.slug,
        name=doc.name,
        short_name=doc.short_name,
        document=data.decode("utf-8"),
        built_in=False,
    )
    db.session.add(row)
    return row


@transactional()
def set_change_figures(
    row: Instrument,
    *,
    sd: float | None,
    reliability: float | None,
    critical: float | None,
    source: str | None,
    gap: float | None,
) -> None:
    """The coach's reliable-change figures (SD and reliability, or a published threshold, with
    where they come from) and drift gap; all empty clears them."""
    source = (source or "").strip() or None
    given = sd is not None or reliability is not None or critical is not None
    if given and not source:
        raise InstrumentProblem(_("Say where the figures come from."))
    if critical is None and (sd is None) != (reliability is None):
        raise InstrumentProblem(_("Give both the standard deviation and the reliability."))
    if critical is not None and sd is not None:
        raise InstrumentProblem(
            _("Give either a published threshold or a standard deviation and reliability.")
        )
    if source and not given:
        source = None
    if any(v is not None and not math.isfinite(v) for v in (sd, reliability, critical, gap)):
        raise InstrumentProblem(_("The figures must be ordinary numbers."))
    if (sd is not None and sd <= 0) or (critical is not None and critical <= 0):
        raise InstrumentProblem(_("The figures must be more than 0."))
    if reliability is not None and not 0 <= reliability < 1:
        raise InstrumentProblem(_("Reliability is a number from 0 up to (not including) 1."))
    if gap is not None and gap <= 0:
        raise InstrumentProblem(_("The gap must be more than 0."))
    row.rc_sd, row.rc_reliability, row.rc_critical = sd, reliability, critical
    row.rc_source = source[:300] if source else None
    row.drift_gap = gap


@transactional()
def set_active(row: Instrument, active: bool) -> None:
    row.active = active
