"""What the coach sees of the measures: each couple's scores over time with reliable change
and alerts, the dashboard's alerts and missed measures, and the practice's outcomes.

Only sent answers count anywhere here: a partner's unsent answers are theirs alone, so no
score, chart, alert or count can reveal them."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, delete, select
from sqlalchemy.orm import selectinload

from coachpro.domain.formats import format_day
from coachpro.domain.instruments import Change, change
from coachpro.domain.instruments import Instrument as InstrumentDoc
from coachpro.domain.outcome_chart import ChartPoint, ChartSeries, outcome_chart_svg
from coachpro.domain.outcomes import END, INTAKE, Alert, AlertKind, Point, drift_alert, outcome
from coachpro.domain.outcomes import partner_alerts as alerts_of_partner
from coachpro.extensions import db
from coachpro.i18n import current_locale
from coachpro.models import (
    Couple,
    CoupleStatus,
    Instrument,
    MeasureAnswer,
    MeasureRequest,
    OutcomeAlert,
    Package,
    Partner,
)
from coachpro.models.types import utcnow
from coachpro.models.workspace import Enrollment
from coachpro.services.couples import couple_names
from coachpro.services.instruments import definition, drift_gap, set_change_figures
from coachpro.services.unit_of_work import transactional

# Alerts about a score older than this are history, not news for the dashboard.
ALERT_DAYS = 45
MISSED_DAYS = 30
DASHBOARD_ROWS = 10


def occasion_label(key: str, week: int, due_on: date) -> str:
    if key == INTAKE:
        return _("Intake")
    if key == END:
        return _("End")
    if key.startswith("asked-"):  # asked outside a schedule: named by its day
        return _("Asked %(day)s", day=format_day(due_on, "%-d %b", current_locale()))
    return _("Week %(num)s", num=week)


@dataclass
class PartnerScores:
    partner: Partner
    points: list[Point] = field(default_factory=list)
    requests: list[MeasureRequest] = field(default_factory=list)


@dataclass
class InstrumentOutcome:
    instrument: Instrument
    doc: InstrumentDoc
    rows: list[tuple[str, list[MeasureRequest | None]]]  # occasion label, per partner
    partners: list[PartnerScores]
    alerts: list[Alert]
    chart: str
    changes: list[Change | None]  # per partner, first score to last


def _points(requests: Iterable[MeasureRequest]) -> list[Point]:
    sent = [r for r in requests if r.completed_at is not None and r.score is not None]
    sent.sort(key=lambda r: (r.due_on, r.completed_at))
    return [Point(r.occasion, r.due_on, r.score) for r in sent]  # type: ignore[arg-type]


def _alerts(doc: InstrumentDoc, scores: Sequence[PartnerScores]) -> list[Alert]:
    alerts = [a for n, s in enumerate(scores) for a in alerts_of_partner(doc, s.points, n)]
    if len(scores) == 2:
        drift = drift_alert(doc, scores[0].points, scores[1].points, drift_gap(doc))
        if drift:
            alerts.append(drift)
    return alerts


def couple_outcomes(couple: Couple) -> list[InstrumentOutcome]:
    """Every instrument asked of the couple, with both partners' sent scores in one chart."""
    requests = list(
        db.session.scalars(
            select(MeasureRequest)
            .where(MeasureRequest.couple_id == couple.id)
            .options(selectinload(MeasureRequest.instrument))
            .order_by(MeasureRequest.due_on, MeasureRequest.id)
        )
    )
    by_instrument: dict[int, list[MeasureRequest]] = defaultdict(list)
    for r in requests:
        by_instrument[r.instrument_id].append(r)
    result = []
    for rows in by_instrument.values():
        instrument = rows[0].instrument
        doc = definition(instrument)
        occasions: dict[str, tuple[date, str]] = {}
        for r in rows:
            occasions.setdefault(
                r.occasion, (r.due_on, occasion_label(r.occasion, r.week, r.due_on))
            )
        order = sorted(occasions, key=lambda k: occasions[k][0])
        column = {k: n for n, k in enumerate(order)}
        scores = []
        for partner in couple.partners:
            mine = [r for r in rows if r.partner_id == partner.id]
            scores.append(PartnerScores(partner, _points(mine), mine))
        series = []
        for s in scores:
            first = s.points[0].total if s.points else None
            series.append(
                ChartSeries(
                    s.partner.first_name,
                    [
                        ChartPoint(
                            column[p.occasion],
                            p.total,
                            change(doc, first, p.total) if n and first is not None else None,
                            _chart_label(
                                s.partner.first_name,
                                occasions[p.occasion][1],
                                p,
                                doc,
                                first if n else None,
                            ),
                        )
                        for n, p in enumerate(s.points)
                    ],
                )
            )
        table = []
        for key in order:
            cells: list[MeasureRequest | None] = []
            for s in scores:
                cells.append(next((r for r in s.requests if r.occasion == key), None))
            table.append((occasions[key][1], cells))
        result.append(
            InstrumentOutcome(
                instrument=instrument,
                doc=doc,
                rows=table,
                partners=scores,
                alerts=_alerts(doc, scores),
                chart=""
                if not any(s.points for s in scores)
                else outcome_chart_svg(
                    [occasions[k][1] for k in order],
                    series,
                    lowest=doc.lowest,
                    highest=doc.highest,
                    cutoff=doc.cutoff,
                    title=_("%(instrument)s scores over time", instrument=doc.short_name),
                    cutoff_label=_("Cutoff %(value)s", value=f"{doc.cutoff:g}")
                    if doc.cutoff is not None
                    else "",
                ),
                changes=[outcome(doc, s.points) for s in scores],
            )
        )
    return result


