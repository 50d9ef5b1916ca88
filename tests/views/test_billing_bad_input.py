"""Bad input on the billing exercise pages: junk in every box (impossible dates, huge numbers,
markup, emoji), marks on boxes that do not exist: a format message (400) or a graded answer (302),
never a server error, and the page after it still renders."""

from __future__ import annotations

import random

from study.billing import exercise
from study.billing.claim import field_paths
from tests.views.test_billing_practice import billing_bank, served_item, start  # noqa: F401

JUNK = ["", " ", "abc", "-1", "1e9", "99999999999999999999", "12/45/2026", "$1,00.0.0", "A,B,C,D,E", "ZZ 25 59 XS RT LT",
        "<script>", "😀", "0", "00/00/0000", "M", "yes", "maybe", "1.005", "NaN", "inf"]


def test_junk_in_every_box_never_gives_a_server_error(client, login_as, billing_bank):  # noqa: F811
    login_as("learner")
    rng = random.Random(4)
    for kind in ("claim", "remittance", "scrubber") * 4:
        url = start(client, kind)
        attempt, item = served_item(url)
        found = exercise.exercise_of(item)
        if kind == "scrubber":
            data = {}
            for p in field_paths(found.claim):
                if rng.random() < 0.3:
                    data[f"mark-{p}"] = rng.choice(["1", "on", "x"])
                    data[f"fix-{p}"] = rng.choice(JUNK)
            data["mark-nonsense.path"] = "1"
        else:
            names = exercise.form_names(found)
            data = {n: rng.choice(JUNK) for n in names}
        for action in ("grade", "grade-anyway"):
            r = client.post(url, data=data | {"action": action})
            assert r.status_code in (302, 400), (kind, r.status_code, r.get_data(as_text=True)[-2000:])
        r = client.get(url)
        assert r.status_code == 200, (kind, r.get_data(as_text=True)[-2000:])
