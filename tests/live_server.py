"""The real application under uvicorn in a thread, against the test database, on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def running_app(name: str = "uvicorn") -> Iterator[str]:
    """Yield the base URL of the app served on 127.0.0.1 (clients may connect from any 127.x address).

    Proxy headers are off, as `attendance serve` runs it: the service decides whom to believe."""
    import uvicorn

    from api.main import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=1, lifespan="off", proxy_headers=False)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)
