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
