"""pybabel's extractor for this project (babel.cfg names it): babel's own Python extractor with our keywords,
plus discord.py's command descriptions, which are keyword arguments pybabel cannot see on its own.

Keywords: t ("Formatter.t"), N_ (a mark), Line / Step / Warning (the core's text), InputError (2nd argument),
FactDataError and ConflictError. Descriptions: `description=` of command(), group(), Group(...) and Group
subclasses, every keyword of describe(), and `name=` of Choice()."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from io import BytesIO
from typing import IO, Any

from babel.messages.extract import DEFAULT_KEYWORDS, extract_python

KEYWORDS: dict[str, Any] = {
    **DEFAULT_KEYWORDS,
    "t": (1,),
    "N_": None,
    "Line": (1,),
    "Step": (1,),
    "Warning": (1,),
    "InputError": (2,),
    "FactDataError": (1,),
    "ConflictError": (1,),
    "_spec": (2,),  # knowledge.figures: a figure's label
}
_DESCRIBED = {"command", "group", "Group", "context_menu"}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def descriptions(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        keywords: list[ast.keyword] = []
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in _DESCRIBED:
                keywords = [k for k in node.keywords if k.arg == "description"]
            elif name == "describe":
                keywords = list(node.keywords)
            elif name == "Choice":
                keywords = [k for k in node.keywords if k.arg == "name"]
        elif isinstance(node, ast.ClassDef):  # class Facts(app_commands.Group, name=..., description=...)
            keywords = [k for k in node.keywords if k.arg in {"description", "group_description"}]
        for k in keywords:
            text = _text(k.value)
            if text:
                yield k.value.lineno, text


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    source = fileobj.read()
    # pybabel passes the keywords given with -k (scripts/catalogs gives KEYWORDS'); babel maps results by them.
    yield from extract_python(BytesIO(source), keywords, comment_tags, options)
    for lineno, text in descriptions(ast.parse(source)):
        yield lineno, "", text, []