def _chart_label(name: str, when: str, p: Point, doc: InstrumentDoc, first: float | None) -> str:
    text = f"{name}, {when}: {p.total:g}"
    verdict = change(doc, first, p.total) if first is not None else None
    if verdict is Change.IMPROVED:
        text += " · " + _("reliably better than the first")
    elif verdict is Change.DETERIORATED:
        text += " · " + _("reliably worse than the first")
    return text


def _answers(request_ids: Iterable[int]) -> defaultdict[int, dict[str, int]]:
    """The given answers of these requests, by request and item, in one query (none when
    there are no requests). Callers choose which requests may be read."""
    ids = list(request_ids)
    given: defaultdict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        for request_id, key, value in db.session.execute(
            select(MeasureAnswer.request_id, MeasureAnswer.item_key, MeasureAnswer.value).where(
                MeasureAnswer.request_id.in_(ids)
            )
        ):
            given[request_id][key] = value
    return given


def sent_answers(requests: Sequence[MeasureRequest]) -> dict[int, list[tuple[str, str | None]]]:
    """Each sent request's answers as (question, chosen answer), in one query; unsent
    requests are left out: their answers are the partner's alone."""
    sent = {r.id: r for r in requests if r.completed_at is not None}
    given = _answers(sent)
    result = {}
    for request_id, request in sent.items():
        doc = definition(request.instrument)
        answered = []
        for item in doc.items:
            label = item.scale.label_of(given[request_id].get(item.key))
            if label is not None and item.scale.poles:
                label = f"{label} ({item.scale.poles[0]} … {item.scale.poles[1]})"
            answered.append((item.text, label))
        result[request_id] = answered
    return result


def exported_measures(
    requests: Sequence[MeasureRequest], *, include_unsent: bool
) -> list[dict[str, Any]]:
    """Questionnaires for an export: what was asked, when, the score and each answer. The
    coach's export has sent ones only; a partner's own has their unsent answers too."""
    wanted = [r for r in requests if include_unsent or r.completed_at is not None]
    given = _answers([r.id for r in wanted])
    exported = []
    for r in wanted:
        doc = definition(r.instrument)
        answers = [
            {"question": item.text, "answer": item.scale.label_of(given[r.id].get(item.key))}
            for item in doc.items
        ]
        exported.append(
            {
                "questionnaire": doc.name,
                "occasion": occasion_label(r.occasion, r.week, r.due_on),
                "asked_on": r.due_on.isoformat(),
                "sent": r.completed_at.isoformat() if r.completed_at else None,
                "score": r.score,
                "partner_may_see_score": r.partner_may_see,
                "answers": answers,
            }
        )
    return exported


# --- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardAlert:
    couple_id: int
    couple_name: str
    instrument: str
    alert: Alert
    partner_name: str | None


