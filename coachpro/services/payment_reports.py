"""The coach's view of the money: payments by month and by package, and a CSV for the books."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Date, cast, func, select

from coachpro.domain.money import minor_digits
from coachpro.domain.spreadsheets import spreadsheet_text
from coachpro.extensions import db
from coachpro.models import Package, Payment, PaymentStatus
from coachpro.services.couples import couple_names


@dataclass(frozen=True)
class PaymentsReport:
    payments: list[Payment]  # the newest `limit` of those asked for
    by_month: list[tuple[str, str, int]]  # (YYYY-MM, currency, net cents), newest first
    by_package: list[tuple[str, str, int]]  # (package name, currency, net cents)
    months: list[str]
    couple_names: dict[int, str]  # of the couples among `payments`


def _day() -> ColumnElement:
    """The day a payment counts on: the day it was paid, else the (UTC) day it was made."""
    if db.engine.dialect.name == "postgresql":
        made = cast(func.timezone("UTC", Payment.created_at), Date)
        return func.coalesce(Payment.paid_on, made)
    return func.coalesce(Payment.paid_on, func.date(Payment.created_at))


def _month() -> ColumnElement:
    if db.engine.dialect.name == "postgresql":
        return func.to_char(_day(), "YYYY-MM")
    return func.substr(_day(), 1, 7)


def _chosen(month: str | None, package_id: int | None) -> list[ColumnElement[bool]]:
    chosen = [Payment.package_id == package_id] if package_id else []
    return [*chosen, _month() == month] if month else chosen


def payments_report(month: str | None, package_id: int | None, limit: int = 200) -> PaymentsReport:
    """Payments (filtered), and revenue net of refunds by month and by package: added up by
    the database, so the page costs the same whatever the number of payments."""
    net = func.sum(Payment.amount_cents - Payment.refunded_cents)
    paid = Payment.status == PaymentStatus.PAID
    of_package = [Payment.package_id == package_id] if package_id else []
    shown = db.session.scalars(
        select(Payment)
        .where(*_chosen(month, package_id))
        .order_by(_day().desc(), Payment.id.desc())
        .limit(limit)
    ).all()
    month_col = _month().label("month")
    by_month = db.session.execute(
        select(month_col, Payment.currency, net)
        .where(paid, *of_package)
        .group_by(month_col, Payment.currency)
        .order_by(month_col.desc(), Payment.currency.desc())
    ).all()
    name = func.coalesce(Package.name, _("No package")).label("name")
    by_package = db.session.execute(
        select(name, Payment.currency, net)
        .outerjoin(Package, Package.id == Payment.package_id)
        .where(paid, *_chosen(month, package_id))
        .group_by(name, Payment.currency)
        .order_by(name, Payment.currency)
    ).all()
    months: Sequence[str | None] = db.session.scalars(
        select(month_col).where(*of_package).group_by(month_col).order_by(month_col.desc())
    ).all()
    return PaymentsReport(
        payments=list(shown),
        by_month=[(row[0], row[1], int(row[2] or 0)) for row in by_month],
        by_package=[(row[0], row[1], int(row[2] or 0)) for row in by_package],
        months=[m for m in months if m],
        couple_names=couple_names({p.couple_id for p in shown if p.couple_id}),
    )


def payments_csv(month: str | None, package_id: int | None) -> str:
    """Every payment asked for (not only the page's newest), for the books."""
    payments = db.session.scalars(
        select(Payment)
        .where(*_chosen(month, package_id))
        .order_by(_day().desc(), Payment.id.desc())
    ).all()
    names = couple_names({p.couple_id for p in payments if p.couple_id})
    packages = dict(db.session.execute(select(Package.id, Package.name)).all())
    return _csv(payments, names, packages)


def _csv(payments: Sequence[Payment], couple_names: dict[int, str], packages: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["date", "couple", "package", "method", "status", "amount", "refunded", "currency"]
    )
    for p in payments:
        day = p.paid_on or p.created_at.date()
        writer.writerow(
            [
                day.isoformat(),
                spreadsheet_text(
                    couple_names.get(p.couple_id, "(erased)") if p.couple_id else "(erased)"
                ),
                spreadsheet_text(packages.get(p.package_id, "")),
                spreadsheet_text(p.method),
                spreadsheet_text(p.status),
                _major(p.amount_cents, p.currency),
                _major(p.refunded_cents, p.currency),
                p.currency,
            ]
        )
    return out.getvalue()


def _major(cents: int, currency: str) -> str:
    digits = minor_digits(currency)
    if not digits:
        return str(cents)
    return f"{cents // 10**digits}.{cents % 10**digits:0{digits}d}"
