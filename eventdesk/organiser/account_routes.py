"""Account management pages, for admins only."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from eventdesk.auth import accounts
from eventdesk.auth.forms import AccountForm
from eventdesk.auth.models import Role, User
from eventdesk.auth.permissions import require_role
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.organiser.blueprint import bp


def _form(user: User | None = None) -> AccountForm:
    form = AccountForm(obj=user if request.method == "GET" else None)
    events = db.session.scalars(select(Event).order_by(Event.starts_at.desc())).all()
    form.events.choices = [(event.id, event.title_nl) for event in events]
    if user is not None and request.method == "GET":
        form.role.data = user.role.value
        form.events.data = [event.id for event in user.events]
    return form


def _chosen_events(form: AccountForm) -> list[Event]:
    ids = set(form.events.data or [])
    if not ids:
        return []
    return list(db.session.scalars(select(Event).where(Event.id.in_(ids))))


@bp.get("/accounts")
@require_role(Role.ADMIN)
def accounts_list():
    """List every account."""
    users = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("organiser/accounts.html", users=users)


@bp.route("/accounts/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def account_new():
    """Create an account."""
    form = _form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors = [_("Choose a password of at least 10 characters.")]
        else:
            try:
                accounts.create_account(
                    email=form.email.data, name=form.name.data or "", role=Role(form.role.data),
                    password=form.password.data, all_events=form.all_events.data,
                    events=_chosen_events(form),
                )
            except accounts.EmailTaken:
                db.session.rollback()
                form.email.errors = [_("An account with this address exists already.")]
            else:
                db.session.commit()
                flash(_("The account is created."), "success")
                return redirect(url_for("organiser.accounts_list"))
    status = 422 if form.errors else 200
    return render_template("organiser/account_form.html", form=form, user=None), status


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def account_edit(user_id: int):
    """Change an account's role, events, state or password."""
    user = db.get_or_404(User, user_id)
    form = _form(user)
    form.email.data = user.email  # the address is the login name: it does not change here
    if form.validate_on_submit():
        try:
            accounts.update_account(
                user, name=form.name.data or "", role=Role(form.role.data),
                active=form.active.data, all_events=form.all_events.data,
                events=_chosen_events(form), password=form.password.data or None,
            )
        except accounts.LastAdmin:
            db.session.rollback()
            form.role.errors = [_("At least one active admin must remain.")]
        else:
            db.session.commit()
            if user.id == current_user.id and user.active:
                # Changing one's own role or password ends one's sessions; keep this one.
                login_user(user)
            flash(_("The account is saved."), "success")
            return redirect(url_for("organiser.accounts_list"))
    status = 422 if form.errors else 200
    return render_template(
        "organiser/account_form.html", form=form, user=user, is_self=user.id == current_user.id
    ), status
