"""The steps of text reminders, shared by the portal (a partner) and the visitor's manage
page (a consult): send a code, type it back, stop. The routes say whose number it is
(`owner`: partner= or consult=) and which page to show."""

from flask import flash
from flask_babel import gettext as _

from coachpro.domain.phones import NotTextable, masked
from coachpro.forms import TextCodeForm, TextNumberForm
from coachpro.i18n import current_locale, explain
from coachpro.services import texting


def region() -> str | None:
    """Where a number typed without its country code is read: the reader's locale's country."""
    return current_locale().territory


def sent_code(form: TextNumberForm, owner: dict) -> bool:
    """Send a code to the number in the form; False (with the problem on the field) if not."""
    if not form.validate_on_submit():
        return False
    try:
        row = texting.send_code(form.number.data or "", region(), **owner)
    except (NotTextable, texting.TextingRefused) as exc:
        form.number.errors.append(explain(exc))
        return False
    flash(_("A code is on its way to %(number)s.", number=masked(row.number)), "success")
    return True


def confirmed(form: TextCodeForm, owner: dict) -> bool:
    """Turn reminders on with the code in the form; False (with the problem) if not."""
    row = texting.number_of(**owner)
    if row is None or not form.validate_on_submit():
        return False
    problem = texting.confirm_code(row, form.code.data or "")
    if problem is not None:
        form.code.errors.append(_(problem))
        return False
    flash(_("Text reminders are on."), "success")
    return True


def stopped(owner: dict) -> None:
    row = texting.number_of(**owner)
    if row is not None:
        texting.stop_texts(row)
        flash(_("No more text messages: your number is removed."), "success")


def context(owner: dict, number_form=None, code_form=None) -> dict:
    """What the page needs to show the section (nothing when texts are off)."""
    if not texting.texting_on():
        return {"texts": None}
    if number_form is None:
        number_form = TextNumberForm(formdata=None)
        # The phone a visitor gave when booking, ready to confirm.
        consult = owner.get("consult")
        number_form.number.data = getattr(consult, "phone", None) or ""
    return {
        "texts": {
            "row": texting.number_of(**owner),
            "number_form": number_form,
            "code_form": code_form or TextCodeForm(formdata=None),
            "masked": masked,
        }
    }
