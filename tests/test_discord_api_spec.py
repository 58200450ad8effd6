"""The request checker behind the end-to-end suite: Discord's OpenAPI description plus its documented limits."""

from __future__ import annotations

import discord
import pytest

from tests.discord_api_spec.validator import check_request, find_operation

MESSAGE = "/channels/123/messages"
CALLBACK = "/interactions/1/token/callback"


def message(**embed) -> dict:
    """A channel message as discord.py builds it, with one embed."""
    return {"content": "hi", "embeds": [discord.Embed(**embed).to_dict()], "allowed_mentions": {"parse": []}}


def reply(**embed) -> dict:
    """An interaction's ephemeral reply (callback type 4) as discord.py builds it."""
    return {"type": 4, "data": {"embeds": [discord.Embed(**embed).to_dict()], "flags": 64}}


def only(problems) -> str:
    assert len(problems) == 1, problems
    return str(problems[0])


def test_valid_message_and_reply_pass():
    # Each part at its own limit, 6,000 characters in all (the per-message total is inclusive too).
    embed = discord.Embed(title="t" * 256, description="d" * 4096)
    embed.add_field(name="n" * 256, value="v" * 1024).set_footer(text="f" * 112).set_author(name="a" * 256)
    assert len(embed) == 6000
    assert check_request("POST", MESSAGE, {"content": "c" * 2000, "embeds": [embed.to_dict()]}) == []
    assert check_request("POST", CALLBACK, reply(title="t", description="d")) == []
    assert check_request("POST", CALLBACK, {"type": 5, "data": {"flags": 64}}) == []  # defer
    assert check_request("GET", "/channels/123/messages/456", None) == []


def test_routes_match_the_most_literal_template():
    assert find_operation("POST", "/users/@me/channels").operation_id == "create_dm"
    assert find_operation("PATCH", "/webhooks/1/tok/messages/@original").operation_id == (
        "update_original_webhook_message"
    )
    assert find_operation("PATCH", "/webhooks/1/tok/messages/99").operation_id == "update_webhook_message"
    assert find_operation("PUT", "/applications/1/guilds/2/commands").operation_id == (
        "bulk_set_guild_application_commands"
    )


def test_description_over_4096_fails_naming_route_path_and_limit():
    text = only(check_request("POST", MESSAGE, message(description="d" * 4097)))
    assert text == (
        "POST /channels/{channel_id}/messages (create_message) at $.embeds[0].description: "
        "4,097 characters; Discord allows at most 4,096 (schema: maxLength 4096)"
    )


def test_title_over_256_fails():
    assert "at $.data.embeds[0].title: 257 characters; Discord allows at most 256" in only(
        check_request("POST", CALLBACK, reply(title="t" * 257))
    )


def test_26_fields_fail():
    embed = discord.Embed(title="t")
    for i in range(26):
        embed.add_field(name=f"n{i}", value="v")
    body = {"type": 4, "data": {"embeds": [embed.to_dict()]}}
    assert "at $.data.embeds[0].fields: 26 items; Discord allows at most 25 (schema: maxItems 25)" in only(
        check_request("POST", CALLBACK, body)
    )


@pytest.mark.parametrize(
    ("part", "where", "limit"),
    [
        ({"fields": [{"name": "n" * 257, "value": "v"}]}, "fields[0].name", 256),
        ({"fields": [{"name": "n", "value": "v" * 1025}]}, "fields[0].value", 1024),
        ({"footer": {"text": "f" * 2049}}, "footer.text", 2048),
        ({"author": {"name": "a" * 257}}, "author.name", 256),
    ],
)
def test_other_embed_parts_over_their_limits_fail(part, where, limit):
    text = only(check_request("POST", MESSAGE, {"embeds": [part]}))
    assert f"at $.embeds[0].{where}: {limit + 1:,} characters; Discord allows at most {limit:,}" in text


def test_more_than_10_embeds_fail():
    assert "at $.embeds: 11 items; Discord allows at most 10" in only(
        check_request("POST", MESSAGE, {"embeds": [{"title": "t"}] * 11})
    )


