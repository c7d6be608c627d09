"""Errors an app can act on: the class per code, transient or not, the fields, and
what the remote answered (HTTP status, Retry-After), from real emulators."""
import json

import pytest

import hsesync
from hsesync.errors import error_for

from conftest import TOKEN


def _config(url, token=TOKEN):
    return {"remote": {"url": url, "access_token": token}}


def test_rate_limited_round_carries_status_and_retry_after(replica, emulator_with):
    url = emulator_with("--faults", json.dumps({"error_rate": 1, "error_status": 429, "retry_after_s": 7}))
    with hsesync.Engine(replica, _config(url)) as db:
        with pytest.raises(hsesync.RateLimitedError) as err:
            db.sync()
        e = err.value
        assert e.transient and e.code == 7 and e.name == "rate_limited"
        assert e.http_status == 429 and e.retry_after == 7
        assert e.report["ok"] is False and e.report["error"]["http_status"] == 429
        # The next call starts afresh.
        db.status()
        with pytest.raises(hsesync.NotFoundError) as err:
            db.update("project", "no-such-id", {"name": "x"})
        assert err.value.http_status is None and err.value.retry_after is None


def test_server_error_without_retry_after(replica, emulator_with):
    url = emulator_with("--faults", json.dumps({"error_rate": 1, "error_status": 500}))
    with hsesync.Engine(replica, _config(url)) as db:
        with pytest.raises(hsesync.ServerError) as err:
            db.sync()
        assert err.value.transient and err.value.http_status == 500 and err.value.retry_after is None


def test_refused_token_is_auth_error_with_401(replica, emulator_with):
    with hsesync.Engine(replica, _config(emulator_with(), token="wrong")) as db:
        with pytest.raises(hsesync.AuthError) as err:
            db.sync()
        assert not err.value.transient and err.value.http_status == 401 and err.value.retry_after is None


def test_refused_connection_has_no_http_status(replica):
    with hsesync.Engine(replica, _config("http://127.0.0.1:1")) as db:  # port 1: refused at once
        with pytest.raises(hsesync.NetworkError) as err:
            db.sync()
        assert isinstance(err.value, ConnectionError)
        assert err.value.transient and err.value.http_status is None and err.value.retry_after is None


def test_local_refusal_has_fields_and_no_http_status(replica):
    with hsesync.Engine(replica) as db:
        with pytest.raises(hsesync.InvalidError) as err:
            db.create("project", {"country": 42})
        assert {f["field"] for f in err.value.fields} >= {"name", "country"}
        assert err.value.http_status is None and err.value.retry_after is None


def test_every_code_has_its_class():
    codes = [c for c in range(1, 256) if hsesync._lib.hse_code_name(c) != b"unknown"]  # what the library knows
    assert len(codes) >= 14
    for code in codes:
        e = error_for(code, "m", '[{"field": "f", "message": "x"}]', None, 503, 3)
        assert type(e) is not hsesync.Error and e.code == code
        assert e.transient == bool(hsesync._lib.hse_code_is_transient(code))  # the library's word
        assert e.name == hsesync._lib.hse_code_name(code).decode()
        assert e.fields == [{"field": "f", "message": "x"}] and e.http_status == 503 and e.retry_after == 3
    newer = error_for(99, "from a newer library")
    assert type(newer) is hsesync.Error and newer.code == 99 and newer.http_status is None
