"""Health check for load balancers: the app answers and the database is reachable."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from survey import storage

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        with storage.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # report, never raise: this endpoint is polled by machines
        return jsonify(status="error", database=type(exc).__name__), 503
    return jsonify(status="ok", revision=storage.current_revision(storage.database_url()))
