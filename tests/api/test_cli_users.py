"""`attendance users ...` and the demo accounts: secrets are generated and shown once, never defaulted."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.auth.demo_accounts import create_demo_accounts
from api.auth.models import User
from api.cli.main import app as cli
from tests.api.conftest import Office
from tests.factories import make_staff, make_unit

runner = CliRunner()


def _password(output: str) -> str:
    match = re.search(r":\s+(\S{12,})\s*$", output.strip().splitlines()[-1])
    assert match, output
    return match.group(1)


def test_create_admin_prints_a_password_that_logs_in(client: TestClient, session: Session) -> None:
    result = runner.invoke(cli, ["users", "create-admin", "--username", "boss"])
    assert result.exit_code == 0, result.output
    password = _password(result.output)
    login = client.post("/api/auth/login", json={"username": "boss", "password": password})
    assert login.status_code == 200 and login.json()["user"]["role"] == "admin"
    again = runner.invoke(cli, ["users", "create-admin", "--username", "boss"])
    assert again.exit_code == 2 and "taken" in again.output


def test_create_admin_can_ask_for_the_password(client: TestClient) -> None:
    result = runner.invoke(cli, ["users", "create-admin", "--ask", "--username", "asker"],
                           input="typed-by-hand-123\ntyped-by-hand-123\n")
    assert result.exit_code == 0, result.output
    assert "typed-by-hand-123" not in result.output
    assert client.post("/api/auth/login", json={"username": "asker", "password": "typed-by-hand-123"}).status_code == 200


def test_create_scoped_accounts_from_the_cli(session: Session, office: Office) -> None:
    ok = runner.invoke(cli, ["users", "create", "hr.office", "--role", "personnel", "--unit", "UBND xã Tân Phú"])
    assert ok.exit_code == 0, ok.output
    user = session.exec(select(User).where(User.username == "hr.office")).one()
    assert user.unit_id == office.root.id
    linked = runner.invoke(cli, ["users", "create", "an.nv", "--role", "staff", "--staff", office.colleague.code])
    assert linked.exit_code == 0, linked.output
    missing_unit = runner.invoke(cli, ["users", "create", "lost", "--role", "head"])
    assert missing_unit.exit_code == 2


def test_demo_accounts_one_per_role_with_distinct_random_passwords(client: TestClient, session: Session) -> None:
    root = make_unit(session, "UBND xã Demo")
    department = make_unit(session, "UBND xã Demo / Văn phòng")
    for name in ("Nguyễn Văn A", "Trần Thị B", "Lê Văn C"):
        make_staff(session, department, full_name=name)
    accounts = create_demo_accounts(session=session, unit=root)
    session.commit()
    assert [role for _, role, _ in accounts] == ["admin", "personnel", "head", "staff"]
    assert len({password for _, _, password in accounts}) == 4
    for username, role, password in accounts:
        response = client.post("/api/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200 and response.json()["user"]["role"] == role
