"""A second bot process's worth of database work, for the cross-process PostgreSQL tests.

python tests/tools/pg_worker.py URL writes        # 500 profile writes (flags on the shared members)
python tests/tools/pg_worker.py URL fact GUILD V  # one moderator change of 2026's 402(g)
"""

from __future__ import annotations

import asyncio
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.facts import GuildFacts  # noqa: E402
from bot.storage import open_repository  # noqa: E402

FLAGS = ["after_tax_allowed", "in_plan_conversion", "in_service_withdrawal", "auto_conversion", "cash_flow_ok"]


async def main(url: str, mode: str, *args: str) -> None:
    repo = await open_repository(url)
    try:
        if mode == "writes":

            async def member(i):
                await repo.update_profile(5000 + i, {"compensation": str(70000 + i)})

            async def shared(i, flag):
                await repo.update_profile(100 + i, {flag: True})

            await asyncio.gather(*(member(i) for i in range(250)), *(shared(i, f) for i in range(50) for f in FLAGS))
        elif mode == "fact":
            guild, value = int(args[0]), Decimal(args[1])
            await repo.change_fact(
                guild,
                2026,
                "deferral_limit_402g",
                value,
                "IRS Notice 2026-99",
                "https://www.irs.gov/pub/irs-drop/n-26-99.pdf",
                None,
                42,
                GuildFacts(repo).validator(),
            )
        print("done", flush=True)
    finally:
        await repo.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
