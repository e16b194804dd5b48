"""Small helpers shared by the API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def post_comment(
    client: TestClient, headers: dict[str, str], external_id: str, text: str, **extra: Any
) -> dict[str, Any]:
    body = {"platform": "instagram", "external_id": external_id, "text": text, **extra}
    response = client.post("/api/v1/comments", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]
