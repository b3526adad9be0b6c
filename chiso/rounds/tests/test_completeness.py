"""Completeness of a round (on time, late, missing) against a hand count."""

import datetime as dt

from django.urls import reverse

from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.inbox import completeness

from .conftest import AFTER, BEFORE, at, fill


def test_counts_match_a_hand_count(round, people, metrics, tree):
    # Six communes: C1 (the people's), C2, and four more under P1.
    for i in range(4, 8):
        OrgUnit.objects.create(code=f"C{i}", name=f"Xã {i}", kind=OrgUnit.Kind.COMMUNE,
                               parent=tree["P1"])
    workflow.sync_submissions(round)
    subs = {s.unit.code: s for s in round.submissions.select_related("unit")}
    admin = people["admin"]  # the secretariat also enters data for any unit below it

    def send(code, now):
        fill(subs[code], admin, metrics)
        return workflow.submit(subs[code], admin, now=now)

    send("C1", BEFORE)                                   # on time
    s2 = send("C2", at(15, hour=22))                     # on time (deadline day)
    workflow.return_(s2, people["reviewer"], "Sửa", now=AFTER)  # returned: still on time
    send("C4", BEFORE)
    workflow.withdraw(subs["C4"], admin, now=at(12))     # withdrawn: missing
    workflow.reopen(subs["C5"], admin, dt.date(2026, 10, 25), "Mất điện", now=AFTER)
    send("C5", at(21))                                   # late, after re-opening
    fill(subs["C6"], admin, metrics)                     # filled, never sent: missing
    # C7 never started: missing

    c = completeness(round, with_rows=True)
    assert (c.total, c.on_time, c.late, c.missing) == (6, 2, 1, 3)
    assert c.submitted == 3
    assert abs(c.pct_on_time - 100 * 2 / 6) < 1e-9
    assert c.pct_missing == 50
    assert {r["submission"].unit.code: r["status"] for r in c.rows} == {
        "C1": "on_time", "C2": "on_time", "C4": "missing", "C5": "late", "C6": "missing",
        "C7": "missing"}


def test_the_round_page_shows_the_figures(client, people, submitted, clock):
    client.force_login(people["admin"])
    html = client.get(reverse("round_detail", args=[submitted.round_id])).content.decode()
    assert 'id="k-on-time">1<' in html and 'id="k-missing">1<' in html
    assert "50,0\u00a0%" in html
