"""`attendance report ...` and /api/reports: the same files, progress, errors, closing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from api.cli.main import app as cli
from attendance.reports.closing import close_month
from attendance.reports.export import render, report_data
from tests.api.conftest import add_user, app, client  # noqa: F401  (fixtures)
from tests.reports import expected, scenario
from tests.reports.readback import workbook

REPO = Path(__file__).resolve().parents[2]


def _close(session, jan) -> None:
    close_month(session=session, unit=jan.root, year=2026, month=1, actor="hr",
                now=datetime(2026, 2, 3, 2, 0, tzinfo=UTC))
    session.commit()


def test_cli_writes_each_format(session, jan, tmp_path) -> None:
    runner = CliRunner()
    for kind in ("discipline", "timesheet"):
        for fmt in ("json", "csv", "xlsx", "pdf"):
            target = tmp_path / f"{kind}.{fmt}"
            result = runner.invoke(cli, ["report", kind, "--unit", scenario.ROOT, "--month", "2026-01",
                                         "--format", fmt, "--output", str(target)])
            assert result.exit_code == 0, result.output
            assert target.stat().st_size > 100
    people = json.loads((tmp_path / "discipline.json").read_text("utf-8"))["people"]
    assert [p["full_name"] for p in people] == expected.ORDER
    assert workbook((tmp_path / "timesheet.xlsx").read_bytes()).sheetnames == ["Địa chính", "Văn phòng"]
    assert (tmp_path / "discipline.pdf").read_bytes().startswith(b"%PDF")


def test_cli_errors_are_clear_and_exit_non_zero(session, jan, tmp_path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["report", "discipline", "--unit", "UBND xã Không Có", "--month", "2026-01",
                                  "--output", str(tmp_path / "x.xlsx")])
    assert unknown.exit_code == 2 and "no unit" in unknown.output and not (tmp_path / "x.xlsx").exists()
    bad_month = runner.invoke(cli, ["report", "timesheet", "--unit", scenario.ROOT, "--month", "2026-13"])
    assert bad_month.exit_code == 2 and "not a month" in bad_month.output
    bad_format = runner.invoke(cli, ["report", "timesheet", "--unit", scenario.ROOT, "--month", "2026-01",
                                     "--format", "docx"])
    assert bad_format.exit_code != 0


def test_cli_close_and_reopen(session, jan) -> None:
    runner = CliRunner()
    closed = runner.invoke(cli, ["report", "close", "--unit", scenario.ROOT, "--month", "2026-01", "--actor", "hr"])
    assert closed.exit_code == 0, closed.output
    again = runner.invoke(cli, ["report", "close", "--unit", scenario.ROOT, "--month", "2026-01"])
    assert again.exit_code == 2 and "already closed" in again.output
    reopened = runner.invoke(cli, ["report", "reopen", "--unit", scenario.ROOT, "--month", "2026-01",
                                   "--reason", "Sửa chấm công"])
    assert reopened.exit_code == 0, reopened.output


def test_a_closed_month_is_byte_identical_from_another_process(session, jan, tmp_path) -> None:
    _close(session, jan)
    target = tmp_path / "ts.pdf"
    subprocess.run([sys.executable, "-m", "api.cli.main", "report", "timesheet", "--unit", scenario.ROOT,
                    "--month", "2026-01", "--format", "pdf", "--output", str(target)], check=True, cwd=REPO,
                   capture_output=True, timeout=120)
    here = render(report_data(session=session, kind="timesheet", unit_path=scenario.ROOT, month="2026-01"), "pdf")
    assert target.read_bytes() == here


def test_api_serves_the_same_figures_and_files(session, jan, client) -> None:  # noqa: F811
    _, headers = add_user(session, "personnel", "personnel", unit=jan.root)
    session.commit()
    _close(session, jan)
    params = {"unit": scenario.ROOT, "month": "2026-01"}
    response = client.get("/api/reports/discipline", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["people"][3]["absent_sessions"] == 3  # Trần Thị Bình
    xlsx = client.get("/api/reports/timesheet", params={**params, "format": "xlsx"}, headers=headers)
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"] and "filename*=UTF-8''" in xlsx.headers[
        "content-disposition"]
    frozen = report_data(session=session, kind="timesheet", unit_path=scenario.ROOT, month="2026-01")
    assert xlsx.content == render(frozen, "xlsx")
    status = client.get("/api/reports/closures/status", params={"unit": scenario.LAND, "month": "2026-01"},
                        headers=headers)
    assert status.json()["closed_for"] == scenario.ROOT
    reopened = client.post("/api/reports/reopen", json={**params, "reason": "Bổ sung"}, headers=headers)
    assert reopened.status_code == 200 and reopened.json()["reopened_by"] == "user:personnel"


def test_api_refuses_bad_input_and_other_units(session, jan, client) -> None:  # noqa: F811
    _, personnel = add_user(session, "personnel", "personnel", unit=jan.root)
    _, head = add_user(session, "head", "head", unit=jan.land)
    session.commit()
    assert client.get("/api/reports/discipline", params={"unit": scenario.ROOT, "month": "2026-01"}).status_code == 401
    assert client.get("/api/reports/discipline", params={"unit": "Không có", "month": "2026-01"},
                      headers=personnel).status_code == 404
    assert client.get("/api/reports/discipline", params={"unit": scenario.ROOT, "month": "2026-13"},
                      headers=personnel).status_code == 422
    assert client.get("/api/reports/discipline", params={"unit": scenario.ROOT, "month": "2026-01", "format": "doc"},
                      headers=personnel).status_code == 422
    assert client.get("/api/reports/timesheet", params={"unit": scenario.OFFICE, "month": "2026-01"},
                      headers=head).status_code == 404
    assert client.get("/api/reports/timesheet", params={"unit": scenario.LAND, "month": "2026-01"},
                      headers=head).status_code == 200
    assert client.post("/api/reports/close", json={"unit": scenario.LAND, "month": "2026-01"},
                       headers=head).status_code == 403
    assert client.post("/api/reports/close", json={"unit": scenario.ROOT, "month": "2099-01"},
                       headers=personnel).status_code == 422
