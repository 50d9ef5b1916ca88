from study.extensions import db
from study.models import User


def test_users_create_reads_password_from_environment(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "Root@Example.org", "--role", "admin"],
        env={"CODEPREP_PASSWORD": "a long admin password"},
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert (user.email, user.role) == ("root@example.org", "admin")


def test_users_create_prompts_for_password(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "t@example.org", "--role", "instructor", "--password-env", "NO_SUCH_VAR_X"],
        input="a long teacher password\na long teacher password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User.role)) == "instructor"


def test_users_create_rejects_weak_password_and_creates_nothing(runner):
    result = runner.invoke(args=["users", "create", "--email", "t@example.org"], env={"CODEPREP_PASSWORD": "short"})
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_set_role_refused_by_the_service_is_a_plain_error_not_a_traceback(runner, monkeypatch):
    from study.services import Conflict, users
    from tests.factories import make_user

    learner = make_user()

    def changed_meanwhile(*args, **kwargs):
        raise Conflict(f"{learner.email}'s role was changed meanwhile (it is now admin): nothing was changed.")

    monkeypatch.setattr(users, "set_role", changed_meanwhile)
    result = runner.invoke(args=["users", "set-role", "--email", learner.email, "--role", "instructor"])
    assert result.exit_code == 1
    assert "changed meanwhile" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
