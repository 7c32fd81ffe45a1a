"""Reception desk benchmark: search and check-in among 1,000 registrations of one event.

Run: .venv/bin/pytest tests/perf/test_reception_perf.py -s -o addopts="" -p no:cacheprovider
Prints figures; the one bound asserted (150 ms per keystroke's search) is far above the
figures measured (under 10 ms), so that only a real regression fails it.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app import events
from app.core.context import Context
from app.setup.demo import FAMILY, GIVEN_F, GIVEN_M
from tests.gui.ime import type_text
from ui.dialogs.reception import ReceptionDialog

N = 1000


def _event_with_guests(ctx: Context) -> str:
    event = events.create_event(
        ctx, events.EventInput(title="大講演会", starts_at=datetime(2030, 1, 1, 10))
    )
    rng = random.Random(1)
    started = time.perf_counter()
    for _n in range(N):
        family, family_kana = rng.choice(FAMILY)
        given, given_kana = rng.choice(GIVEN_F + GIVEN_M)
        events.register_guest(
            ctx, event.id, events.GuestInput(family, given, family_kana, given_kana)
        )
    took = time.perf_counter() - started
    print(f"\nregister {N} guests one by one: {took:.1f} s ({took / N * 1000:.1f} ms each)")
    return event.id


def test_reception_search_and_check_in_at_1000(qtbot: QtBot, ctx: Context) -> None:
    event_id = _event_with_guests(ctx)
    for query in ("", "た", "たか", "たかは", "たかはし ま"):
        times = []
        for _n in range(20):
            started = time.perf_counter()
            events.find_for_reception(ctx, event_id, query)
            times.append(time.perf_counter() - started)
        median = statistics.median(times) * 1000
        print(f"search {query!r}: median {median:.1f} ms")
        assert median < 150
    dialog = ReceptionDialog(ctx, event_id)
    qtbot.addWidget(dialog)
    dialog.show()
    started = time.perf_counter()
    for _n in range(50):
        type_text(dialog.search, "たか")
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    each = (time.perf_counter() - started) / 50 * 1000
    print(f"check-in by two kana + Enter in the dialog: {each:.0f} ms per person")
    assert events.registration_counts(ctx, event_id).attended == 50
