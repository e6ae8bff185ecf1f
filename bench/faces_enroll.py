"""Batch enrollment: photos per second through the whole service, one core.

Each photo: decode, downscale, HOG detection, quality checks, encoding, identity check against the
gallery, AES-GCM encryption, insert, audit, commit (one unit of work per photo, as the CLI does).
Run: .venv/bin/python bench/faces_enroll.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import time

from _faces import FACES, ms, one_core

from bench._db import scratch_database, table


def _existing_gallery(session, unit_id: int, people: int, cipher) -> None:  # type: ignore[no-untyped-def]
    """People already enrolled: staff, consent and 5 encrypted random templates each, inserted directly."""
    import numpy as np

    from attendance.models import Staff
    from attendance.timeutil import utcnow
    from recognition.models import FaceConsent, FaceTemplate

    rng = np.random.default_rng(5)
    now = utcnow()
    staff = [Staff(code=f"BG{i:05d}", full_name=f"Người {i}", unit_id=unit_id) for i in range(people)]
    session.add_all(staff)
    session.flush()
    consents = [FaceConsent(staff_id=s.id, given_at=now, recorded_by="bench", method="bench") for s in staff]
    session.add_all(consents)
    session.flush()
    session.add_all(
        FaceTemplate(
            staff_id=c.staff_id,
            consent_id=c.id,
            model="bench",
            created_at=now,
            created_by="bench",
            encoding=cipher.seal_encoding(rng.normal(0, 0.09, 128), staff_id=c.staff_id),
        )
        for c in consents
        for _ in range(5)
    )
    session.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--enrolled", type=int, default=2000, help="people already enrolled (5 templates each)")
    args = parser.parse_args()
    pinned = one_core()

    from attendance.db import session_scope
    from attendance.org import ensure_unit_path
    from attendance.staff import create_staff
    from config import get_settings
    from recognition import enrollment
    from recognition.crypto import cipher_from_settings
    from recognition.engine import FaceEngine

    engine = FaceEngine()
    people = sorted(d for d in (FACES / "train").iterdir() if d.is_dir())
    photos = [(person.name, photo.read_bytes()) for person in people for photo in sorted(person.iterdir())]
    per_photo: list[float] = []
    with scratch_database("sqlite"):
        settings = get_settings()
        cipher = cipher_from_settings(settings)
        with session_scope() as session:
            unit, _ = ensure_unit_path(session=session, path="UBND xã Tân Phú / Văn phòng")
            ids = {
                p.name: create_staff(
                    session=session, unit_id=unit.id or 0, code=p.name, full_name=p.name, actor="bench"
                ).id
                or 0
                for p in people
            }
            for staff_id in ids.values():
                enrollment.record_consent(session=session, staff_id=staff_id, actor="bench", method="bench")
            _existing_gallery(session, unit.id or 0, args.enrolled, cipher)
        started, started_cpu = time.perf_counter(), time.process_time()
        for _ in range(args.rounds):
            for name, data in photos:
                t0 = time.perf_counter()
                with session_scope() as session:
                    enrollment.enroll_photo(
                        session=session,
                        staff_id=ids[name],
                        data=data,
                        actor="bench",
                        engine=engine,
                        policy=settings.faces,
                        cipher=cipher,
                    )
                per_photo.append(time.perf_counter() - t0)
            with session_scope() as session:
                for staff_id in ids.values():
                    enrollment.erase_faces(session=session, staff_id=staff_id, actor="bench", reason="bench round")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    table(
        f"Batch enrollment of the shared train/ photos beside {args.enrolled:,} enrolled people "
        f"({pinned}, load average {os.getloadavg()[0]:.1f})",
        ["figure", "value"],
        [
            ["photos enrolled", len(per_photo)],
            ["photos per second (wall)", f"{len(per_photo) / elapsed:.2f}"],
            ["photos per CPU second", f"{len(per_photo) / cpu:.2f}"],
            ["per photo p50 / p95 / min ms", " / ".join(ms(per_photo))],
        ],
    )


if __name__ == "__main__":
    main()
