"""The engine's threads and the app's: calls a callback must not make are refused
(not deadlocked), and close() waits for calls running in other threads."""
import threading

import pytest

import hsesync


def test_event_callback_may_read_but_not_sync(tmp_path, remote_config):
    outcomes = []
    with hsesync.Engine(str(tmp_path / "a.db"), remote_config) as db:
        def on_event(event):
            if event["type"] == "round_finished":
                outcomes.append(db.status()["pending"])  # allowed
                for call in (db.sync, lambda: db.wait_synced(1), db.stop, db.close,
                             lambda: db.set_event_callback(None)):
                    try:
                        call()
                        outcomes.append("made")
                    except hsesync.InvalidError as e:
                        outcomes.append(str(e).split()[0])

        db.set_event_callback(on_event)
        db.sync()
        assert outcomes == [0, "an", "an", "an", "close()", "an"]
        db.set_event_callback(None)
        db.sync()  # the engine is still open and usable


def test_resolver_may_not_call_its_engine(tmp_path, remote_config):
    config = dict(remote_config, policies={"project": "callback"})
    refused = []
    with hsesync.Engine(str(tmp_path / "a.db"), config) as a, hsesync.Engine(str(tmp_path / "b.db"), config) as b:
        def resolver(conflict):
            try:
                a.status()
            except hsesync.InvalidError as e:
                refused.append(str(e))
            return "remote"

        a.set_resolver(resolver)
        pid = a.create("project", {"name": "Shared", "country": "IT"})["project_id"]
        a.sync()
        b.sync()
        b.update("project", pid, {"name": "renamed on B"})
        b.sync()
        a.update("project", pid, {"name": "renamed on A"})
        a.sync()
        assert len(refused) == 1 and "resolver" in refused[0]
        assert a.get("project", pid)["name"] == "renamed on B"


def test_close_waits_for_a_call_in_another_thread(tmp_path, remote_config):
    db = hsesync.Engine(str(tmp_path / "a.db"), remote_config)
    started, release = threading.Event(), threading.Event()
    reports = []

    def on_event(event):
        if event["type"] == "round_started":
            started.set()
            release.wait(10)

    db.set_event_callback(on_event)
    syncing = threading.Thread(target=lambda: reports.append(db.sync()))
    syncing.start()
    assert started.wait(30)
    closing = threading.Thread(target=db.close)
    closing.start()
    closing.join(0.3)
    assert closing.is_alive()  # waits for the round in the other thread
    release.set()
    closing.join(30)
    syncing.join(30)
    assert not closing.is_alive() and reports[0]["ok"] is True
    with pytest.raises(hsesync.InvalidError):
        db.status()
