"""The smallest hook to say who installed the app for an interaction (Discord's `authorizing_integration_owners`
and `context`). SimCord sends every interaction as if the server installed the bot and has no public option for a
member's own install; like tests/e2e/locale.py, this wraps the one function that builds the payload
(simcord.interactions.base_payload) for the duration of a `with` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import simcord.interactions as _payloads

GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2  # Discord's interaction context types
GUILD_INSTALL, USER_INSTALL = "0", "1"  # Discord's application integration types


@contextmanager
def installed_by_member(context: int | None = None) -> Iterator[None]:
    """Interactions as Discord sends them for an app the member installed to their own account (and the server did
    not): the owners name the member only; `context` overrides where it was used (e.g. a group DM)."""
    original = _payloads.base_payload

    def user_installed(*args, **kwargs):
        record, payload = original(*args, **kwargs)
        payload["authorizing_integration_owners"] = {USER_INSTALL: str(kwargs["user_id"])}
        if context is not None:
            payload["context"] = context
        return record, payload

    _payloads.base_payload = user_installed
    try:
        yield
    finally:
        _payloads.base_payload = original
