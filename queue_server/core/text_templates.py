"""Text templates in the settings ($placeholder syntax): the names each one accepts."""

from __future__ import annotations

from string import Template

MESSAGE_FIELDS = frozenset({"number", "office", "service", "ahead"})
BODY_FIELDS = frozenset({"phone", "text", "tracking_id"})


def template_problem(name: str, template: str) -> str | None:
    """Why a settings template cannot be used, or None when it can."""
    allowed = BODY_FIELDS if name == "sms_body_template" else MESSAGE_FIELDS
    parsed = Template(template)
    if not parsed.is_valid():
        return f"{name} is not a valid template (write $$ for a dollar sign)"
    unknown = sorted(set(parsed.get_identifiers()) - allowed)
    if unknown:
        return (f"{name}: unknown placeholder(s) {', '.join('$' + u for u in unknown)};"
                f" known: {', '.join('$' + a for a in sorted(allowed))}")
    return None
