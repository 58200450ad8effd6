"""One discord.py cog per feature: parse options, call knowledge/, render embeds. Modules named _x are helpers."""
