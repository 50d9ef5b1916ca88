from datetime import datetime, timezone

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from study import zones
from study.auth import bp
from study.auth.forms import ChangePasswordForm, GoalForm, SignInForm, SignOutForm, SignUpForm, TimeZoneForm
from study.errors import show_on_form
from study.extensions import limiter
from study.security import public, safe_next
from study.services import ServiceError, catalog, signin_guard, user_sessions
from study.services import careers as career_service
from study.services import users as user_service


def _guard_policy() -> signin_guard.Policy:
    config = current_app.config
    return signin_guard.Policy(
        free=config["SIGNIN_FREE_FAILURES"],
        free_per_address=config["SIGNIN_FREE_FAILURES_PER_ADDRESS"],
        first_wait=config["SIGNIN_FIRST_WAIT"],
        max_wait=config["SIGNIN_MAX_WAIT"],
    )


def _after_sign_in():
    return redirect(safe_next(request.args.get("next")) or url_for("main.home"))


def _start_session(user):
    """Open a server-side session for `user` and put its token in the cookie. The CSRF token of
    the anonymous visit is dropped, so a token planted before sign-in is worthless after it.
    A career self-assessment finished before signing up or in is saved to the account: signing
    up is how it is saved, with no second button."""
    user_sessions.sign_in(user, request.user_agent.string or "")
    session.pop("csrf_token", None)
    session.pop("new_account", None)  # only the sign-up that follows sets it again
    login_user(user)
    saved = career_service.save_on_sign_in(user, session.get(career_service.SESSION_KEY), datetime.now(timezone.utc).date())
    if saved is not None:
        flash("Your career result is saved to your account. It is on your home page as “your saved result”.", "success")
    return saved


def _goal_from_career(user, career) -> None:
    """The suggested certification and the career result's target date become the new account's
    goal (the date only when the goal form would accept it); /account/goal changes it."""
    today = datetime.now(timezone.utc).date()
    exams = catalog.exam_names()
    try:
        user_service.set_goal(user, career.recommended_certification, career.target_date, today, exams)
    except ServiceError:
        try:
            user_service.set_goal(user, career.recommended_certification, None, today, exams)
        except ServiceError:
            pass  # the exam is not loaded here: no goal, as before


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
        except user_service.EmailTaken:
            # say nothing here about whether the address has an account; its owner gets a notice
            user_service.notify_signup_attempt(form.email.data)
            return render_template("auth/signup_sent.html", email=form.email.data), 200
        except ServiceError as exc:
            show_on_form(form, exc, "email")
        else:
            if zones.is_zone(form.time_zone.data) and form.time_zone.data != zones.DEFAULT:
                user_service.set_time_zone(user, form.time_zone.data)  # the browser's zone (JavaScript); else UTC
            career = _start_session(user)
            if career is not None:  # a new account starts with the exam its saved result suggests
                _goal_from_career(user, career)
            flash("Welcome to CodePrep. Your account is ready.", "success")
            session["new_account"] = True  # the home page greets a new account, never "welcome back"
            if not request.args.get("next"):  # a sign-up to save something goes back to it; else the goal
                return redirect(url_for("auth.goal", next=url_for("learner.plan")))
            return _after_sign_in()
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 400


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@public
def signin():
    """Wrong passwords back off per account and address (study.services.signin_guard); only a
    flood of requests from one address is refused outright, whatever their outcome."""
    if current_user.is_authenticated:
        return _after_sign_in()
    form = SignInForm()
    if form.validate_on_submit():
        account, address = user_service.normalize_email(form.email.data), request.remote_addr or ""
        wait = signin_guard.wait_seconds(account, address)
        if wait:
            form.password.errors.append(
                f"Too many wrong passwords for this account from your network. Wait {wait} seconds, then try again."
            )
            return render_template("auth/signin.html", form=form), 429, {"Retry-After": str(wait)}
        user = user_service.authenticate(form.email.data, form.password.data)
        if user is None:
            signin_guard.record_failure(account, address, _guard_policy())
            form.password.errors.append("The e-mail address or the password is not right.")
        else:
            signin_guard.record_success(account, address)
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
            show_on_form(form, exc, "current")
        else:
            login_user(current_user._get_current_object())  # the cookie carries the new session's token
            session.pop("csrf_token", None)
            flash("Your password has been changed. Other sessions are signed out.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 200 if not form.errors else 400


@bp.route("/time-zone", methods=["GET", "POST"])
@login_required
def time_zone():
    form = TimeZoneForm(time_zone=current_user.time_zone)
    if form.validate_on_submit():
        try:
            user_service.set_time_zone(current_user, form.time_zone.data)
        except ServiceError as exc:
            show_on_form(form, exc, "time_zone")
        else:
            flash(f"Your time zone is now {current_user.time_zone}.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("auth.time_zone"))
    return render_template("auth/time_zone.html", form=form), 200 if not form.errors else 400


@bp.route("/goal", methods=["GET", "POST"])
@login_required
def goal():
    """The exam the learner prepares for and its date: asked right after sign-up, changeable here."""
    form = GoalForm(exam=current_user.target_exam or "", exam_date=current_user.exam_date)
    exams = catalog.exam_names()
    form.set_exams(exams)
    if form.validate_on_submit():
        try:
            today = zones.to_local(datetime.now(timezone.utc), current_user.time_zone).date()
            user_service.set_goal(current_user, form.exam.data or None, form.exam_date.data, today, exams)
        except ServiceError as exc:
            show_on_form(form, exc, "exam")
        else:
            if current_user.target_exam is None:  # no exam, no plan: home
                flash("Saved. Choose an exam here whenever you like, and a weekly plan follows.", "success")
                return redirect(url_for("main.home"))
            flash("Saved. Your plan follows your exam and date.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("learner.plan"))
    elif form.exam_date.errors:
        form.exam_date.errors = ["Give the date as YYYY-MM-DD, or leave it empty."]
    return render_template("auth/goal.html", form=form), 200 if not form.errors else 400


@bp.route("/sessions")
@login_required
def sessions():
    rows = user_sessions.sessions_of(current_user)
    token = current_user.session_token
    return render_template(
        "auth/sessions.html", rows=rows, current=[r.id for r in rows if user_sessions.is_current(r, token)], form=SignOutForm()
    )


@bp.route("/sessions/<int:session_id>/revoke", methods=["POST"])
@login_required
def revoke_session(session_id: int):
    form = SignOutForm()
    if not form.validate_on_submit():
        abort(400)
    user_sessions.revoke(current_user, session_id)
    flash("That session is signed out.", "success")
    return redirect(url_for("auth.sessions"))


@bp.route("/sessions/others/revoke", methods=["POST"])
@login_required
def revoke_other_sessions():
    form = SignOutForm()
    if not form.validate_on_submit():
        abort(400)
    ended = user_sessions.sign_out_others(current_user)
    flash(f"Signed out of {ended} other session{'s' if ended != 1 else ''}.", "success")
    return redirect(url_for("auth.sessions"))
