"""The offline console: command lines through the real cogs, printed as text, on a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.app import create_bot
from bot.console import Console
from bot.formatting import formatter
from bot.i18n import MISSES

from .conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
DONE_WHEN = "/room year:2025 age:45 compensation:200000 employee_deferrals:23500 employer_contributions:10000"


class Session:
    """A console over a fresh bot; `restart()` is a new process's worth of bot on the same database."""

    def __init__(self, db_url: str, *, moderator: bool = False, **settings) -> None:
        self.db_url = db_url
        self.moderator = moderator
        self.settings = settings
        self.lines: list[str] = []
        self.bot = None

    async def start(self) -> None:
        self.bot = create_bot(make_settings(**self.settings), database_url=self.db_url, sync="never")
        await self.bot.__aenter__()
        await self.bot.setup_hook()
        self.console = Console(self.bot, self.bot.settings, out=self.lines.append, moderator=self.moderator)

    async def run(self, line: str) -> tuple[bool, str]:
        self.lines.clear()
        ok = await self.console.run_line(line)
        return ok, "\n".join(self.lines)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def stop(self) -> None:
        await self.bot.__aexit__(None, None, None)


@pytest.fixture
async def console(db_url):
    s = Session(db_url)
    await s.start()
    yield s
    await s.stop()


async def test_room_line_prints_the_room_and_its_citations(console):
    ok, out = await console.run(DONE_WHEN)
    assert ok
    assert "After-tax room for 2025: $36,500" in out
    assert "IRS Notice 2024-80 <https://www.irs.gov/pub/irs-drop/n-24-80.pdf>" in out
    assert "[only you]" in out  # /room is ephemeral by default


async def test_profile_survives_a_restart_and_feeds_room(console):
    ok, out = await console.run(
        '/profile set age:45 compensation:200k employee_deferrals:23500 match_formula:"50% up to 6%"'
    )
    assert ok and "Saved" in out and "$200,000" in out
    ok, out = await console.run("/profile paystub year:2025 paychecks_left:10")
    assert ok and "Saved" in out
    await console.restart()
    ok, out = await console.run("/room year:2025")
    assert ok, out
    # match: 50% of 6% of 200,000 = 6,000; 70,000 - 23,500 - 6,000 = 40,500; /10 = 4,050
    assert "After-tax room for 2025: $40,500" in out and "$4,050" in out
    ok, out = await console.run("/room year:2025 employee_deferrals:20000")
    assert "$44,000" in out  # 70,000 - 20,000 - 6,000: an option overrides the saved value for this answer only
    ok, out = await console.run("/profile show")
    assert "$23,500" in out


async def test_bad_lines_say_what_is_wrong(console):
    cases = {
        "/room year:2025 age:200 compensation:1 employer_contributions:0": "age: must be at most 120",
        "/room year:2025 age:40 compensation:lots employer_contributions:0": "compensation: “lots” is not an amount",
        "/room year:2031 age:40 compensation:100000 employer_contributions:0": "no IRS figures for 2031",
        "/room year:2025 age:40 employer_contributions:0": "compensation: give your pay",
        "/rooms": "unknown command /rooms",
        "/facts show": "/facts show works only in a Discord server (moderators' commands); start the console with "
        "--moderator",
        "/room colour:blue": "has no option 'colour'",
        "/explain": "needs topic:",
        '/room match_formula:"50% up': "cannot read that line",
        "/profile set": "give at least one detail",
    }
    for line, expected in cases.items():
        ok, out = await console.run(line)
        assert not ok, line
        assert expected in out, (line, out)
        assert "Traceback" not in out


async def test_explain_limits_and_export(console):
    ok, out = await console.run("/explain topic:pro-rata")
    assert ok and "pro-rata rule" in out and "Publication 590-A" in out
    ok, out = await console.run("/limits year:2026")
    assert "$72,000" in out and "+$2,000 from $70,000 in 2025" in out and "IRS Notice 2025-67" in out
    await console.run("/profile set compensation:99000")
    ok, out = await console.run("/profile export")
    assert '"compensation": "99000"' in out
    ok, out = await console.run("/profile delete")
    assert "erased" in out
    ok, out = await console.run("/profile export")
    assert "no saved profile" in out


