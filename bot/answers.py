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
    """Each member's last answer per command, the least recently used dropped past `size` (a few KB each)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        # (member, command) -> (question, profile, figures, answer): the profile and figures are held, so their
        # identity cannot be reused by a newer object while the entry lives.
        self._entries: OrderedDict[tuple[int, str], tuple[Hashable, object, object, Any]] = OrderedDict()

    def get(self, user_id: int, command: str, question: Hashable, profile: object, facts: object) -> Any:
        """The answer worked out for exactly this question from these very profile and figures, else None."""
        entry = self._entries.get((user_id, command))
        if entry is None or entry[1] is not profile or entry[2] is not facts or entry[0] != question:
            return None
        self._entries.move_to_end((user_id, command))
        return entry[3]

    def put(self, user_id: int, command: str, question: Hashable, profile: object, facts: object, answer: Any) -> None:
        self._entries[(user_id, command)] = (question, profile, facts, answer)
        self._entries.move_to_end((user_id, command))
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, user_id: int | None) -> None:
        """Drop a member's answers (None: everyone's). A changed or erased profile already makes them unusable;
        this also lets go of what they hold, so an erased profile leaves nothing of itself in memory."""
        if user_id is None:
            self._entries.clear()
            return
        for key in [k for k in self._entries if k[0] == user_id]:
            del self._entries[key]

    def heard(self, kind: str, ident: int | None) -> None:
        """A storage notification (another process's write, or this one's): a profile change drops its answers."""
        if kind == "profile":
            self.forget(ident)

    def __len__(self) -> int:
        return len(self._entries)
