"""Waiting on what real workers do in other processes."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(condition: Callable[[], T], *, seconds: float = 60, what: str = "the workers") -> T:
    """The first true value of `condition()`, asked every 0.1 s; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what} did not finish within {seconds} s"
        time.sleep(0.1)
    return value
