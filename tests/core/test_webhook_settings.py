"""The webhook's settings: its URL checked like the SMS gateway's, its secret required with
it, its retry delays spanning a day."""

import pytest

from queue_server.core.errors import SettingsError
from queue_server.core.settings import load_settings

SECRET = "a-long-shared-secret-42"


def test_no_url_no_webhook(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path)})
    assert settings.webhook_url is None and settings.webhook_secret is None
    # About a day of attempts: a receiver down overnight still gets the day's visits.
    assert 24 * 3600 <= sum(settings.webhook_retry_delays_s) <= 30 * 3600


def test_the_environment_sets_the_url_the_secret_and_the_delays(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path),
                              "QUEUE_WEBHOOK_URL": "https://motcua.example.gov.vn/hook",
                              "QUEUE_WEBHOOK_SECRET": SECRET,
                              "QUEUE_WEBHOOK_RETRY_DELAYS_S": "1,60"})
    assert settings.webhook_url == "https://motcua.example.gov.vn/hook"
    assert settings.webhook_secret == SECRET
    assert settings.webhook_retry_delays_s == (1.0, 60.0)


def test_the_settings_file_takes_them_too(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text(f'webhook_url = "http://10.0.0.5:8080/in"\nwebhook_secret = "{SECRET}"\n')
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path), "QUEUE_CONFIG": str(config)})
    assert (settings.webhook_url, settings.webhook_secret) == ("http://10.0.0.5:8080/in", SECRET)


@pytest.mark.parametrize("values, says", [
    ({"QUEUE_WEBHOOK_URL": "ftp://motcua", "QUEUE_WEBHOOK_SECRET": SECRET},
     "webhook_url must start with http:// or https://"),
    ({"QUEUE_WEBHOOK_URL": "https://", "QUEUE_WEBHOOK_SECRET": SECRET},
     "webhook_url must start with http:// or https:// and name a host"),
    ({"QUEUE_WEBHOOK_URL": "https://motcua.example.gov.vn/hook"},
     "webhook_secret is required when webhook_url is set"),
    ({"QUEUE_WEBHOOK_URL": "https://motcua.example.gov.vn/hook", "QUEUE_WEBHOOK_SECRET": ""},
     "webhook_secret is required when webhook_url is set"),
    ({"QUEUE_WEBHOOK_URL": "https://motcua.example.gov.vn/hook",
      "QUEUE_WEBHOOK_SECRET": "short"}, "webhook_secret must be at least 16 characters"),
    ({"QUEUE_WEBHOOK_RETRY_DELAYS_S": "later"}, "QUEUE_WEBHOOK_RETRY_DELAYS_S must be a list"),
])
def test_bad_values_are_refused_by_name(tmp_path, values, says):
    with pytest.raises(SettingsError, match=says):
        load_settings({"QUEUE_VAR_DIR": str(tmp_path), **values})


def test_a_secret_alone_is_harmless(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path), "QUEUE_WEBHOOK_SECRET": SECRET})
    assert settings.webhook_url is None
