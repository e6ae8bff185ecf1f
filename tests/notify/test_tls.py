"""The mail server over STARTTLS with a login, and over TLS from the start, with the office's own CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from api.notify.deliver import deliver
from api.notify.message import Draft
from config.notify import MailSettings
from tests.notify.conftest import Inbox, free_port


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.tanphu.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _login(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"cham-cong", b"mk-2026")
    return AuthResult(success=ok)


def _draft() -> Draft:
    return Draft(recipient="staff:1", kind="day_faults", subject_key="2026-11-10:morning", subject="[Chấm công] Nhắc",
                 lines=("x",), link="/", link_label="l", name="Nguyễn Văn An", email="an@tanphu.gov.vn",
                 wants_email=True)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_the_offices_ca_and_a_login(engine, tmp_path, security: str) -> None:
    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    box = Inbox(port=free_port())
    # aiosmtpd counts only STARTTLS as TLS for AUTH; with TLS from the start there is no plain phase anyway.
    options = ({"tls_context": server_tls, "require_starttls": True, "auth_require_tls": True}
               if security == "starttls" else {"ssl_context": server_tls, "auth_require_tls": False})
    controller = Controller(box, hostname="127.0.0.1", port=box.port, authenticator=_login, auth_required=True,
                            **options)
    controller.start()
    try:
        untrusted = MailSettings(host="127.0.0.1", port=box.port, security=security, user="cham-cong",
                                 password="mk-2026")
        refused = deliver(engine=engine, drafts=[_draft()], settings=untrusted)
        assert refused.failed == 1 and box.messages == []  # an unknown certificate is never trusted silently
        wrong = untrusted.model_copy(update={"ca_file": cert, "password": SecretStr("sai"), "timeout_seconds": 2})
        assert deliver(engine=engine, drafts=[_replace(_draft(), "2")], settings=wrong).failed == 1
        trusted = untrusted.model_copy(update={"ca_file": cert})
        report = deliver(engine=engine, drafts=[_replace(_draft(), "3")], settings=trusted)
        assert report.sent == 1 and len(box.to("an@tanphu.gov.vn")) == 1, _errors(engine)
    finally:
        controller.stop()


def _replace(draft: Draft, key: str) -> Draft:
    from dataclasses import replace

    return replace(draft, subject_key=key)


def _errors(engine) -> list[str | None]:
    from sqlmodel import Session, select

    from api.notify.models import Notice

    with Session(engine) as session:
        return [n.error for n in session.exec(select(Notice))]
