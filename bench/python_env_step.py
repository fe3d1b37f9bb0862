"""Environment steps per second from Python: what crossing into rewardlab's C++ costs, and a
Gymnasium-API CartPole loop on rewardlab's CartPole against a pure-Python CartPole.

Gymnasium cannot be installed here (no network), so the comparison CartPole is written below
from Gymnasium's published equations (classic_control/cartpole.py: Euler integration,
tau 0.02, force 10, the same masses, thresholds and time limit), in the two forms Gymnasium
ships: one environment of Python floats stepped per call (CartPoleEnv; N of them in a Python
loop as SyncVectorEnv runs them), and a numpy-vectorised one (CartPoleVectorEnv).

(a) rewardlab's step from Python (rewardlab.envs) against the same steps run by a C++ loop
    (VectorEnv.rollout: no crossing per step, buffers copied out each step), and the bare
    C++ step of bench/env_step_bench.cc (build/bench/bench_env_step) where it is built;
(b) the same Gymnasium-API loop (act, step, reset when done) on rewardlab's CartPole and on the
    pure-Python one, single environment and vectorised (16 environments).
Actions are drawn before timing. Run (from the repository root, after building
rewardlab_python):

    OMP_NUM_THREADS=1 PYTHONPATH=build/python nice /usr/bin/python3 bench/python_env_step.py
"""

import argparse
import math
import os
import subprocess
import time

import numpy as np
import torch

import rewardlab

GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE_MAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
TOTAL_MASS = MASSCART + MASSPOLE
POLEMASS_LENGTH = MASSPOLE * LENGTH
THETA_THRESHOLD = 12 * 2 * math.pi / 360
X_THRESHOLD = 2.4
MAX_STEPS = 500


class PythonCartPole:
    """Gymnasium's CartPoleEnv with its TimeLimit(500), in plain Python floats."""

    def __init__(self):
        self.np_random = np.random.default_rng()
        self.state = None
        self.steps = 0

    def reset(self, seed=None, options=None):
        if seed is not None:
            self.np_random = np.random.default_rng(seed)
        self.state = tuple(self.np_random.uniform(low=-0.05, high=0.05, size=(4,)))
        self.steps = 0
        return np.array(self.state, dtype=np.float32), {}

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = FORCE_MAG if action == 1 else -FORCE_MAG
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + POLEMASS_LENGTH * theta_dot**2 * sintheta) / TOTAL_MASS
        thetaacc = (GRAVITY * sintheta - costheta * temp) / (
            LENGTH * (4.0 / 3.0 - MASSPOLE * costheta**2 / TOTAL_MASS))
        xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS
        x, x_dot = x + TAU * x_dot, x_dot + TAU * xacc
        theta, theta_dot = theta + TAU * theta_dot, theta_dot + TAU * thetaacc
        self.state = (x, x_dot, theta, theta_dot)
        self.steps += 1
        terminated = bool(x < -X_THRESHOLD or x > X_THRESHOLD or theta < -THETA_THRESHOLD
                          or theta > THETA_THRESHOLD)
        truncated = self.steps >= MAX_STEPS
        return np.array(self.state, dtype=np.float32), 1.0, terminated, truncated, {}


class PythonSyncVector:
    """N PythonCartPoles in a Python loop with same-step automatic reset (SyncVectorEnv's
    SAME_STEP mode), stacked into arrays."""

    def __init__(self, n):
        self.envs = [PythonCartPole() for _ in range(n)]

    def reset(self, seed=0):
        return np.stack([e.reset(seed=seed + i)[0] for i, e in enumerate(self.envs)]), {}

    def step(self, actions):
        n = len(self.envs)
        obs = np.empty((n, 4), np.float32)
        rewards = np.empty(n)
        terminated = np.empty(n, bool)
        truncated = np.empty(n, bool)
        for i, e in enumerate(self.envs):
            obs[i], rewards[i], terminated[i], truncated[i], _ = e.step(actions[i])
            if terminated[i] or truncated[i]:
                obs[i], _ = e.reset()
        return obs, rewards, terminated, truncated, {}


