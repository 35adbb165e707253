"""Printer devices chosen by URI: where one ticket's ESC/POS bytes go, and printer status."""

import errno
import os
import re
import socket
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import ClassVar, Literal
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from escpos.constants import RT_MASK_NOPAPER, RT_MASK_ONLINE, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Serial, Usb

Status = Literal["ok", "paper_out", "offline", "unknown"]
ERROR_KINDS = frozenset({"refused", "timeout", "paper_out", "not_found", "io"})
DEFAULT_PORT = 9100
DEFAULT_BAUDRATE = 9600
CONNECT_TIMEOUT = 5.0
# Network.recv(16) blocks until the socket timeout when a printer never answers DLE EOT.
STATUS_TIMEOUT = 2.0
# Ticket names become file names: no separators, no leading dot.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_HEX_ID = r"(?:0x)?([0-9a-fA-F]{1,4})"
_KIND_BY_ERRNO: dict[int | None, str] = {
    errno.ECONNREFUSED: "refused",
    errno.ETIMEDOUT: "timeout",
    errno.ENOENT: "not_found",
    errno.ENODEV: "not_found",
    errno.ENXIO: "not_found",
    errno.EHOSTUNREACH: "not_found",
    errno.ENETUNREACH: "not_found",
}


def _optional_exception(module: str, name: str) -> tuple[type[BaseException], ...]:
    """An exception class from an optional dependency, or nothing if it is missing."""
    try:
        return (getattr(import_module(module), name),)
    except ImportError:
        return ()


# pyusb raises NoBackendError (a ValueError) when libusb itself is missing.
_NO_USB_BACKEND = _optional_exception("usb.core", "NoBackendError")
_LINK_ERRORS = (EscposError, OSError, RuntimeError, *_NO_USB_BACKEND)
_TIMEOUT_ERRORS: tuple[type[BaseException], ...] = (
    TimeoutError,
    *_optional_exception("serial", "SerialTimeoutException"),
    *_optional_exception("usb.core", "USBTimeoutError"),
)


class PrinterError(Exception):
    """A printing failure; kind is one of ERROR_KINDS, so the agent can decide what to do."""

    def __init__(self, kind: str, message: str) -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown printer error kind {kind!r}")
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class PrinterUriError(ValueError):
    """A printer URI that does not follow the contract's forms."""


class Device(ABC):
    """Somewhere a ticket can be printed."""

    # Only the virtual printer uses the PNG preview; others need not render it.
    wants_preview: ClassVar[bool] = False

    @abstractmethod
    def send(self, job: bytes, *, name: str, preview_png: bytes | None = None) -> None:
        """Deliver one ticket's bytes in one write; raise PrinterError on failure."""

    @abstractmethod
    def status(self) -> Status:
        """What the printer reports, or "unknown" when the link cannot tell."""

    def ensure_paper(self) -> None:
        """Raise PrinterError("paper_out") when the printer reports it has no paper."""
        if self.status() == "paper_out":
            raise PrinterError("paper_out", f"{self} reports that it is out of paper")


class EscposDevice(Device):
    """A real printer reached through a python-escpos connection class."""

    @abstractmethod
    def _connection(self, *, for_status: bool = False) -> Escpos:
        """A new, unopened escpos printer for this device."""

    def send(self, job: bytes, *, name: str, preview_png: bytes | None = None) -> None:
        """Open, write the whole job with one _raw call, and always close."""
        printer = self._connection()
        with _printer_errors(self), _closing(printer):
            printer.open()
            printer._raw(job)

    def status(self) -> Status:
        """Ask DLE EOT 1 (online) and DLE EOT 4 (paper); "offline" if it cannot connect."""
        printer = self._connection(for_status=True)
        with _closing(printer):
            try:
                printer.open()
            except _LINK_ERRORS:
                return "offline"
            try:
                online = printer.query_status(RT_STATUS_ONLINE)
                paper = printer.query_status(RT_STATUS_PAPER)
            except (OSError, NotImplementedError):
                # Connected, but no answer: some models never reply to DLE EOT (escpos #434).
                return "unknown"
        return status_from_replies(online, paper)


class _Network(Network):
    """escpos's Network printer, connecting without leaking a socket when that fails."""

    device: socket.socket | None

    def open(self, raise_not_found: bool = True) -> None:
        """Connect with create_connection, which closes its socket on failure (3.1 does not)."""
        try:
            self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            self.device = None
            raise DeviceNotFoundError(f"Could not open socket for {self.host}: {error}") from error


@dataclass(frozen=True)
class NetworkDevice(EscposDevice):
    """A printer on raw TCP (port 9100, AppSocket/JetDirect)."""

    host: str
    port: int = DEFAULT_PORT
    connect_timeout: float = CONNECT_TIMEOUT
    status_timeout: float = STATUS_TIMEOUT

    def _connection(self, *, for_status: bool = False) -> Escpos:
        timeout = self.status_timeout if for_status else self.connect_timeout
        return _Network(self.host, self.port, timeout=timeout)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"network://{host}:{self.port}"


