"""Property-based tests (Hypothesis) for the pure domain functions."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, vText

from coachpro.domain.availability import (
    AvailabilityRules,
    BusyTimeline,
    Interval,
    TimeRange,
    free_slots,
)
from coachpro.domain.invites import CalendarEvent, InviteMethod, Person, _calendar, _event, feed_ics
from coachpro.domain.money import MAX_MINOR_UNITS, format_money, parse_major_units
from coachpro.domain.occurrences import Cadence, Schedule, occurrences
from coachpro.domain.progress import assignment_streak, day_streak, milestones, recent_streak

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland", "UTC"]
# Windows around DST changes in those zones, and an ordinary week.
WINDOW_STARTS = [date(2026, 3, 6), date(2026, 3, 27), date(2026, 10, 23), date(2026, 10, 30),
                 date(2026, 4, 3), date(2026, 9, 25), date(2026, 6, 8)]  # fmt: skip
NOW = datetime(2026, 1, 1, tzinfo=UTC)

minutes = st.integers(min_value=0, max_value=24 * 60)


def slots_between(rules, busy, first_day, last_day, now, consults_per_day=None):
    """The app's free_slots with a fixed list of busy time (the app loads it from the database)."""
    return free_slots(rules, first_day, last_day, now, lambda a, b: (busy, consults_per_day or {}))


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
    slots = slots_between(r, blocked, first, first + timedelta(days=6), NOW)
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
@given(
    st.integers(min_value=0, max_value=MAX_MINOR_UNITS),
    st.sampled_from(["USD", "EUR", "JPY", "KWD"]),
)
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


@st.composite
def spans(draw):
    start = NOW + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    return Interval(start, start + timedelta(minutes=draw(st.integers(1, 240))))


@settings(max_examples=300, deadline=None)
@given(busy_spans=st.lists(spans(), max_size=12), probe=spans())
def test_busy_timeline_agrees_with_checking_every_interval(busy_spans, probe):
    timeline = BusyTimeline(busy_spans)
    assert timeline.overlaps(probe) == any(probe.overlaps(b) for b in busy_spans)


# Text a coach or visitor might type: commas, semicolons, quotes, backslashes, carets,
# line breaks, accents and emoji, short and long (folding).
calendar_text = st.lists(
    st.sampled_from([*"ab ,;:\\\"^\n'éß€😀", "xyz", "Lorem ipsum "]), max_size=60
).map(lambda parts: "".join(parts).strip())


@settings(max_examples=150, deadline=None)
@given(
    summary=calendar_text,
    description=calendar_text,
    location=st.none() | calendar_text,
    name=calendar_text.map(lambda text: text.replace("\\", "")).filter(bool),
    cancelled=st.booleans(),
    conference=st.none()
    | st.sampled_from(["https://meet.jit.si/Kindred-Ab3", "https://zoom.us/j/1?pwd=a,b;c"]),
)
def test_feed_reads_back_as_icalendar_itself_would_write_it(
    summary, description, location, name, cancelled, conference
):
    start = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    event = CalendarEvent(
        uid="session-1@coachpro.example",
        sequence=3,
        start=start,
        end=start + timedelta(minutes=50),
        summary=summary,
        description=description,
        organizer=Person(name, "coach@example.com"),
        cancelled=cancelled,
        location=location,
        url="https://coachpro.example/book/tok?x=1,2",
        conference=conference,
    )
    ours = feed_ics([event], name=name, timezone="Europe/Berlin", stamp=NOW)
    assert all(len(line) <= 75 for line in ours.split(b"\r\n"))
    # What icalendar's own component tree writes for the same feed.
    reference = _calendar(InviteMethod.PUBLISH)
    reference.add("refresh-interval;value=duration", "PT15M")
    reference.add("x-published-ttl", "PT15M")
    reference.add("x-wr-timezone", "Europe/Berlin")
    reference.add_component(_event(event, NOW, with_attendees=False))
    mine, theirs = Calendar.from_ical(ours), Calendar.from_ical(reference.to_ical())
    # The calendar's name is escaped as TEXT (icalendar would write an X- property raw).
    assert mine.pop("X-WR-CALNAME") == vText(name).to_ical().decode()
    assert sorted(mine.items()) == sorted(theirs.items())
    (mine_event,) = mine.walk("VEVENT")
    (their_event,) = theirs.walk("VEVENT")
    assert sorted(mine_event) == sorted(their_event)
    for key in their_event:
        assert mine_event.decoded(key) == their_event.decoded(key), key
    assert mine_event["ORGANIZER"].params["CN"] == name
    if conference:  # a video call: the address, and what it is, as RFC 7986 says
        assert mine_event["CONFERENCE"].params == their_event["CONFERENCE"].params
        assert mine_event["CONFERENCE"].params["FEATURE"] == "VIDEO"


@st.composite
def schedules(draw):
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    pauses = []
    for _ in range(draw(st.integers(0, 2))):
        paused = start + timedelta(days=draw(st.integers(0, 300)))
        resumed = draw(
            st.none() | st.integers(1, 60).map(lambda n, p=paused: p + timedelta(days=n))
        )
        pauses.append((paused, resumed))
    return Schedule(
        draw(st.sampled_from(list(Cadence))),
        start,
        end=draw(st.none() | st.integers(0, 500).map(lambda n: start + timedelta(days=n))),
        count=draw(st.none() | st.integers(1, 90)),
        weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        pauses=tuple(pauses),
        ended_on=draw(st.none() | st.integers(0, 500).map(lambda n: start + timedelta(days=n))),
    )


@settings(max_examples=300, deadline=None)
@given(schedule=schedules(), offset=st.integers(-30, 700), span=st.integers(0, 120))
def test_occurrences_in_a_window_are_the_full_list_cut_to_it(schedule, offset, span):
    first = schedule.start + timedelta(days=offset)
    last = first + timedelta(days=span)
    everything = occurrences(schedule, schedule.start, last)
    assert occurrences(schedule, first, last) == [d for d in everything if d >= first]
    assert all(not schedule.paused_on(d) for d in everything)
    if schedule.count is not None:
        assert len(everything) <= schedule.count


@settings(max_examples=300, deadline=None)
@given(
    schedule=schedules(),
    age=st.integers(0, 700),
    missed=st.sets(st.integers(0, 700), max_size=6),
    window=st.integers(1, 120),
)
def test_a_streak_read_from_recent_weeks_is_the_streak_of_the_whole_history(
    schedule, age, missed, window
):
    """The couple's page looks back a few weeks first: the streak it shows is the same as
    counting every occurrence since the assignment began, however long ago that was."""
    today = schedule.start + timedelta(days=age)
    everything = occurrences(schedule, schedule.start, today)
    done = {d for i, d in enumerate(everything) if i not in missed}
    shown = recent_streak(
        lambda first: occurrences(schedule, first, today),
        schedule.start,
        done,
        today,
        window=timedelta(days=window),
    )
    assert shown == assignment_streak(everything, done, today)