class NumpyVectorCartPole:
    """Gymnasium's numpy-vectorised CartPoleVectorEnv: every environment in one array op."""

    def __init__(self, n):
        self.n = n
        self.np_random = np.random.default_rng()

    def reset(self, seed=None):
        if seed is not None:
            self.np_random = np.random.default_rng(seed)
        self.state = self.np_random.uniform(-0.05, 0.05, size=(4, self.n))
        self.steps = np.zeros(self.n, np.int64)
        return self.state.T.astype(np.float32), {}

    def step(self, actions):
        x, x_dot, theta, theta_dot = self.state
        force = np.where(actions == 1, FORCE_MAG, -FORCE_MAG)
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + POLEMASS_LENGTH * theta_dot**2 * sintheta) / TOTAL_MASS
        thetaacc = (GRAVITY * sintheta - costheta * temp) / (
            LENGTH * (4.0 / 3.0 - MASSPOLE * costheta**2 / TOTAL_MASS))
        xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS
        self.state = np.stack((x + TAU * x_dot, x_dot + TAU * xacc, theta + TAU * theta_dot,
                               theta_dot + TAU * thetaacc))
        self.steps += 1
        x, theta = self.state[0], self.state[2]
        terminated = (x < -X_THRESHOLD) | (x > X_THRESHOLD) | (theta < -THETA_THRESHOLD) | (
            theta > THETA_THRESHOLD)
        truncated = self.steps >= MAX_STEPS
        done = terminated | truncated
        if done.any():
            self.state[:, done] = self.np_random.uniform(-0.05, 0.05, size=(4, int(done.sum())))
            self.steps[done] = 0
        return self.state.T.astype(np.float32), np.ones(self.n), terminated, truncated, {}


def single_loop(env, actions):
    """Gymnasium's single-environment loop; returns the seconds it took."""
    env.reset(seed=0)
    start = time.perf_counter()
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(a)
        if terminated or truncated:
            obs, info = env.reset()
    return time.perf_counter() - start


def vector_loop(envs, actions):
    envs.reset(seed=0)
    start = time.perf_counter()
    for a in actions:
        obs, rewards, terminated, truncated, infos = envs.step(a)
    return time.perf_counter() - start


def best_rate(run, env_steps, repeats):
    """Environment steps per second of the best of `repeats` runs."""
    return env_steps / min(run() for _ in range(repeats))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000, help="loop steps per measurement")
    parser.add_argument("--num-envs", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpp-bench", default="build/bench/bench_env_step",
                        help="bench_env_step binary to run as well, if it exists")
    args = parser.parse_args()
    t, n, r = args.steps, args.num_envs, args.repeats
    rng = np.random.default_rng(0)
    single_actions = rng.integers(2, size=t).tolist()  # Python ints, as a policy returns them
    vector_actions = rng.integers(2, size=(t // n, n))
    rows = []

    def report(name, rate, baseline=None):
        ratio = f"  ({rate / baseline:.2f}x)" if baseline else ""
        rows.append(f"{name:<58} {rate:>14,.0f}{ratio}")

    # (a) the crossing: one step from Python against the same steps in a C++ loop
    for envs_n in (1, n):
        steps = t if envs_n == 1 else t // n
        acts = rng.integers(2, size=(steps, envs_n))
        core = rewardlab.envs._envs.VectorEnv("CartPole-v1", envs_n, 0)
        tensor = torch.from_numpy(acts)
        cpp = best_rate(lambda: timed(lambda: core.rollout(tensor, 0)), steps * envs_n, r)
        venv = rewardlab.envs.make_vec("CartPole-v1", envs_n, seed=0)
        py = best_rate(lambda: vector_loop(venv, acts), steps * envs_n, r)
        report(f"(a) CartPole x{envs_n}: C++ loop (VectorEnv.rollout)", cpp)
        report(f"(a) CartPole x{envs_n}: make_vec().step from Python", py, cpp)
    # (b) Gymnasium-API loops
    rl = best_rate(lambda: single_loop(rewardlab.envs.make("CartPole-v1"), single_actions), t, r)
    pure = best_rate(lambda: single_loop(PythonCartPole(), single_actions), t, r)
    report("(b) single env: pure-Python CartPole (CartPoleEnv)", pure)
    report("(b) single env: rewardlab.envs.make('CartPole-v1')", rl, pure)
    steps = t // n
    sync = best_rate(lambda: vector_loop(PythonSyncVector(n), vector_actions), steps * n, r)
    numpy_vec = best_rate(lambda: vector_loop(NumpyVectorCartPole(n), vector_actions), steps * n, r)
    rl_vec = best_rate(
        lambda: vector_loop(rewardlab.envs.make_vec("CartPole-v1", n), vector_actions),
        steps * n, r)
    report(f"(b) {n} envs: pure-Python, SyncVectorEnv-style loop", sync)
    report(f"(b) {n} envs: numpy-vectorised (CartPoleVectorEnv-style)", numpy_vec)
    report(f"(b) {n} envs: rewardlab.envs.make_vec('CartPole-v1', {n})", rl_vec, sync)
    print(f"environment steps per second (best of {r}, {t:,} steps per run; the ratio is against"
          " the C++ loop in (a), the pure-Python loop in (b))")
    for row in rows:
        print(row)
    if args.cpp_bench and os.path.exists(args.cpp_bench):  # the bare C++ step, no copies out
        out = subprocess.run([args.cpp_bench, "--benchmark_min_time=1"], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("BM_CartPoleStep/"):
                name, rate = line.split()[0], line.split("env_steps_per_s=")[1].split()[0]
                label = f"(a) {name}: bare VectorEnv::Step in C++ (env_step_bench)"
                print(f"{label:<58} {rate:>14}")


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
