"""How long each kind of name may be: every screen has room for this much, truncating beyond."""

from __future__ import annotations

# Real names measured from provinces' files: offices reach about 70 characters, services
# and priority groups about 65, counters about 30. Each limit leaves room above them, and
# each screen still truncates with an ellipsis whatever older data holds.
OFFICE_NAME_MAX = 120
SERVICE_NAME_MAX = 80
COUNTER_NAME_MAX = 40
PRIORITY_NAME_MAX = 80
PERSON_NAME_MAX = 100
DEVICE_NAME_MAX = 100  # as security.tokens.add_device checks

# The same limits by kind, for forms (their maxlength) and messages.
NAME_MAX = {"office": OFFICE_NAME_MAX, "service": SERVICE_NAME_MAX,
            "counter": COUNTER_NAME_MAX, "priority": PRIORITY_NAME_MAX,
            "person": PERSON_NAME_MAX, "device": DEVICE_NAME_MAX}
