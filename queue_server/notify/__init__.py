"""Messages to citizens (Zalo, SMS): numbers with their consent, the outbox, channels, the log."""
