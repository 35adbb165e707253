"""The print jobs and slips the server builds."""
