"""Appointments: slots per service, bookings held for a phone and confirmed by a one-time code,
check-in at the kiosk, and no-shows."""
