"""Messages to citizens' phones: numbers given at the kiosk, gateways, background delivery."""
