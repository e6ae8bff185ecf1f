"""Template encryption, k-of-n voting and debouncing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from recognition.camera.voting import UNKNOWN, Debouncer, Voter
from recognition.crypto import TemplateCipher
from recognition.errors import TemplateUnreadable

pytestmark = pytest.mark.db_independent


def test_templates_are_encrypted_and_bound_to_their_owner() -> None:
    cipher = TemplateCipher("secret one")
    encoding = np.linspace(-0.2, 0.2, 128, dtype=np.float32)
    token = cipher.seal_encoding(encoding, staff_id=7)
    assert encoding.tobytes() not in token
    assert token != cipher.seal_encoding(encoding, staff_id=7)  # fresh nonce each time
    np.testing.assert_array_equal(cipher.open_encoding(token, staff_id=7), encoding)
    with pytest.raises(TemplateUnreadable):
        cipher.open_encoding(token, staff_id=8)  # moved to another person's row
    with pytest.raises(TemplateUnreadable):
        TemplateCipher("secret two").open_encoding(token, staff_id=7)
    tampered = token[:-1] + bytes([token[-1] ^ 1])
    with pytest.raises(TemplateUnreadable):
        cipher.open_encoding(tampered, staff_id=7)


def test_voter_needs_k_of_the_last_n_frames() -> None:
    voter = Voter(3, 5)
    assert voter.push({1}) == []
    assert voter.push(set()) == []
    assert voter.push({1, UNKNOWN}) == []
    assert voter.push({1}) == [1]
    voter.forget(1)
    assert voter.push({1}) == []  # the streak that decided does not decide again
    for _ in range(5):
        voter.push(set())
    assert voter.push({1}) == [] and voter.push({1}) == []  # old votes slid out of the window
    with pytest.raises(ValueError):
        Voter(6, 5)


def test_debouncer_allows_one_per_window() -> None:
    debouncer = Debouncer(timedelta(seconds=60))
    start = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    assert debouncer.allow(1, start)
    assert not debouncer.allow(1, start + timedelta(seconds=59))
    assert debouncer.allow(2, start + timedelta(seconds=1))
    assert debouncer.allow(1, start + timedelta(seconds=61))
