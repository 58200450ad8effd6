"""Two checklist buttons pressed at once, through SimCord and the real views, on both backends: each press is
one read-modify-write of the database's current row, so neither answer is lost."""

from __future__ import annotations

from ..helpers import raw_rows

TRIALS = 100
QUESTIONS = ("after_tax_allowed", "in_plan_conversion", "in_service_withdrawal")


async def test_two_simultaneous_presses_keep_both_answers_every_time(world):
    lost = []
    for trial in range(TRIALS):
        user = world.env.create_user(f"racer{trial}")
        member = world.guild.add_member(user)
        await member.slash(world.channel, "checklist")
        message = user.dm_channel.last_message
        first, second = QUESTIONS[trial % 2], QUESTIONS[2]
        # Even trials: "Not sure" on two questions; odd ones: "Not sure" on one and "Yes" on another.
        other = "unsure" if trial % 2 == 0 else "yes"
        ids = [b.custom_id for row in message.components for b in row.children]
        a = next(i for i in ids if f":{first}:unsure" in i)
        b = next(i for i in ids if f":{second}:{other}" in i)
        records = await world.press_together(user, message, [a, b])
        assert all(r.responded for r in records)
        profile = await world.bot.repo.get_profile(user.id)
        stored = await raw_rows(world.db_url, f"SELECT data FROM profiles WHERE user_id = {int(user.id)}")
        kept = first in profile.not_sure and (
            second in profile.not_sure if other == "unsure" else profile.in_service_withdrawal is True
        )
        if not kept or stored != [(profile.to_json(),)]:
            lost.append((trial, profile, stored))
    assert lost == [], f"{len(lost)} of {TRIALS} trials lost an answer: {lost[:3]}"
