"""The reference: the 2017 book's stack serving the same page of runs.

Flask + Flask-SQLAlchemy (an ORM model, ``Model.query``, a ``to_json`` per row) under
gunicorn with sync workers: ``gunicorn 'bench.book_app:create_app()'`` with
``BENCH_BOOK_DATABASE_URL`` pointing at the dataservice's database. Same table, same SQL
(the model maps the columns a list shows), same rows, same JSON shape.

Its authentication is a cheap equivalent of the dataservice's: it reads the runner from the
same bearer token's claims *without verifying the signature* (nor expiry, audience or
issuer). That is less work than the dataservice does, so the comparison favours the book.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from typing import Any

import jwt
from flask import Flask, abort, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Run(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "runs"

    id = db.Column(db.Integer, primary_key=True)
    runner_id = db.Column(db.String(64))
    source = db.Column(db.String(16))
    external_id = db.Column(db.String(64))
    name = db.Column(db.String(200))
    sport_type = db.Column(db.String(32))
    started_at = db.Column(db.DateTime(timezone=True))
    time_zone = db.Column(db.String(64))
    distance_m = db.Column(db.Float)
    moving_time_s = db.Column(db.Integer)
    elapsed_time_s = db.Column(db.Integer)
    elevation_gain_m = db.Column(db.Float)
    average_hr = db.Column(db.Float)
    max_hr = db.Column(db.Float)
    average_cadence = db.Column(db.Float)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sport_type": self.sport_type,
            "started_at": _utc(self.started_at).isoformat().replace("+00:00", "Z"),
            "time_zone": self.time_zone,
            "distance_m": self.distance_m,
            "moving_time_s": self.moving_time_s,
            "elapsed_time_s": self.elapsed_time_s,
            "elevation_gain_m": self.elevation_gain_m,
            "average_hr": self.average_hr,
            "max_hr": self.max_hr,
            "average_cadence": self.average_cadence,
            "id": self.id,
            "source": self.source,
            "external_id": self.external_id,
        }


def _utc(moment: datetime) -> datetime:
    # SQLite gives naive UTC datetimes back; PostgreSQL aware ones.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _cursor(run: Run) -> str:
    raw = json.dumps([_utc(run.started_at).isoformat(), run.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BENCH_BOOK_DATABASE_URL"]
    db.init_app(app)

    @app.before_request
    def authenticate() -> None:
        if request.path == "/health":
            return
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            abort(401)
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            abort(401)
        g.runner_id = claims["sub"]

    @app.get("/health")
    def health() -> ResponseReturnValue:
        return {"status": "ok"}

    @app.get("/runs")
    def list_runs() -> ResponseReturnValue:
        limit = request.args.get("limit", 20, type=int)
        if not 1 <= limit <= 100:
            abort(422)
        rows = (
            Run.query.filter_by(runner_id=g.runner_id)
            .order_by(Run.started_at.desc(), Run.id.desc())
            .limit(limit + 1)
            .all()
        )
        page = rows[:limit]
        next_cursor = _cursor(page[-1]) if len(rows) > limit else None
        return jsonify(items=[run.to_json() for run in page], next_cursor=next_cursor)

    return app
