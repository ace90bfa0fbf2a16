"""Login and logout."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from eventdesk.auth.forms import LoginForm
from eventdesk.auth.service import authenticate
from eventdesk.i18n import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in to the back office or the door."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        form.form_errors.append(_("That email address and password do not match."))
    return render_template("auth/login.html", form=form), (422 if form.errors or form.form_errors else 200)


@bp.post("/logout")
def logout():
    """Log out."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("events.index"))
