"""bot/replies.py: whatever goes in, what comes out is inside Discord's limits, and clipping says so."""

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.replies import (
    CONTENT,
    DESCRIPTION,
    FIELD_NAME,
    FIELD_VALUE,
    FIELDS,
    SHORTENED,
    TITLE,
    TOTAL,
    embed_size,
    escape,
    fit_embed,
    fit_message,
    link,
    pages,
)

text = st.text(min_size=0, max_size=3000)


def valid(embed: discord.Embed) -> bool:
    fields = embed.fields
    return (
        len(embed.title or "") <= TITLE
        and len(embed.description or "") <= DESCRIPTION
        and len(fields) <= FIELDS
        and all(len(f.name) <= FIELD_NAME and 0 < len(f.value) <= FIELD_VALUE for f in fields)
        and embed_size(embed) <= TOTAL
    )


@settings(max_examples=60, deadline=None)
@given(title=text, description=st.text(max_size=6000), fields=st.lists(st.tuples(text, text), max_size=40), footer=text)
def test_any_embed_comes_out_valid(title, description, fields, footer):
    embed = discord.Embed(title=title or None, description=description or None)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    if footer:
        embed.set_footer(text=footer)
    assert valid(fit_embed(embed))


def test_an_embed_inside_the_limits_is_left_alone():
    embed = discord.Embed(title="t", description="d" * 4000)
    embed.add_field(name="n", value="v" * 1000)
    embed.set_footer(text="f")
    before = embed.to_dict()
    assert fit_embed(embed).to_dict() == before


def test_dropping_fields_comes_before_cutting_and_is_said():
    embed = discord.Embed(title="t", description="d" * 4000)
    for n in range(10):
        embed.add_field(name=f"field {n}", value="v" * 1000)
    fit_embed(embed)
    assert embed.description == "d" * 4000 and len(embed.fields) < 10 and SHORTENED in embed.footer.text
    assert embed_size(embed) <= TOTAL


def test_a_message_shares_6000_across_its_embeds_and_content_is_clipped():
    embeds = [discord.Embed(description="x" * 4000) for _ in range(12)]
    content, fitted = fit_message("c" * 2500, embeds)
    assert len(content) == CONTENT and len(fitted) == 10
    assert sum(embed_size(e) for e in fitted) <= TOTAL


def test_pages_hold_every_line_once_inside_the_limits():
    lines = [f"line {n} " + "x" * 300 for n in range(60)]
    out = pages("History", lines, colour=discord.Colour.green())
    assert len(out) > 1 and all(valid(e) for e in out)
    joined = "\n".join(e.description for e in out)
    assert all(f"line {n} " in joined for n in range(60))
    assert out[0].title == f"History (1/{len(out)})"


def test_free_text_cannot_format_ping_or_link():
    shown = escape("**bold** @everyone [x](https://evil.example)")
    assert "\\*\\*bold\\*\\*" in shown and "@\u200beveryone" in shown and "https://" not in shown
    assert link("IRS] [evil", "https://www.irs.gov/x.pdf") == "[IRS\\] \\[evil](https://www.irs.gov/x.pdf)"
    assert link("IRS", "https://www.irs.gov/a b") == "[IRS](https://www.irs.gov/a%20b)"


def test_a_source_url_cannot_smuggle_a_masked_link():
    evil = "https://www.irs.gov/)>**[IRS\u00a0Notice\u00a02025-67](https://evil.example/n.pdf)**"
    shown = link("IRS Notice 2025-67", evil)
    target = shown[shown.index("](") + 2 :]
    assert target.count("(") == 0 and target.count(")") == 1 and target.endswith(")")
    assert "[" not in target and "]" not in target and " " not in target and "\u00a0" not in target


def test_a_backslash_cannot_end_the_link_text_early():
    shown = link("x\\] [Official IRS", "https://www.irs.gov/a.pdf")
    text = shown[1 : shown.rindex("](")]
    unescaped = [i for i, c in enumerate(text) if c in "[]" and (len(text[:i]) - len(text[:i].rstrip("\\"))) % 2 == 0]
    assert unescaped == []


class _Response:
    def __init__(self) -> None:
        self.done = False
        self.deferred: dict | None = None

    def is_done(self) -> bool:
        return self.done

    async def defer(self, **kwargs) -> None:
        self.deferred = kwargs
        self.done = True


class _Interaction:
    """Just what defer_if_slow and settle touch (a unit test: the e2e tests run the real thing)."""

    def __init__(self) -> None:
        self.extras: dict = {}
        self.response = _Response()


async def test_deferrals_share_one_timer_and_only_unanswered_ones_fire(monkeypatch):
    import asyncio

    from bot import replies

    monkeypatch.setattr(replies, "DEFER_AFTER", 0.02)
    loop = asyncio.get_running_loop()
    slow, answered, public = _Interaction(), _Interaction(), _Interaction()
    # Answered before the loop comes round (cached facts and profile): no timer at all.
    instant = _Interaction()
    replies.defer_if_slow(instant, ephemeral=True)
    await replies.settle(instant)
    await asyncio.sleep(0)
    assert replies._deferrals[loop].timer is None and instant.response.deferred is None
    replies.defer_if_slow(slow, ephemeral=True)
    replies.defer_if_slow(answered, ephemeral=True)
    replies.defer_if_slow(public, ephemeral=False)
    await asyncio.sleep(0)  # the loop comes round with all three unanswered: one timer for all of them
    timer = replies._deferrals[loop].timer
    assert timer is not None
    await asyncio.sleep(0)
    assert replies._deferrals[loop].timer is timer
    await replies.settle(answered)  # replied in time: never deferred
    await asyncio.sleep(0.1)
    await replies.settle(slow)
    await replies.settle(public)
    assert slow.response.deferred == {"ephemeral": True, "thinking": True}
    assert public.response.deferred == {"ephemeral": False, "thinking": True} and public.extras[replies._PUBLIC]
    assert answered.response.deferred is None
    assert replies._deferrals[loop].live == 0 and replies._deferrals[loop].timer is None
    # All answered in time: the timer stops, so an idle loop has none.
    quick = [_Interaction() for _ in range(3)]
    for i in quick:
        replies.defer_if_slow(i, ephemeral=True)
    for i in quick:
        await replies.settle(i)
    assert replies._deferrals[loop].timer is None and not replies._deferrals[loop].queue
    # Armed later, on a quiet loop: the timer is armed again.
    late = _Interaction()
    replies.defer_if_slow(late, ephemeral=True, update=True)
    await asyncio.sleep(0.1)
    assert late.response.deferred == {}
