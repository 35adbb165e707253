"""POST /auth/token: a bearer token for a username and password."""

from datetime import timedelta

from flask import jsonify

from ..auth import issue_user_token
from ..timeutil import iso_local
from . import api
from .common import db, json_body, now, read_fields, state


@api.post("/auth/token")
def create_token():  # noqa: ANN201
    """Exchange a username and password for a bearer token."""
    fields = read_fields(json_body(), {"username": str, "password": str}, {})
    lifetime = timedelta(seconds=state().settings.token_lifetime_s)
    issued = issue_user_token(db(), fields["username"], fields["password"], now=now(),
                              lifetime=lifetime)
    db().commit()
    timezone = issued.user.office.timezone if issued.user.office else "Asia/Ho_Chi_Minh"
    return jsonify(token=issued.token, expires_at=iso_local(issued.expires_at, timezone),
                   role=issued.user.role.value,
                   office=issued.user.office.slug if issued.user.office else None,
                   username=issued.user.username)
