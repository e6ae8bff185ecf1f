"""Renaming a unit's timesheet symbols: the codes people type are checked with coded messages
(non-empty, distinct, short), and a renamed code follows everywhere the set refers to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attendance.errors import InvalidInput

#: A symbol is printed in one cell of the C01-HD grid, beside its half-day twin.
SYMBOL_CODE_MAX = 4
SYMBOL_LABEL_MAX = 100


def check_symbol_codes(symbols: Sequence[Mapping[str, Any]]) -> None:
    """Raise a coded InvalidInput unless every symbol has a short code and a label, codes distinct."""
    seen: set[str] = set()
    for symbol in symbols:
        code, label = str(symbol.get("code") or "").strip(), str(symbol.get("label") or "").strip()
        if not code:
            raise InvalidInput(code="symbols.code_empty", label=label)
        if len(code) > SYMBOL_CODE_MAX:
            raise InvalidInput(code="symbols.code_too_long", symbol=code, max=SYMBOL_CODE_MAX)
        if not label or len(label) > SYMBOL_LABEL_MAX:
            raise InvalidInput(code="symbols.label_invalid", symbol=code, max=SYMBOL_LABEL_MAX)
        if code in seen:
            raise InvalidInput(code="symbols.code_duplicate", symbol=code)
        seen.add(code)


def renamed(current: Mapping[str, Any], edits: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """The symbol part of `current` (a SymbolSet dump) with each (old code, new code, new label) applied;
    what maps to an old code (worked, holiday, absent, excuse kinds) maps to the new one."""
    by_old = {old: (new.strip(), label.strip()) for old, new, label in edits}
    symbols = [{**s, "code": by_old.get(s["code"], (s["code"], s["label"]))[0],
                "label": by_old.get(s["code"], (s["code"], s["label"]))[1]} for s in current["symbols"]]
    check_symbol_codes(symbols)
    codes = {old: new for old, (new, _) in by_old.items()}

    def follow(code: str | None) -> str | None:
        return codes.get(code, code) if code else code

    return {"symbols": symbols, "worked": follow(current["worked"]), "holiday": follow(current["holiday"]),
            "absent": follow(current["absent"]) or "",
            "excuses": {kind: follow(code) for kind, code in current["excuses"].items()}}
