"""Settings: TOML plus QUEUE_* variables into one frozen, validated object."""

import dataclasses

import pytest

from queue_server.core.errors import SettingsError
from queue_server.core.settings import Settings, load_settings


def test_environment_overrides_the_file(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text('database_url = "sqlite:///a.db"\ntoken_lifetime_s = 600\n')
    settings = load_settings({"QUEUE_CONFIG": str(config), "QUEUE_DATABASE_URL": "sqlite:///b.db",
                              "QUEUE_VAR_DIR": str(tmp_path)})
    assert settings.database_url == "sqlite:///b.db"
    assert settings.token_lifetime_s == 600
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.database_url = "x"


def test_a_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_settings({"QUEUE_VAR_DIR": str(tmp_path)}).secret_key
    second = load_settings({"QUEUE_VAR_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_an_empty_secret_key_file_left_by_a_crash_is_replaced(tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    key = load_settings({"QUEUE_VAR_DIR": str(tmp_path)}).secret_key
    assert len(key) > 40 and (tmp_path / "secret_key").read_text() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    # The citizen ID number's hash key is generated beside it (docs/PRIVACY.md).
    assert sorted(path.name for path in tmp_path.iterdir()) == ["citizen_id_key", "secret_key"]


@pytest.mark.parametrize("environ, fragment", [
    ({"QUEUE_DATABSE_URL": "x"}, "unknown environment variable QUEUE_DATABSE_URL"),
    ({"QUEUE_DATABASE_URL": "mysql://x"}, "database_url"),
    ({"QUEUE_REDIS_URL": "http://x"}, "redis_url"),
    ({"QUEUE_TOKEN_LIFETIME_S": "soon"}, "must be an integer"),
    ({"QUEUE_PUBLIC_URL": "queue.local"}, "public_url"),
    ({"QUEUE_DEVICE_TOKEN_IDLE_DAYS": "0"}, "device_token_idle_days must be between"),
    ({"QUEUE_DEVICE_TOKEN_IDLE_DAYS": "3651"}, "device_token_idle_days must be between"),
    ({"QUEUE_DEVICE_TOKEN_IDLE_DAYS": "ninety"}, "must be an integer"),
])
def test_bad_settings_are_refused_by_name(tmp_path, environ, fragment):
    with pytest.raises(SettingsError, match=fragment):
        load_settings({"QUEUE_VAR_DIR": str(tmp_path), **environ})


def test_an_unknown_key_in_the_file_is_refused(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text('databse_url = "sqlite:///a.db"\n')
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings({"QUEUE_CONFIG": str(config)})


def test_defaults_are_the_embedded_single_process_setup():
    settings = Settings(secret_key="k").validated()
    assert settings.database_url == "sqlite:///var/queue.db" and settings.redis_url is None


def test_the_example_settings_file_is_valid(tmp_path):
    from pathlib import Path

    example = Path(__file__).parents[2] / "config" / "server.example.toml"
    settings = load_settings({"QUEUE_CONFIG": str(example), "QUEUE_VAR_DIR": str(tmp_path)})
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_device_tokens_expire_after_90_idle_days_unless_set(tmp_path):
    assert load_settings({"QUEUE_VAR_DIR": str(tmp_path)}).device_token_idle_days == 90
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path),
                              "QUEUE_DEVICE_TOKEN_IDLE_DAYS": "30"})
    assert settings.device_token_idle_days == 30


def test_the_citizen_id_key_and_its_old_keys_come_from_the_environment(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path),
                              "QUEUE_CITIZEN_ID_KEY": "the-new-citizen-key-123",
                              "QUEUE_CITIZEN_ID_OLD_KEYS":
                                  "the-old-citizen-key-1, the-old-key-two-2"})
    assert settings.citizen_id_key == "the-new-citizen-key-123"
    assert settings.citizen_id_old_keys == ("the-old-citizen-key-1", "the-old-key-two-2")
    assert not (tmp_path / "citizen_id_key").exists()


def test_an_unset_citizen_id_key_is_generated_once_and_kept(tmp_path):
    first = load_settings({"QUEUE_VAR_DIR": str(tmp_path)}).citizen_id_key
    assert first and load_settings({"QUEUE_VAR_DIR": str(tmp_path)}).citizen_id_key == first
    assert first != load_settings({"QUEUE_VAR_DIR": str(tmp_path)}).secret_key


def test_a_short_citizen_id_key_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="citizen_id_key"):
        load_settings({"QUEUE_VAR_DIR": str(tmp_path), "QUEUE_CITIZEN_ID_OLD_KEYS": "short"})


def test_workers_starting_at_once_on_a_fresh_folder_all_use_the_first_key_written(
        tmp_path, monkeypatch):
    import secrets

    from queue_server.core import settings as settings_module

    generate = secrets.token_urlsafe

    def another_worker_writes_first(length):
        # Another worker wrote its key between this one's look and its write.
        path = tmp_path / "citizen_id_key"
        if not path.exists():
            path.write_text("the-other-worker-s-key-" + "x" * 40)
        return generate(length)

    monkeypatch.setattr(settings_module.secrets, "token_urlsafe", another_worker_writes_first)
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path), "QUEUE_SECRET_KEY": "s" * 48})
    assert settings.citizen_id_key == "the-other-worker-s-key-" + "x" * 40
    assert (tmp_path / "citizen_id_key").read_text() == settings.citizen_id_key
    assert sorted(path.name for path in tmp_path.iterdir()) == ["citizen_id_key"]
