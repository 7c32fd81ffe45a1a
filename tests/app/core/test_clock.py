"""The hybrid logical clock: strictly increasing, string order equals stamp order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.clock import HybridClock, Stamp


def test_ticks_increase_even_when_the_wall_clock_goes_back() -> None:
    times = iter([1000, 1000, 999, 500, 1001])
    clock = HybridClock("a", now=lambda: next(times))
    stamps = [clock.tick() for _ in range(5)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 5


def test_observe_moves_past_a_remote_stamp() -> None:
    clock = HybridClock("a", now=lambda: 10)
    remote = Stamp(5000, 7, "b").encode()
    clock.observe(remote)
    assert clock.tick() > remote


def test_restart_continues_after_the_last_stamp() -> None:
    clock = HybridClock("a", now=lambda: 10)
    last = Stamp(99999, 3, "a").encode()
    restarted = HybridClock("a", last=last, now=lambda: 10)
    assert restarted.tick() > last
    assert clock.tick() < last


stamps = st.builds(
    Stamp,
    st.integers(0, 10**13 - 1),
    st.integers(0, 999_999),
    st.text("0123456789abcdef", min_size=16, max_size=16),
)


@given(stamps, stamps)
def test_text_order_is_stamp_order(a: Stamp, b: Stamp) -> None:
    assert (a.encode() < b.encode()) == (a < b)
    assert Stamp.decode(a.encode()) == a
