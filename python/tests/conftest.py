"""Shared pytest fixtures: where the build and the sources are (set by CTest)."""

import os
import pathlib

import pytest


def _env_path(name: str) -> pathlib.Path:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the python tests through ctest (label python)")
    return pathlib.Path(value)


@pytest.fixture(scope="session")
def source_dir() -> pathlib.Path:
    return _env_path("RLAB_SOURCE_DIR")


@pytest.fixture(scope="session")
def binary_dir() -> pathlib.Path:
    return _env_path("RLAB_BINARY_DIR")


@pytest.fixture(scope="session")
def rlab_binary() -> pathlib.Path:
    return _env_path("RLAB_BINARY")
