"""Fixtures for the printer package: slips and a fake network printer on 127.0.0.1."""

import queue
import socket
import threading
from dataclasses import replace

import pytest

from printer.slip import Slip

DLE_EOT = b"\x10\x04"

SAMPLE_SLIP = Slip(
    office_name="Trung tâm Phục vụ hành chính công tỉnh Đồng Nai",
    heading="SỐ THỨ TỰ",
    number="1005",
    service="Đất đai",
    counters="Quầy 1, 2",
    ahead_line="Số người đang chờ trước: 3 người",
    wait_line="Thời gian chờ dự kiến: khoảng 12 phút",
    issued_line="Giờ lấy số: 08:05 26/11/2026",
    qr_payload="http://192.168.1.10:8000/t/Xq3v9KpL2mN8rT5wY7zA1bC4",
    footer="Cảm ơn quý công dân đã sử dụng dịch vụ!",
    qr_caption="Quét mã để theo dõi lượt",
)


@pytest.fixture
def make_slip():
    """Build a realistic slip, overriding any field."""
    return lambda **changes: replace(SAMPLE_SLIP, **changes)


class FakePrinter:
    """A TCP listener standing in for a network printer (raw port 9100 protocol)."""

    def __init__(self, replies: dict[int, int], *, reads: bool = True) -> None:
        self.replies = replies
        self.reads = reads
        self.jobs: queue.Queue[bytes] = queue.Queue()
        self._held: list[socket.socket] = []
        self._stopping = False
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer makes a printer that stops reading block the sender soon.
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen()
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        """Accept connections one at a time, as many network printers do."""
        while True:
            connection, _ = self._server.accept()
            if self._stopping:
                connection.close()
                return
            if not self.reads:
                self._held.append(connection)
                continue
            with connection:
                self.jobs.put(self._talk(connection))

    def _talk(self, connection: socket.socket) -> bytes:
        """Everything received until the client closes, answering DLE EOT n queries."""
        received, scanned = b"", 0
        while chunk := connection.recv(65536):
            received += chunk
            while (at := received.find(DLE_EOT, scanned, len(received) - 1)) >= 0:
                if (reply := self.replies.get(received[at + 2])) is not None:
                    connection.sendall(bytes([reply]))
                scanned = at + 3
        return received

    def close(self) -> None:
        """Stop listening and drop held connections."""
        for connection in self._held:
            connection.close()
        # Closing a socket does not wake a thread blocked in accept(); a last client does.
        self._stopping = True
        socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        self._thread.join(timeout=5)
        self._server.close()


@pytest.fixture
def fake_printer():
    """Start fake network printers: fake_printer(replies={4: 0x72}, reads=True)."""
    printers: list[FakePrinter] = []

    def start(replies: dict[int, int] | None = None, *, reads: bool = True) -> FakePrinter:
        printers.append(FakePrinter(replies or {}, reads=reads))
        return printers[-1]

    yield start
    for printer in printers:
        printer.close()


@pytest.fixture
def refused_port():
    """A loopback port that is bound but not listening, so connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]
