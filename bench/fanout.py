"""Fan-out latency: thousands of Socket.IO clients on one office's board, one server process.

Starts a real `queue-server serve`, connects 500 and then 2,000 WebSocket clients subscribed
to one office's board channel, then repeatedly issues a ticket and presses Call next through
the HTTP API. For every call it measures, per client, the time from sending call-next to the
client's receipt of `ticket_called` (matched by call_id), and prints p50/p99/max per client
count with the gunicorn worker's memory.

The clients are one epoll loop speaking Engine.IO 4 / Socket.IO 5 over raw WebSocket frames
(no client library: python-socketio's AsyncClient would need aiohttp and costs far more per
connection). Like every browser, they offer permessage-deflate in the handshake (and
inflate what comes compressed), unless --plain-handshake. Receipt is stamped twice:

- kernel: SO_TIMESTAMPNS, the instant the frame reached the client's socket. A real display
  reads its socket on its own CPU; this stamp is what it would see, whatever this one Python
  process is doing with the other 1,999 sockets at that moment. The loop still reads
  promptly: TCP merges segments queued on an unread socket and the merged data carries the
  newest stamp (a ping arriving later would move it), so stamps are exact only for data read
  soon after it arrives.
- user: when this process got around to reading it. When the two agree, this client process
  kept up and did not distort the figures.

The clients share the machine's CPUs with the server, and on loopback the server's send()
also pays for the receiving side's TCP processing, so a LAN of real screens costs the server
somewhat less than this.

The floor comes first: bench/minimal_socketio_app.py, the same routes and events with no
queue behind them, under the same gunicorn worker and the same client swarm. Its memory per
WebSocket and its broadcast time are what Flask-SocketIO on gevent costs before any of ours.

Usage: .venv/bin/python bench/fanout.py [--clients 500 2000] [--calls 30] [--no-floor]
       [--plain-handshake] [--verbose]
"""

from __future__ import annotations

import argparse
import base64
import errno
import http.client
import json
import os
import resource
import select
import socket
import struct
import subprocess
import sys
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, free_port, running_server, wait_until_up

GUNICORN_DEFAULTS = ROOT / "queue_server" / "core" / "gunicorn_defaults.py"

OFFICE = "fanout"
SO_TIMESTAMPNS = 35  # Linux; Python's socket module does not name it
SETUP_WINDOW = 100  # clients in the middle of their handshake at once
WAIT_TIMEOUT_S = 20.0
MAX_RUNTIME_S = 600.0


# ---------------------------------------------------------------- WebSocket framing

def client_frame(text: str) -> bytes:
    """A masked text frame, as a client must send it."""
    payload = text.encode()
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x81, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x81, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 0x80 | 127, length)
    key = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
    return header + mask + masked


def server_frames(buffer: bytearray) -> list[tuple[int, bool, bytes]]:
    """Cut the complete (unmasked) frames off the front: (opcode, compressed, payload)."""
    frames = []
    while len(buffer) >= 2:
        opcode, length, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
        compressed = bool(buffer[0] & 0x40)  # RSV1: permessage-deflate
        if length == 126:
            if len(buffer) < 4:
                break
            length, start = struct.unpack_from("!H", buffer, 2)[0], 4
        elif length == 127:
            if len(buffer) < 10:
                break
            length, start = struct.unpack_from("!Q", buffer, 2)[0], 10
        if len(buffer) < start + length:
            break
        frames.append((opcode, compressed, bytes(buffer[start:start + length])))
        del buffer[:start + length]
    return frames


# ---------------------------------------------------------------- the client swarm

@dataclass
class Client:
    """One Socket.IO client: a socket, its read buffer and how far its handshake got."""

    sock: socket.socket
    stage: str = "connecting"  # connecting, upgrading, opening, joining, subscribing, ready
    buffer: bytearray = field(default_factory=bytearray)
    inflater: object | None = None  # when the server accepted permessage-deflate
    subscribe: bytes = b""  # the frame sent once connected; none: ready on connecting


@dataclass
class Awaited:
    """Events every client should receive next (a ticket's number, or None for any), and
    when each client got them: event -> client -> (kernel ns, user ns)."""

    numbers: dict[str, str | None]
    stamps: dict[str, dict[int, tuple[int, int]]] = field(default_factory=dict)
    call_ids: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.stamps = {event: {} for event in self.numbers}

    def complete(self, clients: int) -> bool:
        return all(len(stamps) >= clients for stamps in self.stamps.values())


