"""/checklist: the personalised eligibility checklist by DM, answered with persistent buttons."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands, ui
from discord.ext import commands

from bot.cooldowns import per_member
from bot.errors import APOLOGY, describe, reply_error
from bot.formatting import Formatter
from bot.replies import defer_if_slow, edit, fit_message, reply, settle
from bot.storage import OPERATOR_GUILD, apply_changes, erasures_key
from knowledge.checklist import QUESTIONS, build_checklist
from knowledge.errors import InputError
from knowledge.profile import PlanProfile
from knowledge.text import N_, Line

from ._checklist_render import checklist_embeds
from ._common import bot_of, fmt, year_choice, year_note

log = logging.getLogger(__name__)
MAX_QUESTION_ROWS = 5  # Discord allows five rows of buttons
# Each answer's label (an English template, shown in the member's language) and colour.
_ANSWERS = {
    "yes": (N_("{question}? Yes"), discord.ButtonStyle.success),
    "no": (N_("No"), discord.ButtonStyle.danger),
    "unsure": (N_("Not sure"), discord.ButtonStyle.secondary),
}


ERASED = N_(
    "Your plan profile was erased (/profile delete), so this checklist no longer saves anything and "
    "nothing was saved now. Run /checklist to start again."
)


def answer_label(question: str, answer: str, f: Formatter) -> str:
    """A button's label in the member's language: "Plan accepts after-tax? Yes", "No", "Not sure"."""
    template = _ANSWERS[answer][0]
    asked = QUESTIONS.get(question)
    return f.t(template, question=Line(asked) if asked else question)[:80]


class ProfileErased(Exception):
    """A button from a checklist sent while the member had a profile, pressed after they erased it."""


class AnswerButton(
    ui.DynamicItem[ui.Button],
    template=r"rr:cl:(?P<guild>\d+):(?P<q>[a-z_]+):(?P<a>yes|no|unsure)(?P<new>:new(?::(?P<erasures>\d{1,9}))?)?",
):
    """One answer to one question. The custom id carries everything, so it works after a restart. ":new:N" marks
    a checklist sent while the member had no saved profile, after N /profile deletes: only its buttons may create
    one, and only while the count is still N, so no button sent before a /profile delete can save anything after
    it (a ":new" without a count, from older versions, counts as 0)."""

    def __init__(
        self,
        guild_id: int,
        question: str,
        answer: str,
        row: int | None = None,
        *,
        new: bool = False,
        erasures: int = 0,
        label: str | None = None,
    ) -> None:
        # The label is only shown when the button is sent (ChecklistView gives it in the member's language); a
        # button rebuilt from a pressed custom id is never re-sent, so it needs none.
        style = _ANSWERS[answer][1]
        custom_id = f"rr:cl:{guild_id}:{question}:{answer}" + (f":new:{erasures}" if new else "")
        super().__init__(ui.Button(label=label, style=style, row=row, custom_id=custom_id))
        self.guild_id, self.question, self.answer, self.new = guild_id, question, answer, new
        self.erasures = erasures

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        # A question a later version dropped still gets an item, whose callback explains (an exception here
        # would only be logged, and the member would see "interaction failed").
        erasures = int(match["erasures"] or 0)
        return cls(int(match["guild"]), match["q"], match["a"], new=bool(match["new"]), erasures=erasures)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._answer(interaction)
        except ProfileErased:
            # Also takes the erased profile's checklist (and room) off this message.
            await settle(interaction)
            erased = fmt(interaction).gettext(ERASED)
            if interaction.response.is_done():
                await interaction.edit_original_response(content=erased, embeds=[], view=None)
            else:
                await interaction.response.edit_message(content=erased, embeds=[], view=None)
        except Exception as exc:  # noqa: BLE001 - views have no tree error handler: answer like it would
            f = fmt(interaction)
            text = describe(exc, f)
            if text is None:
                log.exception("checklist button %s failed", self.custom_id)
                text = f.gettext(APOLOGY)
            await reply_error(interaction, text)

    async def _answer(self, interaction: discord.Interaction) -> None:
        if self.question not in QUESTIONS:
            raise InputError("button", "this button is from an older checklist; run /checklist again")
        defer_if_slow(interaction, ephemeral=True, update=True)
        repo = bot_of(interaction).repo
        # Deleted since this checklist was sent: its buttons may no longer create a profile.
        may_create = self.new and await erasures(repo, interaction.user.id) == self.erasures
        profile = await repo.modify_profile(interaction.user.id, lambda current: self._apply(current, may_create))
        embeds, view = await render(interaction, self.guild_id or None, profile)
        await edit(interaction, embeds=embeds, view=view)

    def _apply(self, current: PlanProfile | None, may_create: bool) -> PlanProfile:
        """The answer applied to the profile as the database holds it now (inside the write transaction), so
        two buttons pressed at once both count."""
        if current is None and not may_create:
            raise ProfileErased
        if self.answer == "unsure":
            return apply_changes(
                current, {"not_sure": [*(current.not_sure if current else []), self.question]}, clear=[self.question]
            )
        return apply_changes(current, {self.question: self.answer == "yes"})


class ChecklistView(ui.View):
    """The answer buttons for a checklist's open questions (five at most, one row each), labelled in the
    language of the member it is sent to."""

    def __init__(self, questions: list[str], guild_id: int, f: Formatter, *, new: bool, erasures: int = 0) -> None:
        super().__init__(timeout=None)
        for row, question in enumerate(questions[:MAX_QUESTION_ROWS]):
            for answer in _ANSWERS:
                label = answer_label(question, answer, f)
                button = AnswerButton(guild_id, question, answer, row=row, new=new, erasures=erasures, label=label)
                self.add_item(button)


async def erasures(repo, user_id: int) -> int:  # noqa: ANN001 - a storage Repository
    """How many times the member has used /profile delete (bot/storage.erasures_key)."""
    raw = await repo.get_setting(OPERATOR_GUILD, erasures_key(user_id))
    return int(raw) if raw and raw.isdigit() else 0


async def render(interaction: discord.Interaction, guild_id: int | None, profile):  # noqa: ANN001, ANN201
    """The checklist and its buttons in the language of the member who asked or pressed (it is theirs alone:
    a DM, or an ephemeral reply)."""
    f = fmt(interaction)
    facts = await bot_of(interaction).facts.get(guild_id)
    choice = year_choice(facts, None)
    checklist = build_checklist(profile, choice.year, facts)
    count = await erasures(bot_of(interaction).repo, interaction.user.id) if profile is None else 0
    view = ChecklistView(checklist.open_questions, guild_id or 0, f, new=profile is None, erasures=count)
    embeds = checklist_embeds(checklist, f)
    if note := year_note(choice, f):  # the current year has no figures yet: never pass the last one off as current
        embeds[0].description = f"ℹ️ {note}\n{embeds[0].description or ''}"
    return embeds, view


class Checklist(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        # Registered at start-up, so buttons on old DMs keep working after a restart.
        self.bot.add_dynamic_items(AnswerButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(AnswerButton)

    @app_commands.command(name="checklist", description="Your personalised mega backdoor Roth checklist, by DM")
    @app_commands.describe(
        after_tax_allowed="Does the plan accept after-tax (non-Roth) contributions?",
        in_plan_conversion="Does it allow in-plan Roth conversions of after-tax money?",
        in_service_withdrawal="Does it allow in-service withdrawals of after-tax money?",
        deferrals_and_match_planned="Are your deferrals and the full match already planned?",
        cash_flow_ok="Can you save beyond deferrals, HSA and IRA?",
        auto_conversion="Does the plan convert after-tax money automatically?",
        testing_results_checked="Have you asked for last year's ACP testing results?",
        stable_fund_until_converted="Will pending after-tax money sit in a stable fund until converted?",
    )
    @per_member(3, 30.0)
    async def checklist(
        self,
        interaction: discord.Interaction,
        after_tax_allowed: bool | None = None,
        in_plan_conversion: bool | None = None,
        in_service_withdrawal: bool | None = None,
        deferrals_and_match_planned: bool | None = None,
        cash_flow_ok: bool | None = None,
        auto_conversion: bool | None = None,
        testing_results_checked: bool | None = None,
        stable_fund_until_converted: bool | None = None,
    ) -> None:
        answers = {k: v for k, v in locals().items() if k in QUESTIONS and v is not None}
        await interaction.response.defer(ephemeral=True, thinking=True)
        repo = bot_of(interaction).repo
        profile: PlanProfile | None
        if answers:
            profile = await repo.update_profile(interaction.user.id, answers)
        else:
            profile = await repo.get_profile(interaction.user.id)
        embeds, view = await render(interaction, interaction.guild_id, profile)
        try:
            await interaction.user.send(embeds=fit_message(None, embeds)[1], view=view)
        except discord.HTTPException as exc:
            # Any refusal of the DM (50007 closed DMs, 40003 opening DMs too fast, 50278 no shared server, or
            # Discord failing): show the checklist here, to the member only.
            log.info("checklist DM refused (%s %s); answering in the channel", exc.status, exc.code)
            await reply(
                interaction,
                fmt(interaction).t("I couldn't DM you (your privacy settings or Discord refused it), so here it is:"),
                embeds=embeds,
                view=view,
                ephemeral=True,
            )
            return
        await reply(interaction, fmt(interaction).t("Sent you a DM with your checklist. 📬"), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Checklist(bot))
