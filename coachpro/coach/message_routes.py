"""The coach's messages: the inbox across every couple, each couple's threads, and the
practice's secrets policy."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.forms import SecretsPolicyForm
from coachpro.domain.explained import Explained
from coachpro.i18n import explain
from coachpro.messaging import views
from coachpro.models import Couple, Role
from coachpro.models.types import utcnow
from coachpro.query_args import int_arg
from coachpro.services import messages as messaging
from coachpro.services.lookup import get_or_404
from coachpro.services.message_threads import coach_inbox, threads_of
from coachpro.services.secrets_policy import PRESETS, current_policy, save_policy


@bp.get("/messages")
@role_required(Role.COACH)
def inbox():
    q = request.args.get("q", "")[:100]
    return render_template(
        "messages/inbox.html",
        inbox=coach_inbox(views.reader(), q, int_arg("page", 1) or 1),
        policy=current_policy(),
    )


@bp.get("/couples/<int:couple_id>/messages")
@role_required(Role.COACH)
def couple_messages(couple_id: int):
    """The couple's joint thread (their threads are made the first time anyone opens them)."""
    couple = get_or_404(Couple, couple_id)
    threads = threads_of(views.reader(), couple)
    return redirect(url_for("coach.message_thread", thread_id=threads[0].id))


@bp.route("/messages/<int:thread_id>", methods=["GET", "POST"])
@role_required(Role.COACH)
def message_thread(thread_id: int):
    return views.thread_page("coach", thread_id)


@bp.get("/messages/<int:thread_id>/news")
@role_required(Role.COACH)
def message_news(thread_id: int):
    return views.news("coach", thread_id)


@bp.route("/messages/message/<int:message_id>/edit", methods=["GET", "POST"])
@role_required(Role.COACH)
def edit_message(message_id: int):
    return views.edit_page("coach", message_id)


@bp.post("/messages/message/<int:message_id>/remove")
@role_required(Role.COACH)
def remove_message(message_id: int):
    return views.remove("coach", message_id)


@bp.post("/messages/message/<int:message_id>/bring-up")
@role_required(Role.COACH)
def bring_up(message_id: int):
    """Mark (or unmark) a partner's private message "bring this to our joint session"."""
    me = views.reader()
    message, thread = messaging.open_message(me, message_id)
    on = request.form.get("on") == "yes"
    try:
        messaging.mark_bring_up(me, message.id, on, utcnow())
    except Explained as exc:
        flash(explain(exc), "error")
    else:
        flash(_("Marked: they will see your suggestion to raise it in your joint session.")
              if on else _("The mark is taken off."), "success")  # fmt: skip
    return redirect(url_for("coach.message_thread", thread_id=thread.id,
                            _anchor=f"message-{message.id}"))  # fmt: skip


@bp.get("/messages/files/<int:attachment_id>")
@role_required(Role.COACH)
def message_file(attachment_id: int):
    return views.attachment(attachment_id)


@bp.route("/settings/secrets-policy", methods=["GET", "POST"])
@role_required(Role.COACH)
def secrets_policy():
    current = current_policy()
    form = SecretsPolicyForm(body=current.body if current else "")
    preset = request.args.get("start_from", "")
    if request.method == "GET" and preset in PRESETS:
        form.body.data = _(PRESETS[preset])
    if form.validate_on_submit():
        try:
            saved = save_policy(form.body.data or "", current_user, utcnow())
        except Explained as exc:
            form.body.errors = [*form.body.errors, explain(exc)]
        else:
            if current is not None and saved.id == current.id:
                flash(_("Nothing was changed."), "info")
            else:
                flash(_("Saved as version %(n)s. Each partner accepts it before writing to "
                        "you privately.", n=saved.id), "success")  # fmt: skip
            return redirect(url_for("coach.secrets_policy"))
    return render_template(
        "messages/secrets_policy.html", form=form, current=current,
        presets={key: _(text) for key, text in PRESETS.items()},
    ), (422 if form.errors else 200)  # fmt: skip