def refresh_alerts(pairs: Iterable[tuple[int, int]]) -> None:
    """Work out again the stored alerts of these (couple, instrument) pairs from their sent
    scores: called by whoever records a score or changes how scores are judged, in the same
    transaction."""
    wanted = set(pairs)
    if not wanted:
        return
    couple_ids = {c for c, _ in wanted}
    instrument_ids = {i for _, i in wanted}
    points: dict[tuple[int, int], dict[int, list[Point]]] = defaultdict(lambda: defaultdict(list))
    for couple_id, instrument_id, partner_id, occasion, due_on, total in db.session.execute(
        select(
            MeasureRequest.couple_id,
            MeasureRequest.instrument_id,
            MeasureRequest.partner_id,
            MeasureRequest.occasion,
            MeasureRequest.due_on,
            MeasureRequest.score,
        )
        .where(
            MeasureRequest.couple_id.in_(couple_ids),
            MeasureRequest.instrument_id.in_(instrument_ids),
            MeasureRequest.completed_at.is_not(None),
        )
        .order_by(MeasureRequest.due_on, MeasureRequest.completed_at, MeasureRequest.id)
    ):
        if (couple_id, instrument_id) in wanted and total is not None:
            points[(couple_id, instrument_id)][partner_id].append(Point(occasion, due_on, total))
    members: dict[int, list[Partner]] = defaultdict(list)
    for partner in db.session.scalars(
        select(Partner).where(Partner.couple_id.in_(couple_ids)).order_by(Partner.position)
    ):
        members[partner.couple_id].append(partner)
    docs = {
        i.id: definition(i)
        for i in db.session.scalars(select(Instrument).where(Instrument.id.in_(instrument_ids)))
    }
    for couple_id, instrument_id in wanted:
        db.session.execute(
            delete(OutcomeAlert).where(
                OutcomeAlert.couple_id == couple_id, OutcomeAlert.instrument_id == instrument_id
            )
        )
        by_partner = points.get((couple_id, instrument_id), {})
        scores = [PartnerScores(p, by_partner.get(p.id, [])) for p in members[couple_id]]
        for alert in _alerts(docs[instrument_id], scores):
            db.session.add(
                OutcomeAlert(
                    couple_id=couple_id,
                    instrument_id=instrument_id,
                    partner_id=scores[alert.partner].partner.id
                    if alert.partner is not None
                    else None,
                    kind=alert.kind.value,
                    raised_on=alert.on,
                    before=alert.before,
                    after=alert.after,
                    gap_before=alert.gap_before,
                    gap_after=alert.gap_after,
                    higher_is_better=alert.higher_is_better,
                )
            )


@transactional()
def refresh_instrument_alerts(instrument_id: int, chunk: int = 500) -> None:
    """Every couple's alerts on one questionnaire (its figures changed), a chunk at a time."""
    couple_ids = sorted(
        set(
            db.session.scalars(
                select(MeasureRequest.couple_id).where(
                    MeasureRequest.instrument_id == instrument_id,
                    MeasureRequest.completed_at.is_not(None),
                )
            )
        )
    )
    for i in range(0, len(couple_ids), chunk):
        refresh_alerts((c, instrument_id) for c in couple_ids[i : i + chunk])


@transactional()
def save_change_figures(row: Instrument, **figures) -> None:
    """The coach's reliable-change figures and drift gap, and every alert they change."""
    set_change_figures(row, **figures)
    db.session.flush()
    refresh_instrument_alerts(row.id)