async def test_checklist_takes_answers_as_options_and_keeps_them(console):
    ok, out = await console.run("/checklist after_tax_allowed:true in_plan_conversion:false")
    assert ok and "[DM]" in out and "Mega backdoor Roth checklist" in out
    assert "✅ 1. The plan accepts after-tax" in out and "Questions to ask HR" in out
    assert "[In-service withdrawal? Yes]" in out  # the next open question
    await console.restart()
    ok, out = await console.run("/checklist in_service_withdrawal:false")
    assert "Blocked: the plan allows neither" in out  # earlier answers were saved


def _run_module(args, tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environ.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "PYTHONPATH": str(ROOT)}, **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120
    )


def test_console_command_line_done_when(tmp_path):
    out = _run_module(["console", "-c", DONE_WHEN], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "After-tax room for 2025: $36,500" in out.stdout and "IRS Notice 2024-80" in out.stdout


def test_console_reads_lines_from_stdin(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environ.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "PYTHONPATH": str(ROOT)})
    out = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        cwd=tmp_path,
        env=environ,
        text=True,
        input="/profile set age:45 compensation:200000 employee_deferrals:23500 "
        "employer_contributions:10000\n/room year:2025\nquit\n",
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "$36,500" in out.stdout


@pytest.fixture
async def spanish_console(db_url):
    s = Session(db_url, console_locale="es-419")
    await s.start()
    yield s
    await s.stop()


def _shell_misses() -> set[str]:
    return {message for language, message in MISSES if language == "es"}


async def test_console_locale_answers_about_in_spanish(spanish_console):
    MISSES.clear()
    ok, out = await spanish_console.run("/about")
    assert ok and out.startswith("[only you]")
    assert "Acerca de Roth Room" in out and "Qué se guarda sobre ti" in out
    assert "Completos (comandos y respuestas): inglés y español." in out
    assert "respuestas aún en inglés: alemán y francés." in out
    assert not _shell_misses()


async def test_console_locale_refuses_an_ambiguous_amount_in_spanish(spanish_console):
    MISSES.clear()
    f = formatter("es-419")
    ok, out = await spanish_console.run(
        "/room year:2025 age:45 compensation:200000 employee_deferrals:23.500 employer_contributions:10000"
    )
    assert not ok and "Traceback" not in out
    assert out.startswith("[error] employee_deferrals: “23.500” es ambiguo: tal como se escriben los números en")
    assert f"sería {f.money(Decimal('23.50'))}, pero quizá quisiste decir {f.money(Decimal(23500))}." in out
    assert "por ejemplo 23500" in out
    assert not _shell_misses()


async def test_console_locale_is_the_channels_language_too(spanish_console):
    # share:true posts in the server's language; the console's server speaks CONSOLE_LOCALE's.
    ok, out = await spanish_console.run(DONE_WHEN + " share:true")
    assert ok, out
    assert out.startswith("[channel]") and formatter("es-419").money(Decimal(36500)) in out
    assert "$36,500" not in out and "IRS Notice 2024-80" in out


def test_console_command_line_in_spanish(tmp_path):
    out = _run_module(["console", "-c", DONE_WHEN], tmp_path, CONSOLE_LOCALE="es-419")
    assert out.returncode == 0, out.stderr
    assert formatter("es-419").money(Decimal(36500)) in out.stdout and "IRS Notice 2024-80" in out.stdout


def test_an_unknown_console_locale_is_refused_clearly(tmp_path):
    out = _run_module(["console", "-c", "/ping"], tmp_path, CONSOLE_LOCALE="xx-YY")
    assert out.returncode == 1 and "Traceback" not in out.stdout + out.stderr
    assert "CONSOLE_LOCALE='xx-YY' is not a Discord locale" in out.stdout


@pytest.fixture
async def moderator_console(db_url):
    s = Session(db_url, moderator=True)
    await s.start()
    yield s
    await s.stop()