@dataclass(frozen=True)
class UsbDevice(EscposDevice):
    """A printer that speaks USB directly (pyusb and libusb)."""

    vendor_id: int
    product_id: int
    in_ep: int = 0x82
    out_ep: int = 0x01
    connect_timeout: float = CONNECT_TIMEOUT

    def _connection(self, *, for_status: bool = False) -> Escpos:
        # pyusb's timeout is in milliseconds, and 0 would mean wait forever.
        timeout = int(self.connect_timeout * 1000)
        endpoints = {"in_ep": self.in_ep, "out_ep": self.out_ep}
        return Usb(self.vendor_id, self.product_id, timeout=timeout, **endpoints)

    def __str__(self) -> str:
        return f"usb://{self.vendor_id:04x}:{self.product_id:04x}"


@dataclass(frozen=True)
class SerialDevice(EscposDevice):
    """A printer on a serial port (or a USB-serial adapter)."""

    path: str
    baudrate: int = DEFAULT_BAUDRATE
    status_timeout: float = STATUS_TIMEOUT

    def _connection(self, *, for_status: bool = False) -> Escpos:
        return Serial(self.path, baudrate=self.baudrate, timeout=self.status_timeout)

    def __str__(self) -> str:
        return f"serial://{self.path}?baudrate={self.baudrate}"


@dataclass(frozen=True)
class FileDevice(EscposDevice):
    """A printer device node such as /dev/usb/lp0 (kernel usblp driver)."""

    path: str

    def _connection(self, *, for_status: bool = False) -> Escpos:
        return File(self.path)

    def status(self) -> Status:
        """python-escpos 3.1 cannot read from File; a vanished node means unplugged."""
        return "unknown" if os.path.exists(self.path) else "offline"

    def __str__(self) -> str:
        return f"file://{self.path}"


@dataclass(frozen=True)
class ImageDevice(Device):
    """The virtual printer: writes <name>.bin (exact bytes) and <name>.png (the paper)."""

    directory: Path
    wants_preview: ClassVar[bool] = True

    def send(self, job: bytes, *, name: str, preview_png: bytes | None = None) -> None:
        """Write <name>.png (when given) then <name>.bin, each atomically, making the directory."""
        if not _SAFE_NAME.fullmatch(name):
            raise ValueError(f"ticket name {name!r} is not a safe file name")
        with _printer_errors(self):
            self.directory.mkdir(parents=True, exist_ok=True)
            if preview_png is not None:
                write_atomically(self.directory / f"{name}.png", preview_png)
            write_atomically(self.directory / f"{name}.bin", job)

    def status(self) -> Status:
        """Report ok when the directory exists (or can be made) and is writable."""
        with suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
        is_writable = self.directory.is_dir() and os.access(self.directory, os.W_OK)
        return "ok" if is_writable else "offline"

    def __str__(self) -> str:
        return f"image://{self.directory}"


def parse_printer_uri(
    uri: str, *, connect_timeout: float = CONNECT_TIMEOUT, status_timeout: float = STATUS_TIMEOUT
) -> Device:
    """The device a printer URI names; a malformed URI is a PrinterUriError."""
    parts = urlsplit(uri.strip())
    parsers = {
        "network": _network,
        "usb": _usb,
        "serial": _serial,
        "file": _file,
        "image": _image,
    }
    if parts.scheme not in parsers or "://" not in uri:
        expected = ", ".join(f"{scheme}://" for scheme in parsers)
        raise PrinterUriError(f"printer URI {uri!r} must start with one of {expected}")
    timeouts = {"connect_timeout": connect_timeout, "status_timeout": status_timeout}
    return parsers[parts.scheme](uri, parts, timeouts)


def _network(uri: str, parts: SplitResult, timeouts: dict[str, float]) -> NetworkDevice:
    """network://HOST[:PORT]."""
    _reject_extras(uri, parts, path=True, options=())
    try:
        port = DEFAULT_PORT if parts.port is None else parts.port
    except ValueError:
        port = 0
    if not port:
        raise PrinterUriError(f"printer URI {uri!r} has an invalid port (1-65535)")
    if not parts.hostname:
        raise PrinterUriError(
            f"printer URI {uri!r} names no host, e.g. network://192.168.1.50:9100"
        )
    return NetworkDevice(parts.hostname, port, **timeouts)


def _usb(uri: str, parts: SplitResult, timeouts: dict[str, float]) -> UsbDevice:
    """usb://VID:PID[?in_ep=0x81&out_ep=0x03], ids in hexadecimal."""
    options = _reject_extras(uri, parts, path=True, options=("in_ep", "out_ep"))
    match = re.fullmatch(f"{_HEX_ID}:{_HEX_ID}", parts.netloc)
    if not match:
        raise PrinterUriError(
            f"printer URI {uri!r} needs hexadecimal VID:PID, e.g. usb://04b8:0202"
        )
    endpoints = {key: _integer(uri, key, value, base=16) for key, value in options.items()}
    vendor_id, product_id = (int(group, 16) for group in match.groups())
    if not vendor_id or not product_id:
        # escpos would drop a zero id from its search and take any USB device.
        raise PrinterUriError(f"printer URI {uri!r} has a zero USB id")
    connect_timeout = timeouts["connect_timeout"]
    return UsbDevice(vendor_id, product_id, **endpoints, connect_timeout=connect_timeout)


