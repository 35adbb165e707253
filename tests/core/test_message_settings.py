"""The settings of the messages to citizens: Zalo's URL and token, the retry delays."""

import pytest

from queue_server.core.errors import SettingsError
from queue_server.core.settings import load_settings


def test_zalo_defaults_to_zalos_url_and_no_token(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path)})
    assert settings.zalo_zns_url == "https://business.openapi.zalo.me/message/template"
    assert settings.zalo_access_token is None
    assert settings.message_retry_delays_s == (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)


def test_the_environment_sets_the_token_and_the_delays(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path), "QUEUE_ZALO_ACCESS_TOKEN": "abc",
                              "QUEUE_MESSAGE_RETRY_DELAYS_S": "0.5, 2,10"})
    assert settings.zalo_access_token == "abc"
    assert settings.message_retry_delays_s == (0.5, 2.0, 10.0)


def test_the_settings_file_takes_a_list_of_delays(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text("message_retry_delays_s = [1, 5]\n")
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path), "QUEUE_CONFIG": str(config)})
    assert settings.message_retry_delays_s == (1.0, 5.0)


@pytest.mark.parametrize("name, value, says", [
    ("QUEUE_MESSAGE_RETRY_DELAYS_S", "soon", "must be a list of seconds"),
    ("QUEUE_MESSAGE_RETRY_DELAYS_S", "-1", "1 to 20 delays of 0 to 86400 seconds"),
    ("QUEUE_MESSAGE_RETRY_DELAYS_S", "", "must be a list of seconds"),
    ("QUEUE_ZALO_ZNS_URL", "ftp://zalo", "zalo_zns_url must start with http:// or https://"),
])
def test_bad_values_are_refused_by_name(tmp_path, name, value, says):
    with pytest.raises(SettingsError, match=says):
        load_settings({"QUEUE_VAR_DIR": str(tmp_path), name: value})
