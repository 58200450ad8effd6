"""Answers already worked out, given again while nothing they depend on has changed.

A member who asks /room again with the same saved profile, options, server figures and language gets the same
answer; working it out again was most of /room's cost (the year-end figures, the room, the embed). Each member
keeps their last answer per command. It is used only while the profile and the server's figures are the very
objects it was worked out from: both caches replace their object on every change (a profile write, a moderator's
change, another process's write), so a changed profile or figure can never be answered from here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class AnswerMemo:
    """Each member's last answer per command, the least recently used dropped past `size` members per command
    (about 8 KB each: 256 members for /room and /plan is at most ~4 MB)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        # command -> member -> (question, profile, figures, answer): the profile and figures are held, so their
        # identity cannot be reused by a newer object while the entry lives. A table per command, keyed by the
        # member alone: a lookup builds no key.
        self._tables: dict[str, OrderedDict[int, tuple[Hashable, object, object, Any]]] = {}

    def get(self, user_id: int, command: str, question: Hashable, profile: object, facts: object) -> Any:
        """The answer worked out for exactly this question from these very profile and figures, else None."""
        table = self._tables.get(command)
        entry = None if table is None else table.get(user_id)
        if entry is None or entry[1] is not profile or entry[2] is not facts or entry[0] != question:
            return None
        table.move_to_end(user_id)  # type: ignore[union-attr]
        return entry[3]

    def put(self, user_id: int, command: str, question: Hashable, profile: object, facts: object, answer: Any) -> None:
        table = self._tables.setdefault(command, OrderedDict())
        table[user_id] = (question, profile, facts, answer)
        table.move_to_end(user_id)
        if len(table) > self.size:
            table.popitem(last=False)

    def forget(self, user_id: int | None) -> None:
        """Drop a member's answers (None: everyone's). A changed or erased profile already makes them unusable;
        this also lets go of what they hold, so an erased profile leaves nothing of itself in memory."""
        for table in self._tables.values():
            if user_id is None:
                table.clear()
            else:
                table.pop(user_id, None)

    def heard(self, kind: str, ident: int | None) -> None:
        """A storage notification (another process's write, or this one's): a profile change drops its answers."""
        if kind == "profile":
            self.forget(ident)

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())
