"""`attendance demo`: seed a realistic office and serve it."""

from __future__ import annotations


def demo() -> None:
    """Seed a demo commune office and start the service."""
    raise NotImplementedError
