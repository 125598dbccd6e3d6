"""Local token issuer: an RS256 key pair made on first use and signed tokens per role (no secrets in git)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.core.identity import ENTERPRISE_CLAIM, GROUPS_CLAIM, PARK_SCOPE, SCOPE_CLAIM

ISSUER = "https://auth.chempark.local"
AUDIENCE = "chempark-api"


@dataclass(frozen=True)
class Issuer:
    private_pem: bytes
    public_pem: str

    @classmethod
    def generate(cls) -> Issuer:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public_pem = (
            key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
        return cls(private_pem, public_pem)

    @classmethod
    def load_or_create(cls, directory: Path) -> Issuer:
        """Keep the key pair in .local/ so tokens survive a restart of `make run`."""
        private, public = directory / "issuer.key", directory / "issuer.pub"
        if private.exists() and public.exists():
            return cls(private.read_bytes(), public.read_text())
        issuer = cls.generate()
        directory.mkdir(parents=True, exist_ok=True)
        private.write_bytes(issuer.private_pem)
        private.chmod(0o600)
        public.write_text(issuer.public_pem)
        return issuer

    def token(
        self,
        subject: str,
        roles: list[str],
        enterprise_id: str | None = None,
        name: str = "",
        ttl_s: int = 12 * 3600,
        audience: str = AUDIENCE,
        issuer: str = ISSUER,
        park_scope: bool | None = None,
    ) -> str:
        """A Cognito-shaped ID token. Park-level users (no enterprise) carry the explicit park scope claim,
        as the user pool sets it; `park_scope=False` leaves it out (tests of the refusal)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": subject,
            "name": name or subject,
            GROUPS_CLAIM: roles,
            "token_use": "id",
            "iss": issuer,
            "aud": audience,
            "iat": now,
            "exp": now + ttl_s,
        }
        if enterprise_id:
            claims[ENTERPRISE_CLAIM] = enterprise_id
        if park_scope if park_scope is not None else not enterprise_id:
            claims[SCOPE_CLAIM] = PARK_SCOPE
        return jwt.encode(claims, self.private_pem, algorithm="RS256")