class Swarm:
    """Many board subscribers on one epoll loop."""

    def __init__(self, host: str, port: int, server_pid: int,
                 ports: list[int] | None = None, deflate: bool = True) -> None:
        self.host, self.port, self.server_pid = host, port, server_pid
        self.ports = ports or [port]  # several server processes: clients spread evenly
        self.poller = select.epoll()
        self.clients: dict[int, Client] = {}
        self.awaited: Awaited | None = None
        self.upgrade = (f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                        f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        f"Sec-WebSocket-Version: 13\r\n"
                        # What Chromium and Firefox offer on every WebSocket.
                        + ("Sec-WebSocket-Extensions: permessage-deflate; "
                           "client_max_window_bits\r\n" if deflate else "")
                        + "Sec-WebSocket-Key: ").encode()
        self.compressed = 0  # clients the server agreed to compress for
        self.subscribe = client_frame(
            '420["subscribe",' + json.dumps({"office": OFFICE, "channel": "board"}) + "]")

    @property
    def ready(self) -> int:
        return sum(client.stage == "ready" for client in self.clients.values())

    def grow_to(self, total: int, deadline: float) -> None:
        """Connect and subscribe clients until `total` are ready."""
        while self.ready < total:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.ready} of {total} clients subscribed")
            pending = len(self.clients) - self.ready
            for _ in range(min(SETUP_WINDOW - pending, total - len(self.clients))):
                self._open()
            self.pump(0.05)

    def _open(self, port: int | None = None, subscribe: bytes | None = None) -> Client:
        """Start connecting one client (to the next port in turn, unless given); it sends
        `subscribe` (the swarm's board subscription unless given) once connected."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.setblocking(False)
        if port is None:
            port = self.ports[len(self.clients) % len(self.ports)]
        code = sock.connect_ex((self.host, port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, os.strerror(code))
        client = Client(sock, subscribe=self.subscribe if subscribe is None else subscribe)
        self.clients[sock.fileno()] = client
        self.poller.register(sock.fileno(), select.EPOLLOUT | select.EPOLLIN)
        return client

    def pump(self, timeout: float) -> None:
        """Read whatever arrived within the timeout and react to it."""
        for descriptor, mask in self.poller.poll(timeout, 4096):
            client = self.clients[descriptor]
            if client.stage == "connecting" and mask & select.EPOLLOUT:
                key = base64.b64encode(os.urandom(16))
                client.sock.sendall(self.upgrade + key + b"\r\n\r\n")
                client.stage = "upgrading"
                self.poller.modify(descriptor, select.EPOLLIN)
            if mask & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR):
                self._read(descriptor, client)

    def drain(self) -> None:
        """Read every socket that has data, without waiting."""
        self.pump(0)

    def _read(self, descriptor: int, client: Client) -> None:
        try:
            data, ancillary, _flags, _address = client.sock.recvmsg(262144, 64)
        except BlockingIOError:
            return
        user_ns = time.time_ns()
        if not data:
            raise ConnectionError(f"client {descriptor} was disconnected ({client.stage})")
        kernel_ns = user_ns
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", payload[:16])
                kernel_ns = seconds * 1_000_000_000 + nanoseconds
        client.buffer += data
        if client.stage == "upgrading":
            end = client.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not client.buffer.startswith(b"HTTP/1.1 101"):
                raise ConnectionError(bytes(client.buffer[:200]).decode(errors="replace"))
            if b"permessage-deflate" in client.buffer[:end].lower():
                client.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self.compressed += 1
            del client.buffer[:end + 4]
            client.stage = "opening"
        for opcode, compressed, frame in server_frames(client.buffer):
            payload = (client.inflater.decompress(frame + b"\x00\x00\xff\xff") if compressed
                       else frame)
            if opcode == 0x1:
                self._on_packet(descriptor, client, payload, kernel_ns, user_ns)
            elif opcode == 0x8:
                raise ConnectionError(f"client {descriptor}: server closed the WebSocket")

    def _on_packet(self, descriptor: int, client: Client, packet: bytes, kernel_ns: int,
                   user_ns: int) -> None:
        if packet == b"2":  # Engine.IO ping: answer or be dropped
            client.sock.sendall(client_frame("3"))
        elif packet.startswith(b"42"):
            self._on_event(descriptor, packet, kernel_ns, user_ns)
        elif client.stage == "opening" and packet.startswith(b"0"):
            client.sock.sendall(client_frame("40"))
            client.stage = "joining"
        elif client.stage == "joining" and packet.startswith(b"40"):
            if client.subscribe:
                client.sock.sendall(client.subscribe)
            client.stage = "subscribing" if client.subscribe else "ready"
        elif client.stage == "subscribing" and packet.startswith(b"430"):
            if b'"error"' in packet[:40]:
                raise ConnectionError(packet[:200].decode(errors="replace"))
            client.stage = "ready"

    def _on_event(self, descriptor: int, packet: bytes, kernel_ns: int, user_ns: int) -> None:
        awaited = self.awaited
        if awaited is None:
            return
        name, payload = json.loads(packet[2:])
        if name not in awaited.numbers or payload.get("is_recall"):
            return
        number = awaited.numbers[name]
        if number is None or payload.get("number") == number:
            awaited.stamps[name].setdefault(descriptor, (kernel_ns, user_ns))
            if "call_id" in payload:
                awaited.call_ids.add(payload["call_id"])

    def expect(self, numbers: dict[str, str | None]) -> None:
        """Start collecting stamps: event name -> ticket number (None: any such event)."""
        self.awaited = Awaited(numbers)

    def wait(self, deadline: float) -> Awaited:
        """Read until every ready client has every awaited event (or time runs out)."""
        awaited = self.awaited
        assert awaited is not None
        while not awaited.complete(self.ready) and time.monotonic() < deadline:
            self.pump(0.01)
        self.awaited = None
        return awaited

    def close(self) -> None:
        for client in self.clients.values():
            client.sock.close()
        self.poller.close()


# ---------------------------------------------------------------- HTTP and /proc

class Api:
    """Keep-alive HTTP to the server."""

    def __init__(self, base: str) -> None:
        parsed = urlparse(base)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)

    def post(self, path: str, token: str, body: dict | None = None) -> tuple[int, dict | None]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        try:
            self.connection.request("POST", path, body=json.dumps(body or {}), headers=headers)
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # gunicorn closes a keep-alive connection idle for 5 s (while clients connect).
            self.connection.close()
            self.connection.request("POST", path, body=json.dumps(body or {}), headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None


def worker_pid(master_pid: int) -> int:
    """The gunicorn worker: the (only) child of the `queue-server serve` process."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    if not children:
        raise RuntimeError("the gunicorn master has no worker")
    return int(children[0])


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process."""
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def pin_apart(worker: int) -> None:
    """Server worker on the first CPU, these clients on the others, so neither waits for
    the other's time slice (the server is one process: one CPU is all it can use)."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) >= 2:
        os.sched_setaffinity(worker, {cpus[0]})
        os.sched_setaffinity(0, set(cpus[1:]))


def raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise SystemExit(f"need {needed} open files, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


# ---------------------------------------------------------------- measurement

@dataclass
class Round:
    clients: int
    kernel_ms: list[float] = field(default_factory=list)
    user_ms: list[float] = field(default_factory=list)
    issue_ms: list[float] = field(default_factory=list)
    per_call_max: list[float] = field(default_factory=list)
    response_ms: list[float] = field(default_factory=list)
    missed: int = 0
    calls: int = 0
    server_cpu_s: float = 0.0


def measure(swarm: Swarm, api: Api, kiosk: str, staff: str, calls: int,
            deadline: float) -> Round:
    """Issue + call-next `calls` times; stamp every client's ticket_called."""
    result = Round(swarm.ready)
    base = f"/api/v1/offices/{OFFICE}"
    api.connection.close()  # idle past gunicorn's keep-alive while clients connected
    for _ in range(calls):
        # Each step waits for the one event it causes, so every call-next starts on a
        # quiet server and measures its own fan-out only.
        swarm.expect({"ticket_issued": None})
        sent_ns = time.time_ns()
        status, ticket = api.post(base + "/tickets", kiosk, {"service": "s0"})
        assert status == 201, (status, ticket)
        issued = swarm.wait(time.monotonic() + WAIT_TIMEOUT_S).stamps["ticket_issued"]
        result.issue_ms += [(kernel - sent_ns) / 1e6 for kernel, _user in issued.values()]
        swarm.expect({"ticket_called": ticket["number"]})
        cpu_before = cpu_seconds(swarm.server_pid)
        sent_ns = time.time_ns()
        status, called = api.post(base + "/counters/1/call-next", staff)
        result.response_ms.append((time.time_ns() - sent_ns) / 1e6)
        assert status == 200 and called["number"] == ticket["number"], (status, called)
        got = swarm.wait(time.monotonic() + WAIT_TIMEOUT_S)
        result.server_cpu_s += cpu_seconds(swarm.server_pid) - cpu_before
        assert len(got.call_ids) <= 1, f"clients saw different call ids: {got.call_ids}"
        stamps = got.stamps["ticket_called"].values()
        result.missed += swarm.ready - len(stamps)
        result.kernel_ms += [(kernel - sent_ns) / 1e6 for kernel, _user in stamps]
        result.user_ms += [(user - sent_ns) / 1e6 for _kernel, user in stamps]
        result.per_call_max.append(max((kernel - sent_ns) / 1e6 for kernel, _user in stamps))
        result.calls += 1
        if time.monotonic() > deadline:
            break
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def summary(values: list[float]) -> str:
    return (f"{percentile(values, 0.50):7.1f} {percentile(values, 0.99):7.1f} "
            f"{max(values, default=float('nan')):7.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the bare Flask-SocketIO app measured first")
    parser.add_argument("--verbose", action="store_true", help="print every call's slowest")
    parser.add_argument("--plain-handshake", dest="deflate", action="store_false",
                        help="clients do not offer permessage-deflate (browsers all do)")
    arguments = parser.parse_args()
    raise_file_limit(max(arguments.clients) * 2 + 256)
    deadline = time.monotonic() + MAX_RUNTIME_S * (1 if arguments.no_floor else 2)
    print(f"fan-out of ticket_called to board subscribers: {os.cpu_count()} CPUs (load average "
          f"{os.getloadavg()[0]:.1f} at start), one gunicorn gevent worker pinned to one CPU, "
          f"the clients in this one process on the other(s)")
    print("\nclients calls samples missed | call-next -> ticket_called, ms (kernel stamp) "
          "p50 p99 max | (user-space stamp) p50 p99 max | issue -> ticket_issued p50 p99 "
          "| call-next response p50 | server CPU ms/call | worker RSS MB (peak)")
    if not arguments.no_floor:
        with minimal_socketio_server() as (base, pid):
            print("the floor: bench/minimal_socketio_app.py (Flask-SocketIO, no queue behind it)")
            rows(base, pid, "none", "none", arguments, deadline)
    with running_server([OFFICE]) as (base, kiosks, staff, pid):
        print("queue-server serve")
        rows(base, pid, kiosks[OFFICE], staff[OFFICE], arguments, deadline)
    print("\ntargets (issue 3): p99 < 50 ms at 500 clients, < 150 ms at 2,000; memory < 150 MB")
    return 0


def rows(base: str, master_pid: int, kiosk: str, staff: str, arguments: argparse.Namespace,
         deadline: float) -> None:
    """Grow the swarm to each client count and print one row of figures per count."""
    worker = worker_pid(master_pid)
    pin_apart(worker)
    parsed = urlparse(base)
    swarm = Swarm(parsed.hostname, parsed.port, worker, deflate=arguments.deflate)
    api = Api(base)
    print(f"  worker RSS with no client: {memory_mb(worker)[0]:.0f} MB")
    try:
        for count in arguments.clients:
            swarm.grow_to(count, deadline)
            result = measure(swarm, api, kiosk, staff, arguments.calls, deadline)
            rss, peak = memory_mb(worker)
            print(f"{count:7d} {result.calls:5d} {len(result.kernel_ms):7d} "
                  f"{result.missed:6d} | {summary(result.kernel_ms)} | "
                  f"{summary(result.user_ms)} | "
                  f"{percentile(result.issue_ms, 0.5):6.1f} "
                  f"{percentile(result.issue_ms, 0.99):6.1f} | "
                  f"{percentile(result.response_ms, 0.5):6.1f} | "
                  f"{1000 * result.server_cpu_s / max(result.calls, 1):6.1f} | "
                  f"{rss:5.0f} ({peak:.0f})"
                  + (f"   compressed for {swarm.compressed}" if arguments.deflate else
                     "   (clients offered no compression)"),
                  flush=True)
            if arguments.verbose:
                print("        slowest client per call, ms:",
                      " ".join(f"{value:.0f}" for value in result.per_call_max))
    finally:
        swarm.close()


@contextmanager
def minimal_socketio_server():
    """gunicorn + gevent serving bench/minimal_socketio_app.py; yields (base, master pid)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_DEFAULTS), "--bind",
         f"127.0.0.1:{port}", "--chdir", str(Path(__file__).parent),
         "minimal_socketio_app:app"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
