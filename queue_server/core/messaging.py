"""The Redis message queue between server processes, with a watchdog that heals it.

python-socketio's Redis listener reconnects by itself after a Redis restart, but we saw it
stay deaf now and then under load. Each process therefore publishes a heartbeat every few
seconds on its own channel; when its listener has heard nothing for a while, the watchdog
closes the listener's connection, which makes it reconnect and subscribe again.

Whatever other processes published while the connection was down is lost. So once the
listener hears again after a reconnect, the process tells its own clients to `resync`:
displays, kiosks and consoles fetch their snapshot at once instead of at their next
periodic refresh.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import socketio

log = logging.getLogger(__name__)

HEARTBEAT_S = 5
DEAF_AFTER_S = 16


class SelfHealingRedisManager(socketio.RedisManager):
    """RedisManager plus a heartbeat and a watchdog on the listening connection."""

    def initialize(self) -> None:
        super().initialize()
        self.last_heard = time.monotonic()
        self.lost_messages = False  # the listener lost its connection since it last heard
        if not self.write_only:
            self.server.start_background_task(self._watch)

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        """python-socketio's listening loop, noting each lost connection."""
        retry_sleep = 1
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                retry_sleep = 1
                yield from self.pubsub.listen()
            except Exception as error:  # noqa: BLE001 - any failure: reconnect and go on
                log.error("cannot receive from Redis (%s): retrying in %d s", error,
                          retry_sleep)
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, 60)
            # Whether it failed or ended, the connection is gone and so is what it missed.
            self.lost_messages = True

    def _listen(self) -> Iterator[Any]:
        for message in super()._listen():
            self.last_heard = time.monotonic()
            if self.lost_messages:
                # Redis came back and we hear again: what was published meanwhile is lost.
                self.lost_messages = False
                self._tell_local_clients_to_resync()
            yield message

    def _tell_local_clients_to_resync(self) -> None:
        log.warning("Redis reconnected: asking this process's clients to resync")
        try:
            # The base manager's emit reaches this process's clients only, not the others'.
            socketio.manager.Manager.emit(self, "resync", {}, namespace="/")
        except Exception:  # a periodic resync still catches them up
            log.warning("could not ask clients to resync", exc_info=True)

    def _watch(self) -> None:
        while True:
            self.server.sleep(HEARTBEAT_S)
            try:
                self._publish({"method": "heartbeat", "host_id": self.host_id})
            except Exception:  # noqa: BLE001 - Redis down: the listener retries by itself
                continue
            if time.monotonic() - self.last_heard > DEAF_AFTER_S:
                log.warning("no message from Redis for %d s: reconnecting the listener",
                            DEAF_AFTER_S)
                self.last_heard = time.monotonic()
                self._drop_listening_connection()

    def _drop_listening_connection(self) -> None:
        try:
            connection = self.pubsub.connection
            if connection is not None:
                connection.disconnect()
        except Exception:  # whatever state it is in, the listener reconnects
            log.debug("closing the listening connection failed", exc_info=True)


def client_manager(redis_url: str | None, channel: str) -> SelfHealingRedisManager | None:
    """The message queue for several processes, or None for one process alone."""
    if not redis_url:
        return None
    return SelfHealingRedisManager(redis_url, channel=channel)
