"""How the installed package finds libhsesync (see hsesync/_library.py), each case
in a fresh interpreter with its own environment."""
import os
import shutil
import subprocess
import sys

import hsesync

PACKAGE = os.path.dirname(os.path.abspath(hsesync.__file__))


def _run(code, cwd, **env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("HSESYNC_LIB", "LD_LIBRARY_PATH")}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


def test_library_given_by_hsesync_lib():
    assert hsesync.library_path == os.environ["HSESYNC_LIB"]


def test_library_next_to_the_package(tmp_path):
    # A wheel that bundles the library: a copy of the package with it inside.
    shutil.copytree(PACKAGE, tmp_path / "hsesync", ignore=shutil.ignore_patterns("__pycache__"))
    os.symlink(os.path.abspath(os.environ["HSESYNC_LIB"]), tmp_path / "hsesync" / "libhsesync.so.0")
    out = _run("import hsesync; print(hsesync.__version__, hsesync.library_path)", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    version, path = out.stdout.split()
    assert version == hsesync.__version__
    assert path == str(tmp_path / "hsesync" / "libhsesync.so.0")


def test_not_libhsesync_is_refused_by_name(tmp_path):
    out = _run("import hsesync", cwd=tmp_path, HSESYNC_LIB="libz.so.1")
    assert out.returncode != 0
    assert "libz.so.1 lacks hse_version" in out.stderr and "HSESYNC_LIB" in out.stderr


def test_missing_library_names_what_was_tried(tmp_path):
    out = _run("import hsesync", cwd=tmp_path, HSESYNC_LIB=str(tmp_path / "nowhere.so"))
    assert out.returncode != 0 and "cannot load libhsesync" in out.stderr and "nowhere.so" in out.stderr


def test_package_is_typed():
    assert os.path.exists(os.path.join(PACKAGE, "py.typed"))
