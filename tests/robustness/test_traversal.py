"""Document ids from URLs cannot reach anything outside the index.

Ids are looked up as index terms, never joined to a file path; malformed ids
are rejected (400) before they reach the index; nothing ever answers 500 or
shows a file of the machine.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import SEED_KK

ATTACKS = [
    "../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "..%252f..%252fetc%252fpasswd",
    "....//....//etc/passwd",
    "..\\..\\etc\\passwd",
    "%2fetc%2fpasswd",
    "/etc/passwd",
    "abc%00def",
    "%00",
    f"{SEED_KK}%00.txt",
    f"{SEED_KK}%0a",
    f"{SEED_KK}/../../../../etc/passwd",
    "..",
    ".",
    "-rf",
    ".hidden",
    "a" * 201,
    "a" * 10_000,
    "%ff%fe%fd",
    "%c0%ae%c0%ae%c0%af",  # overlong UTF-8 for ../
    "CON",
    "~root",
    "%E2%80%AEtxt.exe",
]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a[:40])
@pytest.mark.parametrize("prefix", ["/api/documents/", "/doc/", "/api/documents/x/../"])
def test_document_urls_never_leak_or_crash(client: FlaskClient, prefix: str, attack: str) -> None:
    resp = client.get(prefix + attack, follow_redirects=True)
    for hop in resp.history:  # Werkzeug merges '//' with a redirect: it must stay on this site
        assert hop.status_code == 308 and hop.headers["Location"].startswith(("/", "http://localhost/"))
    body = resp.get_data(as_text=True)
    assert resp.status_code in (400, 404), (resp.status_code, body[:200])
    assert "root:" not in body and "/bin/" not in body
    if prefix.startswith("/api/"):
        assert resp.mimetype == "application/json"
        assert resp.get_json()["error"]["status"] == resp.status_code
        assert len(body) < 2000, "error messages must not echo huge input"


def test_related_urls_never_leak_or_crash(client: FlaskClient) -> None:
    for attack in ATTACKS:
        resp = client.get(f"/api/documents/{attack}/related")
        assert resp.status_code in (400, 404), (attack, resp.status_code)


def test_malformed_ids_are_400_naming_the_field(client: FlaskClient) -> None:
    resp = client.get("/api/documents/../../etc/passwd")
    assert resp.status_code == 400
    assert "doc_id" in resp.get_json()["error"]["fields"]


def test_valid_but_unknown_id_is_404_and_known_id_is_200(client: FlaskClient) -> None:
    assert client.get("/api/documents/no_such_document").status_code == 404
    resp = client.get(f"/api/documents/{SEED_KK}")
    assert resp.status_code == 200
    assert resp.get_json()["id"] == SEED_KK


@pytest.mark.parametrize(
    "path", ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fwsgi.py"]
)
def test_static_files_stay_inside_the_static_folder(client: FlaskClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code in (400, 404)
    assert "root:" not in resp.get_data(as_text=True)
