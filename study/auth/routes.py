from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from study.auth import bp
from study.auth.forms import ChangePasswordForm, SignInForm, SignOutForm, SignUpForm
from study.extensions import limiter
from study.security import public, safe_next
from study.services import ServiceError
from study.services import user_sessions
from study.services import users as user_service


def _account_key() -> str:
    return "account:" + user_service.normalise_email(request.form.get("email", ""))


def _after_sign_in():
    return redirect(safe_next(request.args.get("next")) or url_for("main.home"))


def _start_session(user) -> None:
    """Open a server-side session for `user` and put its token in the cookie. The CSRF token of
    the anonymous visit is dropped, so a token planted before sign-in is worthless after it."""
    user_sessions.sign_in(user, request.user_agent.string or "")
    session.pop("csrf_token", None)
    login_user(user)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT_PER_IP"], methods=["POST"])
@public
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = user_service.create_user(form.email.data, form.password.data, display_name=form.display_name.data or "")
        except ServiceError as exc:
            form.email.errors.append(str(exc))
        else:
            _start_session(user)
            flash("Welcome to CodePrep. Your account is ready.", "success")
            return _after_sign_in()
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 400


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_account_key)
@public
def signin():
    if current_user.is_authenticated:
        return _after_sign_in()
    form = SignInForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("The e-mail address or the password is not right.")
        else:
            _start_session(user)
            return _after_sign_in()
    return render_template("auth/signin.html", form=form), 200 if not form.errors else 400


@bp.route("/signout", methods=["POST"])
@public
def signout():
    form = SignOutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            user_sessions.close(current_user.session_token)
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("main.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user_service.change_password(current_user, form.current.data, form.password.data)
        except ServiceError as exc:
            form.current.errors.append(str(exc))
        else:
            login_user(current_user._get_current_object())  # the cookie carries the new session's token
            session.pop("csrf_token", None)
            flash("Your password has been changed. Other sessions are signed out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 200 if not form.errors else 400
