"""The hot paths the HTTP benchmark measures: one entry of ``SCENARIOS`` each.

A scenario names a method, a URL template whose ``{course}``, ``{lesson}`` or
``{media}`` is drawn per request from the seeded world (``PICKS``: one of the
learner's courses, a lesson they may open, a media file), how the request signs in
(``token``: a bearer token; ``session``: a session cookie from the real login
form; ``none``) and whether it is a ``read`` or a ``write`` (which floor it is
compared with). Adding a hot path (quiz start/autosave/submit, the JP report,
the verify page) is one more entry here, plus a pick when its URL needs a new
kind of id and a seeder in ``seed.py`` when it needs data that is not there yet.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from seed import Learner, OpenAttempt, World

Pick = Callable[[Learner, World, random.Random], str]


@dataclass(frozen=True)
class Request:
    """One HTTP request as wrk (and the in-process client) sends it."""

    method: str
    path: str
    headers: dict[str, str]
    body: str = ""

    def line(self) -> str:
        """The request-file line ``bench/wrk/requests.lua`` reads (tab-separated)."""
        return "\t".join([self.method, self.path, self.body, *[f"{k}: {v}" for k, v in self.headers.items()]])


def course(learner: Learner, world: World, rng: random.Random) -> str:
    """One of the learner's courses (the outline then carries their marks)."""
    return rng.choice(learner.courses)


def lesson(learner: Learner, world: World, rng: random.Random) -> str:
    """A lesson the learner may open: any lesson of a free-order course, module 1 of a sequential one."""
    return str(rng.choice(world.course(course(learner, world, rng)).open_lessons))


def media(learner: Learner, world: World, rng: random.Random) -> str:
    """``CODE/PATH?v=HASH`` of a media file of one of the learner's courses, as lessons link to it."""
    chosen = world.course(course(learner, world, rng))
    path, sha = rng.choice(chosen.media)
    return f"{chosen.code}/{quote(path)}?v={sha[:12]}"


def certificate(learner: Learner, world: World, rng: random.Random) -> str:
    """The verification code of a seeded certificate (anyone may verify any)."""
    return rng.choice(world.certificates)


def report_page(learner: Learner, world: World, rng: random.Random) -> str:
    """A page of the JP report (50 rows each) of one government's 4 000 learners at scale 1."""
    return str(rng.randint(1, 80))


#: What a ``{name}`` in a scenario's URL is replaced with, drawn per request.
PICKS: dict[str, Pick] = {
    "course": course,
    "lesson": lesson,
    "media": media,
    "certificate": certificate,
    "page": report_page,
}


@dataclass(frozen=True)
class Scenario:
    """A hot path: method, URL template (``{name}`` drawn from ``PICKS``), how it signs in, read or write."""

    name: str
    label: str
    method: str
    url: str
    auth: str  # "token" | "session" | "none" | "coordinator" (the seeded coordinator's token)
    kind: str  # "read" | "write": compared with /floor/read or /floor/write
    body: Pick | None = None  # a JSON body, for writes that send one
    #: Quiz scenarios act on a seeded open attempt (``{attempt}``, ``{quiz}``) as its owner: "save" draws
    #: from ``World.save_pool`` at random; "submit" walks ``World.submit_pool``, each attempt once.
    attempts: str | None = None
    answers: bool = False  # send the attempt's answers as the body: {"answers": {...}}

    @property
    def once(self) -> bool:
        """Each request may be sent once only (wrk walks the file instead of drawing from it)."""
        return self.attempts == "submit"

    @property
    def title(self) -> str:
        """How the results table names it."""
        shown = self.url.replace("{course}", "{code}").replace("{lesson}", "{id}").replace("{media}", "{code}/{path}")
        shown = shown.replace("{attempt}", "{id}").replace("{quiz}", "{id}")
        return f"{self.label} `{self.method} {shown}`"

    def path_for(self, learner: Learner, world: World, rng: random.Random) -> str:
        """The URL with every ``{name}`` drawn for ``learner``."""
        values = {name: pick(learner, world, rng) for name, pick in PICKS.items() if f"{{{name}}}" in self.url}
        return self.url.format(**values)


