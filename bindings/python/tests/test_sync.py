"""The binding against a real hse-emulator: sync with events, a manual conflict
resolved through resolve(), a resolver callback, and the background scheduler."""
import threading

import hsesync


def _rename_on_both(a, b, entity, id_):
    """B changes the row's name on the server; A changes it locally."""
    b.sync()
    b.update(entity, id_, {"name": "renamed on B"})
    assert b.sync()["stats"]["pushed"] == 1
    a.update(entity, id_, {"name": "renamed on A"})


def test_sync_events_conflict_and_resolve(tmp_path, remote_config):
    events = []
    with hsesync.Engine(str(tmp_path / "a.db"), remote_config, on_event=events.append) as a, \
            hsesync.Engine(str(tmp_path / "b.db"), remote_config) as b:
        pid = a.create("project", {"name": "From Python", "country": "IT"})["project_id"]
        report = a.sync()
        assert report["ok"] and report["stats"]["pushed"] == 1 and report["stats"]["pulled"] > 0
        types = [e["type"] for e in events]
        assert types[0] == "round_started" and types[-1] == "round_finished" and "page" in types

        _rename_on_both(a, b, "project", pid)
        a.sync()
        [conflict] = a.conflicts()
        assert conflict["kind"] == "update_update" and conflict["fields"] == ["name"]
        assert conflict["remote"]["name"] == "renamed on B"
        assert any(e["type"] == "conflict" for e in events)
        a.resolve(conflict["conflict_id"], take={"name": "merged by hand"})
        assert a.conflicts() == []
        assert a.wait_synced(10)
        b.sync()
        assert b.get("project", pid)["name"] == "merged by hand"


def test_resolver_callback(tmp_path, remote_config):
    config = dict(remote_config, policies={"incident": "callback"})
    seen = []

    def take_remote(conflict):
        seen.append(conflict)
        return "remote"

    with hsesync.Engine(str(tmp_path / "a.db"), config, resolver=take_remote) as a, \
            hsesync.Engine(str(tmp_path / "b.db"), config) as b:
        a.sync()
        iid = a.query("incident", {"per-page": 1})["items"][0]["office_incident_id"]
        _rename_on_both(a, b, "incident", iid)
        a.sync()
        assert len(seen) == 1 and seen[0]["kind"] == "update_update"
        assert a.conflicts() == []
        assert a.get("incident", iid)["name"] == "renamed on B"


def test_scheduler_runs_in_background(tmp_path, remote_config):
    config = dict(remote_config, sync={"interval_s": 1, "debounce_ms": 20})
    finished = threading.Event()
    statuses = []

    with hsesync.Engine(str(tmp_path / "a.db"), config) as a:
        def on_event(event):
            if event["type"] == "round_finished":
                statuses.append(a.status())  # the event thread may read the engine
                finished.set()

        a.set_event_callback(on_event)
        a.start()
        a.create("project", {"name": "Pushed by the scheduler", "country": "DE"})
        assert a.wait_synced(20)
        a.stop()
        assert finished.is_set() and "pending" in statuses[-1]
        assert a.status()["pending"] == 0


def test_unreachable_remote_raises_transient_error(replica):
    with hsesync.Engine(replica, {"remote": {"url": "http://127.0.0.1:1", "access_token": "x"}}) as db:
        try:
            db.sync()
            raise AssertionError("sync should fail")
        except hsesync.Error as e:
            assert e.transient and e.report is not None and e.report["ok"] is False
