"""/facts show | set | import | history | revert | announce-channel | export: moderators keep the figures current.

Hidden from members without Manage Server (default_permissions) and checked again at run time, because server
admins can re-grant command access in their settings. Every change is validated, audited and per server.
Replies are in the moderator's language (interaction.locale); announcements in the server's (guild_locale).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable

import discord
from discord import app_commands, ui
from discord.ext import commands

from bot import clock
from bot.errors import APOLOGY, describe, reply_error
from bot.formatting import Formatter
from bot.pack_reader import read_pack_isolated
from bot.replies import defer_if_slow, fit_message, reply, reply_pages
from bot.storage import ConflictError, FactWrite
from knowledge.errors import FactDataError, InputError
from knowledge.facts import YearFacts, dump_year
from knowledge.figures import FIGURES
from knowledge.packs import ImportPlan, plan_import
from knowledge.text import N_, Line
from knowledge.updates import JUMP_LIMIT, Proposal, propose

from ._announce import (
    ANNOUNCE_KEY,
    LOCALE_KEY,
    AnnounceChannel,
    can_post,
    channel_by_id,
    claim_year,
    import_embed,
    imported_embed,
    new_year_embed,
    read_attachment,
)
from ._common import bot_of, default_year, facts_for, fmt, read_amounts
from ._facts_render import change_embed, draft_lines, facts_show_pages, history_pages, label, percent

Embeds = Callable[[Formatter], list[discord.Embed]]  # an announcement, built in whichever language it is posted

HISTORY_LIMIT = 200  # newest first, paged; /facts history year:<y> narrows it

log = logging.getLogger(__name__)
CONFIRM_SECONDS = 300


def server_id(interaction: discord.Interaction) -> int:
    """The server a /facts command runs in (the group is server-only, and its check refuses DMs first)."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def figure_key(typed: str, f: Formatter) -> str:
    """What the moderator gave for `figure:`: a key (what autocomplete sends) or a label, in their language too
    (knowledge.updates.figure_name reads keys and English labels)."""
    text = typed.strip().lower()
    return next((name for name in FIGURES if label(name, f).lower() == text), typed)


