"""The JP report: every learner in scope with 0 JP included, the contract's CSV, scopes, and totals
equal to a brute-force recount on generated data across year boundaries in WIB, WITA and WIT."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elearn.accounts.models import User
from elearn.catalogue.policy import Actor
from elearn.extensions import db
from elearn.reports.models import JpEntry
from elearn.reports.queries import jp_report
from tests.factories import DINKES, MANOKWARI, SORONG

Tokens = Callable[[User], dict[str, str]]


def entry(user: User, jp: int, at: dt.datetime, *, title: str = "Kursus", competency: str = "teknis") -> JpEntry:
    """A ledger entry as completion writes one."""
    return JpEntry(
        user_id=user.id, source="external", title=title, competency=competency, method="seminar",
        organiser="BKPSDM", jp=jp, started_on=at.date(), ended_on=at.date(), earned_at=at,
    )  # fmt: skip


@pytest.fixture
def staff(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    """Two people in Dinkes, one in Sorong's root unit, one in Manokwari; a coordinator and an admin."""
    return {
        "ani": make_user("ani", unit=DINKES, name="Ani"),
        "budi": make_user("budi", unit=DINKES, name="Budi"),
        "citra": make_user("citra", unit=SORONG, name="Citra"),
        "dodi": make_user("dodi", unit=MANOKWARI, name="Dodi"),
        "koord": make_user("koord", role="coordinator", unit=SORONG, name="Koordinator"),
        "admin": make_user("root", role="admin", unit=None, name="Admin"),
    }


def test_the_report_lists_everyone_in_scope_with_0_jp_and_met_against_the_target(
    client: FlaskClient, staff: dict[str, User], token_for: Tokens
) -> None:
    moment = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)
    db.session.add_all(
        [entry(staff["ani"], 12, moment), entry(staff["ani"], 8, moment), entry(staff["dodi"], 30, moment)]
    )
    db.session.add(entry(staff["budi"], 50, dt.datetime(2025, 6, 1, tzinfo=dt.UTC)))  # another year
    db.session.commit()
    headers = token_for(staff["koord"])
    body = client.get("/api/v1/reports/jp?year=2026", headers=headers).get_json()
    assert (body["year"], body["target"], body["total"]) == (2026, 20, 4)
    rows = {item["username"]: (item["jp"], item["met"]) for item in body["items"]}
    assert rows == {"ani": (20, True), "budi": (0, False), "citra": (0, False), "koord": (0, False)}
    paged = client.get("/api/v1/reports/jp?year=2026&per_page=3&page=2", headers=headers).get_json()
    assert len(paged["items"]) == 1 and paged["total"] == 4
    first = client.get("/api/v1/reports/jp?year=2026&per_page=3", headers=headers).get_json()["items"]
    assert {i["username"] for i in first} | {paged["items"][0]["username"]} == set(rows)
    unit = client.get(f"/api/v1/reports/jp?year=2026&unit={DINKES}", headers=headers).get_json()
    assert [i["username"] for i in unit["items"]] == ["ani", "budi"]
    outside = client.get(f"/api/v1/reports/jp?year=2026&unit={MANOKWARI}", headers=headers)
    assert outside.status_code == 403 and outside.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/reports/jp", headers=token_for(staff["ani"])).status_code == 403
    everyone = client.get("/api/v1/reports/jp?year=2026", headers=token_for(staff["admin"])).get_json()
    assert everyone["total"] == 6


def test_the_csv_is_whole_has_the_contract_header_and_neutralises_formulas(
    client: FlaskClient, staff: dict[str, User], token_for: Tokens
) -> None:
    staff["budi"].name = '=HYPERLINK("http://evil","klik")'
    db.session.add(entry(staff["ani"], 21, dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
    db.session.commit()
    answer = client.get("/api/v1/reports/jp?year=2026&format=csv&per_page=1", headers=token_for(staff["koord"]))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["username", "nip", "name", "unit", "jp", "target", "met"]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == 4  # whole, whatever per_page says
    assert by_name["ani"][4:] == ["21", "20", "true"] and by_name["citra"][4:] == ["0", "20", "false"]
    assert by_name["budi"][2].startswith("'=")
    xlsx = client.get("/api/v1/reports/jp?year=2026&format=xlsx", headers=token_for(staff["koord"]))
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("username", "nip", "name", "unit", "jp", "target", "met")
    budi = next(v for v in values if v[0] == "budi")
    assert budi[2].startswith("'=") and next(v for v in values if v[0] == "ani")[4] == 21


def test_the_competency_filter_counts_only_that_type(
    client: FlaskClient, staff: dict[str, User], token_for: Tokens
) -> None:
    moment = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    db.session.add_all(
        [entry(staff["ani"], 5, moment, competency="teknis"), entry(staff["ani"], 7, moment, competency="manajerial")]
    )
    db.session.commit()
    headers = token_for(staff["koord"])
    body = client.get("/api/v1/reports/jp?year=2026&competency=manajerial", headers=headers).get_json()
    assert {i["username"]: i["jp"] for i in body["items"]}["ani"] == 7


@pytest.fixture
def timezone_setting(app: Flask) -> Iterator[Callable[[str], None]]:
    """Change the deployment's time zone for one test."""
    before = app.config["ELEARN_TIMEZONE"]

    def change(zone: str) -> None:
        app.config["ELEARN_TIMEZONE"] = zone

    yield change
    app.config["ELEARN_TIMEZONE"] = before


# Around the turns of 2025/2026 and 2026/2027: minutes that are a new year in one zone and not in another.
BOUNDARIES = [dt.datetime(year, 1, 1, tzinfo=dt.UTC) for year in (2026, 2027)]
MOMENTS = st.builds(
    lambda base, minutes: base + dt.timedelta(minutes=minutes),
    st.sampled_from(BOUNDARIES),
    st.integers(min_value=-11 * 60, max_value=3 * 60),
)
ENTRIES = st.lists(st.tuples(st.integers(0, 3), st.integers(1, 30), MOMENTS), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    entries=ENTRIES,
    zone=st.sampled_from(["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    year=st.sampled_from([2025, 2026, 2027]),
)
def test_report_totals_equal_a_brute_force_recount_across_year_boundaries(
    staff: dict[str, User], timezone_setting: Callable[[str], None], entries: list, zone: str, year: int
) -> None:
    timezone_setting(zone)
    db.session.execute(JpEntry.__table__.delete())
    people = [staff["ani"], staff["budi"], staff["citra"], staff["dodi"]]
    db.session.add_all([entry(people[who], jp, at) for who, jp, at in entries])
    db.session.commit()
    expected = {person.username: 0 for person in people}
    for who, jp, at in entries:
        if at.astimezone(ZoneInfo(zone)).year == year:
            expected[people[who].username] += jp
    admin = staff["admin"]
    actor = Actor(admin.id, admin.username, admin.role, None)
    report = jp_report(actor, year, per_page=500)
    got = {row.username: row.jp for row in report.items if row.username in expected}
    assert got == expected
    assert report.met_count == sum(1 for jp in expected.values() if jp >= 20)
