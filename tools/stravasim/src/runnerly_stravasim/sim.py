"""The simulator's behaviour, behind the HTTP layer: tokens, activities, streams, events."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import secrets
import threading
import time
from collections import Counter
from typing import Any

import httpx
import structlog
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from runnerly_stravasim import demo
from runnerly_stravasim.clock import Clock
from runnerly_stravasim.config import Settings
from runnerly_stravasim.db import (
    AccessToken,
    Activity,
    AuthCode,
    Event,
    Meta,
    RefreshToken,
    Subscription,
    make_engine,
    make_sessions,
)
from runnerly_stravasim.faults import StravaFault, authorization_error, bad_request, not_found
from runnerly_stravasim.ratelimit import Limits, RateLimiter
from runnerly_stravasim.tracks import (
    HR_MAX,
    RUN_SPORTS,
    Spec,
    Track,
    alt_at,
    build_track,
    sample_interval,
    streams,
    window,
)

log = structlog.get_logger("stravasim")

KNOWN_SCOPES = {
    "read",
    "read_all",
    "profile:read_all",
    "profile:write",
    "activity:read",
    "activity:read_all",
    "activity:write",
}
STREAM_KEYS = (
    "time",
    "distance",
    "latlng",
    "altitude",
    "velocity_smooth",
    "heartrate",
    "cadence",
    "watts",
    "temp",
    "moving",
    "grade_smooth",
)
# Strava hands back the same access token while it has more than an hour to live.
REUSE_ACCESS_TOKEN_ABOVE = 3600
# Points a stream keeps at each resolution (Strava's low, medium and high).
RESOLUTIONS = {"low": 100, "medium": 1000, "high": 10_000}
RIDE_TYPES = {"Ride", "VirtualRide", "EBikeRide"}
# "Recent" totals cover the last four weeks.
RECENT = 28 * 86_400


def _token() -> str:
    return secrets.token_hex(20)


class Simulator:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.engine = make_engine(settings.database_path)
        self.sessions = make_sessions(self.engine)
        self.limiter = RateLimiter(
            Limits(
                settings.limit_15min,
                settings.limit_daily,
                settings.read_limit_15min,
                settings.read_limit_daily,
            ),
            clock,
        )
        self.counters: Counter[str] = Counter()
        self._lock = threading.Lock()
        # Scenario state (the admin API), in memory like the rate counters: a suspended
        # application, and a fault answered to every /api/v3 call.
        self.app_active = True
        self.fault: StravaFault | None = None
        # Webhook delivery going wrong: the next N events dropped, a share of them dropped
        # (evenly: a share of 0.25 drops one event in four), every event delivered twice.
        self.drop_next = 0
        self.drop_share = 0.0
        self._drop_debt = 0.0
        self.duplicate = False
        self._ensure_history()

    def now(self) -> int:
        return int(self.clock.now())

    # --- The demo athlete ---------------------------------------------------------------

    def _ensure_history(self) -> None:
        with self.sessions.begin() as db:
            if db.get(Meta, "anchor") is not None:
                return
            anchor = self.now()
            history = demo.demo_history(self.settings.seed, anchor, self.settings.demo_activities)
            db.add(Meta(key="anchor", value=str(anchor)))
            for activity_id, summary, spec in history:
                db.add(
                    Activity(
                        id=activity_id,
                        athlete_id=demo.ATHLETE_ID,
                        start=spec["start"],
                        summary_json=json.dumps(summary),
                        spec_json=json.dumps(spec),
                    )
                )
        log.info("demo history generated", activities=self.settings.demo_activities)

    def anchor(self) -> int:
        with self.sessions() as db:
            meta = db.get(Meta, "anchor")
            return int(meta.value) if meta else self.now()

    def athlete(self) -> dict[str, Any]:
        return demo.athlete(self.settings.seed, self.anchor(), self.gear_distances())

    def _summaries(self, athlete_id: int) -> list[dict[str, Any]]:
        with self.sessions() as db:
            rows = db.scalars(
                select(Activity.summary_json).where(
                    Activity.athlete_id == athlete_id, Activity.deleted.is_(False)
                )
            ).all()
        return [json.loads(row) for row in rows]

    def gear_distances(self) -> dict[str, float]:
        """Metres logged with each piece of the athlete's gear: its activities' distances."""
        totals = dict.fromkeys(demo.GEAR, 0.0)
        for summary in self._summaries(demo.ATHLETE_ID):
            gear_id = summary.get("gear_id")
            if gear_id in totals:
                totals[gear_id] += summary["distance"]
        return {gear_id: round(total, 1) for gear_id, total in totals.items()}

    def gear(self, token: AccessToken, gear_id: str) -> dict[str, Any]:
        if token.athlete_id != demo.ATHLETE_ID or gear_id not in demo.GEAR:
            raise not_found("Gear")
        return demo.detailed_gear(gear_id, self.gear_distances()[gear_id])

    def stats(self, token: AccessToken, athlete_id: int) -> dict[str, Any]:
        """ActivityStats: totals of the athlete's activities visible to everyone."""
        if athlete_id != token.athlete_id:
            raise authorization_error("Athlete", "id", "invalid")
        public = [
            s for s in self._summaries(athlete_id) if s.get("visibility") == "everyone"
        ]
        now = self.now()
        local_now = dt.datetime.fromtimestamp(now, demo.TZ)
        new_year = int(dt.datetime(local_now.year, 1, 1, tzinfo=demo.TZ).timestamp())
        starts = {id(s): demo.from_iso(s["start_date"]) for s in public}
        groups = {
            "run": [s for s in public if s["sport_type"] in RUN_SPORTS],
            "ride": [s for s in public if s["type"] in RIDE_TYPES],
            "swim": [s for s in public if s["type"] == "Swim"],
        }
        out: dict[str, Any] = {
            "biggest_ride_distance": max((s["distance"] for s in groups["ride"]), default=0.0),
            "biggest_climb_elevation_gain": max(
                (s["total_elevation_gain"] for s in groups["ride"]), default=0.0
            ),
        }
        for sport, rows in groups.items():
            recent = [s for s in rows if starts[id(s)] >= now - RECENT]
            out[f"recent_{sport}_totals"] = _totals(recent) | {
                "achievement_count": sum(s.get("achievement_count", 0) for s in recent)
            }
            out[f"all_{sport}_totals"] = _totals(rows)
            out[f"ytd_{sport}_totals"] = _totals([s for s in rows if starts[id(s)] >= new_year])
        return out

    @staticmethod
    def athlete_zones(token: AccessToken) -> dict[str, Any]:
        if "profile:read_all" not in token.scope.split(","):
            raise authorization_error("AccessToken", "profile:read_all_permission", "missing")
        # No power meter and no FTP: Strava then sends heart-rate zones only.
        return {"heart_rate": {"custom_zones": False, "zones": demo.heart_rate_zones()}}

    # --- OAuth ----------------------------------------------------------------------------

    def check_client(
        self, client_id: str | None, client_secret: str | None = None, *, check_secret: bool = True
    ) -> None:
        if client_id != self.settings.client_id:
            raise bad_request("Application", "client_id")
        if check_secret and client_secret != self.settings.client_secret:
            raise bad_request("Application", "client_secret")

    def grant_scopes(self, requested: str | None) -> str:
        scopes = [s for s in (requested or "read").replace(" ", ",").split(",") if s]
        unknown = [s for s in scopes if s not in KNOWN_SCOPES]
        if unknown:
            raise bad_request("Authorize", "scope")
        if "read" not in scopes:
            scopes.insert(0, "read")
        return ",".join(dict.fromkeys(scopes))

    def create_code(self, scope: str) -> str:
        code = _token()
        with self.sessions.begin() as db:
            db.add(
                AuthCode(
                    code=code,
                    client_id=self.settings.client_id,
                    athlete_id=demo.ATHLETE_ID,
                    scope=scope,
                    expires_at=self.clock.now() + self.settings.code_ttl,
                )
            )
        return code

    def _issue(
        self, db: Session, client_id: str, athlete_id: int, scope: str, parent: str | None
    ) -> tuple[AccessToken, RefreshToken]:
        now = self.now()
        access = db.scalars(
            select(AccessToken)
            .where(
                AccessToken.client_id == client_id,
                AccessToken.athlete_id == athlete_id,
                AccessToken.revoked.is_(False),
                AccessToken.scope == scope,
            )
            .order_by(AccessToken.expires_at.desc())
        ).first()
        if parent is None or access is None or access.expires_at - now <= REUSE_ACCESS_TOKEN_ABOVE:
            access = AccessToken(
                token=_token(),
                client_id=client_id,
                athlete_id=athlete_id,
                scope=scope,
                expires_at=now + self.settings.access_token_ttl,
            )
            db.add(access)
        refresh = RefreshToken(
            token=_token(), client_id=client_id, athlete_id=athlete_id, scope=scope, parent=parent
        )
        db.add(refresh)
        return access, refresh

    def _token_response(self, access: AccessToken, refresh: RefreshToken) -> dict[str, Any]:
        return {
            "token_type": "Bearer",
            "expires_at": access.expires_at,
            "expires_in": max(0, access.expires_at - self.now()),
            "refresh_token": refresh.token,
            "access_token": access.token,
        }

    def exchange_code(self, code: str | None) -> dict[str, Any]:
        with self.sessions.begin() as db:
            row = db.get(AuthCode, code or "")
            if row is None or row.used or row.expires_at < self.clock.now():
                raise bad_request("AuthorizationCode", "code")
            row.used = True
            access, refresh = self._issue(db, row.client_id, row.athlete_id, row.scope, None)
            out = self._token_response(access, refresh)
        out["athlete"] = demo.summary_athlete(self.athlete())
        return out

    def refresh(self, token: str | None) -> dict[str, Any]:
        with self.sessions.begin() as db:
            row = db.get(RefreshToken, token or "")
            if row is None or row.revoked or row.client_id != self.settings.client_id:
                raise bad_request("RefreshToken", "refresh_token")
            if not row.used:
                row.used = True
                # First use of a new token: the one it replaced (and its other heirs) go.
                if row.parent:
                    db.execute(
                        update(RefreshToken)
                        .where(RefreshToken.token == row.parent)
                        .values(revoked=True)
                    )
                    db.execute(
                        update(RefreshToken)
                        .where(RefreshToken.parent == row.parent, RefreshToken.token != row.token)
                        .values(revoked=True)
                    )
            access, refresh = self._issue(db, row.client_id, row.athlete_id, row.scope, row.token)
            return self._token_response(access, refresh)

    def authenticate(self, token: str | None) -> AccessToken:
        if not token:
            raise authorization_error()
        with self.sessions() as db:
            row = db.get(AccessToken, token)
        if row is None or row.revoked or row.expires_at <= self.now():
            raise authorization_error()
        return row

    def deauthorize(self, athlete_id: int) -> bool:
        """Revoke every token the athlete gave the app; say whether there were any."""
        with self.sessions.begin() as db:
            live = db.scalar(
                select(func.count())
                .select_from(AccessToken)
                .where(AccessToken.athlete_id == athlete_id, AccessToken.revoked.is_(False))
            )
            live_refresh = db.scalar(
                select(func.count())
                .select_from(RefreshToken)
                .where(RefreshToken.athlete_id == athlete_id, RefreshToken.revoked.is_(False))
            )
            db.execute(
                update(AccessToken).where(AccessToken.athlete_id == athlete_id).values(revoked=True)
            )
            db.execute(
                update(RefreshToken)
                .where(RefreshToken.athlete_id == athlete_id)
                .values(revoked=True)
            )
        return bool(live or live_refresh)

    def expire_access_tokens(self) -> int:
        """Every access token expires now; refresh tokens keep working."""
        with self.sessions.begin() as db:
            result = db.execute(
                update(AccessToken)
                .where(AccessToken.expires_at > self.now())
                .values(expires_at=self.now())
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    # --- Activities -----------------------------------------------------------------------

    @staticmethod
    def _visible(summary: dict[str, Any], scope: str) -> bool:
        return summary.get("visibility") != "only_me" or "activity:read_all" in scope.split(",")

    @staticmethod
    def require_activity_scope(token: AccessToken) -> None:
        scopes = token.scope.split(",")
        if "activity:read" not in scopes and "activity:read_all" not in scopes:
            raise authorization_error("AccessToken", "activity:read_permission", "missing")

    def list_activities(
        self, token: AccessToken, before: int | None, after: int | None, page: int, per_page: int
    ) -> list[dict[str, Any]]:
        query = select(Activity).where(
            Activity.athlete_id == token.athlete_id, Activity.deleted.is_(False)
        )
        if before is not None:
            query = query.where(Activity.start < before)
        if after is not None:
            query = query.where(Activity.start > after)
        # Strava lists newest first, except with `after` alone: then oldest first.
        ascending = after is not None and before is None
        order = (
            (Activity.start.asc(), Activity.id.asc())
            if ascending
            else (Activity.start.desc(), Activity.id.desc())
        )
        with self.sessions() as db:
            rows = db.scalars(query.order_by(*order)).all()
        visible = [r.summary for r in rows if self._visible(r.summary, token.scope)]
        first = (page - 1) * per_page
        return visible[first : first + per_page]

    def _activity(self, token: AccessToken, activity_id: int) -> Activity:
        with self.sessions() as db:
            row = db.get(Activity, activity_id)
        if (
            row is None
            or row.deleted
            or row.athlete_id != token.athlete_id
            or not self._visible(row.summary, token.scope)
        ):
            raise not_found("Activity")
        return row

    @staticmethod
    def _track(row: Activity) -> Track:
        spec = {k: v for k, v in row.spec.items() if k != "description"}
        return build_track(Spec.from_json(spec))

    def detail(self, token: AccessToken, activity_id: int) -> dict[str, Any]:
        row = self._activity(token, activity_id)
        summary = row.summary
        gear_id = summary.get("gear_id")
        gear = None
        if gear_id in demo.GEAR:
            gear = demo.summary_gear(gear_id, self.gear_distances()[gear_id])
        return detailed(summary, self._track(row), row.spec.get("description", ""), gear)

    def laps(self, token: AccessToken, activity_id: int) -> list[dict[str, Any]]:
        row = self._activity(token, activity_id)
        return _laps(row.summary, self._track(row))

    def activity_zones(self, token: AccessToken, activity_id: int) -> list[dict[str, Any]]:
        """Time in each heart-rate zone (none without a heart-rate sensor)."""
        row = self._activity(token, activity_id)
        summary = row.summary
        if not summary.get("has_heartrate"):
            return []
        track = self._track(row)
        zones = demo.heart_rate_zones()
        seconds = [0.0] * len(zones)
        for j in range(len(track.t) - 1):
            beat = (track.hr[j] + track.hr[j + 1]) / 2
            index = next(
                (i for i, z in enumerate(zones) if z["max"] == -1 or beat < z["max"]),
                len(zones) - 1,
            )
            seconds[index] += track.t[j + 1] - track.t[j]
        score = round(summary.get("suffer_score") or 0)
        return [
            {
                "score": score,
                "distribution_buckets": [
                    {"min": z["min"], "max": z["max"], "time": round(t)}
                    for z, t in zip(zones, seconds, strict=True)
                ],
                "type": "heartrate",
                "resource_state": 3,
                "sensor_based": True,
                "points": score,
                "custom_zones": False,
                "max": round(HR_MAX),
            }
        ]

    def streams(
        self,
        token: AccessToken,
        activity_id: int,
        keys: list[str],
        key_by_type: bool,
        resolution: str | None = None,
        series_type: str | None = None,
    ) -> Any:
        row = self._activity(token, activity_id)
        data = streams(self._track(row))
        size = len(data["time"])
        series = series_type or "distance"
        # A resolution keeps that many points at most, taken evenly along the series.
        picked = _sample(data[series], RESOLUTIONS[resolution]) if resolution else None
        wanted = [k for k in STREAM_KEYS if k in keys or k == "distance"]
        # Strava always sends the distance stream, the series the others are sampled on.
        out = []
        for key in wanted:
            if key not in data:
                continue
            values = data[key]
            out.append(
                {
                    "type": key,
                    "data": values if picked is None else [values[i] for i in picked],
                    "series_type": series,
                    "original_size": size,
                    "resolution": resolution or "high",
                }
            )
        if key_by_type:
            return {s["type"]: {k: v for k, v in s.items() if k != "type"} for s in out}
        return out

    # --- Scenario changes (the admin API) -------------------------------------------------

    def create_activity(self, body: dict[str, Any]) -> dict[str, Any]:
        sport = body.get("sport_type", "Run")
        import random as _random

        rng = _random.Random(secrets.randbits(32))
        defaults = {
            "Run": 3.0,
            "TrailRun": 2.6,
            "Ride": 7.5,
            "Walk": 1.4,
            "Swim": 0.8,
            "VirtualRun": 3.0,
            "Hike": 1.2,
        }
        speed = float(body.get("average_speed") or defaults.get(sport, 3.0))
        distance = round(
            float(body.get("distance") or {"Ride": 40_000.0, "Swim": 2_000.0}.get(sport, 8_000.0)),
            1,
        )
        if body.get("moving_time"):
            speed = distance / float(body["moving_time"])
        trainer = bool(body.get("trainer", False))
        start = (
            int(body["start"]) if body.get("start") else self.now() - int(distance / speed) - 600
        )
        gps = not trainer and sport != "Swim"
        place = "trails" if sport == "TrailRun" else "home"
        spec = Spec(
            sport,
            distance,
            [(distance, speed)],
            rng.randrange(1, 2**31),
            start,
            place=place if gps else "",
            route="loop",
            intensity={"Walk": 0.36, "Ride": 0.6}.get(sport, 0.68),
            has_hr=bool(body.get("has_heartrate", True)),
            stops=int(body.get("stops", 0)),
            terrain_seed=self.settings.seed,
        )
        visibility = "only_me" if body.get("private") else body.get("visibility", "everyone")
        planned = demo.Planned(
            spec,
            name=body.get("name", ""),
            trainer=trainer,
            workout_type=body.get("workout_type"),
            visibility=visibility,
            description=body.get("description", ""),
            gear_id=demo.SHOE_ID if sport in RUN_SPORTS else None,
        )
        with self.sessions.begin() as db:
            top = db.scalar(select(func.max(Activity.id))) or 9_000_000_000
            activity_id = int(top) + rng.randrange(50_000, 900_000)
            summary = demo.make_summary(activity_id, planned, build_track(spec))
            spec_json = spec.to_json()
            spec_json["description"] = planned.description
            db.add(
                Activity(
                    id=activity_id,
                    athlete_id=demo.ATHLETE_ID,
                    start=start,
                    summary_json=json.dumps(summary),
                    spec_json=json.dumps(spec_json),
                )
            )
        return summary

    def update_activity(self, activity_id: int, body: dict[str, Any]) -> dict[str, str]:
        """Change title, sport or privacy; return the event's ``updates``."""
        updates: dict[str, str] = {}
        with self.sessions.begin() as db:
            row = db.get(Activity, activity_id)
            if row is None or row.deleted:
                raise not_found("Activity")
            summary = row.summary
            if "name" in body:
                summary["name"] = str(body["name"])
                updates["title"] = summary["name"]
            if "sport_type" in body:
                summary["sport_type"] = str(body["sport_type"])
                summary["type"] = demo.legacy_type(summary["sport_type"])
                updates["type"] = summary["type"]
            if "private" in body:
                private = bool(body["private"])
                summary["private"] = private
                summary["visibility"] = "only_me" if private else "everyone"
                updates["private"] = "true" if private else "false"
            row.summary_json = json.dumps(summary)
        return updates

    def delete_activity(self, activity_id: int) -> None:
        with self.sessions.begin() as db:
            row = db.get(Activity, activity_id)
            if row is None or row.deleted:
                raise not_found("Activity")
            row.deleted = True

    # --- Push subscriptions and events -------------------------------------------------------

    def subscription(self) -> Subscription | None:
        with self.sessions() as db:
            return db.scalars(
                select(Subscription).where(Subscription.client_id == self.settings.client_id)
            ).first()

    def create_subscription(self, callback_url: str, verify_token: str) -> Subscription:
        if self.subscription() is not None:
            raise bad_request("PushSubscription", "", "already exists")
        challenge = secrets.token_hex(8)
        try:
            response = httpx.get(
                callback_url,
                params={
                    "hub.mode": "subscribe",
                    "hub.challenge": challenge,
                    "hub.verify_token": verify_token,
                },
                timeout=self.settings.webhook_timeout,
            )
            echoed = response.json().get("hub.challenge") if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            echoed = None
        if echoed != challenge:
            raise bad_request("PushSubscription", "callback url", "not verifiable")
        now = self.now()
        with self.sessions.begin() as db:
            row = Subscription(
                client_id=self.settings.client_id,
                callback_url=callback_url,
                verify_token=verify_token,
                created_at=now,
                updated_at=now,
            )
            db.add(row)
        return row

    def delete_subscription(self, subscription_id: int) -> None:
        with self.sessions.begin() as db:
            row = db.get(Subscription, subscription_id)
            if row is None or row.client_id != self.settings.client_id:
                raise not_found("PushSubscription")
            db.delete(row)

    def record_event(
        self,
        object_type: str,
        object_id: int,
        aspect_type: str,
        updates: dict[str, str] | None = None,
    ) -> int | None:
        """Queue an event for the app's subscription; its id, or None without one."""
        subscription = self.subscription()
        if subscription is None:
            return None
        payload = {
            "aspect_type": aspect_type,
            "event_time": self.now(),
            "object_id": object_id,
            "object_type": object_type,
            "owner_id": demo.ATHLETE_ID,
            "subscription_id": subscription.id,
            "updates": updates or {},
        }
        with self._lock:
            dropped = self._drops_next_event()
        with self.sessions.begin() as db:
            row = Event(
                subscription_id=subscription.id,
                payload_json=json.dumps(payload),
                status="dropped" if dropped else "pending",
            )
            db.add(row)
            db.flush()
            return row.id

    def _drops_next_event(self) -> bool:
        if self.drop_next > 0:
            self.drop_next -= 1
            return True
        self._drop_debt += self.drop_share
        if self.drop_share > 0 and self._drop_debt >= 1.0 - 1e-9:
            self._drop_debt -= 1.0
            return True
        return False

    def set_webhook_scenario(
        self,
        *,
        drop_next: int | None = None,
        drop_share: float | None = None,
        duplicate: bool | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            if drop_next is not None:
                self.drop_next = drop_next
            if drop_share is not None:
                self.drop_share = drop_share
                self._drop_debt = 0.0
            if duplicate is not None:
                self.duplicate = duplicate
            return {
                "drop_next": self.drop_next,
                "drop_share": self.drop_share,
                "duplicate": self.duplicate,
            }

    def deliver(self, event_id: int) -> None:
        """POST an event to the callback; retry up to ``webhook_retries`` times."""
        with self.sessions() as db:
            row = db.get(Event, event_id)
            subscription = db.get(Subscription, row.subscription_id) if row else None
        if row is None or subscription is None:
            return
        if row.status == "dropped":
            log.info("webhook event dropped", event_id=event_id)
            return
        payload = json.loads(row.payload_json)
        status, error, attempts = "failed", "", 0
        for attempt in range(1 + self.settings.webhook_retries):
            attempts = attempt + 1
            try:
                response = httpx.post(
                    subscription.callback_url, json=payload, timeout=self.settings.webhook_timeout
                )
                if response.status_code == 200:
                    status, error = "delivered", ""
                    if self.duplicate:
                        # At-least-once delivery: the same event a second time.
                        httpx.post(
                            subscription.callback_url,
                            json=payload,
                            timeout=self.settings.webhook_timeout,
                        )
                        status = "duplicated"
                    break
                error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            if attempt < self.settings.webhook_retries:
                time.sleep(self.settings.webhook_retry_delay)
        with self.sessions.begin() as db:
            db.execute(
                update(Event)
                .where(Event.id == event_id)
                .values(status=status, attempts=attempts, last_error=error)
            )
        log.info("webhook event", event_id=event_id, status=status, attempts=attempts)

    def events(self) -> list[dict[str, Any]]:
        with self.sessions() as db:
            rows = db.scalars(select(Event).order_by(Event.id)).all()
        return [
            {
                "id": r.id,
                "payload": json.loads(r.payload_json),
                "status": r.status,
                "attempts": r.attempts,
                "last_error": r.last_error,
            }
            for r in rows
        ]

    def clear_events(self) -> None:
        with self.sessions.begin() as db:
            db.execute(delete(Event))


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """An ActivityTotal: the sums of the activities' own numbers."""
    return {
        "count": len(rows),
        "distance": round(sum(s["distance"] for s in rows), 1),
        "moving_time": sum(s["moving_time"] for s in rows),
        "elapsed_time": sum(s["elapsed_time"] for s in rows),
        "elevation_gain": round(sum(s["total_elevation_gain"] for s in rows), 1),
    }


def _sample(series: list[float], points: int) -> list[int] | None:
    """Indices of at most ``points`` values evenly spread along a non-decreasing series
    (first and last kept), or None when the series is short enough already."""
    if len(series) <= points:
        return None
    first, last = series[0], series[-1]
    targets = [first + (last - first) * i / (points - 1) for i in range(points)]
    picked = [min(len(series) - 1, bisect.bisect_left(series, t)) for t in targets]
    return sorted(set(picked))


def require(value: str | None, resource: str, field: str) -> str:
    if not value:
        raise StravaFault(400, "Bad Request", resource, field, "missing")
    return value


# --- Detailed activities ---------------------------------------------------------------------


def _splits(track: Track, unit: float, has_hr: bool) -> list[dict[str, Any]]:
    out = []
    start, index = 0.0, 1
    total = track.spec.distance
    while start < total - 0.05:
        end = min(total, start + unit)
        w = window(track, start, end)
        split: dict[str, Any] = {
            "distance": round(end - start, 1),
            "elapsed_time": round(w["elapsed"]),
            "elevation_difference": round(alt_at(track, end) - alt_at(track, start), 1),
            "moving_time": round(w["moving"]),
            "split": index,
            "average_speed": round((end - start) / max(1.0, w["moving"]), 2),
            "average_grade_adjusted_speed": round((end - start) / max(1.0, w["moving"]), 2),
            "pace_zone": 0,
        }
        if has_hr:
            split["average_heartrate"] = round(w["hr"], 1)
        out.append(split)
        start, index = end, index + 1
    return out


def _laps(summary: dict[str, Any], track: Track) -> list[dict[str, Any]]:
    spec = track.spec
    bounds: list[tuple[float, float]] = []
    if spec.extra.get("laps") == "segments":
        done = 0.0
        for length, _ in spec.segments:
            bounds.append((done, min(spec.distance, done + length)))
            done += length
    elif spec.sport_type in RUN_SPORTS and track.lat:
        done = 0.0
        while done < spec.distance - 0.05:
            bounds.append((done, min(spec.distance, done + 1000.0)))
            done += 1000.0
    else:
        bounds.append((0.0, spec.distance))
    dt = sample_interval(track) * (track.elapsed / max(1, round(track.elapsed)))
    laps = []
    for index, (a, b) in enumerate(bounds, start=1):
        w = window(track, a, b)
        gain = 0.0
        if track.alt:
            lo, hi = int(a / track.step), min(len(track.alt) - 1, int(b / track.step))
            gain = sum(max(0.0, track.alt[i + 1] - track.alt[i]) for i in range(lo, hi))
        lap: dict[str, Any] = {
            "id": summary["id"] * 100 + index,
            "resource_state": 2,
            "name": f"Lap {index}",
            "activity": {"id": summary["id"], "resource_state": 1},
            "athlete": dict(summary["athlete"]),
            "elapsed_time": round(w["elapsed"]),
            "moving_time": round(w["moving"]),
            "start_date": demo.iso(track.spec.start + w["t0"]),
            "start_date_local": demo.local_parts(int(track.spec.start + w["t0"]))[0],
            "distance": round(b - a, 1),
            "start_index": round(w["t0"] / dt),
            "end_index": round(w["t1"] / dt),
            "total_elevation_gain": round(gain, 1),
            "average_speed": round((b - a) / max(1.0, w["moving"]), 3),
            "max_speed": round(w["max_speed"] * 1.03, 3),
            "device_watts": False,
            "lap_index": index,
            "split": index,
            "pace_zone": 0,
        }
        if w["cadence"]:
            lap["average_cadence"] = round(w["cadence"], 1)
        if spec.has_hr:
            lap["average_heartrate"] = round(w["hr"], 1)
            lap["max_heartrate"] = float(round(w["hr"] + 6))
        laps.append(lap)
    return laps


def detailed(
    summary: dict[str, Any], track: Track, description: str, gear: dict[str, Any] | None
) -> dict[str, Any]:
    """A DetailedActivity (resource_state 3): the summary plus map, splits and laps."""
    out = dict(summary)
    out["resource_state"] = 3
    out["description"] = description or None
    out["map"] = {
        "id": summary["map"]["id"],
        "polyline": demo.full_polyline(track),
        "summary_polyline": summary["map"]["summary_polyline"],
        "resource_state": 3,
    }
    sport = track.spec.sport_type
    weight = 58.0
    factor = {"Ride": 0.25, "GravelRide": 0.28, "Swim": 2.4, "Walk": 0.55}.get(sport, 1.0)
    out["calories"] = round(weight * summary["distance"] / 1000 * factor, 1)
    out["segment_efforts"] = []
    out["best_efforts"] = []
    if sport in RUN_SPORTS or sport == "Walk":
        out["splits_metric"] = _splits(track, 1000.0, track.spec.has_hr)
        out["splits_standard"] = _splits(track, 1609.34, track.spec.has_hr)
    out["laps"] = _laps(summary, track)
    if gear is not None:
        out["gear"] = gear
    out["photos"] = {"primary": None, "count": 0}
    out["stats_visibility"] = [
        {"type": "heart_rate", "visibility": "everyone"},
        {"type": "pace", "visibility": "everyone"},
    ]
    out["hide_from_home"] = False
    out["embed_token"] = secrets.token_hex(20)
    out["available_zones"] = []
    return out
