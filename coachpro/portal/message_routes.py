"""A partner's messages: the joint thread and their own private thread with the coach."""

from flask import redirect, render_template, url_for

from coachpro.auth.sessions import role_required
from coachpro.messaging import views
from coachpro.models import Role
from coachpro.portal import bp
from coachpro.services.message_threads import threads_of, unread_by_thread
from coachpro.services.secrets_policy import standing


@bp.get("/messages")
@role_required(Role.CLIENT)
def messages():
    me = views.reader()
    assert me.partner is not None  # views.reader() is a partner for a client
    threads = threads_of(me, me.partner.couple)
    if len(threads) == 1:
        return redirect(url_for("portal.message_thread", thread_id=threads[0].id))
    return render_template(
        "messages/portal_threads.html",
        me=me,
        threads=threads,
        unread=unread_by_thread(me, [t.id for t in threads]),
        policy=standing(me.partner.id),
    )


@bp.route("/messages/<int:thread_id>", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def message_thread(thread_id: int):
    return views.thread_page("portal", thread_id)


@bp.get("/messages/<int:thread_id>/news")
@role_required(Role.CLIENT)
def message_news(thread_id: int):
    return views.news("portal", thread_id)


@bp.post("/messages/<int:thread_id>/policy")
@role_required(Role.CLIENT)
def accept_policy(thread_id: int):
    return views.accept("portal", thread_id)


@bp.route("/messages/message/<int:message_id>/edit", methods=["GET", "POST"])
@role_required(Role.CLIENT)
def edit_message(message_id: int):
    return views.edit_page("portal", message_id)


@bp.post("/messages/message/<int:message_id>/remove")
@role_required(Role.CLIENT)
def remove_message(message_id: int):
    return views.remove("portal", message_id)


@bp.get("/messages/files/<int:attachment_id>")
@role_required(Role.CLIENT)
def message_file(attachment_id: int):
    return views.attachment(attachment_id)
