"""The cost of crossing the Python boundary for a reward-model call.

Times rewardlab.models.RewardModel on (prompt, completion) texts and on token tensors against
the same calls made in C++, on the same saved models (tiny and small presets, fresh weights)
and the same rows, one thread each, and prints a markdown table. The C++ side is measured
twice: repeated inside this process by the extension (`C++ here`: the same process, allocator
and libtorch state, so that Python minus it is the crossing alone), and by the C++ program
bench_reward_model_call in a process of its own (`C++ program`). Run it with OMP_NUM_THREADS=1
under nice, with the package and the C++ program built:

    cmake --build build --target rewardlab_python bench_reward_model_call
    OMP_NUM_THREADS=1 PYTHONPATH=build/python nice /usr/bin/python3 \\
        bench/python_reward_model_call.py --bench-binary build/bench/bench_reward_model_call
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from typing import Callable

import torch

from rewardlab import _core
from rewardlab.models import RewardModel


def prompt(i: int) -> str:  # the rows bench/reward_model_call.cc scores
    return f"Question {i}: what is {i} plus {i}?"


def completion(i: int) -> str:
    return f" The answer is {2 * i}."


def microseconds_per_call(call: Callable[[], object], seconds: float) -> float:
    """The fastest of 5 rounds, each about seconds / 5 long (as the C++ program measures):
    on a shared machine the fastest round is the one least disturbed by other work."""
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
    return min(rounds)


def in_process_microseconds(repeat: Callable[[int], float], seconds: float) -> float:
    """The same rounds, each one call of the extension that repeats the call in C++."""
    repeat(10)
    iters = max(1, int(seconds / 5 / (repeat(10) / 10)))
    return min(repeat(iters) * 1e6 / iters for _ in range(5))


def cpp_microseconds(binary: str, model_dir: str, batch: int, call: str, seconds: float) -> float:
    out = subprocess.run(
        [binary, "--model", model_dir, "--batch", str(batch), "--call", call]
        + ["--seconds", str(seconds)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])["us_per_call"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench-binary", default="build/bench/bench_reward_model_call")
    parser.add_argument(
        "--seconds", type=float, default=0.5, help="measuring time per side and try"
    )
    parser.add_argument("--presets", default="tiny,small")
    parser.add_argument("--batches", default="1,32")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if os.environ.get("OMP_NUM_THREADS") != "1":
        print("note: run with OMP_NUM_THREADS=1 for the numbers the C++ side is measured with")

    # The floor: a call that hands a tensor to C++ and back and does nothing else.
    probe = torch.zeros(4, 8, dtype=torch.int64)
    floor = microseconds_per_call(lambda: _core.models._tensor_identity(probe), args.seconds)

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
                    "text": (
                        lambda: rm(prompts, completions),
                        lambda n: rm._impl._repeat_rewards(prompts, completions, n),
                    ),
                    "tokens": (
                        lambda: rm.score(ids, mask),
                        lambda n: rm._impl._repeat_score(ids, mask, n),
                    ),
                }
                for name, (call, repeat) in calls.items():
                    # Alternated twice, keeping each side's best, so that every side sees the
                    # same spells of load on a shared machine.
                    here, program, py = float("inf"), float("inf"), float("inf")
                    for _ in range(2):
                        here = min(here, in_process_microseconds(repeat, args.seconds))
                        py = min(py, microseconds_per_call(call, args.seconds))
                        program = min(
                            program,
                            cpp_microseconds(
                                args.bench_binary, model_dir, batch, name, args.seconds
                            ),
                        )
                    rows.append((preset, name, batch, here, program, py))

    print(
        "| model | call | batch | C++ here µs/call | C++ program µs/call | Python µs/call "
        "| crossing µs (Python - C++ here) | Python calls/s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for preset, name, batch, here, program, py in rows:
        print(
            f"| {preset} | {name} | {batch} | {here:.1f} | {program:.1f} | {py:.1f} "
            f"| {py - here:+.1f} | {1e6 / py:,.0f} |"
        )
    print(f"\nA call that passes a tensor to C++ and gets it back: {floor:.2f} µs.")


if __name__ == "__main__":
    main()
