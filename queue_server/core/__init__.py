"""What every feature stands on: database, settings, errors, messages, the clock, messaging."""