async def test_console_help_lists_facts_and_how_to_run_it(console, moderator_console):
    _ok, out = await console.run("help")
    assert "/facts set year: figure: value: source_url: [source_title:] [note:]" in out
    assert (
        "/facts show [year:]  — Every figure for a year, and which this server changed  (moderators: start the "
        "console with --moderator)" in out
    )
    _ok, out = await moderator_console.run("help")
    assert "as a moderator of the console's server 1" in out and "press LABEL" in out
    assert "/facts history [year:]  — Who changed which figure, from what to what, when\n" in out


async def test_console_as_moderator_changes_its_servers_figures_and_answers_with_them(moderator_console):
    console = moderator_console
    ok, out = await console.run("/facts show year:2026")
    assert ok and "415(c) annual additions limit" in out and "$72,000" in out
    url = "https://www.irs.gov/pub/irs-drop/n-25-67.pdf"
    ok, out = await console.run(f"/facts set year:2026 figure:annual_additions_415c value:73000 source_url:{url}")
    assert ok and "Fact updated" in out and "$72,000 (bundled) → $73,000" in out
    ok, out = await console.run("/limits year:2026")
    assert "415(c) annual additions limit: $73,000" in out and "✏️" in out  # the console's server answers with it
    # A move of more than 15 % waits for the button, which `press` presses.
    ok, out = await console.run(f"/facts set year:2026 figure:annual_additions_415c value:95000 source_url:{url}")
    assert ok and "Nothing is saved until you confirm" in out and "[Yes, set it] [Cancel]" in out
    ok, out = await console.run("/limits year:2026")
    assert "$73,000" in out  # not yet
    ok, out = await console.run('press "Yes, set it"')
    assert ok and "$73,000 → $95,000" in out
    ok, out = await console.run("press Cancel")
    assert "Already answered: this button does nothing now." in out  # as in Discord, the question is settled
    ok, out = await console.run("press Maybe")
    assert not ok and "no button 'Maybe' on the last answer; buttons: 'Yes, set it', 'Cancel'" in out
    ok, out = await console.run("/facts history")
    assert ok and "#2" in out and "#1" in out
    ok, out = await console.run("/facts revert change_id:2")
    assert ok and "$95,000 → $73,000" in out


async def test_console_as_moderator_imports_a_fact_pack_from_a_file(moderator_console, tmp_path):
    console = moderator_console
    pack = tmp_path / "2026.toml"
    bundled = (ROOT / "knowledge" / "data" / "2026.toml").read_text()
    pack.write_text(
        bundled.replace("value = 160_000", "value = 165_000", 1).replace("value = 160000", "value = 165000", 1)
    )
    ok, out = await console.run(f"/facts import file:{pack}")
    assert ok and "[Yes, import]" in out, out
    ok, out = await console.run('press "Yes, import"')
    assert ok, out
    ok, out = await console.run("/facts show year:2026")
    assert "$165,000" in out
    ok, out = await console.run(f"/facts import file:{tmp_path / 'missing.toml'}")
    assert not ok and "no file" in out


def test_console_moderator_flag_from_the_command_line(tmp_path):
    out = _run_module(["console", "--moderator", "-c", "/facts show year:2025"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "402(g) elective deferral limit" in out.stdout
    out = _run_module(["console", "-c", "/facts show year:2025"], tmp_path)
    assert out.returncode == 1 and "start the console with --moderator" in out.stdout


async def test_every_help_example_is_a_line_the_console_runs(moderator_console):
    from commands.help import EXAMPLES, example, leaves

    commands = {c.qualified_name: c for c in leaves(moderator_console.bot.tree)}
    assert set(EXAMPLES) == set(commands)  # every command has its example, and no example names a gone command
    for name, line in EXAMPLES.items():
        assert example(commands[name]) == line, name  # every option it uses is still one of the command's
        if any(part in line for part in ("file:", "channel:", "<amount>")):
            continue  # an upload, a channel pick or a placeholder: nothing the console can parse
        command, _options = moderator_console.console.parse(line)
        assert command.qualified_name == name
