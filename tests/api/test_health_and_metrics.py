"""GET /healthz for load balancers and GET /metrics for Prometheus."""

from __future__ import annotations

import re
import socket
from dataclasses import replace

from sqlalchemy import create_engine, select

from queue_server.core.extensions import socketio
from queue_server.models import PrintJob

from ..conftest import bearer

OFFICE = "/api/v1/offices/test-office"
ELSEWHERE = {"REMOTE_ADDR": "192.0.2.10"}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def metric(client, name: str, **labels: str) -> float:
    """One sample of /metrics (0 when absent), read as Prometheus would."""
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if match is None or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match[3])
    return 0.0


def test_health_is_ok_with_the_database_and_no_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "disabled"}


def test_health_names_an_unreachable_database(app, client, tmp_path):
    state = app.extensions["queue"]
    state.engine = create_engine(f"sqlite:///{tmp_path}/missing/folder/queue.db")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable",
                                   "redis": "disabled"}


def test_health_names_an_unreachable_redis(app, client):
    state = app.extensions["queue"]
    state.settings = replace(state.settings, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok",
                                   "redis": "unreachable"}


def test_health_needs_no_credentials_from_anywhere(client):
    assert client.get("/healthz", environ_base=ELSEWHERE).status_code == 200


def test_metrics_count_todays_tickets_per_office_and_service(client, accounts):
    kiosk, staff = bearer(accounts["kiosk"]), bearer(accounts["staff1"])
    for service in ("dat-dai", "dat-dai", "dat-dai", "tu-phap"):
        assert client.post(OFFICE + "/tickets", json={"service": service},
                           headers=kiosk).status_code == 201
    counter = OFFICE + "/counters/1"
    assert client.post(counter + "/call-next", headers=staff).status_code == 200
    assert client.post(counter + "/finish", headers=staff).status_code == 200
    assert client.post(counter + "/call-next", headers=staff).status_code == 200
    assert client.post(counter + "/recall", headers=staff).status_code == 200  # then absent
    assert client.post(counter + "/no-show", headers=staff).status_code == 200
    land = {"office": "test-office", "service": "dat-dai"}
    assert metric(client, "queue_tickets_issued_today", **land) == 3
    assert metric(client, "queue_tickets_called_today", **land) == 2
    assert metric(client, "queue_tickets_finished_today", **land) == 1
    assert metric(client, "queue_tickets_no_show_today", **land) == 1
    assert metric(client, "queue_waiting", **land) == 1
    assert metric(client, "queue_waiting", office="test-office", service="tu-phap") == 1
    assert metric(client, "queue_tickets_issued_today", office="other-office",
                  service="dat-dai") == 0


def test_metrics_time_each_route(client, accounts):
    route = {"route": "/api/v1/offices/<slug>/tickets", "method": "POST"}
    before = metric(client, "queue_http_request_duration_seconds_count", **route)
    for _ in range(3):
        client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                    headers=bearer(accounts["kiosk"]))
    client.post(OFFICE + "/tickets", json={"service": "dat-dai"})  # refused: timed too
    assert metric(client, "queue_http_request_duration_seconds_count", **route) == before + 4
    assert metric(client, "queue_http_requests_total", status="401", **route) >= 1


def test_metrics_count_socketio_connections(app, client):
    before = metric(client, "queue_socketio_connections")
    first = socketio.test_client(app, flask_test_client=client)
    second = socketio.test_client(app, flask_test_client=client)
    assert metric(client, "queue_socketio_connections") == before + 2
    first.disconnect()
    second.disconnect()
    assert metric(client, "queue_socketio_connections") == before


def test_metrics_count_print_jobs_not_yet_printed(app, client, accounts, add_printer):
    printer = add_printer("printer-1")
    for _ in range(2):
        client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                    headers=bearer(accounts["kiosk"]))
    assert metric(client, "queue_print_jobs_pending", office="test-office") == 2
    with app.extensions["queue"].sessions() as session:
        job = session.scalars(select(PrintJob.id).order_by(PrintJob.id)).first()
    assert client.post(f"/api/v1/print-jobs/{job}/ack", json={"status": "printed"},
                       headers=bearer(printer)).status_code == 200
    assert metric(client, "queue_print_jobs_pending", office="test-office") == 1


def test_metrics_from_another_machine_need_the_token(app, client):
    response = client.get("/metrics", environ_base=ELSEWHERE)
    assert response.status_code == 401
    state = app.extensions["queue"]
    state.settings = replace(state.settings, metrics_token="s3cret-metrics-token")
    assert client.get("/metrics", environ_base=ELSEWHERE,
                      headers=bearer("wrong")).status_code == 401
    response = client.get("/metrics", environ_base=ELSEWHERE,
                          headers=bearer("s3cret-metrics-token"))
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    assert "queue_waiting" in response.get_data(as_text=True)


def test_the_grafana_dashboard_reads_only_metrics_the_server_exports(client, accounts):
    import json
    from pathlib import Path

    client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                headers=bearer(accounts["kiosk"]))
    exported = set(re.findall(r"^(\w+)[{ ]", client.get("/metrics").get_data(as_text=True),
                              re.MULTILINE))
    dashboard = json.loads((Path(__file__).parents[2] / "config/grafana-dashboard.json")
                           .read_text(encoding="utf-8"))
    expressions = [target["expr"] for panel in dashboard["panels"]
                   for target in panel["targets"]]
    used = {name for expression in expressions for name in re.findall(r"\bqueue_\w+", expression)}
    assert len(used) >= 8
    assert used - exported == set()


def test_metrics_count_messages_to_citizens_not_yet_sent(app, client, clock):
    from queue_server.models import MessageStatus, OutboxMessage
    from queue_server.tickets.queue_state import find_office

    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        for index, (channel, status) in enumerate([
                ("sms", MessageStatus.QUEUED), ("sms", MessageStatus.SENDING),
                ("zalo", MessageStatus.QUEUED), ("sms", MessageStatus.SENT),
                ("zalo", MessageStatus.FAILED)]):
            session.add(OutboxMessage(
                office_id=office.id, kind="near_turn", channel=channel, fallbacks=[],
                destination="84912345678", payload={}, tracking_id=f"t-{index}",
                status=status, attempts=0, next_attempt_at=clock(), expires_at=clock(),
                created_at=clock()))
        session.commit()
    assert metric(client, "queue_outbox_backlog", office="test-office", channel="sms") == 2
    assert metric(client, "queue_outbox_backlog", office="test-office", channel="zalo") == 1
