"""The enrollment identity check (this face is the person's and nobody else's), with the gallery kept
between calls so a batch of N enrollments decrypts the gallery once rather than N times."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import numpy as np
from sqlalchemy import func
from sqlmodel import Session, select

from config.settings import FacePolicy
from recognition.errors import PhotoRejected
from recognition.gallery import Gallery
from recognition.models import FaceTemplate

State = tuple[int, int, datetime | None]  # templates, highest id, latest creation: changes with any write

_lock = threading.Lock()
_cache: dict[str, tuple[State, Gallery]] = {}


def current_gallery(session: Session, load: Callable[[], Gallery]) -> tuple[Gallery, State]:
    """Every template (active or not), from the cache when the table has not changed since."""
    state = _state(session)
    key = _key(session)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == state:
        return cached[1], state
    gallery = load()
    with _lock:
        _cache[key] = (state, gallery)
    return gallery, state


def remember(session: Session, state: State, updated: Gallery, template: FaceTemplate) -> None:
    """Cache the gallery with a template just inserted; a rollback or another writer shows in the state."""
    latest = max(moment for moment in (state[2], template.created_at) if moment is not None)
    new_state = (state[0] + 1, max(state[1], int(template.id or 0)), latest)
    with _lock:
        _cache[_key(session)] = (new_state, updated)


def check(gallery: Gallery, policy: FacePolicy, staff_id: int, encoding: np.ndarray, language: str) -> None:
    """Refuse a face that is someone else's or unlike the person's own templates (wrong person)."""
    if not len(gallery):
        return
    distances = gallery.person_distances(encoding)[0]
    for person, distance in zip(gallery.people, distances, strict=True):
        if person.staff_id == staff_id and distance > policy.threshold:
            raise PhotoRejected("not_same_person", language=language, distance=round(float(distance), 2))
    others = [(d, p) for p, d in zip(gallery.people, distances, strict=True) if p.staff_id != staff_id]
    if others:
        distance, person = min(others, key=lambda item: item[0])
        if distance <= policy.threshold:
            raise PhotoRejected(
                "other_person", language=language, name=person.full_name, distance=round(float(distance), 2)
            )


def _state(session: Session) -> State:
    count, highest, latest = session.exec(  # type: ignore[call-overload]
        select(func.count(), func.max(FaceTemplate.id), func.max(FaceTemplate.created_at))
    ).one()
    return int(count), int(highest or 0), latest


def _key(session: Session) -> str:
    bind = session.get_bind()
    return str(bind.engine.url)
