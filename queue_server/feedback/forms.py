"""The office's rating form: levels (3 or 5), their labels, questions tied to the six criteria
of the provincial survey; versioned, so every rating keeps the form it answered.

A form is a plain dictionary, as the office file writes it:
{"levels": 5, "labels": [lowest … highest], "questions": [{"code", "text", "criterion"}]}.
Empty labels mean the catalogue's words. Version 1 of every office is the built-in form (five
levels, no questions): the form every rating answered before forms could change.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.core.errors import InvalidInput
from queue_server.models import Office, RatingForm

# The six criteria of the provincial survey, in its order.
CRITERIA = ("tiep-can", "thu-tuc", "cbcc", "ket-qua", "phan-hoi", "dieu-kien")
LEVELS = (3, 5)
DEFAULT_FORM: dict = {"levels": 5, "labels": [], "questions": []}
MAX_QUESTIONS = 12
MAX_TEXT_LENGTH = 200
MAX_LABEL_LENGTH = 60
QUESTION_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def satisfied_from(levels: int) -> int:
    """The lowest satisfied level: the top two of five, the top one of three.

    Integer arithmetic, so the same expression also builds SQL on a column of levels.
    """
    return (levels + 3) // 2


def current_form(office: Office) -> dict:
    """The form the office asks now."""
    return office.rating_form or DEFAULT_FORM


def form_problems(form: dict) -> list[str]:
    """What is wrong with a form, each as "key: reason"; [] when it is right."""
    problems = []
    levels = form.get("levels")
    if levels not in LEVELS:
        problems.append(f"levels: must be 3 or 5, got {levels!r}")
    labels = form.get("labels", [])
    if not isinstance(labels, list) or not all(
            isinstance(label, str) and 0 < len(label.strip()) <= MAX_LABEL_LENGTH
            for label in labels):
        problems.append(f"labels: must be a list of names of at most {MAX_LABEL_LENGTH} "
                        "characters")
    elif labels and levels in LEVELS and len(labels) != levels:
        problems.append(f"labels: {levels} levels need {levels} labels (lowest first), "
                        f"got {len(labels)}")
    questions = form.get("questions", [])
    if not isinstance(questions, list) or len(questions) > MAX_QUESTIONS:
        return [*problems, f"question: at most {MAX_QUESTIONS} questions"]
    codes: list[object] = []
    for index, question in enumerate(questions, 1):
        problems += [f"question[{index}].{problem}" for problem in _question_problems(question)]
        codes.append(question.get("code") if isinstance(question, dict) else None)
    if len(set(codes)) != len(codes):
        problems.append("question: duplicate question code")
    return problems


def _question_problems(question: object) -> list[str]:
    if not isinstance(question, dict):
        return ["must be a [[office.rating.question]] table"]
    problems = [f"{key}: unknown key" for key in question
                if key not in ("code", "text", "criterion")]
    code, words, criterion = (question.get(key) for key in ("code", "text", "criterion"))
    if not isinstance(code, str) or not QUESTION_CODE.match(code):
        problems.append(f"code: {code!r} is not allowed: lowercase letters, digits, -")
    if not (isinstance(words, str) and 0 < len(words.strip()) <= MAX_TEXT_LENGTH):
        problems.append(f"text: must be a question of 1 to {MAX_TEXT_LENGTH} characters")
    if criterion not in CRITERIA:
        problems.append(f"criterion: {criterion!r} is not one of {', '.join(CRITERIA)}")
    return problems


def checked_answers(form: dict, rating: int, answers: object) -> dict[str, int]:
    """The rating and each answer within the form's levels, answers to its own questions
    only; 400 invalid_rating / invalid_answers."""
    levels = form["levels"]
    # The API hands in what it read as an integer; a bool is one in Python, never a level.
    if isinstance(rating, bool) or not 1 <= rating <= levels:
        raise InvalidInput("invalid_rating", "invalid_rating_levels", levels=levels)
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise InvalidInput("invalid_answers", "answers_not_an_object")
    known = [question["code"] for question in form["questions"]]
    for code, level in answers.items():
        if code not in known:
            raise InvalidInput("invalid_answers", "unknown_question", question=code)
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= levels:
            raise InvalidInput("invalid_answers", "answer_out_of_levels", question=code,
                               levels=levels)
    return {code: answers[code] for code in known if code in answers}


def current_version(session: Session, office: Office) -> int:
    """The version of the form the office asks now (1 until its form first changes)."""
    return session.scalar(select(func.max(RatingForm.version))
                          .where(RatingForm.office_id == office.id)) or 1


def remember_form(session: Session, office: Office, *, now: datetime) -> int:
    """Keep the office's current form as a version: a new one when it changed; its number."""
    latest = session.scalar(select(RatingForm).where(RatingForm.office_id == office.id)
                            .order_by(RatingForm.version.desc()).limit(1))
    if latest is None:
        latest = RatingForm(office_id=office.id, version=1, form=DEFAULT_FORM, created_at=now)
        session.add(latest)
    form = current_form(office)
    if latest.form != form:
        latest = RatingForm(office_id=office.id, version=latest.version + 1, form=form,
                            created_at=now)
        session.add(latest)
    session.flush()
    return latest.version


def form_of_version(session: Session, office: Office, version: int) -> dict:
    """The form a rating answered (the built-in one for version 1 of a new office)."""
    form = session.scalar(select(RatingForm.form).where(RatingForm.office_id == office.id,
                                                        RatingForm.version == version))
    return form or DEFAULT_FORM
