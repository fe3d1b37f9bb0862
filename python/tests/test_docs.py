"""Every ```python block of docs/python.md and of the README runs as it stands: each with a fresh
global namespace, in an empty working directory, with the package importable, without an error.
The blocks share this one interpreter (starting one costs ~2.5 s, most of it `import torch`), so
a block must not rely on state another left behind; each imports what it uses."""

import os
import pathlib
import re

import pytest

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
_PAGES = ("docs/python.md", "README.md")


def _blocks(page):
    text = (pathlib.Path(os.environ.get("RLAB_SOURCE_DIR", ".")) / page).read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 2  # the block's first line, 1-based
        found.append(pytest.param(match.group(1), f"{page}:{line}", id=f"{page}:{line}"))
    return found


@pytest.mark.parametrize("code,where", [block for page in _PAGES for block in _blocks(page)])
def test_example_runs(code, where, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Compiled under its page and line, so that a traceback points at the documentation.
    exec(compile(code, where, "exec"), {"__name__": "__main__"})


def test_the_guide_has_an_example_per_area_and_the_readme_one():
    assert len(_blocks("docs/python.md")) >= 5
    assert len(_blocks("README.md")) >= 1
