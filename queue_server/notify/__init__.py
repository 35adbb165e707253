"""Messages to citizens' phones: the numbers given at the kiosk, the gateways and background delivery."""
