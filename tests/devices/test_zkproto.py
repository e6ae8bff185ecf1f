"""Our protocol helpers agree with pyzk's own code, byte for byte."""

from __future__ import annotations

import struct
from datetime import datetime

import pytest
from zk.base import make_commkey as pyzk_commkey
from zk.user import User

from devices import zkproto

pytestmark = pytest.mark.db_independent


@pytest.mark.parametrize("key,session_id", [(0, 1), (1234, 77), (999999, 65000), (7, 1)])
def test_commkey_matches_pyzk(key: int, session_id: int) -> None:
    assert zkproto.make_commkey(key, session_id) == pyzk_commkey(key, session_id)
    assert zkproto.check_commkey(key, session_id, pyzk_commkey(key, session_id))
    assert not zkproto.check_commkey(key + 1, session_id, pyzk_commkey(key, session_id))


def test_time_round_trip_and_impossible_dates() -> None:
    moment = datetime(2026, 11, 25, 7, 31, 5)
    assert zkproto.decode_time(zkproto.encode_time(moment)) == moment
    assert zkproto.decode_time(0) == datetime(2000, 1, 1)
    with pytest.raises(ValueError):
        zkproto.decode_time(zkproto.encode_raw_time(2026, 2, 31, 8))


def test_user_records_match_pyzk_layouts() -> None:
    user = User(3, "An", 14, "12", "", "1005", 4242)
    raw28 = user.repack29()[1:]  # pyzk prefixes the 2 of its write command
    raw72 = user.repack73()[1:]
    assert len(raw28) == 28 and len(raw72) == 72
    for raw in (raw28, raw72):
        parsed = zkproto.unpack_user(raw)
        assert (parsed.uid, parsed.user_id, parsed.name, parsed.privilege, parsed.card) == (3, "1005", "An", 14, 4242)
        assert zkproto.unpack_user(zkproto.pack_user(parsed, len(raw))) == parsed


@pytest.mark.parametrize("size", [8, 16, 40])
def test_punch_records_round_trip(size: int) -> None:
    raw = zkproto.RawPunch(uid=7, user_id="1007", time=zkproto.encode_time(datetime(2026, 3, 2, 7, 0)), status=1, punch=1)
    data = b"".join(zkproto.pack_punch(raw, size) for _ in range(3))
    assert len(data) == 3 * size
    parsed, found = zkproto.unpack_punches(data, 3, {7: "1007"})
    assert found == size
    assert [(p.user_id, p.time, p.status) for p in parsed] == [("1007", raw.time, 1)] * 3


def test_record_size_inference_survives_a_wrong_count() -> None:
    assert zkproto.infer_record_size(48, 3, zkproto.PUNCH_FORMATS) == 16
    # pyzk would divide 48 by 4 and mis-parse; we fall back to the size that fits best.
    assert zkproto.infer_record_size(48, 4, zkproto.PUNCH_FORMATS) == 16
    with pytest.raises(ValueError):
        zkproto.infer_record_size(50, 3, zkproto.PUNCH_FORMATS)


def test_packets_carry_a_valid_checksum() -> None:
    packet = zkproto.make_packet(zkproto.CMD_ACK_OK, 12, 34, b"abc")
    command, chk, session_id, reply_id = struct.unpack("<4H", packet[:8])
    assert (command, session_id, reply_id) == (2000, 12, 34)
    assert chk == zkproto.checksum(struct.pack("<4H", command, 0, session_id, reply_id) + b"abc")
    buffer = bytearray(zkproto.tcp_wrap(packet) + zkproto.tcp_wrap(packet)[:5])
    assert zkproto.split_tcp_frames(buffer) == [packet]
    assert len(buffer) == 5
