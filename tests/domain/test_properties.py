"""Property-based tests (Hypothesis) for the pure domain functions."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from coachpro.domain.availability import AvailabilityRules, Interval, TimeRange, free_slots
from coachpro.domain.money import format_money, parse_major_units
from coachpro.domain.progress import day_streak, milestones

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland", "UTC"]
# Windows around DST changes in those zones, and an ordinary week.
WINDOW_STARTS = [date(2026, 3, 6), date(2026, 3, 27), date(2026, 10, 23), date(2026, 10, 30),
                 date(2026, 4, 3), date(2026, 9, 25), date(2026, 6, 8)]  # fmt: skip
NOW = datetime(2026, 1, 1, tzinfo=UTC)

minutes = st.integers(min_value=0, max_value=24 * 60)


@st.composite
def ranges(draw):
    a, b = sorted(draw(st.lists(minutes, min_size=2, max_size=2, unique=True)))
    return TimeRange(a, b)


@st.composite
def rules(draw):
    weekly = {
        day: [draw(ranges())] for day in draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    }
    return AvailabilityRules(
        timezone=draw(st.sampled_from(ZONES)),
        weekly_hours=weekly,
        consult_minutes=draw(st.sampled_from([15, 30, 45, 60])),
        step_minutes=draw(st.sampled_from([15, 30, 60])),
        buffer_before_minutes=draw(st.sampled_from([0, 10, 15])),
        buffer_after_minutes=draw(st.sampled_from([0, 5, 15])),
        min_notice=timedelta(0),
        horizon_days=400,
    )


@st.composite
def busy(draw, first: date):
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    items = []
    for _ in range(draw(st.integers(0, 6))):
        offset = draw(st.integers(0, 8 * 24 * 60))
        length = draw(st.integers(10, 180))
        begin = start + timedelta(minutes=offset)
        items.append(Interval(begin, begin + timedelta(minutes=length)))
    return items


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_free_slots_avoid_busy_time_dst_gaps_and_stay_inside_hours(data):
    r = data.draw(rules())
    first = data.draw(st.sampled_from(WINDOW_STARTS))
    blocked = data.draw(busy(first))
    zone = ZoneInfo(r.timezone)
    slots = free_slots(r, blocked, first, first + timedelta(days=6), NOW)
    starts = [s.start for s in slots]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for slot in slots:
        wide = slot.widened(r.buffer_before, r.buffer_after)
        assert not any(wide.overlaps(b.widened(r.buffer_before, r.buffer_after)) for b in blocked)
        local = slot.start.astimezone(zone)
        # The wall-clock time exists (not in a spring-forward gap) and round-trips.
        assert local.replace(tzinfo=None).replace(tzinfo=zone, fold=local.fold) == local
        hours = r.hours_on(local.date())
        minute = local.hour * 60 + local.minute
        assert any(h.start <= minute < h.end for h in hours)
        assert slot.end - slot.start == timedelta(minutes=r.consult_minutes)


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["USD", "EUR", "JPY", "KWD"]))
def test_money_round_trips_exactly_and_never_goes_negative(cents, currency):
    digits = {"JPY": 0, "KWD": 3}.get(currency, 2)
    typed = str(Decimal(cents).scaleb(-digits)) if digits else str(cents)
    parsed = parse_major_units(typed, currency)
    assert parsed == cents and parsed >= 0
    assert not format_money(cents, currency).startswith("-")


days = st.lists(st.integers(0, 120).map(lambda n: date(2026, 1, 1) + timedelta(days=n)))


@settings(max_examples=300)
@given(days, days, st.integers(0, 130))
def test_streaks_and_milestones_only_grow_when_practice_is_added(some, more, today_offset):
    today = date(2026, 1, 1) + timedelta(days=today_offset)
    assert day_streak(some + more, today) >= day_streak(some, today)
    before = {m.key: m.reached_on for m in milestones(some, some, some)}
    after = {m.key: m.reached_on for m in milestones(some + more, some + more, some + more)}
    assert set(before) <= set(after)
    assert all(after[key] <= reached for key, reached in before.items())
