"""The message pages, for a partner (`area="portal"`) and for the coach (`area="coach"`).

The blueprints decide who may come in; the services decide which thread, message and file
each reader may see. These functions only read the form, call one service, and answer."""

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from coachpro.domain.explained import Explained
from coachpro.i18n import explain
from coachpro.messaging.forms import AcceptPolicyForm, EditMessageForm, MessageForm
from coachpro.models import MessageThread
from coachpro.models.types import utcnow
from coachpro.portal.forms import ActionForm
from coachpro.query_args import int_arg
from coachpro.services import messages as messaging
from coachpro.services.message_threads import (
    Reader,
    open_thread,
    reader_for,
    thread_couple,
    threads_of,
    unread_by_thread,
)
from coachpro.services.secrets_policy import accept_policy


def reader() -> Reader:
    found = reader_for(current_user)
    if found is None:
        abort(403)
    return found


def _thread_url(area: str, thread: MessageThread | int, anchor: str | None = "latest") -> str:
    thread_id = thread if isinstance(thread, int) else thread.id
    return url_for(f"{area}.message_thread", thread_id=thread_id, _anchor=anchor)


def _before() -> int | None:
    return int_arg("before")


def thread_page(area: str, thread_id: int):
    me = reader()
    thread = open_thread(me, thread_id)
    now = utcnow()
    form = MessageForm()
    if form.validate_on_submit():
        uploads = [
            messaging.Upload(f.filename or "", f.read())
            for f in request.files.getlist(form.files.name)
            if f and f.filename
        ]
        try:
            messaging.send_message(me, thread, form.body.data or "", uploads, now)
        except Explained as exc:
            form.body.errors = [*form.body.errors, explain(exc)]
        else:
            flash(_("Sent."), "success")
            return redirect(_thread_url(area, thread))
    before = _before()
    # Writes first (the couple's other threads on first use, the read mark): a commit after
    # the page's messages were loaded would expire them, and each would be loaded again.
    threads = threads_of(me, thread_couple(thread))
    if before is None and request.method == "GET":
        messaging.mark_read(me, thread, now)
    view = messaging.thread_view(me, thread, now, before=before)
    return render_template(
        "messages/thread.html",
        area=area,
        view=view,
        me=me,
        threads=threads,
        unread=unread_by_thread(me, [t.id for t in threads]),
        form=form,
        policy_form=AcceptPolicyForm(version=view.policy.current.id)
        if view.policy and view.policy.current
        else None,
        action_form=ActionForm(),
        now=now,
    ), (422 if form.errors else 200)


def news(area: str, thread_id: int):
    """What arrived after `after`, as the page's own markup, for the page's script (which
    asks while the page is in view: that is what "reading" means to the notices)."""
    me = reader()
    thread = open_thread(me, thread_id)
    after = int_arg("after")
    if after is None:
        return jsonify(error="bad_request", message=_("Say which message you have.")), 400
    now = utcnow()
    messaging.mark_read(me, thread, now)
    view = messaging.thread_view(me, thread, now)
    fresh = [m for m in view.messages if m.message.id > after]
    html = render_template(
        "messages/_messages.html", area=area, view=view, shown=fresh, me=me, now=now,
        action_form=ActionForm(),
    )  # fmt: skip
    return jsonify(last_id=view.last_id, count=len(fresh), html=html if fresh else "")


def accept(area: str, thread_id: int):
    me = reader()
    thread = open_thread(me, thread_id)
    if me.partner is None or thread.partner_id != me.partner.id:
        abort(404)
    form = AcceptPolicyForm()
    if form.validate_on_submit() and (form.version.data or "").isdigit():
        try:
            accept_policy(me.partner, int(form.version.data), utcnow())
        except Explained as exc:
            flash(explain(exc), "error")
        else:
            flash(_("Thank you. Your private conversation with your coach is open."), "success")
    return redirect(_thread_url(area, thread, anchor=None))


def edit_page(area: str, message_id: int):
    me = reader()
    message, thread = messaging.open_message(me, message_id)
    now = utcnow()
    if not messaging.can_edit(me, message, now):
        flash(_("A message can be changed by its author for 5 minutes."), "info")
        return redirect(_thread_url(area, thread))
    form = EditMessageForm(body=message.body)
    if form.validate_on_submit():
        try:
            messaging.edit_message(me, message.id, form.body.data or "", now)
        except Explained as exc:
            form.body.errors = [*form.body.errors, explain(exc)]
        else:
            flash(_("Changed."), "success")
            return redirect(_thread_url(area, thread, anchor=f"message-{message.id}"))
    return render_template(
        "messages/edit.html", area=area, form=form, message=message, thread=thread,
        back=_thread_url(area, thread, anchor=f"message-{message.id}"),
    ), (422 if form.errors else 200)  # fmt: skip


def remove(area: str, message_id: int):
    me = reader()
    message, thread = messaging.open_message(me, message_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            messaging.remove_message(me, message.id, utcnow())
        except Explained as exc:
            flash(explain(exc), "error")
        else:
            flash(_("Removed. The conversation shows that you removed a message."), "success")
    return redirect(_thread_url(area, thread, anchor=f"message-{message.id}"))


def attachment(attachment_id: int) -> Response:
    """A file, to someone who may read its message. Images are CoachPro's re-encoded copy
    and shown in the page; anything else is only ever a download."""
    me = reader()
    found, data = messaging.open_attachment(me, attachment_id)
    response = Response(data, mimetype=found.content_type)
    disposition = "inline" if found.is_image else "attachment"
    response.headers.set("Content-Disposition", disposition, filename=found.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A file is never a page: nothing in it may run or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
