"""The smallest hook to give a simulated member a Discord language.

SimCord builds every interaction payload with "locale": "en-US" and has no public option for it; this wraps the
one function that builds the payload (simcord.interactions.base_payload) for the duration of a `with` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import simcord.interactions as _payloads


@contextmanager
def member_locale(locale: str, guild_locale: str | None = None) -> Iterator[None]:
    original = _payloads.base_payload

    def with_locale(*args, **kwargs):
        record, payload = original(*args, **kwargs)
        payload["locale"] = locale
        if guild_locale is not None and "guild_locale" in payload:
            payload["guild_locale"] = guild_locale
        return record, payload

    _payloads.base_payload = with_locale
    try:
        yield
    finally:
        _payloads.base_payload = original
