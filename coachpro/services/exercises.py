"""The exercise library: built-ins stay pristine; the coach writes or copies their own."""

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.models import Exercise, ExerciseKind, Mode
from coachpro.services.unit_of_work import transactional


class ExerciseError(ValueError):
    pass


@dataclass(frozen=True)
class ExerciseDetails:
    title: str
    theme: str
    summary: str
    instructions: str
    why: str
    default_cadence: str
    mode: str
    duration_minutes: int
    kind: str
    default_visibility: str


def library(include_hidden: bool = True) -> dict[str, list[Exercise]]:
    """Exercises grouped by theme, built-ins first within each theme."""
    query = select(Exercise).order_by(Exercise.theme, Exercise.built_in.desc(), Exercise.id)
    if not include_hidden:
        query = query.where(Exercise.hidden.is_(False))
    grouped: dict[str, list[Exercise]] = {}
    for exercise in db.session.scalars(query):
        grouped.setdefault(exercise.theme, []).append(exercise)
    return grouped


@transactional()
def create_exercise(details: ExerciseDetails) -> Exercise:
    exercise = Exercise(built_in=False, **vars(_fitting(details)))
    db.session.add(exercise)
    return exercise


@transactional()
def copy_exercise(original: Exercise) -> Exercise:
    """An editable copy of any exercise (the way to change a built-in)."""
    copy = Exercise(
        built_in=False,
        title=_("%(title)s (my version)", title=original.title)[:120],
        copied_from_id=original.id,
        **{
            name: getattr(original, name)
            for name in (
                "theme",
                "summary",
                "instructions",
                "why",
                "default_cadence",
                "mode",
                "duration_minutes",
                "kind",
                "default_visibility",
            )
        },
    )
    db.session.add(copy)
    return copy


@transactional()
def update_exercise(exercise: Exercise, details: ExerciseDetails) -> None:
    if exercise.built_in:
        raise ExerciseError(_("Built-in exercises stay as they ship. Make a copy to change it."))
    for name, value in vars(_fitting(details)).items():
        setattr(exercise, name, value)


def _fitting(details: ExerciseDetails) -> ExerciseDetails:
    """An "answer, then reveal" is answered by each partner on their own, never together."""
    if details.kind == ExerciseKind.REVEAL and details.mode != Mode.EACH:
        return replace(details, mode=Mode.EACH)
    return details


@transactional()
def set_hidden(exercise: Exercise, hidden: bool) -> None:
    exercise.hidden = hidden
