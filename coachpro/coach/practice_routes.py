"""Practice settings: packages and intake questions."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coachpro.auth.sessions import role_required
from coachpro.coach import bp
from coachpro.coach.forms import ActionForm, PackageForm
from coachpro.domain.money import InvalidMoney, minor_digits, parse_major_units
from coachpro.i18n import explain, money_text, typed_amount
from coachpro.models import Package, Role
from coachpro.services import intake, packages
from coachpro.services.lookup import get_or_404
from coachpro.services.practice_settings import practice


@bp.get("/packages")
@role_required(Role.COACH)
def packages_page():
    return render_template(
        "coach/packages.html", packages=packages.all_packages(), action_form=ActionForm()
    )


@bp.route("/packages/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_package():
    form = PackageForm()
    if request.method == "GET":
        form.currency.data = practice().currency  # the practice's currency, from its settings
        form.active.data = True
    status = 200
    if form.validate_on_submit():
        details = _details(form)
        if details is not None:
            package = packages.create_package(details)
            money = money_text(package.price_cents, package.currency)
            flash(_("%(package)s added: %(price)s.", package=package.name, price=money), "success")
            return redirect(url_for("coach.packages_page"))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("coach/package_form.html", form=form, package=None), status


@bp.route("/packages/<int:package_id>", methods=["GET", "POST"])
@role_required(Role.COACH)
def edit_package(package_id: int):
    package = get_or_404(Package, package_id)
    form = PackageForm(obj=package)
    if request.method == "GET":
        digits = minor_digits(package.currency)
        amount = package.price_cents / 10**digits if digits else package.price_cents
        form.price.data = f"{amount:.{digits}f}"
    status = 200
    if form.validate_on_submit():
        details = _details(form)
        if details is not None:
            packages.update_package(package, details)
            money = money_text(details.price_cents, package.currency)
            flash(_("%(package)s saved: %(price)s.", package=package.name, price=money), "success")
            return redirect(url_for("coach.packages_page"))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("coach/package_form.html", form=form, package=package), status


def _details(form: PackageForm) -> packages.PackageDetails | None:
    """What the package form says, or None with the price's problem shown on the form."""
    try:
        price = parse_major_units(typed_amount(form.price.data), form.currency.data)
    except InvalidMoney as exc:
        form.price.errors.append(explain(exc))
        return None
    return packages.PackageDetails(
        name=form.name.data.strip(),
        audience=form.audience.data.strip(),
        description=form.description.data.strip(),
        price_cents=price,
        currency=form.currency.data,
        sessions_included=form.sessions_included.data,
        session_minutes=form.session_minutes.data,
        active=form.active.data,
    )


@bp.post("/packages/<int:package_id>/delete")
@role_required(Role.COACH)
def delete_package(package_id: int):
    package = get_or_404(Package, package_id)
    if ActionForm().validate_on_submit():
        try:
            packages.delete_package(package)
        except packages.PackageError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Package deleted."), "info")
    return redirect(url_for("coach.packages_page"))


@bp.route("/intake", methods=["GET", "POST"])
@role_required(Role.COACH)
def intake_questions():
    form = ActionForm()
    if form.validate_on_submit():
        rows: list[tuple[int | None, str, bool]] = []
        for question in intake.all_questions():
            prompt = request.form.get(f"prompt-{question.id}", "")[:300]
            rows.append((question.id, prompt, request.form.get(f"active-{question.id}") == "y"))
        new = request.form.get("prompt-new", "").strip()[:300]
        if new:
            rows.append((None, new, True))
        intake.save_questions(rows)
        flash(_("Intake questions saved."), "success")
        return redirect(url_for("coach.intake_questions"))
    return render_template("coach/intake.html", questions=intake.all_questions(), action_form=form)
