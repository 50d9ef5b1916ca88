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
