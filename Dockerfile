# The queue server as a container image: server processes, the print agent, init and backups
# from one image (config/container/entrypoint.sh). compose.yaml runs a whole installation.
#   docker build -t vn-queue .
FROM node:20-bookworm-slim AS browser-libraries
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
# pg_dump/pg_restore for `queue-server backup` on PostgreSQL; fonts for the ticket images.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/queue
COPY pyproject.toml README.md ./
COPY queue_server ./queue_server
COPY printer ./printer
COPY kiosk ./kiosk
COPY display ./display
COPY config ./config
COPY --from=browser-libraries /build/node_modules/socket.io-client/dist/socket.io.min.js \
     /build/node_modules/chart.js/dist/chart.umd.min.js ./queue_server/static/vendor/
RUN pip install --no-cache-dir . \
    && useradd --system --home /var/lib/queue --create-home queue \
    && mkdir -p /shared /backups /var/lib/queue/tickets /var/lib/queue/printer \
    && chown -R queue:queue /shared /backups /var/lib/queue
COPY --chmod=755 config/container/entrypoint.sh /usr/local/bin/queue-entrypoint
USER queue
ENV QUEUE_VAR_DIR=/var/lib/queue \
    QUEUE_OFFICE_FILE=/etc/queue/offices.toml \
    QUEUE_TRUSTED_PROXIES=1 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
VOLUME ["/var/lib/queue", "/shared", "/backups"]
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD python3 -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
ENTRYPOINT ["queue-entrypoint"]
CMD ["serve"]
