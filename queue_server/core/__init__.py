"""Infrastructure every feature stands on: database, settings, errors, messages, clock."""
