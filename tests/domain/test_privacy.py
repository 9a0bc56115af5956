import pytest

from coachpro.domain.privacy import Viewer, can_read

MATRIX = {
    # visibility: who may read it
    "me": {Viewer.AUTHOR},
    "us": {Viewer.AUTHOR, Viewer.PARTNER},
    "coach": {Viewer.AUTHOR, Viewer.PARTNER, Viewer.COACH},
}


@pytest.mark.parametrize("visibility", MATRIX)
@pytest.mark.parametrize("viewer", list(Viewer))
def test_every_visibility_against_every_viewer(visibility, viewer):
    assert can_read(visibility, viewer) is (viewer in MATRIX[visibility])


def test_an_unknown_visibility_is_private():
    assert can_read("everyone", Viewer.AUTHOR)
    assert not can_read("everyone", Viewer.PARTNER)


@pytest.mark.parametrize("viewer", list(Viewer))
def test_counts_are_made_from_exactly_the_visibilities_a_viewer_may_read(viewer):
    from coachpro.domain.privacy import readable_visibilities

    assert set(readable_visibilities(viewer)) == {v for v, who in MATRIX.items() if viewer in who}


def test_the_partner_counts_shared_entries_and_the_coach_only_coach_ones():
    from coachpro.domain.privacy import readable_visibilities

    assert readable_visibilities(Viewer.PARTNER) == ("us", "coach")
    assert readable_visibilities(Viewer.COACH) == ("coach",)
    assert readable_visibilities(Viewer.OTHER) == ()
