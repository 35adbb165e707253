"""Server settings: one frozen object from a TOML file plus QUEUE_* environment variables."""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from queue_server.core.errors import SettingsError
from queue_server.core.text_templates import template_problem


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///var/queue.db"
    redis_url: str | None = None
    # Several installations may share one Redis: each needs its own channel.
    redis_channel: str = "vn-queue"
    secret_key: str | None = None
    public_url: str | None = None
    var_dir: str = "var"
    office_file: str = "config/demo.toml"
    token_lifetime_s: int = 12 * 3600
    # A device token unused for this long is refused (each use moves it on; see auth.py).
    device_token_idle_days: int = 90
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"
    voice_dir: str | None = None
    # Proxies in front (nginx: 1) whose X-Forwarded-For/-Proto are believed; 0 trusts none.
    trusted_proxies: int = 0
    # "Your turn is near" by SMS (see notify.py): no URL, no SMS offered at the kiosk.
    sms_gateway_url: str | None = None
    # Headers for the gateway (its key): a TOML table, or JSON in QUEUE_SMS_GATEWAY_HEADERS.
    sms_gateway_headers: tuple[tuple[str, str], ...] = ()
    sms_body_template: str = '{"to": "$phone", "message": "$text"}'
    sms_message_template: str = ("$office: số $number sắp đến lượt (còn $ahead người trước)."
                                 " Mời ông/bà quay lại phòng chờ.")
    # Zalo's notification service (ZNS; see docs/messages.md): no token, no Zalo offered.
    zalo_zns_url: str = "https://business.openapi.zalo.me/message/template"
    zalo_access_token: str | None = None
    # Seconds before the second, third … attempt of a message on one channel.
    message_retry_delays_s: tuple[float, ...] = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
    # The push to the province's system (see docs/dossiers.md): every finished visit and every
    # rating POSTed as signed JSON. No URL, no push; the secret signs each body (HMAC-SHA256).
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # Seconds before the second, third … attempt of a webhook delivery: about 24 hours in all.
    webhook_retry_delays_s: tuple[float, ...] = (
        10.0, 30.0, 60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 10800.0, 14400.0, 21600.0,
        21600.0, 21600.0)
    # GET /metrics from another machine needs `Authorization: Bearer <this>`; unset: localhost only.
    metrics_token: str | None = None
    # The key of the citizen ID number's keyed hash (HMAC-SHA256; docs/PRIVACY.md). Unset:
    # generated once and kept under var/. Rotating: the new key here, the old one in
    # citizen_id_old_keys (still matched in lookups until the retention removed its hashes).
    citizen_id_key: str | None = None
    citizen_id_old_keys: tuple[str, ...] = ()
    testing: bool = False

    def validated(self) -> Settings:
        """Check every value; fill in a persistent secret key when none is given."""
        if not self.database_url.startswith(("sqlite", "postgresql")):
            raise SettingsError("database_url must start with sqlite:// or postgresql")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://")):
            raise SettingsError("redis_url must start with redis:// or rediss://")
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise SettingsError("public_url must start with http:// or https://")
        if not 60 <= self.token_lifetime_s <= 30 * 86400:
            raise SettingsError("token_lifetime_s must be between 60 and 2592000")
        if not 1 <= self.device_token_idle_days <= 3650:
            raise SettingsError("device_token_idle_days must be between 1 and 3650")
        if not 1024 <= self.max_body_bytes <= 10 * 1024 * 1024:
            raise SettingsError("max_body_bytes must be between 1024 and 10485760")
        if not 0 <= self.trusted_proxies <= 5:
            raise SettingsError("trusted_proxies must be between 0 and 5")
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError("log_level must be DEBUG, INFO, WARNING or ERROR")
        _check_sms(self)
        _check_webhook(self)
        settings = replace(self, log_level=self.log_level.upper(),
                           public_url=self.public_url.rstrip("/") if self.public_url else None)
        if not settings.secret_key:
            settings = replace(settings, secret_key=_persistent_secret(Path(self.var_dir)))
        if not settings.citizen_id_key:
            settings = replace(settings, citizen_id_key=_persistent_secret(
                Path(self.var_dir), "citizen_id_key"))
        _check_citizen_keys(settings)
        return settings


_FIELDS = {field.name: field for field in fields(Settings)}
_ENV_NAMES = {"QUEUE_" + name.upper(): name for name in _FIELDS} | {"QUEUE_CONFIG": None}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from QUEUE_CONFIG (a TOML file) overridden by QUEUE_* variables."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    config_path = environ.get("QUEUE_CONFIG")
    if config_path:
        values.update(_read_toml(config_path))
    for name, value in environ.items():
        if not name.startswith("QUEUE_"):
            continue
        if name not in _ENV_NAMES:
            raise SettingsError(f"unknown environment variable {name}; known: "
                                + ", ".join(sorted(_ENV_NAMES)))
        field = _ENV_NAMES[name]
        if field:
            values[field] = _coerce(field, value, name)
    return Settings(**values).validated()


