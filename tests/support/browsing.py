"""A logged-in browser for page tests: the session cookie, and the page's CSRF token."""

import re

# The password of every account the tests' fixtures create.
PASSWORD = "correct-horse-battery"


class Browser:
    """A logged-in browser: the session cookie, and the page's CSRF token for forms."""

    def __init__(self, app, username: str | None) -> None:
        self.client = app.test_client()
        page = self.client.get("/login").get_data(as_text=True)
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        if username:
            answer = self.client.post("/login", data={"username": username, "password": PASSWORD,
                                                       "csrf_token": self.csrf})
            assert answer.status_code == 302
            page = self.client.get("/logout").get_data(as_text=True)
            self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True,
             **kwargs):
        form = {**(data or {}), **({"csrf_token": self.csrf} if csrf else {})}
        return self.client.post(url, data=form, **kwargs)
