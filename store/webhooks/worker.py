"""The webhook delivery worker: lease due deliveries, sign and POST them, record each attempt.

Queue: the outbox tables themselves (``webhook_deliveries``), with ``FOR UPDATE SKIP
LOCKED`` to pick rows and a lease (``lease_until``, ``lease_owner``) committed before the
HTTP call. Why not procrastinate or pgqueuer: both are PostgreSQL-only, while Roundwise
runs on SQLite by default; the outbox rows must be written by the judging statement itself
(``store.outbox.decision_clauses``), which a queue library's own job table and API would
not allow without a second insert; and what we need of a queue is one indexed UPDATE.

- **At least once**: a delivery stays ``pending`` until an attempt got a 2xx; a worker
  killed mid-attempt leaves a lease that expires (``lease_seconds``, longer than the HTTP
  timeout), after which any worker takes the delivery again.
- **Never twice at once**: a delivery is leased by one worker at a time. On PostgreSQL
  several workers run at once: ``SKIP LOCKED`` lets each pick rows no other worker is
  claiming, and the lease keeps them off a row while its attempt runs. On SQLite claims
  are serialised by its write lock (``BEGIN IMMEDIATE``), so several workers are correct
  there too, but one is the intended set-up (``roundwise serve`` runs one in-process).
- **Backoff**: after a failed attempt ``n`` the next waits ``base * 2**(n-1)`` capped at
  ``backoff_max``, times a random factor in [0.5, 1] (jitter, so endpoints that come back
  are not hit by every retry at once); after ``max_attempts`` the delivery is ``failed``
  (the user may redeliver it).
- **Disabling**: each endpoint counts consecutive failed attempts from the first one
  (``failing_since``); once there are ``disable_after_failures`` of them spanning at least
  ``disable_after_seconds`` the endpoint is disabled, until the user enables it again.
- **Where it may connect**: the URL's host is checked again before each attempt
  (``addresses.check_url``), and redirects are never followed. The HTTP client resolves
  the name once more when it connects, so a DNS answer changed in between (rebinding)
  is not caught; the check is a guard against configuration, not a network firewall.
- **Retention**: every ``prune_every_seconds`` the worker deletes messages older than
  ``retention_seconds`` (7 days) that have nothing pending (``retention.py``).
- **Announcing**: every ``announce_every_seconds`` the worker queues the deemed approvals
  and scope alerts no transaction could (``announce.py``), each once, judged at
  ``clock()`` (tests move it forward).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from standardwebhooks import Webhook

from roundwise.engine.errors import RoundwiseError
from roundwise.store import jsoncodec
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.ids import new_id
from roundwise.store.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from roundwise.store.outbox import DELIVERED, FAILED, PENDING
from roundwise.store.webhooks.addresses import check_url
from roundwise.store.webhooks.announce import ScanResult, announce
from roundwise.store.webhooks.retention import prune_messages

log = logging.getLogger("roundwise.webhooks")

SNIPPET_BYTES = 1024
USER_AGENT = "Roundwise-Webhooks/1"


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """How the worker delivers (``api.settings.Settings.webhooks_*`` in a deployment)."""

    allow_private: bool = False
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    backoff_base_seconds: float = 5.0
    backoff_max_seconds: float = 3600.0
    max_attempts: int = 30
    disable_after_failures: int = 30
    disable_after_seconds: float = 86_400.0
    batch: int = 8
    poll_seconds: float = 1.0
    retention_seconds: float = 7 * 86_400.0
    prune_every_seconds: float = 600.0
    announce_every_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class Job:
    """A leased delivery and what sending it needs."""

    delivery_id: str
    attempts: int
    message_id: str
    event_type: str
    payload: dict[str, Any]
    created_at: datetime
    endpoint_id: str
    url: str
    secret: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """One attempt: the status (None: no response), latency, response start, error."""

    at: datetime
    status_code: int | None
    latency_ms: int
    snippet: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class Worker:
    """One delivery worker (``owner`` names its leases)."""

    db: Database
    config: WorkerConfig = field(default_factory=WorkerConfig)
    owner: str = field(default_factory=lambda: new_id("wkr"))
    clock: Callable[[], datetime] = utcnow

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set; a failed round (database away) is logged and
        retried after a poll interval, so the worker outlives it."""
        with (
            httpx.Client(follow_redirects=False, headers={"user-agent": USER_AGENT}) as client,
            ThreadPoolExecutor(self.config.batch, "roundwise-webhook") as pool,
        ):
            next_prune = time.monotonic() + random.uniform(0, self.config.prune_every_seconds)
            next_announce = time.monotonic()
            while not stop.is_set():
                try:
                    if time.monotonic() >= next_announce:
                        next_announce = time.monotonic() + self.config.announce_every_seconds
                        self.announce()
                    done = self.run_once(client, pool)
                    if time.monotonic() >= next_prune:
                        next_prune = time.monotonic() + self.config.prune_every_seconds
                        self.prune()
                except Exception:  # the loop must outlive a failed round
                    log.exception("webhook delivery round failed; retrying")
                    done = 0
                if done == 0:
                    stop.wait(self.config.poll_seconds)

    def prune(self) -> int:
        """Delete the messages past retention with nothing left to send (``retention``)."""
        keep = timedelta(seconds=self.config.retention_seconds)
        removed = prune_messages(self.db.writes, utcnow(), keep)
        if removed:
            log.info("pruned %d delivered webhook message(s)", removed)
        return removed

    def announce(self) -> ScanResult:
        """Queue the deemed approvals and scope alerts reached by ``clock()``, each once
        (``announce``)."""
        return announce(self.db, self.clock())

    def run_once(self, client: httpx.Client, pool: ThreadPoolExecutor | None = None) -> int:
        """Lease the due deliveries (up to ``batch``), attempt them (in ``pool``'s threads
        when given) and record each outcome; the number attempted."""
        jobs = self.claim(utcnow())
        if pool is None:
            outcomes = [self.attempt(client, job) for job in jobs]
        else:
            outcomes = list(pool.map(lambda job: self.attempt(client, job), jobs))
        for job, outcome in zip(jobs, outcomes, strict=True):
            self.record(job, outcome)
        return len(jobs)

    def claim(self, now: datetime) -> list[Job]:
        """Lease up to ``batch`` due deliveries of enabled endpoints.

        A plain read first: an idle poll takes no lock (on SQLite, a write transaction
        would take the database's write lock every poll). Then, only if something is
        due, the claim proper in one write transaction.
        """
        with self.db.reads() as session:
            if session.scalars(_due(now, 1, lock=False)).first() is None:
                return []
        until = now + timedelta(seconds=self.config.lease_seconds)
        with self.db.writes() as session:
            ids = list(session.scalars(_due(now, self.config.batch)))
            if not ids:
                return []
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids))
                .values(lease_until=until, lease_owner=self.owner)
            )
            rows = session.execute(_job_query().where(WebhookDelivery.id.in_(ids))).all()
            session.commit()
        return [Job(*row) for row in rows]

    def attempt(self, client: httpx.Client, job: Job) -> Outcome:
        """POST the signed message to the endpoint once; never raises."""
        started, at = time.perf_counter(), utcnow()
        try:
            check_url(job.url, allow_private=self.config.allow_private)
            body = message_body(job)
            headers = signed_headers(job, body, at)
            with client.stream(
                "POST", job.url, content=body, headers=headers, timeout=self.config.timeout_seconds
            ) as response:
                status = response.status_code
                snippet = _snippet(response, started + self.config.timeout_seconds)
        except RoundwiseError as exc:
            return Outcome(at, None, _ms(started), error=exc.message[:1000])
        except (httpx.HTTPError, OSError, ValueError) as exc:
            return Outcome(at, None, _ms(started), error=f"{type(exc).__name__}: {exc}"[:1000])
        return Outcome(at, status, _ms(started), snippet)

    def record(self, job: Job, outcome: Outcome) -> None:
        """Store the attempt and move the delivery (and its endpoint's failure run) on."""
        with self.db.writes() as session:
            session.add(
                WebhookAttempt(
                    delivery_id=job.delivery_id,
                    attempted_at=outcome.at,
                    status_code=outcome.status_code,
                    latency_ms=outcome.latency_ms,
                    response_snippet=outcome.snippet,
                    error=outcome.error,
                )
            )
            delivery = session.get(WebhookDelivery, job.delivery_id, with_for_update=True)
            endpoint = session.get(WebhookEndpoint, job.endpoint_id, with_for_update=True)
            if delivery is not None and delivery.lease_owner == self.owner:
                self._advance(delivery, outcome)
            if endpoint is not None:
                self._track(endpoint, outcome)
            session.commit()

    def _advance(self, delivery: WebhookDelivery, outcome: Outcome) -> None:
        delivery.lease_until = delivery.lease_owner = None
        delivery.last_status, delivery.last_error = outcome.status_code, outcome.error
        if outcome.ok:
            delivery.state, delivery.delivered_at = DELIVERED, outcome.at
            return
        delivery.attempts += 1
        if delivery.attempts >= self.config.max_attempts:
            delivery.state = FAILED
            return
        delivery.next_attempt_at = outcome.at + timedelta(seconds=self.backoff(delivery.attempts))

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failed attempts (exponential, jittered)."""
        config = self.config
        doubled = config.backoff_base_seconds * 2.0 ** min(attempts - 1, 60)
        delay: float = min(config.backoff_max_seconds, doubled)
        return delay * random.uniform(0.5, 1.0)  # jitter, not secrecy

    def _track(self, endpoint: WebhookEndpoint, outcome: Outcome) -> None:
        """Count the endpoint's failure run; disable it once the run is sustained."""
        if outcome.ok:
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
            return
        endpoint.consecutive_failures += 1
        endpoint.failing_since = endpoint.failing_since or outcome.at
        lasted = (outcome.at - endpoint.failing_since).total_seconds()
        config = self.config
        if (
            endpoint.enabled
            and endpoint.consecutive_failures >= config.disable_after_failures
            and lasted >= config.disable_after_seconds
        ):
            endpoint.enabled = False
            endpoint.disabled_reason = (
                f"disabled after {endpoint.consecutive_failures} consecutive failed "
                f"attempts since {endpoint.failing_since.isoformat()}"
            )
            endpoint.updated_at = outcome.at
            log.warning("webhook endpoint %s disabled: %s", endpoint.id, endpoint.disabled_reason)


