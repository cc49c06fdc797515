"""A small JSON client for the API tests: `ApiClient(client).as_person(email)` signs in
through POST /api/v1/auth/token and sends the access token with every request."""

from __future__ import annotations

from tests.factories import PASSWORD

API = "/api/v1"


class ApiClient:
    def __init__(self, client, token: str | None = None) -> None:
        self.client = client
        self.token = token
        self.refresh_token: str | None = None

    def sign_in(self, email: str, password: str = PASSWORD) -> ApiClient:
        response = self.client.post(
            f"{API}/auth/token", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        self.token, self.refresh_token = body["access_token"], body["refresh_token"]
        return self

    def headers(self, extra: dict | None = None, token: str | None = None) -> dict:
        headers = dict(extra or {})
        token = token or self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def request(self, method: str, path: str, *, headers=None, token=None, **kwargs):
        url = path if path.startswith("/") else f"{API}/{path}"
        return self.client.open(url, method=method, headers=self.headers(headers, token), **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


def error_code(response) -> str:
    """The stable code of a JSON error, after checking that it is one."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    return response.get_json()["error"]["code"]
