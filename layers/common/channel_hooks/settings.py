"""Settings read once from the environment; nothing else reads it.

A plain Pydantic model over os.environ: pydantic-settings would add about 14 ms to
every cold start for what five variables need.
"""

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=3, max_length=255)
    # Signs list cursors; deployed, it comes from the stack's Secrets Manager secret.
    cursor_secret: SecretStr = Field(min_length=32)
    # When empty, hook URLs are derived from the request's domain and stage.
    public_base_url: str | None = None
    dynamodb_max_attempts: int = Field(default=3, ge=1, le=5)
    # DynamoDB answers in milliseconds; the local run's moto, under load, in seconds.
    dynamodb_read_timeout_seconds: float = Field(default=1.0, gt=0, le=10)
    transaction_attempts: int = Field(default=5, ge=1, le=10)

    @field_validator("public_base_url")
    @classmethod
    def _empty_means_derived(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip().rstrip("/")

    @classmethod
    def from_environment(cls) -> "Settings":
        """Each field from the environment variable of its name in capitals, when set."""
        values = {
            name: os.environ[name.upper()]
            for name in cls.model_fields
            if name.upper() in os.environ
        }
        return cls.model_validate(values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_environment()
