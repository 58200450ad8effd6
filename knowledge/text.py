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

    def render(self, money: Callable[[Decimal], str]) -> str:
        """Fill the template; Decimal values are money, other values are shown as they are."""
        return self.template.format(
            **{k: money(v) if isinstance(v, Decimal) else ("" if v is None else v) for k, v in self.params.items()}
        )

    @property
    def text(self) -> str:
        return self.render(plain)
