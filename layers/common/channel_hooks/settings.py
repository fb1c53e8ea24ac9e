"""Settings read once from the environment; nothing else reads it."""

from functools import lru_cache

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    table_name: str = Field(min_length=3, max_length=255)
    # Signs list cursors; deployed, it comes from the stack's Secrets Manager secret.
    cursor_secret: SecretStr = Field(min_length=32)
    # When empty, hook URLs are derived from the request's domain and stage.
    public_base_url: str | None = None
    dynamodb_max_attempts: int = Field(default=4, ge=1, le=10)
    transaction_attempts: int = Field(default=5, ge=1, le=10)

    @field_validator("public_base_url")
    @classmethod
    def _empty_means_derived(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip().rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
