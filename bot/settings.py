"""Settings from the environment and an optional .env file (pydantic-settings)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from knowledge.sources import DEFAULT_TRUSTED_HOSTS

DEFAULT_DATABASE_URL = "sqlite:///data/roth-room.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Optional here so that a missing token becomes guidance, not a validation traceback.
    discord_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL connections per process.
    database_pool_size: int = Field(default=10, ge=1, le=500)
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    # Members with this role may use /facts as well as those with Manage Server.
    moderator_role_id: int | None = None
    shard_count: int | None = Field(default=None, ge=1)
    # NoDecode: SHARD_IDS=1 or 0,1 is read by the validator below, not as JSON.
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    # Hosts a source link may be on besides irs.gov (subdomains included): TRUSTED_SOURCE_HOSTS=dol.gov,ssa.gov
    trusted_source_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    # Local member id the offline console acts as (its profile lives in the same database).
    console_user_id: int = 1
    console_locale: str = "en-US"
    # Touched every few seconds while the gateway is connected and storage answers (`python -m bot health` reads it).
    heartbeat_file: str | None = None
    # Prometheus metrics on this port (off when unset); METRICS_ADDR is the address it listens on.
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_addr: str = "127.0.0.1"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, v: str) -> str:
        from .storage import StorageError, check_url

        try:
            return check_url(v)
        except StorageError as exc:  # the message names the URL with its password redacted
            raise ValueError(str(exc).removeprefix("DATABASE_URL ")) from None

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.upper()
        if v not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return v

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, v: object) -> object:
        # SHARD_IDS=0,1 as well as JSON [0, 1]
        if isinstance(v, str) and not v.strip():
            return None
        if isinstance(v, str) and not v.strip().startswith("["):
            return [int(x) for x in v.split(",") if x.strip()]
        return v

    @field_validator("trusted_source_hosts", mode="before")
    @classmethod
    def _hosts(cls, v: object) -> object:
        if isinstance(v, str):
            v = [h.strip().lower().removeprefix("https://").rstrip("/") for h in v.split(",") if h.strip()]
        if v is not None and not isinstance(v, list | tuple):
            raise ValueError("TRUSTED_SOURCE_HOSTS must be host names separated by commas")
        for host in v or ():
            if not isinstance(host, str) or not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)+", host):
                raise ValueError(f"TRUSTED_SOURCE_HOSTS: {host!r} is not a host name such as dol.gov")
        return tuple(v or ())

    @property
    def source_hosts(self) -> tuple[str, ...]:
        """Every host a source link may be on: irs.gov always, then the operator's."""
        return tuple(dict.fromkeys((*DEFAULT_TRUSTED_HOSTS, *self.trusted_source_hosts)))

    @model_validator(mode="after")
    def _shards(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards across all processes)")
            bad = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if bad or not self.shard_ids or len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError(f"SHARD_IDS must be distinct numbers from 0 to {self.shard_count - 1}")
        return self
