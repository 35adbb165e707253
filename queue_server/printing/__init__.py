"""Printed tickets: the slip's text and the print jobs that carry it to a printer agent."""
