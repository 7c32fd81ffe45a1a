"""The cycle collector during start-up: main.py switches it off, the first real work back on."""

from __future__ import annotations

import gc


def resume_cycle_collector() -> None:
    """Switch the cycle collector back on when main.py left it off for start-up.

    Start-up makes hundreds of thousands of objects that live until exit (modules, classes,
    SQLAlchemy's mappers) and next to no garbage cycles, so collecting while importing only
    costs time. Frozen here, those objects are never scanned again; everything made later is
    collected as usual. Does nothing where the collector is on (tests, an embedding program).
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
