"""The Python examples of README.md and docs/python.md run as written."""

import pathlib
import re

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
