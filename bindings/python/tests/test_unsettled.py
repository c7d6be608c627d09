"""wait_synced when an entry needs the app: UnsettledError (not transient), never a
plain timeout. The emulator answers every request with a 422, so the create is
rejected (and every round fails)."""
import json
import os
import subprocess
import urllib.request

import pytest

import hsesync
from conftest import TOKEN

REFUSE_ALL = {"error_rate": 1, "error_status": 422}


@pytest.fixture
def refusing_emulator():
    bin_dir = os.environ.get("HSE_BIN_DIR")
    if not bin_dir:
        pytest.skip("HSE_BIN_DIR is not set (run through ctest)")
    proc = subprocess.Popen([os.path.join(bin_dir, "hse-emulator"), "--port", "0", "--token", TOKEN, "--admin"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        url = "http://" + line.split()[-1]
        request = urllib.request.Request(url + "/_admin/faults", data=json.dumps(REFUSE_ALL).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_rejected_entry_is_unsettled_not_a_timeout(tmp_path, refusing_emulator):
    config = {"remote": {"url": refusing_emulator, "access_token": TOKEN}}
    with hsesync.Engine(str(tmp_path / "r.db"), config) as db:
        db.create("project", {"name": "Refused", "country": "IT"})
        with pytest.raises(hsesync.UnsettledError) as raised:
            db.wait_synced(1)
        assert raised.value.code == 16 and not raised.value.transient
        assert db.status()["rejected"] == 1
