"""[office.messages] in the office file: channels in order, Zalo template ids, SMS texts with
their data fields; every mistake named with its place; applied by `init` and kept on the office."""

import tomllib

import pytest

from queue_server.notify.office_messages import office_messages
from queue_server.setup.office_file import OfficeConfigError, parse_office_document

OFFICE = '''
[[office]]
slug = "xa-a"
name = "Xã A"
opening_hours = "Mo-Fr 07:30-11:30"
  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
  [[office.counter]]
  number = 1
  services = ["dat-dai"]
'''


def parse(messages: str):
    return parse_office_document(tomllib.loads(OFFICE + messages), "offices.toml")[0]


def problems(messages: str) -> list[str]:
    with pytest.raises(OfficeConfigError) as refused:
        parse(messages)
    return refused.value.problems


def test_the_issues_example_parses():
    office = parse('''
  [office.messages]
  channels = ["zalo", "sms"]        # tried in this order for each message
    [office.messages.zalo]          # approved ZNS template ids per message
    near_turn = "301234"
    called = "301235"
    rating = "301236"
    booking = "301237"
    [office.messages.sms]
    called = "Moi so $number den $counter."
''')
    assert office.messages == {
        "channels": ["zalo", "sms"], "per_minute": 60,
        "zalo": {"near_turn": "301234", "called": "301235", "rating": "301236",
                 "booking": "301237"},
        "sms": {"called": "Moi so $number den $counter."}}
    settings = office_messages(office.messages)
    assert settings.channels_for("called", {"zalo", "sms"}) == ["zalo", "sms"]
    assert settings.channels_for("rating", {"sms"}) == []
    assert settings.channels_for("near_turn", {"zalo", "sms"}, "Số $number") == ["zalo", "sms"]


def test_no_table_is_sms_alone_for_the_near_turn():
    office = parse("")
    assert office.messages is None
    settings = office_messages(None)
    assert settings.channels == ("sms",)
    assert settings.channels_for("near_turn", {"zalo", "sms"}, "Số $number") == ["sms"]
    assert settings.channels_for("called", {"zalo", "sms"}, "Số $number") == []


@pytest.mark.parametrize("messages, expected", [
    ('[office.messages]\nchannels = ["viber"]', "office[1] (xa-a).messages.channels: ['viber']"
                                                " is not allowed"),
    ('[office.messages]\nchannels = ["sms", "sms"]', "each once"),
    ('[office.messages]\nchannels = "zalo"', "messages.channels: must be a list"),
    ('[office.messages]\ncolour = "blue"', "office[1] (xa-a).messages.colour: unknown key"),
    ('[office.messages]\nper_minute = 0', "messages.per_minute: 0 is not allowed: 1 to 6000"),
    ('[office.messages.zalo]\nnear_turn = "abc"', "messages.zalo.near_turn: a ZNS template id is"
                                                 " digits"),
    ('[office.messages.zalo]\nfarewell = "301234"', "messages.zalo.farewell: unknown message;"
                                                   " known: near_turn, called, rating, booking"),
    ('[office.messages.zalo]\nnear_turn = 301234', "messages.zalo.near_turn: must be a"
                                                  " non-empty string"),
    ('[office.messages.sms]\ncalled = "So $number, $phone"', "messages.sms.called: unknown"
                                                            " placeholder(s) $phone; known:"
                                                            " $number, $counter"),
    ('[office.messages.sms]\nrating = "Gia 5$"', "messages.sms.rating: is not a valid template"),
])
def test_mistakes_are_named_with_their_place(messages, expected):
    found = problems(messages)
    assert any(expected in problem for problem in found), found


def test_messages_must_be_a_table():
    document = tomllib.loads(OFFICE)
    document["office"][0]["messages"] = "zalo"
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(document, "offices.toml")
    assert refused.value.problems == [
        "office[1] (xa-a).messages: must be a table, got 'zalo'"]


def test_init_keeps_the_table_on_the_office_and_applies_its_changes(session):
    from sqlalchemy import func, select

    from queue_server.models import AdminAction, AdminAuditEntry
    from queue_server.setup.seeding import apply_office_specs

    from ..conftest import THURSDAY_9AM

    def init(messages: str):
        office = apply_office_specs(session, [parse(messages)], now=THURSDAY_9AM)[0]
        session.commit()
        return office

    def applied() -> int:
        return session.scalar(select(func.count()).select_from(AdminAuditEntry).where(
            AdminAuditEntry.action == AdminAction.FILE_APPLIED))

    table = '[office.messages]\nchannels = ["zalo", "sms"]\n[office.messages.zalo]\n'
    office = init(table + 'near_turn = "301234"')
    assert office_messages(office.messages).zalo == {"near_turn": "301234"}
    before = applied()
    init(table + 'near_turn = "301234"')
    assert applied() == before  # the same file again changes nothing
    office = init(table + 'near_turn = "309999"')
    assert office_messages(office.messages).zalo == {"near_turn": "309999"}
    assert applied() == before + 1
