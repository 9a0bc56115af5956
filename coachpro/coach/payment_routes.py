"""The coach's money screens: record, refund, void, and the payments overview."""

import re

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, ManualPaymentForm, RefundForm
from coachpro.domain.money import InvalidMoney, parse_major_units
from coachpro.i18n import explain, money_text, typed_amount
from coachpro.models import Couple, Payment, PaymentMethod, Role
from coachpro.query_args import int_arg
from coachpro.services import balances, payment_reports, payments
from coachpro.services.catalog import packages_in_order
from coachpro.services.couples import current_enrollment
from coachpro.services.lookup import get_or_404


def _back(payment_or_couple_id):
    return redirect(url_for("coach.couple", couple_id=payment_or_couple_id) + "#payments")


@bp.post("/couples/<int:couple_id>/payments")
@role_required(Role.COACH)
def record_payment(couple_id: int):
    couple = get_or_404(Couple, couple_id)
    enrollment = current_enrollment(couple.id)
    form = ManualPaymentForm()
    if enrollment is None:
        flash(_("Enroll the couple in a package before recording payments."), "error")
    elif form.validate_on_submit():
        try:
            amount = parse_major_units(typed_amount(form.amount.data), enrollment.currency)
            payments.record_manual_payment(
                couple, enrollment, amount, PaymentMethod(form.method.data),
                form.paid_on.data, form.note.data,
                credit_confirmed=form.credit_confirmed.data == "yes",
            )  # fmt: skip
        except InvalidMoney as exc:
            flash(explain(exc), "error")
        except payments.MoreThanDue as exc:
            return render_template("coach/confirm_payment.html", couple=couple, form=form, over=exc)
        except payments.PaymentError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Payment recorded; a receipt is on its way to them."), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return _back(couple_id)


@bp.post("/payments/<int:payment_id>/refund")
@role_required(Role.COACH)
def refund_payment(payment_id: int):
    payment = get_or_404(Payment, payment_id)
    form = RefundForm()
    if form.validate_on_submit():
        try:
            amount = parse_major_units(typed_amount(form.amount.data), payment.currency)
            payments.refund(payment, amount)
        except InvalidMoney as exc:
            flash(explain(exc), "error")
        except payments.PaymentError as exc:
            flash(str(exc), "error")
        else:
            money = money_text(amount, payment.currency)
            if payment.method == PaymentMethod.CARD:
                flash(_("Refund of %(amount)s sent to Stripe; it shows here once Stripe "
                        "confirms.", amount=money), "success")  # fmt: skip
            else:
                flash(
                    _("Recorded a %(amount)s refund. Pay it back to them yourself.", amount=money),
                    "success",
                )
    return (
        _back(payment.couple_id) if payment.couple_id else redirect(url_for("coach.payments_page"))
    )


@bp.route("/payments/<int:payment_id>/void", methods=["GET", "POST"])
@role_required(Role.COACH)
def void_payment(payment_id: int):
    payment = get_or_404(Payment, payment_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            payments.void_payment(payment)
        except payments.PaymentError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Payment voided; they have an email saying so."), "info")
        return (
            _back(payment.couple_id)
            if payment.couple_id
            else redirect(url_for("coach.payments_page"))
        )
    return render_template(
        "coach/confirm_void.html",
        payment=payment,
        form=form,
        couple=get_or_404(Couple, payment.couple_id) if payment.couple_id else None,
        after=balances.balance_without(payment),
    )


_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _filters() -> tuple[str | None, int | None]:
    # Only a real month: it also names the CSV download, in a header.
    month = request.args.get("month") or None
    if month is not None and not _MONTH.fullmatch(month):
        month = None
    return month, int_arg("package")


@bp.get("/payments")
@role_required(Role.COACH)
def payments_page():
    month, package = _filters()
    report = payment_reports.payments_report(month, package)
    return render_template(
        "coach/payments.html",
        report=report,
        month=month,
        package=package,
        couples=report.couple_names,
        packages=(packages := packages_in_order()),
        package_names={p.id: p.name for p in packages},
        cards=payments.card_payments_enabled(),
    )


@bp.get("/payments.csv")
@role_required(Role.COACH)
def payments_csv():
    month, package = _filters()
    body = payment_reports.payments_csv(month, package)
    filename = f"payments-{month or 'all'}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
