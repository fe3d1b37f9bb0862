"""Builds the rewardlab package for `pip install --no-build-isolation .`.

The extension is built by the project's CMake build (the same one `make demo` runs), in the
folder named by RLAB_BUILD_DIR (default: build), and the package is taken from
<build>/python/rewardlab, where that build puts the module beside the package's Python files.
"""

import os
import pathlib
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent
BUILD = pathlib.Path(os.environ.get("RLAB_BUILD_DIR", ROOT / "build"))
if not BUILD.is_absolute():
    BUILD = ROOT / BUILD
PACKAGE = BUILD / "python" / "rewardlab"


class BuildWithCMake(build_py):
    """Runs the CMake build of the extension before copying the package."""

    def run(self):
        configure = ["cmake", "-S", str(ROOT), "-B", str(BUILD)]
        if not (BUILD / "CMakeCache.txt").exists():
            # A new build folder takes this interpreter (a virtual environment's resolves to
            # the one it was made from); an existing one keeps the interpreter it has.
            configure += ["-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                          f"-DRLAB_PYTHON={os.path.realpath(sys.executable)}"]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(BUILD), "--target", "rewardlab_python",
                        "-j", str(os.cpu_count() or 1)], check=True)
        super().run()


class BinaryDistribution(Distribution):
    """The package holds a compiled module: its wheel is tagged for this interpreter and
    platform (cp311-cp311-linux_x86_64), not as pure Python."""

    def has_ext_modules(self):
        return True


setup(
    distclass=BinaryDistribution,
    package_dir={"rewardlab": os.path.relpath(PACKAGE, ROOT)},
    package_data={"rewardlab": ["_core.*.so", "py.typed"]},
    cmdclass={"build_py": BuildWithCMake},
    # setuptools' own staging, kept inside the CMake build folder rather than beside it.
    options={"build": {"build_base": os.path.relpath(BUILD / "setuptools", ROOT)}},
)
