"""Hybrid logical clock: row versions that order edits across machines with skewed clocks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Fixed widths make the plain string order equal the (ms, counter, node) order, so the
# database can compare versions with `>` in SQL on SQLite and PostgreSQL alike.
MS_WIDTH = 13
COUNTER_WIDTH = 6
MAX_COUNTER = 10**COUNTER_WIDTH - 1


@dataclass(frozen=True, order=True)
class Stamp:
    """One version: physical milliseconds, a counter, and the node that made it."""

    ms: int
    counter: int
    node: str

    def encode(self) -> str:
        """The sortable text form stored in the `version` column."""
        return f"{self.ms:0{MS_WIDTH}d}.{self.counter:0{COUNTER_WIDTH}d}.{self.node}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        """Parse a stored version; raises ValueError on anything else."""
        ms, counter, node = text.split(".", 2)
        if len(ms) != MS_WIDTH or len(counter) != COUNTER_WIDTH or not node:
            raise ValueError(f"not a version stamp: {text!r}")
        return cls(int(ms), int(counter), node)


def wall_ms() -> int:
    """The machine clock in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


class HybridClock:
    """Issues strictly increasing stamps for one node; `observe` folds in remote stamps."""

    def __init__(self, node: str, last: str = "", now: Callable[[], int] = wall_ms) -> None:
        self.node = node
        self._now = now
        self._lock = threading.Lock()
        self._last = Stamp.decode(last) if last else Stamp(0, 0, node)

    @property
    def last(self) -> str:
        """The most recent stamp issued or observed."""
        return self._last.encode()

    def tick(self) -> str:
        """A new stamp, later than every stamp issued or observed before."""
        with self._lock:
            physical = self._now()
            if physical > self._last.ms:
                stamp = Stamp(physical, 0, self.node)
            elif self._last.counter < MAX_COUNTER:
                stamp = Stamp(self._last.ms, self._last.counter + 1, self.node)
            else:
                stamp = Stamp(self._last.ms + 1, 0, self.node)
            self._last = stamp
            return stamp.encode()

    def observe(self, remote: str) -> None:
        """Move past a stamp received from another node, so our next edit orders after it."""
        stamp = Stamp.decode(remote)
        with self._lock:
            if (stamp.ms, stamp.counter) > (self._last.ms, self._last.counter):
                self._last = Stamp(stamp.ms, stamp.counter, self.node)
