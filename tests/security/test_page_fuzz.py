"""Every page route the app declares, fuzzed over its path and query parameters: never a 500, and the
error page is the service's own (Vietnamese, with the menu); unknown URLs too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.pages.deps import PageRoute
from api.pages.params import MAX_EVENT_ID
from tests.api.conftest import PASSWORD, Office
from tests.factories import make_staff

STREAMS = {"/live/punches"}  # never ends by itself: checked over real HTTP below
EDGES = ["9999-12-31", "0001-01-01", "2026-02-30", "1e23", "NaN", "-1", "0", "2026-13", "", "%00", "..",
         "99999999999999999999", "-99999999999999999999", "2147483648", "9223372036854775808", "' OR 1=1 --",
         "<script>", "2026-11", "2026-11-18", "1", "true"]
VALUES = st.one_of(st.sampled_from(EDGES), st.integers(-(10**25), 10**25).map(str),
                   st.dates().map(lambda d: d.isoformat()), st.text(max_size=30))


def _page_routes(app: FastAPI) -> list[tuple[str, list[str], list[str]]]:
    routes = []
    for prefix, route in _walk(app.routes, ""):
        path = prefix + route.path
        if isinstance(route, PageRoute) and "GET" in route.methods and path not in STREAMS:
            path_params, query_params = _params(route.dependant)
            routes.append((path, sorted(set(path_params)), sorted(set(query_params))))
    return sorted(routes)


def _walk(routes: list, prefix: str) -> Iterator[tuple[str, Any]]:  # type: ignore[type-arg]
    """Every route, through included routers (FastAPI keeps them nested)."""
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from _walk(nested.routes, prefix + route.include_context.prefix)
        else:
            yield prefix, route


def _params(dependant: Dependant) -> tuple[list[str], list[str]]:
    """The path and query parameter names of a route, its dependencies' included."""
    path = [p.name for p in dependant.path_params]
    query = [p.alias for p in dependant.query_params]
    for sub in dependant.dependencies:
        more_path, more_query = _params(sub)
        path += more_path
        query += more_query
    return path, query


def _admin_browser(client: TestClient) -> TestClient:
    assert client.post("/api/auth/session", json={"username": "admin", "password": PASSWORD}).status_code == 200
    return client


def _check(response: httpx.Response, url: str) -> None:
    assert response.status_code < 500, f"{url}: {response.status_code}"
    if "text/html" in response.headers.get("content-type", "") and response.status_code >= 400:
        assert '<html lang="vi">' in response.text, url
        # The error page, or the page itself with the refusal in its error banner (forms' ?error=).
        assert "Có lỗi" in response.text or 'class="flash error"' in response.text, url
        assert 'class="menu"' in response.text, f"{url}: the error page lost the menu"


def test_the_app_declares_page_routes_with_parameters(app: FastAPI) -> None:
    routes = _page_routes(app)
    assert len(routes) >= 8 and any(path for path, params, _ in routes if params)


@pytest.mark.parametrize("route", _page_routes(__import__("api.main", fromlist=["x"]).create_app()),
                         ids=lambda r: r[0])
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_page_parameters_never_cause_a_500(route: tuple[str, list[str], list[str]], client: TestClient,
                                           office: Office, data: st.DataObject) -> None:
    path, path_params, query_params = route
    browser = _admin_browser(client) if "attendance_session" not in client.cookies else client
    url = path
    for name in path_params:
        url = url.replace("{" + name + "}", quote(data.draw(VALUES, label=name), safe="") or "x")
    chosen = {name: data.draw(VALUES, label=name) for name in query_params if data.draw(st.booleans())}
    if chosen:
        url += "?" + urlencode(chosen)
    _check(browser.get(url, follow_redirects=False), url)


def test_the_issues_urls(client: TestClient, office: Office, session) -> None:  # type: ignore[no-untyped-def]
    make_staff(session, office.office, full_name="Người Thứ Sáu")
    session.commit()
    browser = _admin_browser(client)
    for url in ("/people/99999999999999999999/month", "/faces?staff=abc", "/month?unit=abc",
                "/today?day=9999-12-31", "/calendar?year=99999", "/people/1/month?year=2026&month=13"):
        response = browser.get(url, follow_redirects=False)
        assert response.status_code == 422, url
        _check(response, url)


def test_unknown_urls_get_the_error_page_or_json(client: TestClient, office: Office) -> None:
    anonymous = client.get("/khong-co-trang-nay")
    assert anonymous.status_code == 404 and "text/html" in anonymous.headers["content-type"]
    assert "Không tìm thấy" in anonymous.text
    browser = _admin_browser(client)
    _check(browser.get("/khong-co-trang-nay"), "/khong-co-trang-nay")
    english = browser.get("/khong-co-trang-nay?lang=en")
    assert english.status_code == 404 and "Something went wrong" in english.text
    api = browser.get("/api/khong-co")
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
    assert browser.put("/today").status_code == 405


def test_live_stream_with_a_huge_position_never_breaks(server: str, office: Office) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        assert http.post("/api/auth/session", json={"username": "admin", "password": PASSWORD}).status_code == 200
        for after in ("1e23", str(MAX_EVENT_ID + 1), "99999999999999999999999"):
            refused = http.get(f"/live/punches?after={after}")
            assert refused.status_code == 422 and "Có lỗi" in refused.text
        with http.stream("GET", f"/live/punches?after={MAX_EVENT_ID}",
                         headers={"Last-Event-ID": "99999999999999999999999"}) as stream:
            assert stream.status_code == 200
            seen = ""
            for chunk in stream.iter_text():
                seen += chunk
                if "event: ready" in seen:
                    break
        # Another request after the stream's first poll: the service is still answering.
        assert http.get("/health").status_code == 200
