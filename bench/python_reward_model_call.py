"""The cost of crossing the Python boundary for a reward-model call.

Times rewardlab.models.RewardModel on (prompt, completion) texts and on token tensors against
the same calls made from C++ alone (bench_reward_model_call), on the same saved models (tiny
and small presets, fresh weights) and the same rows, one thread each, and prints a markdown
table. Run it with OMP_NUM_THREADS=1 under nice, with the package and the C++ program built:

    /work/bin/rbuild rewardlab_python bench_reward_model_call
    OMP_NUM_THREADS=1 PYTHONPATH=build/python nice /usr/bin/python3 \\
        bench/python_reward_model_call.py --bench-binary build/bench/bench_reward_model_call
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from typing import Callable

import torch

from rewardlab.models import RewardModel


def prompt(i: int) -> str:  # the rows bench/reward_model_call.cc scores
    return f"Question {i}: what is {i} plus {i}?"


def completion(i: int) -> str:
    return f" The answer is {2 * i}."


def microseconds_per_call(call: Callable[[], object], seconds: float) -> float:
    """The median of 5 rounds, each about seconds / 5 long (as the C++ program measures)."""
    for _ in range(10):
        call()
    start, calibration = time.perf_counter(), 0
    while time.perf_counter() - start < 0.05:
        call()
        calibration += 1
    iters = max(1, int(seconds / 5 / (0.05 / calibration)))
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(iters):
            call()
        rounds.append((time.perf_counter() - t0) * 1e6 / iters)
    return statistics.median(rounds)


def cpp_microseconds(binary: str, model_dir: str, batch: int, call: str, seconds: float) -> float:
    out = subprocess.run(
        [binary, "--model", model_dir, "--batch", str(batch), "--call", call, "--seconds", str(seconds)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])["us_per_call"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench-binary", default="build/bench/bench_reward_model_call")
    parser.add_argument("--seconds", type=float, default=1.0, help="measuring time per cell")
    parser.add_argument("--presets", default="tiny,small")
    parser.add_argument("--batches", default="1,32")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if os.environ.get("OMP_NUM_THREADS") != "1":
        print("note: run with OMP_NUM_THREADS=1 for the numbers the C++ side is measured with")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for preset in args.presets.split(","):
            model_dir = os.path.join(tmp, preset)
            RewardModel.create(preset, seed=0).save(model_dir)
            rm = RewardModel(model_dir)
            for batch in (int(b) for b in args.batches.split(",")):
                prompts = [prompt(i) for i in range(batch)]
                completions = [completion(i) for i in range(batch)]
                ids, mask = rm.tokenize(prompts, completions)
                calls = {
                    "text": lambda: rm(prompts, completions),
                    "tokens": lambda: rm.score(ids, mask),
                }
                for name, call in calls.items():
                    py = microseconds_per_call(call, args.seconds)
                    cpp = cpp_microseconds(args.bench_binary, model_dir, batch, name, args.seconds)
                    rows.append((preset, name, batch, cpp, py))

    print("| model | call | batch | C++ µs/call | Python µs/call | crossing µs | Python calls/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for preset, name, batch, cpp, py in rows:
        print(f"| {preset} | {name} | {batch} | {cpp:.1f} | {py:.1f} | {py - cpp:+.1f} | {1e6 / py:,.0f} |")


if __name__ == "__main__":
    main()
