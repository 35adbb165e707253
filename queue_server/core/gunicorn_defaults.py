"""gunicorn settings for `queue-server serve`: one gevent worker, WebSockets, quick restarts."""

worker_class = "gevent"
workers = 1
# Displays, counters and citizens' phones each hold a WebSocket.
worker_connections = 4000
# Open WebSockets would otherwise hold a restart for 30 s.
graceful_timeout = 5
timeout = 60
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "info"
