"""gunicorn settings for running the server yourself: the same as `queue-server serve`.

One process = one gevent worker. To use more cores, run several processes on different
ports (see systemd/queue-server@.service) with QUEUE_REDIS_URL set, behind nginx with
sticky sessions (see nginx.conf): Socket.IO long-polling needs every request of a session
to reach the same process.

    gunicorn --config config/gunicorn.conf.py --bind 127.0.0.1:8001 queue_server.wsgi:app
"""

from queue_server.core.gunicorn_defaults import *  # noqa: F403 - one set of settings, kept there
