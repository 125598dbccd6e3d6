"""The embedded stack's console site (local/console.py): the build under /console/, its config, and sign-in
with the local issuer's users, which must yield tokens the API accepts and nothing outside the build."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest

from chalicelib.core.identity import ENTERPRISE_CLAIM, GROUPS_CLAIM
from local.console import ConsoleSite
from local.issuer import AUDIENCE, Issuer

ISSUER = Issuer.generate()


@pytest.fixture
def site(tmp_path: Path) -> ConsoleSite:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>控制台</title>")
    (dist / "assets" / "app-1.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not for the browser")
    tokens = {
        "duty_officer": ISSUER.token("demo-duty_officer", ["duty_officer"]),
        "enterprise_manager:ent_1": ISSUER.token("ent_1-manager", ["enterprise_manager"], "ent_1"),
    }
    return ConsoleSite(ISSUER, tokens, dist)


def test_it_serves_only_paths_under_console() -> None:
    assert ConsoleSite.serves("/console") and ConsoleSite.serves("/console/assets/a.js")
    assert not ConsoleSite.serves("/consoles") and not ConsoleSite.serves("/alarms")


def test_the_build_is_served_with_types_and_caching(site: ConsoleSite) -> None:
    index = site.handle("GET", "/console/", b"")
    assert (index.status, index.content_type, index.cache) == (200, "text/html; charset=utf-8", "no-cache")
    asset = site.handle("GET", "/console/assets/app-1.js", b"")
    assert asset.content_type == "text/javascript" and "immutable" in asset.cache
    assert asset.body == b"console.log(1)"


def test_nothing_outside_the_build_is_served(site: ConsoleSite) -> None:
    for path in ("/console/../secret.txt", "/console/%2e%2e/secret.txt", "/console/assets/../../secret.txt"):
        reply = site.handle("GET", path, b"")
        assert b"not for the browser" not in reply.body, path


def test_config_points_the_app_at_the_local_sign_in(site: ConsoleSite) -> None:
    config = json.loads(site.handle("GET", "/console/config.json", b"").body)
    assert config["auth"]["mode"] == "local" and config["api_base"] == ""


def test_users_are_the_stack_tokens_holders(site: ConsoleSite) -> None:
    users = json.loads(site.handle("GET", "/console/auth/users", b"").body)["users"]
    assert [(u["username"], u["roles"], u["enterprise_id"]) for u in users] == [
        ("duty_officer", ["duty_officer"], None),
        ("enterprise_manager:ent_1", ["enterprise_manager"], "ent_1"),
    ]


def test_sign_in_issues_a_fresh_token_the_api_verifies(site: ConsoleSite) -> None:
    reply = site.handle("POST", "/console/auth/token", json.dumps({"username": "enterprise_manager:ent_1"}).encode())
    assert reply.status == 200
    token = json.loads(reply.body)["token"]
    claims = jwt.decode(token, ISSUER.public_pem, algorithms=["RS256"], audience=AUDIENCE)
    assert (claims["sub"], claims[GROUPS_CLAIM], claims[ENTERPRISE_CLAIM]) == (
        "ent_1-manager",
        ["enterprise_manager"],
        "ent_1",
    )


@pytest.mark.parametrize("body", [b'{"username": "root"}', b"not json", b"", b"[1]", b'{"username": [1]}'])
def test_unknown_users_get_no_token(site: ConsoleSite, body: bytes) -> None:
    reply = site.handle("POST", "/console/auth/token", body)
    assert reply.status == 404 and b"token" not in reply.body


def test_a_missing_build_says_how_to_make_it(tmp_path: Path) -> None:
    reply = ConsoleSite(ISSUER, {}, tmp_path / "nothing").handle("GET", "/console/", b"")
    assert reply.status == 503 and "make setup" in reply.body.decode()
