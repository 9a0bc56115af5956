"""The video link a new consult or session gets, from the practice's choice. Given once, at
booking: moving the appointment keeps it, so the link people saved keeps working."""

from coachpro.domain import video
from coachpro.services.practice_settings import practice


def new_meeting_location() -> str | None:
    """The fixed link, a new private Jitsi room, or None (no video call set up)."""
    settings = practice()
    if settings.video_mode == video.FIXED:
        return settings.video_link
    if settings.video_mode == video.JITSI:
        return video.jitsi_room(settings.jitsi_host, settings.name)
    return None