def _due(now: datetime, limit: int, *, lock: bool = True) -> Any:
    """Due, unleased (or lease expired) pending deliveries of enabled endpoints, oldest
    due first, locked for the claim and skipping rows another worker is claiming."""
    query = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.state == PENDING,
            WebhookDelivery.next_attempt_at <= now,
            (WebhookDelivery.lease_until.is_(None)) | (WebhookDelivery.lease_until < now),
            WebhookEndpoint.enabled.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    return query.with_for_update(of=WebhookDelivery, skip_locked=True) if lock else query


def _job_query() -> Any:
    return (
        select(
            WebhookDelivery.id,
            WebhookDelivery.attempts,
            WebhookMessage.id,
            WebhookMessage.event_type,
            WebhookMessage.payload,
            WebhookMessage.created_at,
            WebhookEndpoint.id,
            WebhookEndpoint.url,
            WebhookEndpoint.secret,
        )
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
    )


def message_body(job: Job) -> bytes:
    """The JSON body: Standard Webhooks' ``type``, ``timestamp`` and ``data``."""
    envelope = {"type": job.event_type, "timestamp": job.created_at, "data": job.payload}
    return jsoncodec.dumps(envelope)


def signed_headers(job: Job, body: bytes, at: datetime) -> dict[str, str]:
    """``webhook-id`` (the message id: the same on every attempt), ``webhook-timestamp``
    and ``webhook-signature`` (Standard Webhooks v1, HMAC-SHA256)."""
    signature = Webhook(job.secret).sign(job.message_id, at, body)
    return {
        "content-type": "application/json",
        "webhook-id": job.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def _snippet(response: httpx.Response, deadline: float) -> str:
    """The first KiB of the response body, as text (the rest is never read), or what
    came before ``deadline`` (``time.perf_counter``): a body dripping in byte by byte
    must not hold the attempt past its lease."""
    taken = bytearray()
    for chunk in response.iter_bytes():
        taken += chunk
        if len(taken) >= SNIPPET_BYTES or time.perf_counter() > deadline:
            break
    return bytes(taken[:SNIPPET_BYTES]).decode("utf-8", "replace")


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def deliver_until_stopped(db: Database, config: WorkerConfig, stop: threading.Event) -> None:
    """Run one worker on ``db`` until ``stop`` is set (``roundwise worker``, and the
    thread ``roundwise serve`` starts)."""
    Worker(db, config).run(stop)


def start_thread(db: Database, config: WorkerConfig) -> tuple[threading.Thread, threading.Event]:
    """A worker in a daemon thread of its own (not the app's thread pool, whose few
    threads serve requests: an attempt can wait up to the HTTP timeout)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=deliver_until_stopped,
        args=(db, config, stop),
        name="roundwise-webhooks",
        daemon=True,
    )
    thread.start()
    return thread, stop


__all__ = [
    "Job",
    "Outcome",
    "Worker",
    "WorkerConfig",
    "deliver_until_stopped",
    "message_body",
    "signed_headers",
    "start_thread",
]
