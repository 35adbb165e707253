"""Ticket printing: slip data, layout, ESC/POS rendering and printer devices.

The package never imports queue_server. Slip and profiles load eagerly because the server
builds slips; the renderer and devices (Pillow, escpos) load on first use.
"""

from importlib import import_module
from typing import Any

from printer.profiles import PROFILES, PrinterProfile, get_profile
from printer.slip import Slip

_LAZY = {
    "render_escpos": "printer.render",
    "render_image": "printer.render",
    "render_png": "printer.render",
    "render_preview": "printer.render",
    "Device": "printer.devices",
    "PrinterError": "printer.devices",
    "PrinterUriError": "printer.devices",
    "parse_printer_uri": "printer.devices",
}

__all__ = ["PROFILES", "PrinterProfile", "Slip", "get_profile", *_LAZY]  # noqa: PLE0604 - names too


def __getattr__(name: str) -> Any:
    """Import the renderer and devices only when one of their names is used."""
    if name not in _LAZY:
        raise AttributeError(f"module 'printer' has no attribute {name!r}")
    return getattr(import_module(_LAZY[name]), name)