SCENARIOS: list[Scenario] = [
    Scenario("api_catalogue", "API catalogue", "GET", "/api/v1/courses", "token", "read"),
    Scenario("page_catalogue", "page catalogue", "GET", "/", "session", "read"),
    Scenario("api_outline", "API outline", "GET", "/api/v1/courses/{course}", "token", "read"),
    Scenario("page_outline", "page outline", "GET", "/courses/{course}", "session", "read"),
    Scenario("api_lesson", "API lesson", "GET", "/api/v1/lessons/{lesson}", "token", "write"),
    Scenario("page_lesson", "page lesson", "GET", "/lessons/{lesson}", "session", "write"),
    Scenario("media", "media", "GET", "/media/{media}", "session", "read"),
    Scenario("login_page", "sign-in page", "GET", "/login", "none", "read"),
    Scenario("page_verify", "verify page", "GET", "/verify/{certificate}", "none", "read"),
    Scenario("api_jp_report", "API JP report", "GET", "/api/v1/reports/jp?page={page}", "coordinator", "read"),
    Scenario("api_quiz_resume", "API quiz resume", "POST", "/api/v1/quizzes/{quiz}/attempts", "token", "write",
             attempts="save"),
    Scenario("api_quiz_save", "API quiz autosave", "PUT", "/api/v1/attempts/{attempt}/answers", "token", "write",
             attempts="save", answers=True),
    Scenario("api_quiz_submit", "API quiz submit", "POST", "/api/v1/attempts/{attempt}/submit", "token", "write",
             attempts="submit", answers=True),
]  # fmt: skip


def by_name(names: Sequence[str] | None) -> list[Scenario]:
    """The scenarios named (all when ``names`` is empty), in table order; unknown names raise."""
    if not names:
        return list(SCENARIOS)
    known = {s.name: s for s in SCENARIOS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [s for s in SCENARIOS if s.name in names]


def auth_headers(scenario: Scenario, learner: Learner) -> dict[str, str]:
    """The header that signs ``learner`` in the way ``scenario`` does."""
    if scenario.auth == "token":
        return {"Authorization": f"Bearer {learner.token}"}
    if scenario.auth == "session":
        return {"Cookie": f"session={learner.cookie}"}
    return {}


def learners_for(scenario: Scenario, world: World) -> list[Learner]:
    """The learners a scenario can act as (a session scenario needs a signed-in cookie)."""
    if scenario.auth == "session":
        return [learner for learner in world.learners if learner.cookie]
    return list(world.learners)


def attempt_request(scenario: Scenario, world: World, attempt: OpenAttempt) -> Request:
    """A quiz request on ``attempt`` by its owner."""
    owner = next(learner for learner in world.learners if learner.user_id == attempt.user_id)
    headers = auth_headers(scenario, owner)
    body = json.dumps({"answers": attempt.answers}, separators=(",", ":")) if scenario.answers else ""
    if body:
        headers["Content-Type"] = "application/json"
    return Request(scenario.method, scenario.url.format(attempt=attempt.id, quiz=attempt.quiz_id), headers, body)


def make_request(scenario: Scenario, world: World, rng: random.Random, learner: Learner | None = None) -> Request:
    """One request of ``scenario`` as a random (or the given) learner."""
    if scenario.attempts == "save":
        return attempt_request(scenario, world, rng.choice(world.save_pool))
    if scenario.attempts == "submit":  # a spare one from the end of the pool (the bench walks it from the start)
        return attempt_request(scenario, world, rng.choice(world.submit_pool[-SPARE_SUBMITS:]))
    pool = learners_for(scenario, world)
    if not pool:
        raise RuntimeError(f"{scenario.name}: no learner can sign in this way (no session cookies?)")
    who = learner or rng.choice(pool)
    headers = auth_headers(scenario, who)
    if scenario.auth == "coordinator":
        headers = {"Authorization": f"Bearer {world.coordinator_token}"}
    if scenario.name == "page_verify":  # people scanning from many phones, not one scraper
        headers["X-Forwarded-For"] = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    body = scenario.body(who, world, rng) if scenario.body else ""
    if body:
        headers["Content-Type"] = "application/json"
    return Request(scenario.method, scenario.path_for(who, world, rng), headers, body)


#: Submit-pool attempts kept out of the HTTP runs, for the in-process query count and profile.
SPARE_SUBMITS = 20


def write_requests(
    scenario: Scenario, world: World, path: Path, count: int, rng: random.Random, part: tuple[int, int] = (0, 1)
) -> int:
    """Write ``count`` random requests of ``scenario`` for wrk; the number of distinct requests. A
    once-only scenario writes its pool's attempts in order instead, the ``part[0]``-th of ``part[1]``
    equal shares (one per server variant measured), without the spares."""
    if scenario.once:
        pool = world.submit_pool[:-SPARE_SUBMITS]
        share = len(pool) // part[1]
        chosen = pool[part[0] * share : (part[0] + 1) * share]
        requests = [attempt_request(scenario, world, attempt).line() for attempt in chosen]
    else:
        requests = [make_request(scenario, world, rng).line() for _ in range(count)]
    path.write_text("\n".join(requests) + "\n", encoding="utf-8")
    return len(set(requests))
