"""The coach's couples: list, create, edit, and everything on a couple's page."""

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.choices import package_choices, zone_choices
from coachpro.coach import bp
from coachpro.coach.forms import (
    PARTNER_FIELDS,
    ActionForm,
    CommentForm,
    CoupleForm,
    EnrollForm,
    EraseForm,
    ManualPaymentForm,
    MilestoneForm,
    NoteForm,
    SessionNotesForm,
    StatusForm,
)
from coachpro.models import (
    CoachNote,
    Couple,
    CoupleStatus,
    Package,
    Partner,
    Role,
)
from coachpro.models.types import utcnow
from coachpro.query_args import int_arg
from coachpro.services import couples as couple_service
from coachpro.services import (
    portal_access,
    privacy,
)
from coachpro.services.calendar import practice_today, practice_zone
from coachpro.services.couple_page import Pages, couple_page
from coachpro.services.couple_search import CoupleFilters, CoupleSort, list_couples
from coachpro.services.lookup import get_or_404
from coachpro.status_labels import status_label
from coachpro.templating import day_format


@bp.get("/couples")
@role_required(Role.COACH)
def couples():
    try:
        sort = CoupleSort(request.args.get("sort", CoupleSort.NEWEST))
    except ValueError:
        sort = CoupleSort.NEWEST
    status = request.args.get("status") or None
    if status not in {None, *CoupleStatus}:
        status = None
    filters = CoupleFilters(
        package=request.args.get("package") or None,
        status=status,
        q=request.args.get("q", "")[:100],
        sort=sort,
        page=int_arg("page", 1) or 1,
    )
    listing = list_couples(filters, utcnow())
    return render_template(
        "coach/couples.html",
        listing=listing,
        filters=filters,
        statuses=list(CoupleStatus),
        sorts=list(CoupleSort),
        zone=practice_zone(),
    )


def _couple_form(couple: Couple | None = None) -> CoupleForm:
    form = CoupleForm()
    # An older zone name already saved for them stays choosable: editing anything else must
    # not fail on it.
    form.timezone.choices = zone_choices(utcnow(), couple.timezone if couple else None)
    if request.method == "GET":
        if couple is None:
            form.timezone.data = str(practice_zone().key)
        else:
            form.timezone.data = couple.timezone
            form.source.data = couple.source
            for partner in couple.partners:
                for name in PARTNER_FIELDS:
                    getattr(form, f"partner{partner.position}_{name}").data = getattr(partner, name)
    return form


def _details(form: CoupleForm) -> couple_service.CoupleDetails:
    def partner(n: int) -> couple_service.PartnerDetails:
        return couple_service.PartnerDetails(
            **{name: getattr(form, f"partner{n}_{name}").data or "" for name in PARTNER_FIELDS}
        )

    return couple_service.CoupleDetails(
        partners=(partner(1), partner(2)),
        timezone=form.timezone.data,
        source=form.source.data,
    )


