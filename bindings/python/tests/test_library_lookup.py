"""The package finds libhsesync next to itself when HSESYNC_LIB is not set (a
wheel that ships the library)."""
import os
import shutil
import subprocess
import sys

import pytest

import hsesync

PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hsesync")


def test_library_next_to_the_package(tmp_path):
    lib = os.environ.get("HSESYNC_LIB")
    if not lib:
        pytest.skip("HSESYNC_LIB is not set (run through ctest)")
    shutil.copytree(PACKAGE, tmp_path / "hsesync")
    os.symlink(os.path.abspath(lib), tmp_path / "hsesync" / "libhsesync.so.0")
    env = {k: v for k, v in os.environ.items() if k not in ("HSESYNC_LIB", "LD_LIBRARY_PATH")}
    code = "import hsesync, os; print(hsesync.__version__, os.path.dirname(hsesync._library.lib._name))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == hsesync.__version__
    assert out[1] == str(tmp_path / "hsesync")
