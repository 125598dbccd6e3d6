"""The operations console in the embedded stack: `console/dist` under /console/ on the API's origin, its
config.json, and sign-in with the local issuer's users (local only: in AWS the console signs in with Cognito)."""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from chalicelib.core.identity import ENTERPRISE_CLAIM, GROUPS_CLAIM

PREFIX = "/console"
DIST = Path(__file__).resolve().parent.parent / "console" / "dist"
CONFIG = {"api_base": "", "auth": {"mode": "local", "users_url": "auth/users", "token_url": "auth/token"}}
TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    cache: str = "no-cache"


def _json(status: int, data: Any) -> Reply:
    return Reply(status, "application/json", json.dumps(data, ensure_ascii=False).encode())


class ConsoleSite:
    """Answers GET/POST under /console; `tokens` is the stack's ready token per user (key -> JWT), read when
    asked so the site can start before the tokens exist."""

    def __init__(self, issuer: Any, tokens: dict[str, str], dist: Path = DIST) -> None:
        self.issuer, self.tokens, self.dist = issuer, tokens, dist

    @staticmethod
    def serves(path: str) -> bool:
        return path == PREFIX or path.startswith(PREFIX + "/")

    def users(self) -> list[dict[str, Any]]:
        out = []
        for key, token in self.tokens.items():
            claims = jwt.decode(token, options={"verify_signature": False})
            out.append(
                {
                    "username": key,
                    "name": claims.get("name") or claims["sub"],
                    "roles": claims.get(GROUPS_CLAIM, []),
                    "enterprise_id": claims.get(ENTERPRISE_CLAIM),
                }
            )
        return out

    def handle(self, method: str, path: str, body: bytes) -> Reply:
        sub = path.split("?", 1)[0][len(PREFIX) :].lstrip("/")
        if method == "GET" and sub == "config.json":
            return _json(200, CONFIG)
        if method == "GET" and sub == "auth/users":
            return _json(200, {"users": self.users()})
        if method == "POST" and sub == "auth/token":
            return self._token(body)
        if method not in ("GET", "HEAD"):
            return _json(405, {"code": "METHOD_NOT_ALLOWED", "message": "不支持的请求方法"})
        return self._file(sub)

    def _token(self, body: bytes) -> Reply:
        try:
            asked = json.loads(body or b"{}")
        except ValueError:
            asked = None
        username = asked.get("username") if isinstance(asked, dict) else None
        known = self.tokens.get(username) if isinstance(username, str) else None
        if not known:
            return _json(404, {"code": "USER_NOT_FOUND", "message": "用户不存在"})
        c = jwt.decode(known, options={"verify_signature": False})
        fresh = self.issuer.token(c["sub"], c.get(GROUPS_CLAIM, []), c.get(ENTERPRISE_CLAIM), c.get("name", ""))
        return _json(200, {"token": fresh})

    def _file(self, sub: str) -> Reply:
        if not (self.dist / "index.html").exists():
            text = "控制台尚未构建：请运行 make setup（npm ci && npm run build，见 console/）"
            return Reply(503, "text/plain; charset=utf-8", text.encode())
        target = (self.dist / sub).resolve() if sub else self.dist / "index.html"
        if not target.is_relative_to(self.dist.resolve()) or not target.is_file():
            target = self.dist / "index.html"  # the app's own routes are hash routes; anything else: the app
        kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        cache = "public, max-age=31536000, immutable" if "/assets/" in target.as_posix() else "no-cache"
        return Reply(200, kind, target.read_bytes(), cache)


def respond(handler: Any, site: ConsoleSite) -> None:
    """Write the site's reply on an http.server request handler."""
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    reply = site.handle(handler.command, handler.path, body)
    if handler.path == PREFIX:  # relative asset URLs need the trailing slash
        handler.send_response(301)
        handler.send_header("Location", PREFIX + "/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    handler.send_response(reply.status)
    handler.send_header("Content-Type", reply.content_type)
    handler.send_header("Content-Length", str(len(reply.body)))
    handler.send_header("Cache-Control", reply.cache)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(reply.body)
