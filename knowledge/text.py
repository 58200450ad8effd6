"""Text the core produces: English templates with their parameters kept apart, so each front end translates the
template (gettext) and formats money for its own locale. The core itself never translates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def N_(template: str) -> str:  # noqa: N802 - gettext's conventional name for "mark, translate later"
    """Marks an English template for the catalogs (pybabel extract) where it is not passed to Line directly."""
    return template


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Percent:
    """A percentage in a message. English writes it 13.1%; a front end writes it the reader's way (13,1 % in
    Spain), so templates hold {pct}, not {pct}%."""

    value: Decimal

    def __format__(self, spec: str) -> str:
        return f"{self.value.normalize():f}%"

    def __str__(self) -> str:
        return format(self)


@dataclass(frozen=True, slots=True)
class Line:
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(
        self,
        money: Callable[[Decimal], str],
        text: Callable[[str], str] | None = None,
        translate: Callable[[str], str] = _same,
        percent: Callable[[Decimal], str] | None = None,
    ) -> str:
        """Translate the template, then fill it: Decimal values are money, Percent values go through `percent`,
        Line values are rendered the same way, text values go through `text` (a front end's escaping: some are
        what a member typed), others as they are."""
        return fill(self.template, self.params, money, text, translate, percent)

    @property
    def text(self) -> str:
        """English, with US-style amounts: for logs, the command line and tests."""
        from .money import plain  # money raises InputError, whose messages are Lines

        return self.render(plain)


def fill(
    template: str,
    params: Mapping[str, Any],
    money: Callable[[Decimal], str],
    text: Callable[[str], str] | None = None,
    translate: Callable[[str], str] = _same,
    percent: Callable[[Decimal], str] | None = None,
) -> str:
    """Line.render's work, also for a front end's own templates (no Line built): every answer fills dozens."""
    values: dict[str, Any] = {}
    for key, v in params.items():
        kind = type(v)  # exact types first: the common cases cost one comparison
        if kind is int:
            values[key] = v
        elif kind is Decimal:
            values[key] = money(v)
        elif kind is str:
            values[key] = text(v) if text is not None else v
        elif isinstance(v, Line):
            values[key] = v.render(money, text, translate, percent)
        elif isinstance(v, Percent):
            values[key] = percent(v.value) if percent is not None else str(v)
        elif isinstance(v, Decimal):
            values[key] = money(v)
        elif v is None:
            values[key] = ""
        else:
            values[key] = text(v) if text is not None and isinstance(v, str) else v
    translated = translate(template)
    try:
        return translated.format_map(values)
    except (KeyError, IndexError, ValueError):
        # A translation whose placeholders drifted (the catalog tests catch this): English beats a crash.
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            return template
