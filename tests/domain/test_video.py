"""Video links: what counts as a link to join, which Jitsi hosts and fixed links are
accepted, rooms nobody can guess, and when the Join button comes forward."""

from datetime import UTC, datetime, timedelta

import pytest

from coachpro.domain import video


@pytest.mark.parametrize(
    ("place", "joinable"),
    [
        ("https://meet.jit.si/Kindred-abc", True),
        ("https://us02web.zoom.us/j/123?pwd=x", True),
        ("http://meet.example.org/room", True),
        ("Harbour Street 4, second floor", False),
        ("https://meet.jit.si/two words", False),
        ("javascript:alert(1)", False),
        ("ftp://files.example.org", False),
        ("", False),
        (None, False),
    ],
)
def test_only_web_addresses_are_calls_to_join(place, joinable):
    assert video.is_link(place) is joinable


def test_a_fixed_link_must_be_https():
    assert video.valid_meeting_link("https://meet.google.com/abc-defg-hij")
    assert not video.valid_meeting_link("http://meet.google.com/abc-defg-hij")
    assert not video.valid_meeting_link("https://" + "a" * 300 + ".com")


@pytest.mark.parametrize(
    ("host", "valid"),
    [("meet.jit.si", True), ("Jitsi.Example.org", True), ("localhost", False),
     ("meet.jit.si/room", False), ("bad host.org", False), ("-x.org", False)],
)  # fmt: skip
def test_jitsi_hosts_are_host_names(host, valid):
    assert video.valid_host(host) is valid


def test_each_jitsi_room_is_new_unguessable_and_named_for_the_practice():
    rooms = {video.jitsi_room("meet.jit.si", "Kindred Coaching") for _ in range(200)}
    assert len(rooms) == 200
    for room in rooms:
        assert room.startswith("https://meet.jit.si/KindredCoaching-")
        secret = room.rsplit("-", 1)[1]
        assert len(secret) == 24 and secret.isalnum()
        assert video.is_link(room)
    assert video.jitsi_room("meet.jit.si", "Ümlaut & Co.").startswith(
        "https://meet.jit.si/mlautCo-"
    )
    assert video.jitsi_room("meet.jit.si", "").startswith("https://meet.jit.si/CoachPro-")


def test_the_join_button_comes_forward_ten_minutes_before_until_the_end():
    start = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    end = start + timedelta(minutes=75)
    assert not video.join_is_near(start, end, start - timedelta(minutes=11))
    assert video.join_is_near(start, end, start - timedelta(minutes=10))
    assert video.join_is_near(start, end, end - timedelta(seconds=1))
    assert not video.join_is_near(start, end, end)
