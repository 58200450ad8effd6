"""Micro-benchmark (not a test): compute_room calls per second on this machine. Prints figures only."""

from __future__ import annotations

import time

from knowledge.facts import load_facts
from knowledge.room import RoomInput, compute_room

CASES = {
    "plain": dict(year=2025, age=45, compensation=200000, employee_deferrals=23500, employer_contributions=10000),
    "formula+cap+periods": dict(
        year=2026,
        age=61,
        compensation=450000,
        employee_deferrals=35750,
        match_formula="100% of first 3% + 50% of next 2%",
        plan_after_tax_cap_pct=15,
        paychecks_left=12,
    ),
}


def bench(kw: dict, seconds: float = 1.0) -> tuple[float, float]:
    load_facts()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            compute_room(RoomInput(**kw))
        n += 200
    elapsed = time.perf_counter() - start
    return n / elapsed, elapsed / n * 1e6


if __name__ == "__main__":
    for name, kw in CASES.items():
        rate, us = bench(kw)
        print(f"compute_room[{name}]: {rate:,.0f} calls/s, {us:.1f} µs per call (input validation included)")
