"""Local device PKI: a CA made on first use, the broker's server certificate, one client certificate per
gateway (issued at seed time) and per internal client of the embedded stack; the stand-in for AWS IoT's
certificates (docs/device-identity.md).

Layout under `root` (`.local/devices/` for `make run`):
    ca.pem                      the CA certificate: clients trust the broker with it, the broker trusts clients
    <gateway_id>/cert.pem       a gateway's certificate (CN = gateway id = MQTT client id, O = enterprise id)
    <gateway_id>/key.pem        its private key (0600)
    _ca/key.pem                 the CA key (never handed to a client)
    _broker/cert.pem, key.pem   the broker's server certificate (127.0.0.1, localhost)
    _services/<name>/...        internal clients (rule bridge, IoT data plane relay, simulator control, demo)
Registry ids never start with `_`, so no gateway directory collides with the stack's own.

A certificate is accepted only while it is the one on file for its name (the broker compares fingerprints on
connect): issuing again rotates it, `revoke` removes it, as deactivating a certificate in AWS IoT would.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

GATEWAY, SERVICE = "gateway", "service"  # the certificate's OU: what kind of client it identifies
CA_DAYS, BROKER_DAYS, CLIENT_DAYS = 3650, 825, 365
_PRIVATE = 0o600


@dataclass(frozen=True)
class Credentials:
    """What a client needs for mutual TLS: its certificate and key, and the CA that signed the broker's."""

    cert: Path
    key: Path
    ca: Path


def _name(cn: str, ou: str | None = None, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org is not None:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if ou is not None:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    return x509.Name(attrs)


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Write atomically (a broker may read the file while it is replaced); keys readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _PRIVATE if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    tmp.replace(path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    pkcs8, plain = serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, pkcs8, plain)


class Pki:
    """The CA and what it issued, under one directory. `Pki.load_or_create(root)` keeps the CA across runs."""

    def __init__(self, root: Path, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate) -> None:
        self.root, self._ca_key, self._ca_cert = root, ca_key, ca_cert

    @property
    def ca(self) -> Path:
        return self.root / "ca.pem"

    @classmethod
    def load_or_create(cls, root: Path) -> Pki:
        key_path, cert_path = root / "_ca" / "key.pem", root / "ca.pem"
        if key_path.exists() and cert_path.exists():
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            if isinstance(key, ec.EllipticCurvePrivateKey) and cert.not_valid_after_utc > datetime.now(UTC):
                return cls(root, key, cert)
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        subject = _name("chempark-local-device-ca", org="chempark-safety (local)")
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write(key_path, _key_pem(key), private=True)
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        return cls(root, key, cert)

    def _issue(
        self, directory: Path, subject: x509.Name, usage: x509.ObjectIdentifier, days: int, server: bool = False
    ) -> Credentials:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self._ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._ca_key.public_key()), critical=False
            )
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]),
                critical=False,
            )
        cert = builder.sign(self._ca_key, hashes.SHA256())
        out = Credentials(directory / "cert.pem", directory / "key.pem", self.ca)
        _write(out.key, _key_pem(key), private=True)
        _write(out.cert, cert.public_bytes(serialization.Encoding.PEM))
        return out

    def broker(self) -> Credentials:
        """The broker's server certificate, issued again on each start (it is cheap, and never stale)."""
        subject = _name("chempark-local-broker", org="chempark-safety (local)")
        return self._issue(self.root / "_broker", subject, ExtendedKeyUsageOID.SERVER_AUTH, BROKER_DAYS, server=True)

    def gateway(self, gateway_id: str, enterprise_id: str) -> Credentials:
        """Issue (or rotate) a gateway's certificate: CN = gateway id (its client id), O = its enterprise."""
        if not gateway_id or gateway_id.startswith("_") or "/" in gateway_id or not enterprise_id:
            raise ValueError(f"not a gateway id / enterprise: {gateway_id!r} / {enterprise_id!r}")
        subject = _name(gateway_id, ou=GATEWAY, org=enterprise_id)
        return self._issue(self.root / gateway_id, subject, ExtendedKeyUsageOID.CLIENT_AUTH, CLIENT_DAYS)

    def service(self, name: str) -> Credentials:
        """An internal client of the embedded stack (any topic); reused while its certificate is on file."""
        directory = self.root / "_services" / name
        out = Credentials(directory / "cert.pem", directory / "key.pem", self.ca)
        if out.cert.exists() and out.key.exists() and self._signed_by_me(out.cert):
            return out
        return self._issue(directory, _name(name, ou=SERVICE), ExtendedKeyUsageOID.CLIENT_AUTH, CLIENT_DAYS)

    def revoke(self, gateway_id: str) -> None:
        """Take a gateway's certificate off file: the broker refuses it from the next connection on."""
        for name in ("cert.pem", "key.pem"):
            (self.root / gateway_id / name).unlink(missing_ok=True)

    def _signed_by_me(self, path: Path) -> bool:
        try:
            cert = x509.load_pem_x509_certificate(path.read_bytes())
            cert.verify_directly_issued_by(self._ca_cert)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return cert.not_valid_after_utc > datetime.now(UTC) + timedelta(days=1)


def credentials(root: Path, gateway_id: str) -> Credentials:
    """Where a gateway's certificate and key were written (what its MQTT client is configured with)."""
    return Credentials(root / gateway_id / "cert.pem", root / gateway_id / "key.pem", root / "ca.pem")


def registered_path(root: Path, kind: str, name: str) -> Path:
    """Where the certificate currently on file for a client of that kind and name lives."""
    return root / "_services" / name / "cert.pem" if kind == SERVICE else root / name / "cert.pem"
