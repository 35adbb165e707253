"""POST /auth/token: a bearer token for a username and password."""

from flask import jsonify

from queue_server.api.blueprint import api
from queue_server.api.common import json_body, read_fields
from queue_server.core.clock import iso_local
from queue_server.core.request_context import db
from queue_server.edge.guard import public
from queue_server.edge.limits import throttled_login


@api.post("/auth/token")
@public
def create_token():
    """Exchange a username and password for a bearer token."""
    fields = read_fields(json_body(), {"username": str, "password": str}, {})
    issued = throttled_login(fields["username"], fields["password"])
    db().commit()
    timezone = issued.user.office.timezone if issued.user.office else "Asia/Ho_Chi_Minh"
    return jsonify(token=issued.token, expires_at=iso_local(issued.expires_at, timezone),
                   role=issued.user.role.value,
                   office=issued.user.office.slug if issued.user.office else None,
                   username=issued.user.username)
