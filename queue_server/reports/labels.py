"""Names shown in reports and exports for codes stored in the database, Vietnamese first."""

from __future__ import annotations

from queue_server.core.i18n import lookup


def _names(context: str, codes: tuple) -> dict:
    """{code: (Vietnamese, English)} from the catalogue's entries under one msgctxt."""
    return {code: (lookup(str(code), "vi", context), lookup(str(code), "en", context))
            for code in codes}


# The reports' names of the codes the citizen's rating form sends (msgctxt "citizen" holds its own).
REASONS = _names("reason", ("officer_attitude", "waiting_time", "procedure_unclear",
                            "asked_to_come_back", "facilities", "other"))
RATINGS = _names("rating", (5, 4, 3, 2, 1))
VISITS = _names("visit", ("first", "second", "three_or_more"))
STATUSES = _names("status", ("waiting", "called", "done", "no_show", "cancelled"))
CHANNELS = _names("channel", ("kiosk", "counter", "api"))
# The six criteria of the provincial survey, in its order (feedback.forms.CRITERIA).
CRITERIA_NAMES = _names("criterion", ("tiep-can", "thu-tuc", "cbcc", "ket-qua", "phan-hoi",
                                      "dieu-kien"))


def vi(table: dict, code: object) -> str:
    """The Vietnamese name of a code ('' for None, the code itself when unknown)."""
    if code is None:
        return ""
    return str(table.get(code, (str(code),))[0])


def both(table: dict) -> dict:
    """{code: {"vi": …, "en": …}} for a page script."""
    return {str(code): {"vi": names[0], "en": names[1]} for code, names in table.items()}


# How each figure is computed, for the definitions sheet of exports and the dashboard:
# (term "Vietnamese / English", Vietnamese text, English text), in this order.
DEFINITION_KEYS = ("issued", "served", "no_show", "wait", "service", "percentiles", "over_target",
                   "satisfied", "repeat_visits", "counter_officer", "feedback_inbox", "times")


def _definition(key: str) -> tuple[str, str, str]:
    term = f"{lookup(key, 'vi', 'definition_term')} / {lookup(key, 'en', 'definition_term')}"
    return term, lookup(key, "vi", "definition"), lookup(key, "en", "definition")


DEFINITIONS = tuple(_definition(key) for key in DEFINITION_KEYS)
