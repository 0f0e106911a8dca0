"""Staff sign-in and the staff home page, under /staff.

Thin views: credentials, sessions and expiry live in `survey.staff.auth`, what a role may do
in `survey.staff.roles`, the trail in `survey.staff.audit`.
"""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from survey import storage
from survey.security import give_back_attempt, limiter, staff_login_limit
from survey.staff import audit, auth, roles
from survey.staff.roles import requires_role

bp = Blueprint("staff", __name__, url_prefix="/staff")

STAFF_BLUEPRINTS = ("staff", "dashboard", "export", "outcomes")


class LoginForm(FlaskForm):
    username = StringField("Gebruikersnaam", validators=[DataRequired("Vul uw gebruikersnaam in."),
                                                         Length(max=64)])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul uw wachtwoord in."),
                                                       Length(max=200)])


class LogoutForm(FlaskForm):
    pass


@bp.app_context_processor
def staff_context():
    if not request.blueprint or not request.blueprint.startswith(STAFF_BLUEPRINTS):
        return {}
    return {"logout_form": LogoutForm(), "role_labels": roles.ROLE_LABELS, "roles": roles}


def _safe_next(target: str | None) -> str:
    """Only a path on this site under /staff; anything else (another host) goes home."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/staff"):
            return target
    return url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(staff_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if getattr(g, "staff_session_expired", False):
        error = "Uw sessie is verlopen. Log opnieuw in."
    if form.validate_on_submit():
        try:
            principal = auth.authenticate(form.username.data, form.password.data)
        except auth.LoginRefused:
            principal = None
            error = ("Te veel mislukte pogingen voor deze gebruikersnaam. "
                     "Probeer het over een kwartier opnieuw.")
        else:
            if principal is None:
                error = "Gebruikersnaam of wachtwoord klopt niet."
        if principal is not None:
            give_back_attempt()
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if request.method == "POST" and error else 200
    return render_template("staff/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if current_user.is_authenticated and form.validate_on_submit():
        auth.end_session(current_user._get_current_object())
        flash("U bent uitgelogd.")
    return redirect(url_for("staff.login"))


@bp.get("/")
@requires_role(*roles.ROLES)
def home():
    return render_template("staff/home.html")


@bp.get("/audit")
@requires_role(*roles.READ_AUDIT_LOG)
def audit_log():
    with storage.transaction() as db:
        events = audit.latest(db, limit=500)
    return render_template("staff/audit.html", events=events)


def forbidden(_error):
    """403 page for the staff blueprints (registered on each, so respondent pages keep theirs)."""
    return render_template("staff/forbidden.html"), 403


def form_expired(_error):
    """A staff form whose CSRF token does not check out: say so and change nothing."""
    if request.endpoint == "staff.login":
        return render_template("staff/login.html", form=LoginForm(),
                               error="Het formulier was verlopen. Probeer het opnieuw."), 400
    return render_template("staff/form_expired.html"), 400


def too_many_attempts(_error):
    """HTTP 429 from the limiter on the sign-in form: the form again, with why and how long."""
    return render_template("staff/login.html", form=LoginForm(),
                           error="Te veel inlogpogingen vanaf dit adres. Probeer het over een "
                                 "kwartier opnieuw."), 429


def register_error_pages(blueprint):
    blueprint.register_error_handler(403, forbidden)
    blueprint.register_error_handler(CSRFError, form_expired)


register_error_pages(bp)
bp.register_error_handler(429, too_many_attempts)
