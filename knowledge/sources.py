"""Where a figure may be cited from: an https link to a trusted host, safe to embed in a message and a data file.

Pure: the trusted hosts are passed in (the bot's settings add the operator's to the default).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from .errors import InputError
from .text import N_

DEFAULT_TRUSTED_HOSTS: tuple[str, ...] = ("irs.gov",)
# Characters that could end a quoted string or a markdown link, or hide a second line: never in a source link.
_FORBIDDEN = set("\"'`<>\\[]()") | {chr(c) for c in range(33)} | {"\x7f"}


def trusted(host: str, hosts: Iterable[str]) -> bool:
    """Whether host is one of hosts or a subdomain of one (www.irs.gov for irs.gov; not evilirs.gov)."""
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in (h.lower().strip(".") for h in hosts) if h)


def link_problem(url: str) -> str | None:
    """What makes url unsafe to show as a link or write into a data file, whatever its host; None if nothing.
    The reason is an English template without placeholders (an InputError/ValueError message, translated later)."""
    if any(ch in _FORBIDDEN for ch in url):
        return N_("must be a plain link: no spaces, line breaks, quotes, brackets or backslashes")
    return None


def check_source_url(url: str, hosts: Iterable[str] = DEFAULT_TRUSTED_HOSTS, *, field: str = "source_url") -> str:
    """The URL if it may be cited; else InputError naming the field and the rule it breaks."""
    hosts = tuple(hosts)
    if not url.lower().startswith("https://"):
        raise InputError(field, "must be an https:// link to the IRS notice or page")
    if problem := link_problem(url):
        raise InputError(field, problem)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise InputError(field, "is not a valid link") from None
    if parts.scheme != "https" or not host:
        raise InputError(field, "must be an https:// link to the IRS notice or page")
    if parts.username is not None or parts.password is not None:
        raise InputError(field, "must not carry a user name or password")
    if not trusted(host, hosts):
        raise InputError(
            field,
            "{host} is not a trusted source; links must be on {allowed} (or their subdomains)",
            host=host,
            allowed=", ".join(hosts),
        )
    return url
