from study.extensions import db
from study.models import User
from tests.factories import make_user


def test_admin_changes_a_role(client, login_as):
    login_as("admin")
    target = make_user(email="teach@example.org")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "teach@example.org" in page.get_data(as_text=True)
    response = client.post(f"/admin/users/{target.id}/role", data={f"u{target.id}-role": "instructor"})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role == "instructor"


def test_admin_cannot_demote_themselves(client, login_as):
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}/role", data={f"u{admin.id}-role": "learner"})
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_unknown_role_is_refused(client, login_as):
    login_as("admin")
    target = make_user()
    response = client.post(f"/admin/users/{target.id}/role", data={f"u{target.id}-role": "superuser"})
    assert response.status_code == 400
    db.session.refresh(target)
    assert target.role == "learner"


def test_learners_and_instructors_get_403(client, login_as):
    target = make_user()
    for role in ("learner", "instructor"):
        login_as(role)
        assert client.get("/admin/users").status_code == 403
        assert client.post(f"/admin/users/{target.id}/role", data={f"u{target.id}-role": "admin"}).status_code == 403
    assert db.session.get(User, target.id).role == "learner"


def test_a_users_page_number_too_large_for_the_database_shows_an_empty_page_not_an_error(client, login_as):
    login_as("admin")
    response = client.get("/admin/users?page=99999999999999999999999")
    assert response.status_code == 200 and "Previous" in response.get_data(as_text=True)
