"""The written-down deployment: the compose file parses and wires what it should, nginx never redirects
/iclock, and the systemd units pass `systemd-analyze verify`. (No Docker engine or nginx runs here.)"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"

pytestmark = pytest.mark.db_independent


def test_compose_file_has_every_part_wired() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed: the compose file cannot be parsed here")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "pgbouncer", "migrate", "api", "poller", "proxy"} <= set(services)
    assert services["api"]["deploy"]["replicas"] == "${API_REPLICAS:-3}"
    proxy_address = services["proxy"]["networks"]["backend"]["ipv4_address"]
    for name in ("api", "poller"):
        env = services[name]["environment"]
        assert env["ATTENDANCE_TERMINALS__TRUSTED_PROXIES"] == proxy_address
        assert "@pgbouncer:6432/" in env["DATABASE_URL"]
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # The upgrade's advisory lock needs a session of its own: straight to PostgreSQL, not the pooler.
    assert "@postgres:5432/" in services["migrate"]["environment"]["DATABASE_URL"]
    assert services["migrate"]["command"] == ["attendance", "db", "upgrade"]
    assert "/health/ready" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    # The worker's backups need pg_dump's own session: PostgreSQL itself, not the pooler.
    assert services["worker"]["command"] == ["attendance", "worker"]
    assert "@postgres:5432/" in services["worker"]["environment"]["DATABASE_URL"]
    assert services["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_nginx_serves_iclock_over_plain_http_without_redirect_and_redirects_the_rest() -> None:
    config = (DEPLOY / "nginx" / "attendance.conf").read_text(encoding="utf-8")
    servers = _blocks(_strip_comments(config), "server")
    plain = [s for s in servers if re.search(r"listen\s+80\b", s)]
    tls = [s for s in servers if re.search(r"listen\s+443\s+ssl", s)]
    assert len(plain) == 1 and len(tls) == 1
    iclock = _blocks(plain[0], r"location\s+\^~\s+/iclock")
    assert len(iclock) == 1
    assert not re.search(r"\b(return|rewrite)\b", iclock[0]), "a terminal would get a redirect it cannot follow"
    assert "proxy_pass http://attendance_api;" in iclock[0]
    assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;", iclock[0])
    rest = _blocks(plain[0], r"location\s+/(?=\s*\{)")
    assert len(rest) == 1 and re.search(r"return\s+301\s+https://\$host\$request_uri;", rest[0])
    assert "default_server" in plain[0]  # HTTP/1.0 terminals may send no Host header
    assert "proxy_add_x_forwarded_for" not in config  # a terminal's own header must never be passed on
    for location in _blocks(tls[0], r"location\s+\S+"):
        assert re.search(r"proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;", location)


@pytest.mark.parametrize(
    "unit, instance",
    [
        ("attendance-api@.service", "attendance-api@8001.service"),
        ("attendance-poller.service", "attendance-poller.service"),
        ("attendance-worker.service", "attendance-worker.service"),
    ],
)
def test_systemd_units_verify(unit: str, instance: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    executable = ROOT / ".venv" / "bin" / "attendance"
    if not executable.exists():
        pytest.skip(f"{executable} is missing: run scripts/setup.sh")
    # The units name the install prefix /opt/attendance; verify them against this checkout's venv instead,
    # since systemd-analyze checks that ExecStart's program exists.
    text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8").replace("/opt/attendance", str(ROOT))
    (tmp_path / instance).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / instance)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def _strip_comments(config: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in config.splitlines())


def _blocks(text: str, head: str) -> list[str]:
    """The bodies of every `head { ... }` block in `text`, braces balanced."""
    bodies = []
    for match in re.finditer(rf"(?:^|[\s;{{}}]){head}\s*\{{", text):
        depth, start = 1, match.end()
        for index in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                bodies.append(text[start:index])
                break
    return bodies