def test_embeds_over_6000_in_total_fail_though_each_part_fits():
    # Every part within its own limit; the sum across the message's embeds is what Discord refuses.
    body = {"embeds": [{"title": "t" * 200, "description": "d" * 4000}, {"description": "d" * 1801}]}
    text = only(check_request("POST", MESSAGE, body))
    assert "at $.embeds: 6,001 characters across the embeds" in text and "at most 6,000 per message" in text
    assert "supplement" in text
    assert check_request("POST", MESSAGE, {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2000}]}) == []


def test_content_over_2000_fails_everywhere():
    # The spec has 2,000 on interaction replies and webhooks but 4,000 on channel messages (the Nitro figure);
    # the supplement holds a bot's channel message to Discord's documented 2,000.
    assert "at $.data.content: 2,001 characters; Discord allows at most 2,000 (schema: maxLength 2000)" in only(
        check_request("POST", CALLBACK, {"type": 4, "data": {"content": "c" * 2001}})
    )
    assert "at $.content: 2,001 characters" in only(check_request("POST", "/webhooks/1/tok", {"content": "c" * 2001}))
    text = only(check_request("POST", MESSAGE, {"content": "c" * 2001}))
    assert "at $.content: 2,001 characters; Discord allows a bot's message at most 2,000 (supplement" in text
    assert "at $.content" in only(check_request("PATCH", "/channels/1/messages/2", {"content": "c" * 2001}))


def test_a_component_fault_is_found_inside_the_union_it_belongs_to():
    row = {"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "x" * 101, "label": "Yes"}]}
    text = only(check_request("POST", CALLBACK, {"type": 4, "data": {"components": [row]}}))
    assert "at $.data.components[0].components[0].custom_id: 101 characters; Discord allows at most 100" in text


def test_unknown_routes_and_missing_or_unexpected_bodies_fail():
    assert "no operation in Discord's OpenAPI description matches" in only(check_request("GET", "/not/a/route", None))
    assert "requires a JSON body and none was sent" in only(check_request("POST", MESSAGE, None))
    assert "takes no JSON body, but one was sent" in only(check_request("DELETE", "/channels/1/messages/2", {"x": 1}))


def test_allow_list_is_exact():
    # discord.py sends numeric snowflakes here (allowed with a reason); a non-numeric id is still refused.
    assert check_request("POST", "/users/@me/channels", {"recipient_id": 123}) == []
    assert "at $.recipient_id" in only(check_request("POST", "/users/@me/channels", {"recipient_id": "alice"}))
    upload = {"attachments": [{"id": 0, "filename": "profile.json"}]}
    assert check_request("POST", "/webhooks/1/tok", upload) == []
    assert "filename: 0 characters" in only(
        check_request("POST", "/webhooks/1/tok", {"attachments": [{"id": 0, "filename": ""}]})
    )


def test_empty_field_names_and_values_fail():
    # The spec has no minLength on a field's name or value; Discord refuses an empty one ("This field is required").
    embed = discord.Embed(title="t").add_field(name="", value="v").add_field(name="n", value="")
    problems = [str(p) for p in check_request("POST", CALLBACK, {"type": 4, "data": {"embeds": [embed.to_dict()]}})]
    assert [p.split(": ", 1)[0].rsplit(" at ", 1)[1] for p in problems] == [
        "$.data.embeds[0].fields[0].name",
        "$.data.embeds[0].fields[1].value",
    ]
    assert "empty; Discord refuses an embed field without a name" in problems[0]


def test_a_new_message_with_nothing_in_it_fails_but_a_partial_edit_does_not():
    assert "an empty message" in only(check_request("POST", CALLBACK, {"type": 4, "data": {"flags": 64}}))
    assert "an empty message" in only(check_request("POST", MESSAGE, {"content": "", "allowed_mentions": {}}))
    assert "an empty message" in only(check_request("POST", "/webhooks/1/tok", {"flags": 64}))
    assert check_request("PATCH", "/webhooks/1/tok/messages/@original", {"components": []}) == []
    assert check_request("POST", CALLBACK, {"type": 7, "data": {"components": []}}) == []
