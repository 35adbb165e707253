"""The audit page's words: browsers by name, values in words, office file keys explained."""

from queue_server.web.admin.audit_words import AuditWords, browser_name

WORDS = AuditWords("vi", services={"dat-dai": "Đất đai"}, priorities={"elderly": "Người cao tuổi"},
                   offices={1: "Xã A"})


def test_a_browser_string_becomes_its_name_version_and_system():
    android = ("Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 (KHTML, like Gecko)"
               " Chrome/119.0.6045.163 Mobile Safari/537.36")
    firefox = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
    edge = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61")
    assert browser_name(android, "vi") == "Chrome 119 · Android"
    assert browser_name(firefox, "vi") == "Firefox 121 · Linux"
    assert browser_name(edge, "en") == "Edge 120 · Windows"
    command = "queue-server user add @ may-chu"
    assert browser_name(command, "vi") == command


def test_values_read_as_words():
    assert WORDS.value("by_call_next", False) == "không"
    assert WORDS.value("services", ["dat-dai", "moi"]) == "Đất đai, moi"
    assert WORDS.value("mean_service_s", 450) == "7,5 phút"
    assert WORDS.value("role", "manager") == "Lãnh đạo"
    assert WORDS.value("office_id", 1) == "Xã A"
    assert WORDS.value("priority", "elderly") == "Người cao tuổi"
    assert WORDS.value("holidays", []) == "—"


def test_office_file_keys_name_the_item_and_the_setting():
    assert WORDS.field("service.dat-dai.prefix") == "Lĩnh vực Đất đai · Tiền tố số"
    assert WORDS.field("office.opening_hours") == "Giờ làm việc"
    assert WORDS.field("min_recalls_before_no_show") == "Số lần gọi lại trước khi vắng mặt"
    assert WORDS.field("something_new") == "something new"