def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server in this channel (administrators have it), or the configured moderator role."""
    if interaction.permissions.manage_guild:
        return True
    role_id = bot_of(interaction).settings.moderator_role_id
    user = interaction.user
    # The member's role ids as the interaction carried them: Member.get_role looks in the server's role cache,
    # which the bot does not keep (no guilds intent).
    return bool(role_id and isinstance(user, discord.Member) and user._roles.has(role_id))


class Confirmation(ui.View):
    """A moderator's yes/no: only the proposer may press, the first press settles it (a second is told so), and
    the permission and the validation are checked again at press time by `proceed`. Expired buttons are removed
    from the message instead of staying clickable and failing."""

    def __init__(self, cog: Facts, origin: discord.Interaction) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.cog, self.origin, self.author_id = cog, origin, origin.user.id
        self.settled = False
        self.f = fmt(origin)  # the buttons sit on the moderator's own (ephemeral) message
        self.confirm.label = self.f.t("Yes")
        self.cancel.label = self.f.t("Cancel")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        f = fmt(interaction)
        if interaction.user.id != self.author_id:
            await interaction.response.send_message(
                f.t("Only the moderator who proposed this change can confirm it."), ephemeral=True
            )
            return False
        if self.settled:
            await interaction.response.send_message(
                f.t("Already answered: this button does nothing now."), ephemeral=True
            )
            return False
        self.settled = True  # no await since the check above: a concurrent second press sees it
        return True

    @ui.button(label="Yes", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _button: ui.Button) -> None:
        self.stop()
        await interaction.response.defer()  # a deferred update: this message is the one on_error clears
        if not is_moderator(interaction):  # the permission may have been taken away since the proposal
            raise app_commands.MissingPermissions(["manage_guild"])
        await self.proceed(interaction)

    @ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _button: ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=fmt(interaction).t("Cancelled: nothing changed."), embed=None, view=None
        )

    async def proceed(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def on_timeout(self) -> None:
        if self.settled:
            return
        self.settled = True
        try:
            await self.origin.edit_original_response(
                content=self.f.t(
                    "Expired after {minutes} minutes: nothing changed. Run the command again.",
                    minutes=CONFIRM_SECONDS // 60,
                ),
                embed=None,
                view=None,
            )
        except discord.HTTPException as exc:
            log.info("could not mark a confirmation as expired (%s %s)", exc.status, exc.code)

    async def on_error(self, interaction: discord.Interaction, error: Exception, _item: ui.Item) -> None:
        f = fmt(interaction)
        text = describe(error, f)
        if text is None:
            log.error("confirming a fact change failed", exc_info=error)
            text = f.gettext(APOLOGY)
        await reply_error(interaction, text)
        if interaction.response.is_done():
            try:  # the question is settled: take its buttons away
                await interaction.edit_original_response(view=None)
            except discord.HTTPException:
                pass


class ConfirmChange(Confirmation):
    """Shown when a figure moves more than 15 % from the year before."""

    def __init__(self, cog: Facts, origin: discord.Interaction, proposal: Proposal) -> None:
        super().__init__(cog, origin)
        self.proposal = proposal
        self.confirm.label = self.f.t("Yes, set it")

    async def proceed(self, interaction: discord.Interaction) -> None:
        p = self.proposal
        # Validated again against the figures in force now: another change may have landed in the meantime.
        again = propose(
            await facts_for(interaction),
            p.year,
            p.figure,
            p.value,
            p.citation.url,
            p.citation.title,
            p.note,
            hosts=bot_of(interaction).settings.source_hosts,
        )
        await self.cog.apply(interaction, again, edit=True)


class ConfirmImport(Confirmation):
    """Shown for every /facts import: the differences, written all at once only when the moderator agrees."""

    def __init__(self, cog: Facts, origin: discord.Interaction, name: str, pack: YearFacts, note: str | None) -> None:
        super().__init__(cog, origin)
        self.name, self.pack, self.note = name, pack, note
        self.confirm.label = self.f.t("Yes, import")

    async def proceed(self, interaction: discord.Interaction) -> None:
        await self.cog.write_import(interaction, self.name, self.pack, self.note)


@app_commands.guild_only()
# Servers only, and only where a server added the bot: not in DMs, nor for a member who installed it to their account.
@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.default_permissions(manage_guild=True)
# N_: pybabel's extraction (bot/extract.py) reads `description=`, not GroupCog's `group_description=`.
class Facts(commands.GroupCog, group_name="facts", group_description=N_("Moderators: this server's IRS figures")):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not is_moderator(interaction):
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    # ------------------------------------------------------------------ read
    @app_commands.command(name="show", description="Every figure for a year, and which this server changed")
    @app_commands.describe(year="Tax year (default: the current one)")
    async def show(self, interaction: discord.Interaction, year: app_commands.Range[int, 2000, 2100] | None = None):
        defer_if_slow(interaction, ephemeral=True)
        facts = await facts_for(interaction)
        f = fmt(interaction)
        chosen = year or default_year(facts)
        shown = facts.any_year(chosen) or facts.year(chosen)  # a year with no figures at all is refused
        # The drafts first: the one shown, or (no year asked) any being built.
        notes = draft_lines(facts, chosen if year or chosen in facts.drafts else None, f)
        await reply_pages(interaction, facts_show_pages(shown, f, notes), ephemeral=True)

    @app_commands.command(name="history", description="Who changed which figure, from what to what, when")
    @app_commands.describe(year="Only this tax year")
    async def history(
        self, interaction: discord.Interaction, year: app_commands.Range[int, 2000, 2100] | None = None
    ) -> None:
        defer_if_slow(interaction, ephemeral=True)
        changes = await bot_of(interaction).repo.history(server_id(interaction), year, limit=HISTORY_LIMIT)
        f = fmt(interaction)
        notes = draft_lines(await facts_for(interaction), year, f)
        embeds = history_pages(changes, year, bot_of(interaction).facts.base, f, notes)
        await reply_pages(interaction, embeds, ephemeral=True)

    @app_commands.command(name="export", description="This server's changes as data files for upstreaming")
    async def export(self, interaction: discord.Interaction) -> None:
        defer_if_slow(interaction, ephemeral=True)
        f = fmt(interaction)
        overrides = await bot_of(interaction).repo.list_overrides(server_id(interaction))
        if not overrides:
            await reply(interaction, f.t("This server has no changes: every figure is bundled."), ephemeral=True)
            return
        facts = await facts_for(interaction)
        files = []
        for year in sorted({o.year for o in overrides}):
            changed = sorted(o.figure for o in overrides if o.year == year)
            entered = facts.any_year(year)
            if entered is None:  # overrides that no longer fit (skipped when layering): nothing to export
                continue
            # The files are for the project's repository (a pull request), whose data files are in English.
            header = f"# Exported from a Roth Room server; changed by its moderators: {', '.join(changed)}\n"
            name = f"{year}.toml"
            if year in facts.drafts:  # exported as it is: importing it back restores the draft
                header += f"# Draft, not in force: still missing {', '.join(facts.missing(year))}\n"
                name = f"{year}-draft.toml"
            text = header + dump_year(year, entered.figures.values())
            files.append(discord.File(io.BytesIO(text.encode()), filename=name))
        text = f.t("Drop these into `knowledge/data/` (same format as the bundled files) and open a pull request.")
        if any(o.year in facts.drafts for o in overrides):
            text += "\n" + f.t(
                "A `-draft` file is an incomplete year: /facts import restores it as a draft; it belongs in "
                "`knowledge/data/` only once complete."
            )
        await reply(
            interaction,
            text,
            files=files,
            ephemeral=True,
        )

    # ------------------------------------------------------------------ write
    @app_commands.command(name="set", description="Change or add one figure for a year, with its source")
    @app_commands.describe(
        year="Tax year (add next year's figures when the IRS publishes them)",
        figure="Which figure",
        value="The new amount in whole dollars, as the IRS notice states it",
        source_url="https link to the IRS notice or page",
        source_title='How to cite it, e.g. "IRS Notice 2026-12" (default: read from the link)',
        note="Why (shown in the history)",
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100],
        figure: str,
        value: str,
        source_url: str,
        source_title: app_commands.Range[str, 3, 200] | None = None,
        note: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        latest = clock.today().year + 1
        if year > latest:
            raise InputError("year", "figures can be set up to {latest}, once the IRS publishes them", latest=latest)
        f = fmt(interaction)
        amount = read_amounts(interaction, {"value": value}, frozenset({"value"}))["value"]
        proposal = propose(
            await facts_for(interaction),
            year,
            figure_key(figure, f),
            amount,
            source_url,
            source_title,
            note,
            hosts=bot_of(interaction).settings.source_hosts,
        )
        if proposal.needs_confirmation and proposal.prior is not None and proposal.jump is not None:
            text = f.t(
                "⚠️ {figure} for {year}: {value} is {change} from {prior} in {prior_year} (more than {limit}). "
                "Is that right? Nothing is saved until you confirm.",
                figure=label(proposal.figure, f),
                year=year,
                value=proposal.value,
                change=percent(proposal.jump, f, signed=True),
                prior=proposal.prior.value,
                prior_year=year - 1,
                limit=percent(JUMP_LIMIT, f),
            )
            await interaction.response.send_message(
                text, view=ConfirmChange(self, interaction, proposal), ephemeral=True
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.apply(interaction, proposal)

    @set_.autocomplete("figure")
    async def _figures(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The figures in the moderator's language; what they type matches the key, or the label in either
        their language or English."""
        f, text = fmt(interaction), current.lower()
        return [
            app_commands.Choice(name=label(name, f)[:100], value=name)
            for name, spec in FIGURES.items()
            if text in name or text in spec.label.lower() or text in label(name, f).lower()
        ][:25]

    async def apply(self, interaction: discord.Interaction, p: Proposal, *, edit: bool = False) -> None:
        """Write the change (the repository re-validates inside its transaction), then tell people."""
        bot = bot_of(interaction)
        try:
            change = await bot.repo.change_fact(
                server_id(interaction),
                p.year,
                p.figure,
                p.value,
                p.citation.title,
                p.citation.url,
                p.note,
                interaction.user.id,
                await bot.facts.validator_for(server_id(interaction)),
            )
        except FactDataError as exc:  # another moderator's change landed first and this one no longer fits
            raise InputError(
                "value", "not saved, inconsistent with {year}'s figures now: {problem}", year=p.year, problem=exc.line
            ) from None
        bot.facts.invalidate(interaction.guild_id)
        await self._finish(interaction, change, Line("Fact updated"), edit=edit)

    @app_commands.command(name="revert", description="Undo one change from /facts history (the undo is recorded)")
    @app_commands.describe(change_id="The change number shown in /facts history")
    async def revert(
        self, interaction: discord.Interaction, change_id: app_commands.Range[int, 1, 2_147_483_647]
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = bot_of(interaction)
        try:
            change = await bot.repo.revert_change(
                server_id(interaction),
                change_id,
                interaction.user.id,
                await bot.facts.validator_for(server_id(interaction)),
            )
        except FactDataError as exc:
            raise ConflictError(
                "undoing #{change} would break that year's rules: {problem}", change=change_id, problem=exc.line
            ) from None
        bot.facts.invalidate(interaction.guild_id)
        await self._finish(interaction, change, Line("Change #{change} reverted", {"change": change_id}))

    @app_commands.command(name="announce-channel", description="Announce each fact change in a channel (or stop)")
    @app_commands.describe(channel="Where to announce; leave empty to stop announcing")
    async def announce_channel(self, interaction: discord.Interaction, channel: AnnounceChannel | None = None) -> None:
        defer_if_slow(interaction, ephemeral=True)
        f = fmt(interaction)
        repo = bot_of(interaction).repo
        if channel is None:
            await repo.set_setting(server_id(interaction), ANNOUNCE_KEY, None)
            await reply(interaction, f.t("Fact changes will no longer be announced."), ephemeral=True)
            return
        if not await can_post(channel_by_id(interaction.client, channel.id, interaction.guild_id)):
            # Discord's names for these permissions, as its client shows them in the moderator's language.
            raise InputError(
                "channel", "I need View Channel, Send Messages and Embed Links in {channel}", channel=channel.mention
            )
        await repo.set_setting(server_id(interaction), ANNOUNCE_KEY, str(channel.id))
        if interaction.guild_locale is not None:  # the yearly announcement's language (no server cache to ask)
            await repo.set_setting(server_id(interaction), LOCALE_KEY, interaction.guild_locale.value)
        await reply(
            interaction, f.t("Fact changes will be announced in {channel}.", channel=channel.mention), ephemeral=True
        )

    async def _finish(self, interaction: discord.Interaction, change, heading: Line, *, edit: bool = False) -> None:  # noqa: ANN001
        """After the commit: everything here is best-effort, so a saved change is never reported as failed.
        The moderator reads it in their language; the channel gets it in the server's."""
        base = bot_of(interaction).facts.base
        embed = change_embed(change, heading, base, fmt(interaction))
        note = await self._announce(interaction, lambda f: [change_embed(change, heading, base, f)])
        await self._reply(interaction, note, embed, edit=edit)

    async def _reply(
        self, interaction: discord.Interaction, note: str | None, embed: discord.Embed, *, edit: bool
    ) -> None:
        try:
            if edit:
                await interaction.edit_original_response(content=note, embed=embed, view=None)
            else:
                if note:
                    await interaction.followup.send(content=note, embed=embed, ephemeral=True)
                else:
                    await interaction.followup.send(embed=embed, ephemeral=True)
        except discord.HTTPException as exc:  # saved all the same; the moderator sees it in /facts history
            log.warning("could not confirm a saved fact change to the moderator (%s %s)", exc.status, exc.code)

    async def _announce(self, interaction: discord.Interaction, embeds: Embeds) -> str | None:
        """Post to the announcement channel, in the server's language (what everyone there reads), and return the
        note for the moderator in theirs. The change is already committed: any failure here is reported to the
        moderator as a failed announcement, never as a failed change."""
        f = fmt(interaction)
        raw = None
        try:
            raw = await bot_of(interaction).repo.get_setting(server_id(interaction), ANNOUNCE_KEY)
            if raw is None:
                return None
            posted = embeds(fmt(interaction, public=True))
            if not posted:
                return None
            await channel_by_id(interaction.client, int(raw), interaction.guild_id).send(
                embeds=fit_message(None, posted)[1]
            )
        except discord.NotFound:
            return f.t(
                "Saved, but the announcement channel no longer exists: set a new one with /facts announce-channel."
            )
        except discord.HTTPException as exc:
            log.warning("announcing in guild %s failed: %s %s", interaction.guild_id, exc.status, exc.code)
            return f.t(
                "Saved, but I couldn't announce it in {channel} (Discord said: {reason}).",
                channel=f"<#{raw}>",
                reason=exc.text or exc.status,
            )
        except Exception:  # noqa: BLE001 - committed already: say the announcement failed, not the change
            log.exception("announcing a saved fact change failed (guild %s)", interaction.guild_id)
            return f.t("Saved, but announcing it failed; it is in /facts history.")
        return f.t("Announced in {channel}.", channel=f"<#{raw}>")

    # ------------------------------------------------------------------ fact packs
    @app_commands.command(name="import", description="Load a year's figures from a fact-pack file (one confirmation)")
    @app_commands.describe(
        file="A fact pack (.toml): the format /facts export writes and knowledge/data/<year>.toml uses",
        note="Why (shown in the history)",
    )
    async def import_(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        note: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        name = re.sub(r"[^\w.-]", "_", file.filename)[:100]  # shown in messages: nothing but a plain name
        # Downloading the file can take a while: acknowledge now; the answer (and its buttons) replace "thinking".
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Parsed in a child process bounded in time and memory: an upload can never stall the loop (bot/pack_reader).
        pack = await read_pack_isolated(name, await read_attachment(file, name))
        plan = await self._plan(interaction, name, pack)
        f = fmt(interaction)
        if not plan.diffs:
            await interaction.edit_original_response(
                content=f.t(
                    "Nothing to import: every figure in {name} is already in force with the same source.", name=name
                )
            )
            return
        _content, [embed] = fit_message(None, [import_embed(plan, name, f)])
        await interaction.edit_original_response(
            content=f.t("Nothing is saved until you confirm."),
            embed=embed,
            view=ConfirmImport(self, interaction, name, pack, note),
        )

    async def _plan(self, interaction: discord.Interaction, name: str, pack: YearFacts) -> ImportPlan:
        bot = bot_of(interaction)
        return plan_import(
            await facts_for(interaction),
            [(name, pack)],
            bot.settings.source_hosts,
            clock.today().year + 1,
            origin="server",
        )

    async def write_import(
        self, interaction: discord.Interaction, name: str, pack: YearFacts, note: str | None
    ) -> None:
        """Checked again against the figures in force now, then every figure in one transaction."""
        bot = bot_of(interaction)
        f = fmt(interaction)
        plan = await self._plan(interaction, name, pack)
        if not plan.diffs:
            await interaction.edit_original_response(
                content=f.t("Nothing left to import: it is all in force now."), embed=None, view=None
            )
            return
        writes = [
            FactWrite(d.year, d.figure, d.new.value, d.new.citation.title, d.new.citation.url, note) for d in plan.diffs
        ]
        try:
            changes = await bot.repo.change_facts(
                server_id(interaction),
                writes,
                interaction.user.id,
                await bot.facts.validator_for(server_id(interaction), complete=tuple(plan.new_years)),
            )
        except FactDataError as exc:
            raise InputError(
                "file", "not saved, inconsistent with the figures now: {problem}", problem=exc.line
            ) from None
        bot.facts.invalidate(interaction.guild_id)
        if not changes:  # another import wrote the same figures in the meantime: nothing was changed
            await interaction.edit_original_response(
                content=f.t("Nothing left to import: it is all in force now."), embed=None, view=None
            )
            return
        summary = imported_embed(changes, name, f)
        announcements = await self._import_announcements(interaction, plan)
        note_text = await self._announce(interaction, announcements) if announcements else None
        await self._reply(interaction, note_text, summary, edit=True)

    async def _import_announcements(self, interaction: discord.Interaction, plan: ImportPlan) -> Embeds | None:
        """A new year's arrival is announced once per server (also across processes and the operator's import);
        other imported changes are listed. The years are claimed now; the embeds are built in the language they
        are posted in. None: nothing to announce."""
        try:
            facts = await facts_for(interaction)
            new = [
                year
                for year in plan.new_years
                if await claim_year(bot_of(interaction).repo, server_id(interaction), year)
            ]
            # A draft's figures are not announced: no answer uses them until the year is complete.
            rest = [d for d in plan.diffs if d.year not in plan.new_years and d.year not in plan.drafts]
        except Exception:  # noqa: BLE001 - committed already: an announcement problem must not undo the answer
            log.exception("preparing the import announcement failed (guild %s)", interaction.guild_id)
            return None
        if not new and not rest:
            return None

        def embeds(f: Formatter) -> list[discord.Embed]:
            out = [new_year_embed(facts.year(year), facts.years.get(year - 1), f) for year in new]
            if rest:
                out.append(import_embed(plan, None, f, only=rest))
            return out[:10]

        return embeds


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Facts(bot))
