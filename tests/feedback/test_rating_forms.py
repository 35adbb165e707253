"""The office's rating form: read from the office file, versioned, and the ratings that answer
it (levels, answers to its questions, the version kept with each rating)."""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy import select

from queue_server.core.errors import InvalidInput
from queue_server.feedback import forms
from queue_server.feedback.ratings import submit_feedback
from queue_server.models import FeedbackSource, RatingForm
from queue_server.setup.office_file import OfficeConfigError, parse_office_document
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM

THREE_LEVELS = {"levels": 3, "labels": ["Không hài lòng", "Bình thường", "Hài lòng"],
                "questions": [{"code": "thai-do", "text": "Thái độ phục vụ của công chức",
                               "criterion": "cbcc"},
                              {"code": "thu-tuc", "text": "Thủ tục có rõ ràng không?",
                               "criterion": "thu-tuc"}]}

OFFICE_FILE = """
[[office]]
slug = "cam-lam"
name = "Trung tâm Phục vụ hành chính công xã Cam Lâm"
opening_hours = "Mo-Fr 07:30-11:30,13:30-17:00"
dossier_pattern = 'H57\\.\\d{2}-\\d{6}-\\d{4}'
require_outcome = true
outcome_labels = { supplement = "Trả hồ sơ để bổ sung" }

  [office.rating]
  levels = 5
  labels = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]

    [[office.rating.question]]
    code = "thai-do"
    text = "Thái độ phục vụ của công chức"
    criterion = "cbcc"

    [[office.rating.question]]
    code = "co-so"
    text = "Cơ sở vật chất nơi tiếp đón"
    criterion = "dieu-kien"

  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
"""


def parse(text: str):
    return parse_office_document(tomllib.loads(text), "offices.toml")


def problems_of(text: str) -> list[str]:
    with pytest.raises(OfficeConfigError) as raised:
        parse(text)
    return raised.value.problems


def test_the_office_file_states_the_form_the_pattern_and_the_outcome_rules():
    office = parse(OFFICE_FILE)[0]
    assert office.require_outcome is True
    assert office.dossier_pattern == r"H57\.\d{2}-\d{6}-\d{4}"
    assert office.outcome_labels == {"supplement": "Trả hồ sơ để bổ sung"}
    assert office.rating_form["levels"] == 5 and len(office.rating_form["labels"]) == 5
    assert [q["criterion"] for q in office.rating_form["questions"]] == ["cbcc", "dieu-kien"]


def test_an_office_file_without_them_keeps_the_built_in_form():
    office = parse(OFFICE_FILE.split("  [office.rating]")[0].replace(
        "require_outcome = true\n", "") + '  [[office.service]]\n  code = "a"\n  name = "A"\n'
        '  prefix = "1"\n')[0]
    assert office.rating_form is None and office.require_outcome is False


@pytest.mark.parametrize(("change", "expected"), [
    (("levels = 5", "levels = 4"), "office[1] (cam-lam).rating.levels: must be 3 or 5, got 4"),
    (('"Bình thường", "Hài lòng", ', ""),
     "office[1] (cam-lam).rating.labels: 5 levels need 5 labels (lowest first), got 3"),
    (('criterion = "cbcc"', 'criterion = "thai-do"'),
     "office[1] (cam-lam).rating.question[1].criterion: 'thai-do' is not one of tiep-can, "
     "thu-tuc, cbcc, ket-qua, phan-hoi, dieu-kien"),
    (('code = "co-so"', 'code = "thai-do"'),
     "office[1] (cam-lam).rating.question: duplicate question code"),
    (("levels = 5", "levels = 5\n  scale = 5"), "office[1] (cam-lam).rating.scale: unknown key"),
    (("dossier_pattern = 'H57", "dossier_pattern = '(H57"),
     "office[1] (cam-lam).dossier_pattern: "),
    (("supplement =", "bo-sung ="), "office[1] (cam-lam).outcome_labels.bo-sung: unknown outcome"),
    (("require_outcome = true", 'require_outcome = "yes"'),
     "office[1] (cam-lam).require_outcome: must be true or false, got 'yes'"),
])
def test_mistakes_in_the_form_are_reported_with_their_place(change, expected):
    problems = problems_of(OFFICE_FILE.replace(*change))
    assert any(problem.startswith(expected) for problem in problems), problems


def versions(session, office) -> list[tuple[int, dict]]:
    return [(row.version, row.form) for row in session.scalars(
        select(RatingForm).where(RatingForm.office_id == office.id)
        .order_by(RatingForm.version))]


def test_each_change_of_the_form_is_a_new_version_and_version_1_is_the_built_in_one(
        session, make_office):
    office = make_office()
    assert versions(session, office) == [(1, forms.DEFAULT_FORM)]
    make_office(rating_form=THREE_LEVELS)
    make_office(rating_form=THREE_LEVELS)  # the same form again: no new version
    assert versions(session, office) == [(1, forms.DEFAULT_FORM), (2, THREE_LEVELS)]
    assert forms.current_version(session, office) == 2
    make_office()  # back to the built-in form: still a new version, the old ones stay
    assert [version for version, _form in versions(session, office)] == [1, 2, 3]
    assert forms.form_of_version(session, office, 2) == THREE_LEVELS


def finished(session, office, minute: int = 0):
    actor = Actor()
    moment = THURSDAY_9AM.replace(minute=minute)
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=moment, actor=actor)
    counter = lifecycle.find_counter(session, office, 1)
    lifecycle.call_next(session, counter, now=moment, actor=actor)
    lifecycle.finish(session, counter, now=moment, actor=actor)
    return ticket


