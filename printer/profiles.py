"""Printer profiles: paper width in dots and what the printer can do natively."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PrinterProfile:
    """A printer model class: dot width, native QR support and its escpos profile."""

    name: str
    dot_width: int
    has_native_qr: bool
    escpos_profile: str
    qr_module_dots: int = 8

    def __post_init__(self) -> None:
        # Raster rows are sent as whole bytes; a partial byte would print padding bits.
        if self.dot_width <= 0 or self.dot_width % 8:
            raise ValueError(f"dot_width must be a positive multiple of 8, got {self.dot_width}")
        if not 1 <= self.qr_module_dots <= 16:
            raise ValueError("qr_module_dots must be 1-16 (the ESC/POS range)")

    @property
    def scale(self) -> float:
        """Layout scale relative to the 576-dot 80 mm reference ticket."""
        return self.dot_width / 576


# Each escpos profile has media.width.pixels equal to dot_width, so escpos neither
# warns on stdout nor lets an over-wide image through.
PROFILES: dict[str, PrinterProfile] = {
    profile.name: profile
    for profile in (
        PrinterProfile("80mm", 576, True, "TM-T20II", qr_module_dots=8),
        # Epson TM-T88 heads are 180 dpi: 7 dots is about 1 mm, like 8 dots at 203 dpi.
        PrinterProfile("tm-t88", 512, True, "TM-T88V", qr_module_dots=7),
        # Cheap 58 mm printers lack GS ( k and a cutter; POS-5890 says so to escpos.
        PrinterProfile("58mm", 384, False, "POS-5890", qr_module_dots=6),
        # For 80 mm clones whose firmware prints GS ( k data as text.
        PrinterProfile("80mm-image-qr", 576, False, "TM-T20II", qr_module_dots=8),
    )
}


def get_profile(name: str) -> PrinterProfile:
    """The built-in profile with this name; unknown names are a ValueError."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown printer profile {name!r}; known profiles: {known}") from None
