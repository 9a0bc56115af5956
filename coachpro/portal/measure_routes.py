"""Questionnaires on the partner's phone: who sees what first, then one question per screen,
stop and come back, look over the answers, send, and see the score."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.models import MeasureRequest, Partner, Role
from coachpro.models.types import utcnow
from coachpro.portal import bp
from coachpro.portal.forms import ActionForm, MeasureAnswerForm, MeasureStartForm
from coachpro.services import measures
from coachpro.services.homework import local_today
from coachpro.services.instruments import definition
from coachpro.services.portal_home import other_partner, partner_for
from coachpro.templating import day_format


def _mine(request_id: int) -> tuple[Partner, MeasureRequest]:
    me = partner_for(current_user)
    if me is None:
        abort(403)
    asked = measures.own_request(me, request_id)
    if asked is None:  # another partner's questionnaire does not exist for this one
        abort(404)
    return me, asked


def _answering(me: Partner, asked: MeasureRequest) -> bool:
    """Started, not sent, still open: otherwise the start page says where things stand."""
    return asked.started_at is not None and measures.is_open(asked, local_today(me, utcnow()))


@bp.get("/questionnaires")
@role_required(Role.CLIENT)
def measures_page():
    me = partner_for(current_user)
    if me is None:
        abort(403)
    partner = other_partner(me)
    today = local_today(me, utcnow())
    mine = measures.partner_requests(me)
    return render_template(
        "portal/measures.html",
        me=me,
        partner=partner,
        open_now=[r for r in mine if measures.is_open(r, today)],
        sent=[r for r in mine if r.completed_at is not None],
        missed=[r for r in mine if r.completed_at is None and r.open_until < today],
        theirs=measures.shared_scores(partner) if partner else [],
        definition=definition,
    )


@bp.route("/questionnaires/<int:request_id>", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def measure_start(request_id: int):
    me, asked = _mine(request_id)
    doc = definition(asked.instrument)
    if asked.completed_at is not None:
        return redirect(url_for("portal.measures_page", _anchor=f"sent-{asked.id}"))
    form = MeasureStartForm(data={"partner_may_see": "yes" if asked.partner_may_see else "no"})
    if form.validate_on_submit():
        try:
            measures.begin(asked, form.partner_may_see.data == "yes")
        except measures.MeasureError as error:
            flash(str(error), "error")
            return redirect(url_for("portal.measures_page"))
        answers = measures.answers_of(asked)
        return redirect(
            url_for(
                "portal.measure_question",
                request_id=asked.id,
                number=measures.next_question(asked, answers) + 1,
            )
        )
    answers = measures.answers_of(asked)
    return render_template(
        "portal/measure_start.html",
        me=me,
        partner=other_partner(me),
        asked=asked,
        doc=doc,
        answered=len(answers),
        is_open=measures.is_open(asked, local_today(me, utcnow())),
        form=form,
    )


@bp.route("/questionnaires/<int:request_id>/<int:number>", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def measure_question(request_id: int, number: int):
    me, asked = _mine(request_id)
    doc = definition(asked.instrument)
    if not 1 <= number <= len(doc.items):
        abort(404)
    if not _answering(me, asked):
        return redirect(url_for("portal.measure_start", request_id=asked.id))
    item = doc.items[number - 1]
    answers = measures.answers_of(asked)
    form = MeasureAnswerForm(data={"answer": answers.get(item.key)})
    form.answer.choices = [(o.value, o.label) for o in item.scale.options]
    if form.validate_on_submit():
        pausing = bool(form.pause.data)
        if form.answer.data is None and not pausing:
            form.answer.errors = [_("Choose an answer, or stop here and finish later.")]
        else:
            try:
                if form.answer.data is not None:
                    measures.save_answer(asked, item.key, form.answer.data)
            except measures.MeasureError as error:
                form.answer.errors = [str(error)]
            else:
                if pausing:
                    flash(
                        _("Your answers are kept. Come back any time before %(day)s.",
                          day=day_format(asked.open_until)),
                        "success",
                    )  # fmt: skip
                    return redirect(url_for("portal.measures_page"))
                if number < len(doc.items):
                    return redirect(
                        url_for("portal.measure_question", request_id=asked.id, number=number + 1)
                    )
                return redirect(url_for("portal.measure_review", request_id=asked.id))
    elif form.is_submitted() and form.answer.errors:
        form.answer.errors = [_("Choose one of the answers.")]
    return render_template(
        "portal/measure_question.html",
        asked=asked,
        doc=doc,
        item=item,
        number=number,
        count=len(doc.items),
        form=form,
    )


@bp.route("/questionnaires/<int:request_id>/review", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def measure_review(request_id: int):
    me, asked = _mine(request_id)
    if not _answering(me, asked):
        return redirect(url_for("portal.measure_start", request_id=asked.id))
    doc = definition(asked.instrument)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            result = measures.send_answers(asked)
        except measures.MeasureError as error:
            flash(str(error), "error")
        else:
            flash(
                _("Thank you. Your answers are with your coach. Your score: %(score)s.",
                  score=f"{result.total:g}"),
                "success",
            )  # fmt: skip
            return redirect(url_for("portal.measures_page", _anchor=f"sent-{asked.id}"))
    answers = measures.answers_of(asked)
    return render_template(
        "portal/measure_review.html",
        asked=asked,
        doc=doc,
        answers=answers,
        labels={i.key: i.scale.label_of(answers.get(i.key)) for i in doc.items},
        form=form,
    )


@bp.post("/questionnaires/<int:request_id>/visibility")
@role_required(Role.CLIENT)
def measure_visibility(request_id: int):
    me, asked = _mine(request_id)
    form = MeasureStartForm()
    if form.validate_on_submit():
        measures.set_partner_may_see(asked, form.partner_may_see.data == "yes")
        partner = other_partner(me)
        name = partner.first_name if partner else _("your partner")
        flash(
            _("%(name)s may now see this score.", name=name)
            if asked.partner_may_see
            else _("Only you and your coach see this score now."),
            "success",
        )
    return redirect(url_for("portal.measures_page", _anchor=f"sent-{asked.id}"))