def dashboard_alerts(
    now: datetime | None = None, limit: int = DASHBOARD_ROWS
) -> list[DashboardAlert]:
    """The stored alerts raised lately for couples the coach is working with, the most
    serious and newest first (a fixed number of queries, however many couples)."""
    now = now or utcnow()
    since = now.date() - timedelta(days=ALERT_DAYS)
    severity = case(
        (OutcomeAlert.kind == AlertKind.DETERIORATED.value, 0),
        (OutcomeAlert.kind == AlertKind.DRIFTING.value, 1),
        else_=2,
    )
    rows = db.session.execute(
        select(OutcomeAlert, Instrument.short_name, Partner.first_name)
        .join(Couple, Couple.id == OutcomeAlert.couple_id)
        .join(Instrument, Instrument.id == OutcomeAlert.instrument_id)
        .outerjoin(Partner, Partner.id == OutcomeAlert.partner_id)
        .where(
            OutcomeAlert.raised_on >= since,
            Couple.status.in_((CoupleStatus.ACTIVE, CoupleStatus.PAUSED, CoupleStatus.COMPLETED)),
        )
        .order_by(severity, OutcomeAlert.raised_on.desc(), OutcomeAlert.id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    names = couple_names({a.couple_id for a, *_ in rows})
    return [
        DashboardAlert(
            a.couple_id,
            names[a.couple_id],
            short_name,
            Alert(
                AlertKind(a.kind),
                a.raised_on,
                None,
                a.before,
                a.after,
                a.gap_before,
                a.gap_after,
                a.higher_is_better,
            ),
            first_name,
        )
        for a, short_name, first_name in rows
    ]


@dataclass(frozen=True)
class MissedMeasure:
    couple_id: int
    couple_name: str
    partner_name: str
    instrument: str
    occasion: str
    closed_on: date


def missed_measures(
    now: datetime | None = None, limit: int = DASHBOARD_ROWS
) -> list[MissedMeasure]:
    """Measures that closed unanswered lately, for couples still being seen."""
    now = now or utcnow()
    today = now.date()
    rows = db.session.execute(
        select(MeasureRequest, Partner.first_name, Instrument.short_name)
        .join(Partner, Partner.id == MeasureRequest.partner_id)
        .join(Instrument, Instrument.id == MeasureRequest.instrument_id)
        .join(Couple, Couple.id == MeasureRequest.couple_id)
        .where(
            MeasureRequest.completed_at.is_(None),
            # A day's slack: "today" is the couple's own date, which may be behind UTC.
            MeasureRequest.open_until < today - timedelta(days=1),
            MeasureRequest.open_until >= today - timedelta(days=MISSED_DAYS),
            Couple.status.in_((CoupleStatus.ACTIVE, CoupleStatus.COMPLETED)),
        )
        .order_by(MeasureRequest.open_until.desc(), MeasureRequest.id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    names = couple_names({r.couple_id for r, *_ in rows})
    return [
        MissedMeasure(
            r.couple_id,
            names[r.couple_id],
            first_name,
            short_name,
            occasion_label(r.occasion, r.week, r.due_on),
            r.open_until,
        )
        for r, first_name, short_name in rows
    ]


# --- across the practice --------------------------------------------------------------------------


@dataclass
class PackageOutcome:
    package: Package
    instrument: str
    improved: int = 0
    unchanged: int = 0
    deteriorated: int = 0
    not_judged: int = 0  # one score only, or no reliable-change figures

    @property
    def judged(self) -> int:
        return self.improved + self.unchanged + self.deteriorated

    def share(self, count: int) -> int:
        return round(100 * count / self.judged) if self.judged else 0


def practice_outcomes() -> list[PackageOutcome]:
    """For partners of couples who completed their package: first score against last on each
    instrument, per package (a fixed number of queries)."""
    completed = list(
        db.session.execute(
            select(Couple.id, Enrollment.package_id)
            .join(Enrollment, Enrollment.couple_id == Couple.id)
            .where(Couple.status == CoupleStatus.COMPLETED, Enrollment.ended_at.is_(None))
        ).all()
    )
    if not completed:
        return []
    package_of = dict(completed)
    rows = list(
        db.session.scalars(
            select(MeasureRequest)
            .where(
                MeasureRequest.couple_id.in_(package_of),
                MeasureRequest.completed_at.is_not(None),
            )
            .options(selectinload(MeasureRequest.instrument))
            .order_by(MeasureRequest.due_on, MeasureRequest.id)
        )
    )
    packages = {
        p.id: p
        for p in db.session.scalars(select(Package).where(Package.id.in_(set(package_of.values()))))
    }
    series: dict[tuple[int, int, int], list[MeasureRequest]] = defaultdict(list)
    for r in rows:
        series[(package_of[r.couple_id], r.instrument_id, r.partner_id)].append(r)
    tally: dict[tuple[int, int], PackageOutcome] = {}
    for (package_id, instrument_id, _partner), mine in series.items():
        instrument = mine[0].instrument
        entry = tally.setdefault(
            (package_id, instrument_id), PackageOutcome(packages[package_id], instrument.short_name)
        )
        verdict = outcome(definition(instrument), _points(mine))
        if verdict is Change.IMPROVED:
            entry.improved += 1
        elif verdict is Change.UNCHANGED:
            entry.unchanged += 1
        elif verdict is Change.DETERIORATED:
            entry.deteriorated += 1
        else:
            entry.not_judged += 1
    return sorted(tally.values(), key=lambda e: (e.package.position, e.package.name, e.instrument))
