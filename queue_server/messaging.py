"""The Redis message queue between server processes, with a watchdog that heals it.

python-socketio's Redis listener reconnects by itself after a Redis restart, but we saw it
stay deaf now and then under load. Each process therefore publishes a heartbeat every few
seconds on its own channel; when its listener has heard nothing for a while, the watchdog
closes the listener's connection, which makes it reconnect and subscribe again.
"""

from __future__ import annotations

import logging
import time

import socketio

log = logging.getLogger(__name__)

HEARTBEAT_S = 5
DEAF_AFTER_S = 16


class SelfHealingRedisManager(socketio.RedisManager):
    """RedisManager plus a heartbeat and a watchdog on the listening connection."""

    def initialize(self) -> None:
        super().initialize()
        self.last_heard = time.monotonic()
        if not self.write_only:
            self.server.start_background_task(self._watch)

    def _listen(self):  # noqa: ANN202
        for message in super()._listen():
            self.last_heard = time.monotonic()
            yield message

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
        except Exception:  # noqa: BLE001 - whatever state it is in, the listener reconnects
            log.debug("closing the listening connection failed", exc_info=True)


def client_manager(redis_url: str | None, channel: str) -> SelfHealingRedisManager | None:
    """The message queue for several processes, or None for one process alone."""
    if not redis_url:
        return None
    return SelfHealingRedisManager(redis_url, channel=channel)
