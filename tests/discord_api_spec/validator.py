"""Check a request the bot sends against Discord's OpenAPI description (openapi.json here, see README.md).

`check_request(method, path, body)` finds the operation whose path template matches, validates the JSON body
(for multipart requests, the `payload_json` part) against the operation's requestBody schema with jsonschema
(OpenAPI 3.1 schemas are JSON Schema 2020-12), then applies Discord's documented limits the spec cannot or does
not express (`_supplement`). It returns the problems found; an empty list means Discord would take the body.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_FILE = Path(__file__).with_name("openapi.json")
_SPEC_URI = "urn:discord-api-spec"

# Requests whose route the spec lacks but that are known good, as (method, path template) -> why. Anything else
# unknown fails, so a new kind of request gets looked at instead of passing unchecked.
ALLOWED_UNKNOWN_ROUTES: dict[tuple[str, str], str] = {}

# Body problems where the request is right and the spec is wrong, as (operation id, JSON path with [*] for any
# index, keyword) -> why. Keep each entry exact; a wider allowance would hide real faults.
_NUMERIC_SNOWFLAKE = (
    "discord.py sends this id as a JSON number; the spec types every snowflake as a string, but Discord's API "
    'takes snowflakes as numbers too (the docs\' own file-upload example sends attachments [{"id": 0, ...}])'
)
ALLOWED_PROBLEMS: dict[tuple[str, str, str], str] = {
    # discord.py's HTTPClient.start_private_message: {"recipient_id": user_id} with user_id an int.
    ("create_dm", "$.recipient_id", "oneOf"): _NUMERIC_SNOWFLAKE,
    # discord.py numbers uploaded files 0, 1, ... in `attachments` (File.to_dict(index)), on every route that
    # carries a message with files.
    **{
        (op_id, f"{where}.attachments[*].id", "type"): _NUMERIC_SNOWFLAKE
        for op_id, where in (
            ("create_interaction_response", "$.data"),
            ("create_message", "$"),
            ("update_message", "$"),
            ("execute_webhook", "$"),
            ("update_original_webhook_message", "$"),
            ("update_webhook_message", "$"),
        )
    },
}

# Discord's documented rules for messages (discord.com/developers/docs/resources/message#create-message and
# #embed-object-embed-limits) that the spec does not carry:
# - content: the spec allows 4,000 on channel messages (the Nitro figure); a bot's message is refused over 2,000.
# - 6,000 characters per message, summed over every embed's title, description, field names and values, footer
#   text and author name: a sum across objects, which JSON Schema cannot say.
# - a new message needs at least one of content, embeds, components, stickers, a poll or a file (50006).
# - an embed field's name and value are required and may not be empty (the spec has no minLength there; Discord
#   answers 50035 "This field is required").
# Title 256, description 4,096, 25 fields, field name 256 / value 1,024, footer 2,048, author name 256 and
# 10 embeds are in the spec (RichEmbed*, *Request schemas) and are checked there.
CONTENT_MAX = 2000
EMBEDS_TOTAL_MAX = 6000
_MESSAGE_PARTS = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
_CREATING = {"create_message", "execute_webhook"}  # and callback type 4; edits may leave parts out

# Interaction callback types whose `data` is a message (4: reply, 7: update the component's message).
_MESSAGE_CALLBACKS = {4, 7}
_CALLBACK_TEMPLATE = "/interactions/{interaction_id}/{interaction_token}/callback"


@dataclass(frozen=True)
class Problem:
    """One reason Discord would refuse a request: the route, where in the body, and what is wrong."""

    route: str  # "POST /channels/{channel_id}/messages (create_message)"
    where: str  # JSON path into the body, "$.embeds[0].description"
    message: str
    keyword: str = ""  # the schema keyword that failed ("maxLength"), or "supplement"

    def __str__(self) -> str:
        return f"{self.route} at {self.where}: {self.message}"


@dataclass(frozen=True)
class _Operation:
    method: str
    template: str
    operation_id: str
    body_pointer: str | None  # JSON pointer to the application/json requestBody schema
    body_required: bool

    @property
    def route(self) -> str:
        return f"{self.method} {self.template} ({self.operation_id})"


@functools.cache
def _spec() -> dict[str, Any]:
    return json.loads(SPEC_FILE.read_text(encoding="utf-8"))


@functools.cache
def _routes() -> dict[str, list[tuple[list[str], _Operation]]]:
    """method -> [(template segments, operation)], read once from the spec's `paths`."""
    table: dict[str, list[tuple[list[str], _Operation]]] = {}
    for template, item in _spec()["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            body = op.get("requestBody")
            pointer = None
            if body and "application/json" in body["content"]:
                escaped = template.replace("~", "~0").replace("/", "~1")
                pointer = f"/paths/{escaped}/{method}/requestBody/content/application~1json/schema"
            entry = _Operation(
                method.upper(), template, op["operationId"], pointer, bool(body and body.get("required"))
            )
            table.setdefault(method.upper(), []).append((template.strip("/").split("/"), entry))
    return table


def find_operation(method: str, path: str) -> _Operation | None:
    """The spec operation for a concrete path; the most literal template wins (`/users/@me/...` over `{user_id}`)."""
    segments = path.split("?", 1)[0].strip("/").split("/")
    best: tuple[int, _Operation] | None = None
    for template, op in _routes().get(method.upper(), ()):
        if len(template) != len(segments):
            continue
        literals = 0
        for tpl, seg in zip(template, segments, strict=True):
            if tpl.startswith("{") and tpl.endswith("}"):
                continue
            if tpl != seg:
                break
            literals += 1
        else:
            if best is None or literals > best[0]:
                best = (literals, op)
    return best[1] if best else None


@functools.cache
def _validator(pointer: str) -> Draft202012Validator:
    # One registry resource for the whole spec, so `#/components/...` refs inside it resolve; compiled once per
    # operation (the suite sends thousands of requests).
    registry = _registry()
    return Draft202012Validator({"$ref": f"{_SPEC_URI}#{pointer}"}, registry=registry)


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(_SPEC_URI, Resource.from_contents(_spec(), default_specification=DRAFT202012))


def check_request(method: str, path: str, body: Any) -> list[Problem]:
    """Every reason Discord would refuse `method path` with this JSON body (None: no body)."""
    op = find_operation(method, path)
    if op is None:
        if _route_allowed(method, path):
            return []
        return [
            Problem(
                f"{method} {path}",
                "$",
                "no operation in Discord's OpenAPI description matches this route; if it is right, add it to "
                "ALLOWED_UNKNOWN_ROUTES in tests/discord_api_spec/validator.py with the reason",
            )
        ]
    if body is None:
        if op.body_required:
            return [Problem(op.route, "$", "the operation requires a JSON body and none was sent")]
        return []
    if op.body_pointer is None:
        return [Problem(op.route, "$", "the operation takes no JSON body, but one was sent")]
    # Keyed by the body's JSON text: the command sync every test starts with is the same large body each time,
    # and checking it (nested unions of option kinds) costs about 0.1 s.
    return list(_check_body(op, json.dumps(body, sort_keys=True)))


@functools.lru_cache(maxsize=4096)
def _check_body(op: _Operation, text: str) -> tuple[Problem, ...]:
    body = json.loads(text)
    problems: list[Problem] = []
    for error in _validator(op.body_pointer).iter_errors(body):
        problems.extend(_problem(op, fault) for fault in _faults(error))
    # A limit the spec already enforced at the same place (content on webhooks) is reported once.
    problems.extend(p for p in _supplement(op, body) if all(p.where != q.where for q in problems))
    return tuple(p for p in problems if not _allowed(op, p))


def _problem(op: _Operation, error: ValidationError) -> Problem:
    union = error.validator in ("anyOf", "oneOf")
    rule = error.validator if union else f"{error.validator} {_short(error.validator_value)}"
    return Problem(op.route, error.json_path, f"{_describe(error)} (schema: {rule})", str(error.validator))


def _faults(error: ValidationError) -> list[ValidationError]:
    """The real faults behind an error: a union (anyOf/oneOf) is followed into the branch the value was meant as.

    Discord's unions are told apart by a `type` discriminator (callback and component kinds) or by null vs an
    object; a branch is ruled out when its `type` enum or the value's JSON type does not fit. One branch left:
    its faults. Several (execute_webhook's two partials): the faults they share. None shared: the union itself.
    """
    if not error.context:
        return [error]
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    plausible = [
        [fault for e in errs for fault in _faults(e)]
        for errs in branches.values()
        if not any(_rules_out(e) for e in errs)
    ]
    if not plausible:
        return [error]
    shared = set.intersection(*({_key(f) for f in faults} for faults in plausible))
    common = [f for f in plausible[0] if _key(f) in shared]
    return common or [error]


def _key(error: ValidationError) -> tuple[str, str, str]:
    return error.json_path, str(error.validator), error.message


def _rules_out(error: ValidationError) -> bool:
    path = list(error.relative_path)
    return (not path and error.validator == "type") or (path == ["type"] and error.validator in ("enum", "const"))


def _describe(error: ValidationError) -> str:
    """The schema's complaint in words, without echoing a 5,000-character value back."""
    value, limit = error.instance, error.validator_value
    match error.validator:
        case "maxLength":
            return f"{len(value):,} characters; Discord allows at most {limit:,}"
        case "minLength":
            return f"{len(value):,} characters; Discord needs at least {limit:,}"
        case "maxItems":
            return f"{len(value):,} items; Discord allows at most {limit:,}"
        case "minItems":
            return f"{len(value):,} items; Discord needs at least {limit:,}"
        case "anyOf" | "oneOf" if error.context:
            shapes = ", ".join(s["$ref"].rsplit("/", 1)[-1] if "$ref" in s else _short(s, 40) for s in limit)
            return f"{_short(value, 60)} matches none of the allowed shapes ({shapes})"
    return _short(error.message, 300)


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _supplement(op: _Operation, body: Any) -> Iterator[Problem]:
    """Discord's documented message rules that the spec does not express (see CONTENT_MAX and below it)."""
    for where, message, creating in _messages(op, body):
        if creating and not any(message.get(part) for part in _MESSAGE_PARTS):
            yield Problem(
                op.route,
                where,
                "an empty message: Discord needs content, embeds, components, stickers, a poll or a file "
                "(supplement: Cannot send an empty message, 50006)",
                "supplement",
            )
        content = message.get("content")
        if isinstance(content, str) and len(content) > CONTENT_MAX:
            yield Problem(
                op.route,
                f"{where}.content",
                f"{len(content):,} characters; Discord allows a bot's message at most {CONTENT_MAX:,} "
                "(supplement: Discord's documented limit, above the spec's)",
                "supplement",
            )
        embeds = message.get("embeds")
        if not isinstance(embeds, list):
            continue
        for i, embed in enumerate(embeds):
            for j, field in enumerate((embed.get("fields") or []) if isinstance(embed, dict) else []):
                for key in ("name", "value"):
                    if isinstance(field, dict) and field.get(key) == "":
                        yield Problem(
                            op.route,
                            f"{where}.embeds[{i}].fields[{j}].{key}",
                            f"empty; Discord refuses an embed field without a {key} (supplement: not in the spec)",
                            "supplement",
                        )
        total = sum(_embed_characters(e) for e in embeds if isinstance(e, dict))
        if total > EMBEDS_TOTAL_MAX:
            yield Problem(
                op.route,
                f"{where}.embeds",
                f"{total:,} characters across the embeds' title, description, fields, footer and author; "
                f"Discord allows at most {EMBEDS_TOTAL_MAX:,} per message (supplement: not in the spec)",
                "supplement",
            )


def _messages(op: _Operation, body: Any) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """The messages a body carries, with whether each is new: an interaction callback's `data`, or the body."""
    if not isinstance(body, dict):
        return
    if op.template == _CALLBACK_TEMPLATE:
        if body.get("type") in _MESSAGE_CALLBACKS:
            data = body.get("data")
            yield "$.data", data if isinstance(data, dict) else {}, body["type"] == 4
    elif op.operation_id in _CREATING or "content" in body or "embeds" in body:
        yield "$", body, op.operation_id in _CREATING


def _embed_characters(embed: dict[str, Any]) -> int:
    def text(obj: Any, key: str) -> int:
        value = obj.get(key) if isinstance(obj, dict) else None
        return len(value) if isinstance(value, str) else 0

    fields = embed.get("fields") or []
    return (
        text(embed, "title")
        + text(embed, "description")
        + sum(text(f, "name") + text(f, "value") for f in fields)
        + text(embed.get("footer"), "text")
        + text(embed.get("author"), "name")
    )


def _allowed(op: _Operation, problem: Problem) -> bool:
    return (op.operation_id, re.sub(r"\[\d+\]", "[*]", problem.where), problem.keyword) in ALLOWED_PROBLEMS


def _route_allowed(method: str, path: str) -> bool:
    segments = path.split("?", 1)[0].strip("/").split("/")
    for allowed_method, template in ALLOWED_UNKNOWN_ROUTES:
        parts = template.strip("/").split("/")
        if allowed_method == method.upper() and len(parts) == len(segments):
            if all(p == s or (p.startswith("{") and p.endswith("}")) for p, s in zip(parts, segments, strict=True)):
                return True
    return False
