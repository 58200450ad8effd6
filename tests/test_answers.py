"""Unit tests of the pieces that keep /room cheap: the answer memo, the per-member cooldown, the cache peeks."""

from __future__ import annotations

import random
from types import SimpleNamespace

import discord
import pytest
from discord import app_commands

from bot.answers import AnswerMemo
from bot.cooldowns import per_member
from bot.facts import GuildFacts
from bot.storage import open_repository
from bot.storage.cache import MISS


@pytest.fixture
async def repo(both_backends):
    r = await open_repository(both_backends)
    yield r
    await r.close()


class Thing:
    """A stand-in for a profile or a server's figures: only identity matters."""


def test_an_answer_is_given_only_for_the_very_profile_and_figures_it_came_from():
    memo = AnswerMemo()
    profile, facts = Thing(), Thing()
    memo.put(1, "room", ("q",), profile, facts, "answer")
    assert memo.get(1, "room", ("q",), profile, facts) == "answer"
    assert memo.get(1, "room", ("other",), profile, facts) is None
    assert memo.get(1, "room", ("q",), Thing(), facts) is None  # the profile was replaced (a write)
    assert memo.get(1, "room", ("q",), profile, Thing()) is None  # the figures were replaced (a change)
    assert memo.get(1, "plan", ("q",), profile, facts) is None
    assert memo.get(2, "room", ("q",), profile, facts) is None
    memo.put(1, "room", ("new",), profile, facts, "newer")  # one answer per member and command: the last
    assert memo.get(1, "room", ("q",), profile, facts) is None and len(memo) == 1


def test_the_least_recently_used_member_goes_first_and_forget_drops_a_member():
    memo = AnswerMemo(size=2)
    things = [Thing() for _ in range(3)]
    memo.put(1, "room", (), things[0], None, "a")
    memo.put(2, "room", (), things[1], None, "b")
    assert memo.get(1, "room", (), things[0], None) == "a"  # used: member 2 is now the oldest
    memo.put(3, "room", (), things[2], None, "c")
    assert len(memo) == 2 and memo.get(2, "room", (), things[1], None) is None
    assert memo.get(1, "room", (), things[0], None) == "a"
    memo.put(4, "plan", (), things[0], None, "p")  # each command keeps its own `size` members
    memo.put(5, "plan", (), things[0], None, "p")
    assert len(memo) == 4 and memo.get(1, "room", (), things[0], None) == "a"
    memo = AnswerMemo()
    for user, command in ((1, "room"), (1, "plan"), (3, "room")):
        memo.put(user, command, (), things[0], None, "x")
    memo.forget(1)
    assert len(memo) == 1 and memo.get(3, "room", (), things[0], None) == "x"


def interaction(user: int, seconds: float) -> SimpleNamespace:
    """What the cooldown reads: the member and the interaction's id (a snowflake, which carries its time)."""
    snowflake = int(seconds * 1000 - discord.utils.DISCORD_EPOCH) << 22
    return SimpleNamespace(id=snowflake, user=SimpleNamespace(id=user))


def test_per_member_cooldown_allows_rate_uses_per_window_for_each_member():
    check = per_member(2, 10.0)(lambda: None).__discord_app_commands_checks__[0]
    start = 1_800_000_000.0
    assert check(interaction(1, start)) and check(interaction(1, start + 1))
    with pytest.raises(app_commands.CommandOnCooldown) as refused:
        check(interaction(1, start + 2))
    assert refused.value.retry_after == pytest.approx(8.0)
    assert check(interaction(2, start + 2))  # another member has a window of their own
    assert check(interaction(1, start + 10.5))  # the window has passed


def test_ended_windows_are_swept_and_a_swept_member_is_limited_as_before():
    limited = per_member(1, 10.0)(lambda: None)
    check = limited.__discord_app_commands_checks__[0]
    start = 1_800_000_000.0
    for member in range(50):
        check(interaction(member, start))
    windows = next(c.cell_contents for c in check.__closure__ if isinstance(c.cell_contents, dict))
    assert len(windows) == 50
    assert check(interaction(99, start + 11))  # a window later: the 50 ended windows are dropped
    assert list(windows) == [99]
    with pytest.raises(app_commands.CommandOnCooldown):
        check(interaction(99, start + 12))


@pytest.mark.parametrize("rate, per", [(1, 10.0), (5, 10.0), (3, 2.5)])
def test_per_member_decides_as_discord_pys_own_cooldown_bucket(rate, per):
    """Random members at random moments: allowed, or refused with the same retry_after, exactly as a discord.py
    Cooldown per member (update_rate_limit) would decide."""
    check = per_member(rate, per)(lambda: None).__discord_app_commands_checks__[0]
    reference: dict[int, app_commands.Cooldown] = {}
    rng = random.Random(rate * 100 + int(per * 10))
    now = 1_800_000_000.0
    refused = 0
    for _ in range(4000):
        step = rng.choice([0.0, 0.001, per / (4 * rate), per / (4 * rate), per / rate, per, per + 0.001])
        now += step * rng.random() if rng.random() < 0.8 else step
        now = round(now, 3)  # a snowflake carries milliseconds
        member = rng.randrange(3)
        expected = reference.setdefault(member, app_commands.Cooldown(rate, per)).update_rate_limit(now)
        if expected is None:
            assert check(interaction(member, now)) is True
        else:
            refused += 1
            with pytest.raises(app_commands.CommandOnCooldown) as error:
                check(interaction(member, now))
            assert error.value.retry_after == pytest.approx(expected)
            assert (error.value.cooldown.rate, error.value.cooldown.per) == (rate, per)
    assert refused > 150  # the sequence did reach the limit, often


async def test_facts_cached_is_what_get_returns_without_waiting(repo):
    facts = GuildFacts(repo)
    assert facts.cached(5) is None  # not read yet
    got = await facts.get(5)
    facts.check_every = 3600
    assert facts.cached(5) is got and facts.cached(None) is await facts.get(None)
    facts.check_every = 0  # SQLite: the file's version is to be checked first, which needs a read
    assert facts.cached(5) is (None if hasattr(repo, "data_version") else got)
    facts.check_every = 3600
    facts.invalidate(5)
    assert facts.cached(5) is None


async def test_cached_profile_is_what_get_profile_returns_without_waiting(repo):
    assert repo.cached_profile(3) is MISS
    await repo.update_profile(3, {"compensation": "1000"})
    assert repo.cached_profile(3) is await repo.get_profile(3)
    await repo.delete_profile(3)
    assert repo.cached_profile(3) is None  # known absent


def test_a_notified_profile_change_drops_that_members_answers_and_none_drops_all():
    memo = AnswerMemo()
    profiles = {1: Thing(), 2: Thing()}
    for user, profile in profiles.items():
        memo.put(user, "room", (), profile, None, "x")
    memo.heard("facts", 1)  # a server's figures: the answers check those by identity
    assert len(memo) == 2
    memo.heard("profile", 1)
    assert memo.get(1, "room", (), profiles[1], None) is None and memo.get(2, "room", (), profiles[2], None) == "x"
    memo.heard("profile", None)  # anything may have changed
    assert len(memo) == 0