def _serial(uri: str, parts: SplitResult, timeouts: dict[str, float]) -> SerialDevice:
    """serial:///dev/ttyUSB0?baudrate=115200 (or serial://COM3 on Windows)."""
    options = _reject_extras(uri, parts, path=False, options=("baudrate",))
    path = unquote(parts.netloc + parts.path)
    if not path:
        raise PrinterUriError(f"printer URI {uri!r} names no port, e.g. serial:///dev/ttyUSB0")
    baudrate = _integer(uri, "baudrate", options.get("baudrate", str(DEFAULT_BAUDRATE)), base=10)
    return SerialDevice(path, baudrate, status_timeout=timeouts["status_timeout"])


def _file(uri: str, parts: SplitResult, timeouts: dict[str, float]) -> FileDevice:
    """file:///dev/usb/lp0: an absolute path on this machine."""
    _reject_extras(uri, parts, path=False, options=())
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        raise PrinterUriError(
            f"printer URI {uri!r} needs an absolute path, e.g. file:///dev/usb/lp0"
        )
    return FileDevice(unquote(parts.path))


def _image(uri: str, parts: SplitResult, timeouts: dict[str, float]) -> ImageDevice:
    """image://DIR, relative to the working directory (image://var/tickets) or absolute."""
    _reject_extras(uri, parts, path=False, options=())
    directory = unquote(parts.netloc + parts.path)
    if not directory:
        raise PrinterUriError(f"printer URI {uri!r} names no directory, e.g. image://var/tickets")
    return ImageDevice(Path(directory))


def _reject_extras(
    uri: str, parts: SplitResult, *, path: bool, options: tuple[str, ...]
) -> dict[str, str]:
    """The URI's query options, rejecting unknown or repeated ones, a fragment, or a path."""
    if parts.fragment:
        raise PrinterUriError(f"printer URI {uri!r} must not have a #fragment")
    if path and parts.path not in ("", "/"):
        raise PrinterUriError(f"printer URI {uri!r} must not have a path")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    unknown = sorted({key for key, _ in pairs} - set(options))
    if unknown:
        allowed = ", ".join(options) or "none"
        message = f"printer URI {uri!r} has unknown options {unknown}; allowed: {allowed}"
        raise PrinterUriError(message)
    if len({key for key, _ in pairs}) != len(pairs):
        raise PrinterUriError(f"printer URI {uri!r} repeats an option")
    return dict(pairs)


def _integer(uri: str, key: str, value: str, *, base: int) -> int:
    """A positive integer option (hexadecimal for USB endpoints)."""
    try:
        number = int(value, base)
    except ValueError:
        number = 0
    if number <= 0:
        message = f"printer URI {uri!r}: {key} must be a positive integer, got {value!r}"
        raise PrinterUriError(message)
    return number


def status_from_replies(online_reply: bytes, paper_reply: bytes) -> Status:
    """Read DLE EOT 1 and 4 replies with escpos's masks; paper out outranks offline."""
    if not online_reply or not paper_reply:
        return "unknown"
    # Same test as escpos's paper_status() == 0, but an empty reply is not "paper OK".
    if paper_reply[0] & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        return "paper_out"
    return "offline" if online_reply[0] & RT_MASK_ONLINE else "ok"


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename it, so readers never see half a file."""
    # open(..., "xb") keeps the umask's permissions, unlike mkstemp's 0600.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "xb") as file:
            file.write(data)
        os.replace(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


@contextmanager
def _printer_errors(device: Device) -> Iterator[None]:
    """Turn escpos, socket, USB and serial failures into PrinterError with a kind."""
    try:
        yield
    except _LINK_ERRORS as error:
        raise PrinterError(_error_kind(error), f"{device}: {_describe(error)}") from error


@contextmanager
def _closing(printer: Escpos) -> Iterator[Escpos]:
    """Close the connection explicitly: escpos's __del__ close can fail (escpos #492)."""
    try:
        yield printer
    finally:
        with suppress(Exception):
            printer.close()


def _error_kind(error: BaseException) -> str:
    """The PrinterError kind for an exception, looking through escpos's wrapping."""
    if isinstance(error, DeviceNotFoundError):
        # escpos wraps the socket/serial/USB error it caught; the original says why.
        cause = error.__cause__ or error.__context__
        return _error_kind(cause) if isinstance(cause, OSError) else "not_found"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, _TIMEOUT_ERRORS):
        return "timeout"
    if isinstance(error, socket.gaierror):
        return "not_found"
    return _KIND_BY_ERRNO.get(getattr(error, "errno", None), "io")


def _describe(error: BaseException) -> str:
    """A one-line message for an exception (escpos messages span lines)."""
    if isinstance(error, _NO_USB_BACKEND):
        return "libusb is not installed (Debian: apt-get install libusb-1.0-0)"
    text = " ".join(str(error).split())
    return text or type(error).__name__
