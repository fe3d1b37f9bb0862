#!/usr/bin/env python3
"""Runs every command the README shows, verbatim, in order, and fails naming the first that fails.

The commands are the lines of the README's shell code blocks (fenced as sh, bash or shell)
that start with `build/rlab` or `bench/`; each runs with bash in a scratch directory holding `build`, `examples` and `bench`
links to the real ones, so that what the commands write (runs/, report pages, converted data)
lands in the scratch directory and not in the checkout, and `runs/<name>-latest` names the
previous command's run exactly as it does for a reader following the README. The `make demo`
and `make test` lines are not run: they install packages and build, and `make test` runs this
test. Long experiments belong in docs/experiments.md, not in the README: the whole README
should run in about a minute and a half on two cores; the time of each line is printed.

  python3 tests/cli/readme_commands_test.py --source REPO --build BUILD_DIR [--keep]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

RUNNABLE = ("build/rlab", "bench/")
SHELL_FENCE = re.compile(r"^```(sh|bash|shell)\s*$")
TAIL_LINES = 30
LINE_TIMEOUT_S = 300


def readme_commands(readme):
    """(line number, command) of every runnable line inside the shell code blocks."""
    commands, in_block = [], False
    with open(readme, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            stripped = line.strip()
            if stripped.startswith("```"):
                in_block = not in_block and bool(SHELL_FENCE.match(stripped))
                continue
            if in_block and stripped.startswith(RUNNABLE):
                commands.append((number, stripped))
    return commands


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the repository (README.md, examples/)")
    parser.add_argument("--build", required=True, help="the build directory holding rlab")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()

    readme = os.path.join(args.source, "README.md")
    commands = readme_commands(readme)
    if len(commands) < 10:
        print(f"{readme}: found only {len(commands)} runnable lines in its shell blocks; "
              "the extraction is broken or the README lost its commands")
        return 1

    scratch = tempfile.mkdtemp(prefix="rlab-readme-")
    for name, target in (("build", args.build), ("examples", os.path.join(args.source, "examples")),
                         ("bench", os.path.join(args.source, "bench"))):
        os.symlink(os.path.abspath(target), os.path.join(scratch, name))
    print(f"running {len(commands)} README lines in {scratch}")
    started = time.monotonic()
    failed = None
    for number, command in commands:
        t0 = time.monotonic()
        try:
            done = subprocess.run(["bash", "-c", command], cwd=scratch, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=LINE_TIMEOUT_S)
            code, output = done.returncode, done.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            code = f"timeout after {LINE_TIMEOUT_S} s"
            output = (e.stdout or b"").decode("utf-8", "replace")
        seconds = time.monotonic() - t0
        print(f"{seconds:7.1f} s  README.md:{number}: {command}", flush=True)
        if code != 0:
            failed = (number, command, code, output)
            break
    total = time.monotonic() - started
    print(f"total {total:.1f} s")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        number, command, code, output = failed
        tail = "\n".join(output.rstrip().splitlines()[-TAIL_LINES:])
        print(f"README.md:{number}: this line failed (exit status {code}):\n  {command}\n"
              f"its output ends with:\n{tail}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
