"""Fifty visitors booking at once, most of them after the same few times.

Every client fires its POSTs the moment a shared barrier opens; afterwards the database is
asked directly whether any two live bookings overlap. The only acceptable answers are 201
(booked) and 409 (someone was quicker; here are other times).
"""

import json
import threading
import urllib.request
from collections import Counter
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from coachpro.extensions import db
from coachpro.models import CoachingSession, Consult, ConsultStatus

CLIENTS = 50
ATTEMPTS_PER_CLIENT = 4


@dataclass
class RaceResult:
    clients: int
    codes: Counter
    booked: int
    contested_slots: int
    overlapping_pairs: int

    @property
    def honest(self) -> bool:
        return set(self.codes) <= {201, 409} and self.overlapping_pairs == 0


def booking_race(base: str, app: Flask, starts: list[str], clients: int = CLIENTS) -> RaceResult:
    """`clients` threads, each trying `ATTEMPTS_PER_CLIENT` of `starts` in its own order."""
    barrier = threading.Barrier(clients)
    codes: Counter = Counter()
    lock = threading.Lock()

    def visitor(n: int) -> None:
        mine = [starts[(n + k) % len(starts)] for k in range(ATTEMPTS_PER_CLIENT)]
        barrier.wait()
        for k, start in enumerate(mine):
            body = json.dumps(
                {
                    "start": start,
                    "timezone": "Europe/Berlin",
                    "partner_names": ["Race", "Runner"],
                    "email": f"race{n}-{k}@bench.example",
                }
            ).encode()
            request = urllib.request.Request(
                base + "/api/v1/consults",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    code = response.status
            except urllib.error.HTTPError as error:
                code = error.code
            except OSError:
                code = 0  # the connection failed: counted, and not honest
            with lock:
                codes[code] += 1

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return RaceResult(
        clients=clients,
        codes=codes,
        booked=codes[201],
        contested_slots=len(starts),
        overlapping_pairs=overlapping_live_bookings(app),
    )


def overlapping_live_bookings(app: Flask) -> int:
    """Pairs of live consults that overlap each other, or overlap a live coaching session."""
    with app.app_context():
        a, b = aliased(Consult), aliased(Consult)
        live = ConsultStatus.BOOKED
        consult_pairs = db.session.scalar(
            select(func.count()).where(
                a.status == live,
                b.status == live,
                a.id < b.id,
                a.start_at < b.end_at,
                b.start_at < a.end_at,
            )
        )
        with_sessions = db.session.scalar(
            select(func.count())
            .select_from(Consult)
            .join(
                CoachingSession,
                and_(
                    CoachingSession.status == "scheduled",
                    CoachingSession.start_at < Consult.end_at,
                    Consult.start_at < CoachingSession.end_at,
                ),
            )
            .where(Consult.status == live)
        )
        return consult_pairs + with_sessions
