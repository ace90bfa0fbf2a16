"""Login (rate limited), logout and password change."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventdesk.auth import throttle
from eventdesk.auth.forms import LoginForm, PasswordChangeForm
from eventdesk.auth.models import Role
from eventdesk.auth.service import authenticate
from eventdesk.db import db, reads_before_writes, utcnow
from eventdesk.redirects import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in to the back office or the door."""
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        email, address = form.email.data, request.remote_addr
        checks = throttle.login_checks(email, address, now=now)
        try:
            throttle.admit(checks, now=now)
        except throttle.Throttled as refused:
            db.session.commit()
            form.form_errors.append(refused.message())
            return render_template("auth/login.html", form=form), 429, refused.headers()
        # The attempt is counted and committed before the slow password check:
        # parallel attempts see each other's counts, and no lock waits on scrypt.
        db.session.commit()
        with reads_before_writes():
            user = authenticate(email, form.password.data)
        if user is not None:
            throttle.login_succeeded(checks, email, address, now=now)
            db.session.commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next"), _landing(user.role)))
        form.form_errors.append(_("That email address and password do not match."))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


def _landing(role: Role) -> str:
    if role in (Role.ADMIN, Role.ORGANISER) and "organiser.events" in current_app.view_functions:
        return url_for("organiser.events")
    return url_for("events.index")


@bp.post("/logout")
def logout():
    """Log out, ending every session of the account (copies of this cookie too)."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("events.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the logged-in account's password."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        now, address = utcnow(), request.remote_addr
        # A stolen session must not become a way round the login limits.
        checks = throttle.login_checks(user.email, address, now=now)
        try:
            throttle.admit(checks, now=now)
        except throttle.Throttled as refused:
            db.session.commit()
            form.current.errors = [*form.current.errors, refused.message()]
            return render_template("auth/password.html", form=form), 429, refused.headers()
        db.session.commit()
        with reads_before_writes():
            right = user.check_password(form.current.data)
        if not right:
            form.current.errors = [*form.current.errors, _("This is not your current password.")]
        else:
            throttle.login_succeeded(checks, user.email, address, now=now)
            user.set_password(form.new.data)
            user.end_sessions()
            db.session.commit()
            # Every other session ends; this one goes on with the new generation.
            login_user(user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.change_password"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status
