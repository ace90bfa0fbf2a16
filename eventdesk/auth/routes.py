"""Login (rate limited), logout and password change."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventdesk.auth import throttle
from eventdesk.auth.forms import LoginForm, PasswordChangeForm
from eventdesk.auth.models import Role
from eventdesk.auth.service import authenticate
from eventdesk.db import db, utcnow
from eventdesk.redirects import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in to the back office or the door."""
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        keys = throttle.login_keys(form.email.data, request.remote_addr)
        if throttle.is_blocked(keys, now=now):
            db.session.rollback()
            form.form_errors.append(
                _("Too many failed attempts. Please wait a quarter of an hour and try again.")
            )
            return render_template("auth/login.html", form=form), 429
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.clear(keys[0])
            db.session.commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next"), _landing(user.role)))
        throttle.record_failure(keys, now=now)
        db.session.commit()
        form.form_errors.append(_("That email address and password do not match."))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


def _landing(role: Role) -> str:
    if role in (Role.ADMIN, Role.ORGANISER) and "organiser.events" in current_app.view_functions:
        return url_for("organiser.events")
    return url_for("events.index")


@bp.post("/logout")
def logout():
    """Log out."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("events.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the logged-in account's password."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors = [*form.current.errors, _("This is not your current password.")]
        else:
            current_user.set_password(form.new.data)
            db.session.commit()
            # Keep this session (its id carries the old password's mark); others end.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.change_password"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status
