"""Fixtures: a scratch replica path, and a real hse-emulator process on loopback.

The package under test is ../hsesync; the library comes from $HSESYNC_LIB (ctest
sets it), the emulator from $HSE_BIN_DIR (ctest sets it too)."""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

TOKEN = "py-secret"


@pytest.fixture
def replica(tmp_path):
    return str(tmp_path / "replica.db")


@pytest.fixture(scope="session")
def emulator():
    """The base URL of an hse-emulator serving the demo data set, token TOKEN."""
    bin_dir = os.environ.get("HSE_BIN_DIR")
    if not bin_dir:
        pytest.skip("HSE_BIN_DIR is not set (run through ctest)")
    proc = subprocess.Popen([os.path.join(bin_dir, "hse-emulator"), "--port", "0", "--demo", "--token", TOKEN],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        yield "http://" + line.split()[-1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def remote_config(emulator):
    return {"remote": {"url": emulator, "access_token": TOKEN}, "policies": {"project": "manual"}}
