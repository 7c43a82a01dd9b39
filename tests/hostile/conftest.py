"""Fixtures of the hostile-input suite."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest


@pytest.fixture
def default_interrupt() -> Iterator[None]:
    """Let the commands this test starts act on Ctrl-C (SIGINT).

    A shell starts a background job with SIGINT ignored, and a child inherits that; cleaner
    then keeps ignoring it, as it should (nohup asks the same). A handled SIGINT is reset
    to the default in a child, so the test process handles it while the test runs.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
