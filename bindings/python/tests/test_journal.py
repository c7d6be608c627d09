"""The journal, filtered; a held entry retried; an entry dropped."""
import json
import urllib.request

import pytest

import hsesync

from conftest import TOKEN


def test_journal_filter(replica):
    with hsesync.Engine(replica) as db:
        p = db.create("project", {"name": "P", "country": "IT"})["project_id"]
        q = db.create("project", {"name": "Q", "country": "DE"})["project_id"]
        assert [e["id"] for e in db.journal()] == [p, q]
        assert [e["id"] for e in db.journal(id=q)] == [q]
        assert len(db.journal(entity="project", state="pending")) == 2
        assert db.journal(state="held") == [] and db.journal(entity="office") == []
        with pytest.raises(hsesync.InvalidError) as err:
            db.journal(state="sideways")
        assert err.value.fields


def test_drop_discards_a_row_never_pushed(replica):
    with hsesync.Engine(replica) as db:
        p = db.create("project", {"name": "Doomed", "country": "IT"})["project_id"]
        seq = db.journal(id=p)[0]["seq"]
        db.drop(seq)
        assert db.get("project", p) is None and db.journal() == []
        with pytest.raises(hsesync.NotFoundError):
            db.drop(seq)


def test_held_entry_is_retried(replica, emulator_with):
    url = emulator_with("--admin", "--faults", json.dumps({"error_rate": 1, "error_status": 500}))
    config = {"remote": {"url": url, "access_token": TOKEN}, "sync": {"max_attempts": 1}}
    with hsesync.Engine(replica, config) as db:
        p = db.create("project", {"name": "Held", "country": "IT"})["project_id"]
        with pytest.raises(hsesync.ServerError):
            db.sync()
        held = db.journal(state="held")
        assert [e["id"] for e in held] == [p] and db.status()["held"] == 1
        with pytest.raises(hsesync.NotFoundError):
            db.retry(held[0]["seq"] + 1000)
        request = urllib.request.Request(url + "/_admin/faults", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).close()  # the server recovers
        db.retry(held[0]["seq"])
        assert db.journal(state="held") == [] and db.journal(state="pending")[0]["id"] == p
        assert db.sync()["ok"] is True
        assert db.journal() == []
