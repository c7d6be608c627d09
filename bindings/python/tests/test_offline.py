"""The binding offline: dicts in and out, errors as exceptions with fields."""
import threading

import pytest

import hsesync


def test_crud_with_dicts(replica):
    with hsesync.Engine(replica) as db:
        p = db.create("project", {"name": "Acme", "country": "IT"})
        assert p["name"] == "Acme" and p["project_id"]
        pid = p["project_id"]
        assert db.update("project", pid, {"name": "Acme Ltd"})["name"] == "Acme Ltd"
        assert db.get("project", pid)["name"] == "Acme Ltd"
        page = db.query("project", {"filter": {"country": "IT"}})
        assert page["_meta"]["totalCount"] == 1 and page["items"][0]["project_id"] == pid
        assert [e["op"] for e in db.journal()] == ["create"]
        assert len(db.history("project", pid)) == 2
        assert db.status()["pending"] == 1
        rows = db.create_many("project", [{"name": "B", "country": "DE"}, {"name": "C", "country": "FR"}])
        assert [r["name"] for r in rows] == ["B", "C"]
        db.delete("project", pid)
        assert db.get("project", pid) is None


def test_rows_survive_reopening(replica):
    with hsesync.Engine(replica) as db:
        pid = db.create("project", {"name": "Kept", "country": "IT"})["project_id"]
    with hsesync.Engine(replica) as db:
        assert db.get("project", pid)["name"] == "Kept"


def test_validation_error_names_fields(replica):
    with hsesync.Engine(replica) as db:
        with pytest.raises(hsesync.InvalidError) as err:
            db.create("project", {"country": "Italy"})
        fields = {f["field"] for f in err.value.fields}
        assert {"name", "country"} <= fields
        assert err.value.code == 1 and err.value.name == "invalid" and not err.value.transient
        assert isinstance(err.value, ValueError) and isinstance(err.value, hsesync.Error)
        assert db.query("project")["_meta"]["totalCount"] == 0  # nothing written


def test_errors_are_exceptions_of_their_class(replica):
    with hsesync.Engine(replica) as db:
        with pytest.raises(hsesync.NotFoundError):
            db.update("project", "no-such-id", {"name": "x"})
        with pytest.raises(hsesync.NotFoundError):
            db.delete("project", "no-such-id")
        with pytest.raises(hsesync.NotFoundError):
            db.resolve("no-such-conflict", take="local")
        with pytest.raises(hsesync.InvalidError) as err:
            db.create("spaceship", {})
        assert err.value.fields == [{"field": "entity", "message": "unknown entity"}]
        pid = db.create("project", {"name": "Parent", "country": "IT"})["project_id"]
        with pytest.raises(hsesync.ConflictError):
            db.create("project", {"project_id": pid, "name": "Twin", "country": "IT"})
        db.create("office", {"project_id": pid, "name": "Site", "street": "Via Roma 1", "locality": "Rome",
                             "postal_code": "00100", "office_type_icon": "construction_site"})
        with pytest.raises(hsesync.ConflictError):
            db.delete("project", pid)  # has an office
        db.delete("project", pid, cascade=True)
        assert db.query("office")["_meta"]["totalCount"] == 0
        with pytest.raises(hsesync.NoRemoteError):
            db.sync()
        with pytest.raises(hsesync.NoRemoteError):
            db.start()
        assert db.conflicts() == []


def test_closed_engine_raises(replica):
    db = hsesync.Engine(replica)
    db.close()
    db.close()  # harmless
    with pytest.raises(hsesync.InvalidError):
        db.status()


def test_unopenable_replica_raises_storage_error():
    with pytest.raises(hsesync.StorageError):
        hsesync.Engine("/nonexistent-dir/x/replica.db")


def test_version():
    assert hsesync.__version__.count(".") == 2


def test_threads_share_an_engine(replica):
    with hsesync.Engine(replica) as db:
        def write(n):
            for i in range(20):
                db.create("project", {"name": f"t{n}-{i}", "country": "IT"})
        threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert db.query("project", {"per-page": 100})["_meta"]["totalCount"] == 40