def _read_toml(path: str) -> dict[str, object]:
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(document) - set(_FIELDS))
    if unknown:
        raise SettingsError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    return {name: _coerce(name, value, f"{path}: {name}") for name, value in document.items()}


def _coerce(name: str, value: Any, where: str) -> object:
    kind = _FIELDS[name].type
    if name == "sms_gateway_headers":
        return _headers(value, where)
    if name in ("message_retry_delays_s", "webhook_retry_delays_s"):
        return _delays(value, where)
    if name == "citizen_id_old_keys":
        return _key_list(value, where)
    if "int" in str(kind):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{where} must be an integer, got {value!r}") from None
    if "bool" in str(kind):
        if isinstance(value, bool):
            return value
        return str(value).lower() in {"1", "true", "yes", "on"}
    if not isinstance(value, str):
        raise SettingsError(f"{where} must be a string, got {value!r}")
    return value or None if "None" in str(kind) else value


def _persistent_secret(var_dir: Path, name: str = "secret_key") -> str:
    # Generated once and kept, so sessions survive restarts without a configured key.
    path = var_dir / name
    key = path.read_text().strip() if path.exists() else ""
    if key:
        return key
    path.unlink(missing_ok=True)  # an empty file: left by a crash of an older version
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written aside and renamed: a crash never leaves an empty key behind (no session works
    # with an empty key, and every restart would read it again).
    aside = var_dir / f".{name}.{os.getpid()}"
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    # Linked, never replaced: when several workers start on a fresh folder at once, the first
    # key written is the one every one of them uses.
    try:
        os.link(aside, path)
    except FileExistsError:
        key = path.read_text().strip()
    except OSError:  # a file system without hard links: the last writer wins, as before
        os.replace(aside, path)
        return key
    aside.unlink()
    return key


def _headers(value: object, where: str) -> tuple[tuple[str, str], ...]:
    # A TOML table, or a JSON object in the environment variable.
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            raise SettingsError(
                f"{where} must be a JSON object of header names and values") from None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SettingsError(f"{where} must map header names to string values")
    return tuple(value.items())


def _delays(value: object, where: str) -> tuple[float, ...]:
    # A TOML list, or numbers separated by commas in the environment variable.
    items = value.split(",") if isinstance(value, str) else value
    try:
        delays = tuple(float(item) for item in items)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise SettingsError(f"{where} must be a list of seconds, such as 5,15,30") from None
    if not delays or len(delays) > 20 or not all(0 <= delay <= 86400 for delay in delays):
        raise SettingsError(f"{where} must be 1 to 20 delays of 0 to 86400 seconds")
    return delays


MIN_CITIZEN_KEY = 16


def _key_list(value: object, where: str) -> tuple[str, ...]:
    # A TOML list, or keys separated by commas in the environment variable.
    items = [item.strip() for item in value.split(",")] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise SettingsError(f"{where} must be a list of keys")
    return tuple(item for item in items if item)


def _check_citizen_keys(settings: Settings) -> None:
    for key in (settings.citizen_id_key or "", *settings.citizen_id_old_keys):
        if len(key) < MIN_CITIZEN_KEY:
            raise SettingsError(f"citizen_id_key and citizen_id_old_keys need at least"
                                f" {MIN_CITIZEN_KEY} characters each")


def _check_sms(settings: Settings) -> None:
    for name in ("sms_gateway_url", "zalo_zns_url"):
        url = getattr(settings, name)
        if url and not url.startswith(("http://", "https://")):
            raise SettingsError(f"{name} must start with http:// or https://")
    for name in ("sms_body_template", "sms_message_template"):
        problem = template_problem(name, getattr(settings, name))
        if problem:
            raise SettingsError(problem)


MIN_WEBHOOK_SECRET = 16


def _check_webhook(settings: Settings) -> None:
    url = settings.webhook_url
    if url and (not url.startswith(("http://", "https://")) or not urlsplit(url).hostname):
        raise SettingsError("webhook_url must start with http:// or https:// and name a host")
    if url and not settings.webhook_secret:
        raise SettingsError("webhook_secret is required when webhook_url is set"
                            " (QUEUE_WEBHOOK_SECRET: the key that signs every delivery)")
    if url and len(settings.webhook_secret or "") < MIN_WEBHOOK_SECRET:
        raise SettingsError(f"webhook_secret must be at least {MIN_WEBHOOK_SECRET} characters")
