"""Schedule times are plain local times: anything else is a 422 that says so, never a 500 or a dropped zone."""

from __future__ import annotations

import pytest

BASE = {"valid_from": "2027-01-01", "morning_start": "07:00", "morning_end": "11:30",
        "afternoon_start": "13:30", "afternoon_end": "17:00"}


@pytest.mark.parametrize("value", ["07:00+07:00", 0, 25200, "07:00Z", "07:00:00Z", "7h", "24:00", "", None])
def test_a_time_with_a_zone_or_a_number_is_refused(client, office, value) -> None:
    reply = client.post(f"/api/units/{office.root.id}/schedules", json={**BASE, "morning_start": value},
                        headers=office.headers["admin"])
    assert reply.status_code == 422, reply.text
    assert "plain local time" in reply.text or value is None


def test_plain_local_times_are_stored_as_given(client, office) -> None:
    reply = client.post(f"/api/units/{office.root.id}/schedules", json={**BASE, "morning_start": "07:15:00"},
                        headers=office.headers["admin"])
    assert reply.status_code == 201, reply.text
    assert reply.json()["morning_start"] == "07:15:00"
