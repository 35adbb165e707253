"""An office's set-up: the office file, administration of offices, services, counters and people, the audit log."""
