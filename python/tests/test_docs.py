"""Every ```python block of docs/python.md runs as it stands: each in a fresh interpreter, in an
empty working directory, with the package importable, and exits without an error."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks():
    docs = pathlib.Path(os.environ.get("RLAB_SOURCE_DIR", ".")) / "docs" / "python.md"
    text = docs.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 2  # the block's first line, 1-based
        found.append(pytest.param(match.group(1), id=f"python.md:{line}"))
    return found


@pytest.mark.parametrize("code", _blocks())
def test_example_runs(code, tmp_path):
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"


def test_the_guide_has_an_example_per_area():
    assert len(_blocks()) >= 4
