"""The Python examples of README.md and docs/python.md, and examples/python/, run as written."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```python\n(.*?)\n```", re.S)


def blocks(name):
    return [pytest.param(code, id=f"{name}:{i + 1}")
            for i, code in enumerate(BLOCK.findall((ROOT / name).read_text()))]


@pytest.mark.parametrize("code", blocks("README.md") + blocks("docs/python.md"))
def test_example_runs(code):
    namespace = {}
    exec(compile(code, "<example>", "exec"), namespace)


def test_every_document_has_examples():
    assert len(blocks("README.md")) >= 1 and len(blocks("docs/python.md")) >= 2


@pytest.mark.parametrize("name, expected", [("pi.py", "95%"), ("bootstrap.py", "95%"),
                                            ("pool_pi.py", "95%"),
                                            ("sweep.py", "rate 0.99: the model crashed")])
def test_example_program_runs(name, expected):
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "python" / name)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env=os.environ.copy())
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout
