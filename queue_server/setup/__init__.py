"""An office's set-up: the office file, offices, services, counters, people, the audit log."""
