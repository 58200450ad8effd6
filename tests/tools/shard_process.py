"""One bot process serving some shards, inside its own simulated Discord, driven line by line over stdin.

    python tests/tools/shard_process.py DATABASE_URL SHARD_COUNT SHARD_IDS

Creates member "alice" (first, so her id is the same in every such process), then one server on each shard it
serves. Each stdin line is JSON {"shard": n, "command": "room", "options": {...}}; each answer is one JSON line
{"acknowledged", "content", "embeds"}. {"command": "guilds"} lists the servers in the bot's cache. Every answer
also carries "api_problems": what Discord would refuse in the requests the bot made since the last answer
(tests/discord_api_spec), so the sharded bot's requests are checked like the end-to-end suite's.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import simcord  # noqa: E402

from bot import create_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.discord_api_spec.validator import check_request  # noqa: E402


async def main(url: str, count: str, ids: str) -> None:
    shard_ids = [int(i) for i in ids.split(",")]
    settings = Settings(_env_file=None, discord_token=None, shard_count=int(count), shard_ids=shard_ids)
    # Each simulated Discord is separate, so each syncs its own commands (on real Discord the shared database's
    # command hash rightly lets only the first process sync).
    bot = create_bot(settings, database_url=url, sync="always")
    async with simcord.run(bot) as env:
        checked = 0

        def api_problems() -> list[str]:
            nonlocal checked
            new = env.http_requests[checked:]
            checked += len(new)
            return [str(p) for r in new for p in check_request(r.method, r.path, r.json)]

        alice = env.create_user("alice")
        servers = {}
        for shard in range(int(count)):  # a server on every shard; only this process's shards reach the bot
            guild = env.create_guild(name=f"shard {shard}", shard_id=shard)
            servers[shard] = (guild.create_text_channel("general"), guild.add_member(alice))
        print(json.dumps({"ready": True, "alice": alice.id, "api_problems": api_problems()}), flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            ask = json.loads(line)
            if ask["command"] == "guilds":
                answer = {"guilds": sorted(g.name for g in bot.guilds)}
            else:
                channel, member = servers[ask["shard"]]
                result = await member.slash(channel, ask["command"], **ask.get("options", {}))
                response = result.response if result.acknowledged else None
                answer = {
                    "acknowledged": result.acknowledged,
                    "content": response.content if response else None,
                    "embeds": [e.to_dict() for e in response.embeds] if response else [],
                }
                _ = env.errors  # reading them acknowledges errors the tree handled (SimCord re-raises unread ones)
            answer["api_problems"] = api_problems()
            print(json.dumps(answer), flush=True)
        await bot.close_storage()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
