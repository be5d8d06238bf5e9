"""Task functions for the engine tests (a module of their own so worker processes can import them)."""

from __future__ import annotations

import os
import time


def square(x: int) -> int:
    return x * x


def behave(what: str) -> str:
    """'ok' returns; 'hang' never returns; 'hog' allocates until ended; 'die' kills its process; 'raise' raises."""
    if what == "hang":
        while True:
            time.sleep(0.01)
    if what == "hog":
        hoard = []
        while True:
            hoard.append(bytearray(32 * 1024 * 1024))
            hoard[-1][::4096] = b"x" * len(hoard[-1][::4096])  # touch every page so it is resident
            time.sleep(0.01)
    if what == "die":
        os._exit(9)
    if what == "raise":
        raise ValueError("bad input")
    return what
