"""gunicorn settings for running the server yourself (queue-server serve uses the same).

One process = one gevent worker. To use more cores, run several processes on different
ports (see systemd/queue-server@.service) with QUEUE_REDIS_URL set, behind nginx with
sticky sessions (see nginx.conf): Socket.IO long-polling needs every request of a session
to reach the same process.

    gunicorn --config config/gunicorn.conf.py --bind 127.0.0.1:8001 queue_server.wsgi:app
"""

worker_class = "gevent"
workers = 1
worker_connections = 4000
graceful_timeout = 5
timeout = 60
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "info"
