"""/plan and the charts in the offline console: the issue's "Done when" line, as a process and in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from .test_console import Session, _run_module

DONE_WHEN = (
    "/plan year:2026 age:40 compensation:182000 pay_frequency:biweekly paychecks_left:6 ytd_deferrals:19000 "
    'ytd_employer:7000 ytd_after_tax:10000 match_formula:"50% up to 6%"'
)


@pytest.fixture(autouse=True)
def chart_dir(tmp_path, monkeypatch):
    folder = tmp_path / "charts"
    monkeypatch.setenv("CONSOLE_CHART_DIR", str(folder))
    return folder


@pytest.fixture
async def console(db_url):
    s = Session(db_url)
    await s.start()
    yield s
    await s.stop()


def chart_path(out: str) -> Path:
    line = next(line for line in out.splitlines() if line.startswith("Chart ("))
    return Path(line.rsplit("): ", 1)[1])


def test_done_when_prints_elections_a_schedule_and_a_chart_file(tmp_path, chart_dir):
    out = _run_module(["console", "-c", DONE_WHEN], tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Deferral (pre-tax + Roth): 13% of each paycheck" in text
    assert "After-tax: enter 70% now; after paycheck 3 change it to 69%" in text
    assert "Schedule:" in text and "$71,910" in text
    path = chart_path(text)
    assert path.parent == chart_dir and path.name.endswith("plan.png")
    with Image.open(path) as img:
        assert img.format == "PNG" and img.width >= 600


async def test_plan_from_the_saved_profile_and_room_chart_off(console, chart_dir):
    ok, out = await console.run(
        '/profile set age:40 compensation:182000 pay_frequency:biweekly match_formula:"50% up to 6%"'
    )
    assert ok
    ok, out = await console.run(
        "/profile paystub year:2026 paychecks_left:6 ytd_deferrals:19000 ytd_employer:7000 ytd_after_tax:10000"
    )
    assert ok and "Paystub's year: 2026" in out
    ok, out = await console.run("/profile plan election_unit:dollars")
    assert ok and "Elections taken in: dollars" in out
    await console.restart()
    ok, out = await console.run("/plan year:2026 chart:false")
    assert ok and "$916.66 a paycheck" in out and "Chart (" not in out
    ok, out = await console.run("/room year:2026 employee_deferrals:24500 employer_contributions:8260")
    assert ok and chart_path(out).exists()
    ok, out = await console.run("/room year:2026 employee_deferrals:24500 employer_contributions:8260 chart:false")
    assert ok and "Chart (" not in out
    assert len(list(chart_dir.iterdir())) == 1


async def test_plan_bad_input_names_the_option(console):
    ok, out = await console.run("/plan year:2026 age:40 compensation:182000 pay_frequency:monthly paychecks_left:13")
    assert not ok and "paychecks_left" in out and "12 paychecks a year" in out
    ok, out = await console.run("/plan year:2026 age:40 compensation:182000 paychecks_left:6 pay_frequency:daily")
    assert not ok and "pay_frequency" in out
