"""Helpers shared by the test folders: live servers, fake gateways, scripted days, the harness."""
