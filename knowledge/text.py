"""Lines of text with amounts kept apart, so each front end formats money for its own locale."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .money import plain


def _plain_value(v: Any) -> str:
    return plain(v) if isinstance(v, Decimal) else str(v)


@dataclass(frozen=True, slots=True)
class Line:
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, money: Callable[[Decimal], str], text: Callable[[str], str] | None = None) -> str:
        """Fill the template; Decimal values are money, text values go through `text` (a front end's escaping:
        some are what a member typed), other values are shown as they are."""

        def value(v: Any) -> Any:
            if isinstance(v, Decimal):
                return money(v)
            if v is None:
                return ""
            return text(v) if text is not None and isinstance(v, str) else v

        return self.template.format(**{k: value(v) for k, v in self.params.items()})

    @property
    def text(self) -> str:
        return self.render(plain)
