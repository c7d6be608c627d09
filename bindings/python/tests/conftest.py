"""Fixtures: a scratch replica path, and real hse-emulator processes on loopback.

The package under test is the installed one (ctest installs it into a venv, see
tests/bindings/python_venv_test.sh); the library comes from $HSESYNC_LIB and the
emulator from $HSE_BIN_DIR (ctest sets both), or from $HSE_EMULATOR_BIN_DIR when set
(CI's sanitizer runs: see adapters/emulator/process.hpp)."""
import os
import subprocess

import pytest

TOKEN = "py-secret"


@pytest.fixture
def replica(tmp_path):
    return str(tmp_path / "replica.db")


def start_emulator(*extra):
    """An hse-emulator serving the demo data set with token TOKEN and `extra` options:
    (process, base URL). The caller stops it (stop_emulator)."""
    bin_dir = os.environ.get("HSE_EMULATOR_BIN_DIR") or os.environ.get("HSE_BIN_DIR")
    if not bin_dir:
        pytest.fail("HSE_BIN_DIR is not set (run through ctest)")
    proc = subprocess.Popen([os.path.join(bin_dir, "hse-emulator"), "--port", "0", "--demo", "--token", TOKEN,
                             *extra], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on 127.0.0.1:"):
        stop_emulator(proc)
        pytest.fail("hse-emulator did not start: " + line)
    return proc, "http://" + line.split()[-1]


def stop_emulator(proc):
    proc.terminate()
    proc.wait(timeout=10)
    proc.stdout.close()


@pytest.fixture(scope="session")
def emulator():
    """The base URL of an hse-emulator serving the demo data set, token TOKEN."""
    proc, url = start_emulator()
    try:
        yield url
    finally:
        stop_emulator(proc)


@pytest.fixture
def emulator_with():
    """Starts emulators of the test's own: ``emulator_with("--faults", "{...}")`` gives
    the base URL; every one is stopped when the test ends."""
    started = []

    def start(*extra):
        proc, url = start_emulator(*extra)
        started.append(proc)
        return url

    yield start
    for proc in started:
        stop_emulator(proc)


@pytest.fixture
def remote_config(emulator):
    return {"remote": {"url": emulator, "access_token": TOKEN}, "policies": {"project": "manual"}}
