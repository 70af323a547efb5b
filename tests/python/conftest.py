"""Shared by pardo's Python tests: the pardo command they compare against.

CTest runs them with PYTHONPATH=build/python and PARDO_CLI set to the built pardo command
(tests/CMakeLists.txt); every test has a timeout (pytest's faulthandler_timeout, in
pytest.ini, dumps the stacks of a hang, and CTest's TIMEOUT ends it).
"""

import json
import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("PARDO_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(f"PARDO_CLI = {path!r} is not the pardo command: run through ctest")

    def run(*args, binary=False):
        out = subprocess.run([path, *map(str, args)], check=True, capture_output=True,
                             timeout=120)
        return out.stdout if binary else json.loads(out.stdout)

    return run