def rate(session, ticket, rating, **extra):
    return submit_feedback(session, ticket, rating=rating, reasons=extra.pop("reasons", None),
                           comment=None, visits=None, source=FeedbackSource.PHONE,
                           now=THURSDAY_9AM, **extra)


def test_a_rating_keeps_the_version_it_answered_so_earlier_ones_stay_valid(session,
                                                                         make_office):
    office = make_office()
    before = rate(session, finished(session, office, 1), 5)
    make_office(rating_form=THREE_LEVELS)
    after = rate(session, finished(session, office, 2), 3, answers={"thai-do": 3, "thu-tuc": 1})
    assert (before.form_version, before.levels, before.answers) == (1, 5, {})
    assert (after.form_version, after.levels) == (2, 3)
    assert after.answers == {"thai-do": 3, "thu-tuc": 1}


@pytest.mark.parametrize(("rating", "answers", "message"), [
    (4, None, "invalid_rating_levels"),
    (0, None, "invalid_rating_levels"),
    (3, {"thai-do": 4}, "answer_out_of_levels"),
    (3, {"thai-do": 0}, "answer_out_of_levels"),
    (3, {"thai-do": True}, "answer_out_of_levels"),
    (3, {"co-so": 3}, "unknown_question"),
    (3, ["thai-do"], "answers_not_an_object"),
])
def test_levels_outside_the_form_are_refused(session, make_office, rating, answers, message):
    office = make_office(rating_form=THREE_LEVELS)
    with pytest.raises(InvalidInput) as raised:
        rate(session, finished(session, office), rating, answers=answers)
    assert raised.value.message_key == message


def test_reasons_are_asked_below_the_satisfied_levels_of_the_form(session, make_office):
    office = make_office(rating_form=THREE_LEVELS)
    assert rate(session, finished(session, office, 1), 2,
                reasons=["waiting_time"]).reasons == ["waiting_time"]
    with pytest.raises(InvalidInput) as raised:
        rate(session, finished(session, office, 2), 3, reasons=["waiting_time"])
    assert raised.value.message_key == "reasons_need_low_rating"


@pytest.mark.parametrize(("levels", "satisfied"), [(5, (4, 5)), (3, (3,))])
def test_satisfied_means_the_top_two_of_five_and_the_top_one_of_three(levels, satisfied):
    assert tuple(r for r in range(1, levels + 1) if r >= forms.satisfied_from(levels)) == satisfied


def test_the_inbox_takes_ratings_below_the_satisfied_levels_of_their_form(session,
                                                                         make_office):
    from queue_server.feedback.inbox import is_inbox_item

    office = make_office(rating_form=THREE_LEVELS)
    assert is_inbox_item(rate(session, finished(session, office, 1), 2))
    assert not is_inbox_item(rate(session, finished(session, office, 2), 3))
    make_office()
    assert is_inbox_item(rate(session, finished(session, office, 3), 3))
    assert not is_inbox_item(rate(session, finished(session, office, 4), 4))


ADMIN_FORM = """levels = 3
labels = Chưa hài lòng; Tạm được; Hài lòng
thai-do | cbcc | Thái độ phục vụ của công chức
"""


def test_admin_edits_the_form_in_lines_and_each_change_is_a_version(session, make_office):
    from queue_server.models import Role
    from queue_server.setup import offices as office_setup
    from queue_server.setup.audit_log import Changer
    from queue_server.setup.fields import FormInvalid, rating_form_lines

    admin = Changer(user_id=None, name="quantri", role=Role.ADMIN)
    office = make_office()
    assert office_setup.update_office(session, office, {
        "rating_form": ADMIN_FORM, "require_outcome": "yes",
        "dossier_pattern": r"CL-\d{6}"}, now=THURSDAY_9AM, by=admin)
    assert office.rating_form == {"levels": 3,
                                  "labels": ["Chưa hài lòng", "Tạm được", "Hài lòng"],
                                  "questions": [{"code": "thai-do", "criterion": "cbcc",
                                                 "text": "Thái độ phục vụ của công chức"}]}
    assert office.require_outcome is True and office.dossier_pattern == r"CL-\d{6}"
    assert forms.current_version(session, office) == 2
    assert rating_form_lines(office.rating_form) == ADMIN_FORM.strip()
    for wrong in ("levels = 4", "thai-do | cbcc", "thai-do | dep | Đẹp"):
        with pytest.raises(FormInvalid) as raised:
            office_setup.update_office(session, office, {"rating_form": wrong},
                                       now=THURSDAY_9AM, by=admin)
        assert raised.value.problems[0].code == "field_rating_form"
    with pytest.raises(FormInvalid):
        office_setup.update_office(session, office, {"dossier_pattern": "(CL"},
                                   now=THURSDAY_9AM, by=admin)
    office_setup.update_office(session, office, {"rating_form": ""}, now=THURSDAY_9AM, by=admin)
    assert office.rating_form is None and forms.current_version(session, office) == 3
    office_setup.update_office(session, office, {
        "outcome_labels": "supplement = Trả hồ sơ để bổ sung\n"}, now=THURSDAY_9AM, by=admin)
    assert office.outcome_labels == {"supplement": "Trả hồ sơ để bổ sung"}
    for wrong in ("bo-sung = Trả lại", "supplement Trả lại", "supplement = "):
        with pytest.raises(FormInvalid) as raised:
            office_setup.update_office(session, office, {"outcome_labels": wrong},
                                       now=THURSDAY_9AM, by=admin)
        assert raised.value.problems[0].code == "field_outcome_labels"
