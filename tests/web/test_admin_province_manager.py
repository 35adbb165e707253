"""Province managers in /admin: listed with the admins, where an admin can disable one (logged
out at once); the province manager themselves has no /admin page."""

from queue_server.models import Role, User
from queue_server.security.tokens import add_user

from ..conftest import bearer
from ..support.browsing import PASSWORD, Browser


def add_province_manager(app, clock) -> str:
    with app.extensions["queue"].sessions() as session:
        add_user(session, "tinh", PASSWORD, Role.MANAGER, None, now=clock(),
                 full_name="Lãnh đạo tỉnh")
        session.commit()
    answer = app.test_client().post("/api/v1/auth/token",
                                    json={"username": "tinh", "password": PASSWORD})
    return answer.get_json()["token"]


def test_admins_see_and_can_disable_a_province_manager(app, clock, accounts):
    token = add_province_manager(app, clock)
    admin = Browser(app, "admin1")
    page = admin.get("/admin/admins").get_data(as_text=True)
    assert 'data-testid="user-tinh"' in page and 'data-testid="user-admin1"' in page
    assert 'data-testid="user-manager1"' not in page  # an office's manager stays with it
    answer = admin.post("/admin/users/tinh", {"full_name": "Lãnh đạo tỉnh", "role": "manager",
                                              "state": "disabled"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert answer.headers["Location"] == "/admin/admins?done=saved"
    assert app.test_client().get("/api/v1/monitor", headers=bearer(token)).status_code == 401


def test_a_province_manager_stays_of_no_office_when_renamed(app, clock, accounts):
    add_province_manager(app, clock)
    admin = Browser(app, "admin1")
    answer = admin.post("/admin/users/tinh", {"full_name": "Giám đốc Trung tâm",
                                              "role": "manager", "state": "active"})
    assert answer.status_code == 303
    with app.extensions["queue"].sessions() as session:
        user = session.query(User).filter_by(username="tinh").one()
        assert (user.full_name, user.office_id) == ("Giám đốc Trung tâm", None)


def test_the_province_manager_has_no_admin_page(app, clock, accounts):
    add_province_manager(app, clock)
    province = Browser(app, "tinh")
    for path in ("/admin", "/admin/admins", "/admin/offices/test-office",
                 "/admin/offices/test-office/users", "/admin/audit"):
        assert province.get(path).status_code == 403, path
    assert province.get("/dashboard").status_code == 200
    assert province.get("/counter").headers["Location"].endswith("/dashboard")