@bp.route("/couples/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_couple():
    form = _couple_form()
    status = 200
    if form.validate_on_submit():
        try:
            couple = couple_service.create_couple(_details(form))
        except couple_service.CoupleError as exc:
            form.show_errors(exc.fields)
            status = 422
        else:
            flash(_("Added %(couple)s.", couple=couple.display_name), "success")
            return redirect(url_for("coach.couple", couple_id=couple.id))
    elif request.method == "POST":
        status = 422
    return render_template("coach/couple_form.html", form=form, couple=None), status


@bp.route("/couples/<int:couple_id>/edit", methods=["GET", "POST"])
@role_required(Role.COACH)
def edit_couple(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = _couple_form(couple)
    status = 200
    if form.validate_on_submit():
        try:
            couple_service.update_couple(couple, _details(form))
        except couple_service.CoupleError as exc:
            form.show_errors(exc.fields)
            status = 422
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("coach.couple", couple_id=couple.id))
    elif request.method == "POST":
        status = 422
    return render_template("coach/couple_form.html", form=form, couple=couple), status


@bp.get("/couples/<int:couple_id>")
@role_required(Role.COACH)
def couple(couple_id: int):
    pages = Pages(*(int_arg(f"{name}_page", 1) or 1 for name in ("notes", "sessions", "timeline")))
    page = couple_page(couple_id, utcnow(), pages)
    enroll_form = EnrollForm(formdata=None)
    enroll_form.package.choices = package_choices(blank=None)
    enroll_form.start_date.data = practice_today()
    if page.couple.package_id:
        enroll_form.package.data = str(page.couple.package_id)
    return render_template(
        "coach/couple.html",
        **page.for_template(),
        manual_form=ManualPaymentForm(formdata=None, paid_on=practice_today()),
        comment_form=CommentForm(formdata=None),
        milestone_form=MilestoneForm(formdata=None),
        status_form=StatusForm(formdata=None, status=page.couple.status),
        enroll_form=enroll_form,
        note_form=NoteForm(formdata=None),
        session_notes_form=SessionNotesForm(formdata=None),
        action_form=ActionForm(),
        zone=practice_zone(),
        now=utcnow(),
    )


def _back_to(couple: Couple, anchor: str = ""):
    return redirect(url_for("coach.couple", couple_id=couple.id) + anchor)


@bp.post("/couples/<int:couple_id>/status")
@role_required(Role.COACH)
def change_status(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = StatusForm()
    if form.validate_on_submit():
        couple_service.change_status(couple, CoupleStatus(form.status.data))
        flash(_("Status is now %(status)s.", status=status_label(couple.status)), "success")
    else:
        flash(_("Choose one of the statuses."), "error")
    return _back_to(couple)


@bp.post("/couples/<int:couple_id>/enroll")
@role_required(Role.COACH)
def enroll(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = EnrollForm()
    form.package.choices = package_choices(blank=None)
    if form.validate_on_submit():
        package = get_or_404(Package, int(form.package.data))
        couple_service.enroll(couple, package, form.start_date.data)
        flash(
            _(
                "Enrolled in %(package)s from %(day)s.",
                package=package.name,
                day=day_format(form.start_date.data, "%-d %B %Y"),
            ),
            "success",
        )
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return _back_to(couple, "#enrollment")


@bp.post("/couples/<int:couple_id>/notes")
@role_required(Role.COACH)
def add_note(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = NoteForm()
    if form.validate_on_submit():
        couple_service.add_note(couple, current_user, form.body.data)
        flash(_("Note saved."), "success")
    else:
        flash(_("Write something before saving a note."), "error")
    return _back_to(couple, "#notes")


@bp.post("/couples/<int:couple_id>/notes/<int:note_id>")
@role_required(Role.COACH)
def edit_note(couple_id: int, note_id: int):
    couple = get_or_404(Couple, couple_id)
    note = get_or_404(CoachNote, note_id, couple=couple)
    form = NoteForm()
    if form.validate_on_submit():
        couple_service.edit_note(note, form.body.data)
        flash(_("Note updated."), "success")
    else:
        flash(_("A note cannot be empty; delete it instead."), "error")
    return _back_to(couple, "#notes")


@bp.post("/couples/<int:couple_id>/notes/<int:note_id>/delete")
@role_required(Role.COACH)
def delete_note(couple_id: int, note_id: int):
    couple = get_or_404(Couple, couple_id)
    note = get_or_404(CoachNote, note_id, couple=couple)
    if ActionForm().validate_on_submit():
        couple_service.delete_note(note)
        flash(_("Note deleted."), "info")
    return _back_to(couple, "#notes")


@bp.post("/couples/<int:couple_id>/partners/<int:partner_id>/invite")
@role_required(Role.COACH)
def invite_partner(couple_id: int, partner_id: int):
    couple = get_or_404(Couple, couple_id)
    partner = get_or_404(Partner, partner_id, couple=couple)
    if ActionForm().validate_on_submit():
        try:
            portal_access.invite_partner(partner)
        except portal_access.InviteError as exc:
            flash(str(exc), "error")
        else:
            flash(
                _("Invitation sent to %(email)s. The link works for 7 days.", email=partner.email),
                "success",
            )
    return _back_to(couple, "#partners")


@bp.post("/couples/<int:couple_id>/partners/<int:partner_id>/revoke")
@role_required(Role.COACH)
def revoke_partner(couple_id: int, partner_id: int):
    couple = get_or_404(Couple, couple_id)
    partner = get_or_404(Partner, partner_id, couple=couple)
    if ActionForm().validate_on_submit():
        portal_access.revoke_access(partner)
        flash(_("%(name)s can no longer sign in.", name=partner.first_name), "info")
    return _back_to(couple, "#partners")


@bp.get("/couples/<int:couple_id>/export.json")
@role_required(Role.COACH)
def export_json(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    body = json.dumps(privacy.export_couple(couple), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="couple-{couple.id}-export.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/couples/<int:couple_id>/export")
@role_required(Role.COACH)
def export_page(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    return render_template("coach/export.html", couple=couple, data=privacy.export_couple(couple))


@bp.route("/couples/<int:couple_id>/erase", methods=["GET", "POST"])
@role_required(Role.COACH)
def erase(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    form = EraseForm()
    status = 200
    if form.validate_on_submit():
        name = couple.display_name
        try:
            privacy.erase_couple(couple, form.confirmation.data, current_user)
        except privacy.EraseRefused as exc:
            form.confirmation.errors.append(str(exc))
            status = 422
        else:
            flash(_("%(names)s and everything about them has been erased.", names=name), "info")
            return redirect(url_for("coach.couples"))
    elif request.method == "POST":
        status = 422
    return render_template("coach/erase.html", couple=couple, form=form), status
