"""How a person proved who they were at the terminal (the punch's verify mode), in Vietnamese or English.

Codes as ZKTeco terminals report them in the log (pull) and ATTLOG lines (push): 0 and 3 password,
1 fingerprint, 2 and 4 card, 15 face, 25 palm; combined modes of newer firmware are named by their
main factor. Kept on each punch as evidence; never used to count a punch or not.
"""

from __future__ import annotations

# code: (vi, en)
MODES: dict[int, tuple[str, str]] = {
    0: ("mật khẩu", "password"),
    1: ("vân tay", "fingerprint"),
    2: ("thẻ", "card"),
    3: ("mật khẩu", "password"),
    4: ("thẻ", "card"),
    15: ("khuôn mặt", "face"),
    25: ("lòng bàn tay", "palm"),
}


def label(code: int | None, language: str = "vi") -> str | None:
    """The verify mode's name, `khác (n)`/`other (n)` for codes not listed, None when none was recorded."""
    if code is None:
        return None
    vi, en = MODES.get(code, (f"khác ({code})", f"other ({code})"))
    return en if language == "en" else vi
