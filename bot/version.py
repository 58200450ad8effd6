"""The release: one place, read by pyproject (setuptools' static attr) and by the bot (ready line, /about)."""

__version__ = "0.2.0"
