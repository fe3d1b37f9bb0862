"""rewardlab.envs and rewardlab.distances: Gymnasium's API over rlab's C++ vector environments,
checked step by step against the C++ environment driven by its own loop (VectorEnv.rollout
steps the C++ object from C++, with no Python between steps); the teachers; EPIC and STARC
between Python reward functions, against their closed forms and the rlab binary."""

import gc
import json
import math
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import torch

import rewardlab
from rewardlab import distances, envs

F32_MAX = float(np.finfo(np.float32).max)


def random_actions(space, steps, num_envs, seed):
    """[T, N] indices or [T, N, A] floats drawn uniformly from one environment's space."""
    rng = np.random.default_rng(seed)
    if isinstance(space, envs.Discrete):
        return rng.integers(space.n, size=(steps, num_envs))
    shape = (steps, num_envs) + space.shape
    return rng.uniform(space.low, space.high, size=shape).astype(np.float32)


def cpp_rollout(spec, num_envs, seed, actions):
    """The C++ vector environment stepped by C++ through `actions`, from reset(seed)."""
    reference = envs._envs.VectorEnv(spec, num_envs, 12345)  # reseeded by the rollout
    return {k: v.numpy() for k, v in reference.rollout(torch.as_tensor(actions), seed).items()}


# --- environments -----------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["CartPole-v1", "Pendulum-v1", "Acrobot-v1"])
def test_make_vec_equals_the_cpp_vector_env_step_by_step(spec):
    n, steps, seed = 3, 700, 11
    venv = envs.make_vec(spec, n)
    actions = random_actions(venv.single_action_space, steps, n, seed=1)
    ref = cpp_rollout(spec, n, seed, actions)
    obs, infos = venv.reset(seed=seed)
    assert obs.dtype == np.float32 and obs.shape == (n,) + venv.single_observation_space.shape
    np.testing.assert_array_equal(obs, ref["observations"][0])
    assert infos == {}
    finished = 0
    for t in range(steps):
        obs, rewards, terminated, truncated, infos = venv.step(actions[t])
        np.testing.assert_array_equal(obs, ref["observations"][t + 1])
        assert rewards.dtype == np.float64
        np.testing.assert_array_equal(rewards, ref["rewards"][t].astype(np.float64))
        np.testing.assert_array_equal(terminated, ref["terminated"][t])
        np.testing.assert_array_equal(truncated, ref["truncated"][t])
        done = terminated | truncated
        if done.any():  # SAME_STEP: obs already starts the next episode
            finished += int(done.sum())
            np.testing.assert_array_equal(infos["_final_obs"], done)
            last = ref["next_observations"][t][done]
            np.testing.assert_array_equal(infos["final_obs"][done], last)
            assert (infos["episode"]["l"][done] > 0).all()
        else:
            assert infos == {}
    assert finished > 0, "the check must cover automatic resets"
    assert venv.metadata["autoreset_mode"] == envs.AutoresetMode.SAME_STEP == "SameStep"


def test_make_replays_environment_i_of_a_vector_seeded_with_seed_plus_i():
    n, steps, seed = 3, 300, 5
    actions = random_actions(envs.Discrete(2), steps, n, seed=2)
    ref = cpp_rollout("CartPole-v1", n, seed, actions)
    for i in range(n):
        env = envs.make("CartPole-v1")
        obs, info = env.reset(seed=seed + i)
        assert obs.shape == (4,) and obs.dtype == np.float32 and info == {}
        np.testing.assert_array_equal(obs, ref["observations"][0, i])
        for t in range(steps):
            obs, reward, terminated, truncated, info = env.step(int(actions[t, i]))
            assert isinstance(reward, float) and type(terminated) is bool and info == {}
            # the single environment returns the step's own observation, before any reset
            np.testing.assert_array_equal(obs, ref["next_observations"][t, i])
            assert reward == ref["rewards"][t, i]
            assert (terminated, truncated) == (ref["terminated"][t, i], ref["truncated"][t, i])
            if terminated or truncated:
                obs, _ = env.reset()  # the next episode is the vector's automatic reset
                np.testing.assert_array_equal(obs, ref["observations"][t + 1, i])


def test_cartpole_follows_gymnasiums_published_equations():
    env = envs.make("CartPole-v1", seed=0)
    obs, _ = env.reset()
    for t in range(40):
        action = t % 2
        x, x_dot, theta, theta_dot = (float(v) for v in obs)
        force = 10.0 if action == 1 else -10.0
        total_mass, polemass_length, length = 1.1, 0.05, 0.5
        temp = (force + polemass_length * theta_dot**2 * math.sin(theta)) / total_mass
        theta_acc = (9.8 * math.sin(theta) - math.cos(theta) * temp) / (
            length * (4.0 / 3.0 - 0.1 * math.cos(theta) ** 2 / total_mass))
        x_acc = temp - polemass_length * theta_acc * math.cos(theta) / total_mass
        expected = [x + 0.02 * x_dot, x_dot + 0.02 * x_acc, theta + 0.02 * theta_dot,
                    theta_dot + 0.02 * theta_acc]
        obs, reward, terminated, _, _ = env.step(action)
        np.testing.assert_allclose(obs, expected, rtol=0, atol=2e-6)  # float32 observations
        assert reward == 1.0
        assert terminated == (abs(expected[0]) > 2.4 or abs(expected[2]) > 12 * 2 * math.pi / 360)
        if terminated:
            obs, _ = env.reset()


def test_cartpole_truncates_at_500_steps_and_terminates_when_the_pole_falls():
    env = envs.make("CartPole-v1")
    assert env.max_episode_steps == 500
    obs, _ = env.reset(seed=3)
    for t in range(1, 501):
        x, x_dot, theta, theta_dot = obs  # a balancing controller
        action = int(theta + 0.5 * theta_dot + 0.01 * x + 0.1 * x_dot > 0)
        obs, _, terminated, truncated, _ = env.step(action)
        assert not terminated
        assert truncated == (t == 500)
    with pytest.raises(rewardlab.RewardlabError, match="call reset"):
        env.step(0)
    env.reset(seed=3)
    for t in range(1, 500):
        _, _, terminated, truncated, _ = env.step(1)  # always push right: the pole falls
        if terminated:
            break
    assert terminated and not truncated and t < 50
    short = envs.make("CartPole-v1", max_episode_steps=7)
    short.reset(seed=0)
    flags = [short.step(t % 2)[2:4] for t in range(7)]
    assert flags == [(False, False)] * 6 + [(False, True)]


def test_seeding_reproduces_episodes_and_unseeded_resets_go_on():
    venv = envs.make_vec("Pendulum-v1", 2)
    actions = random_actions(venv.single_action_space, 20, 2, seed=0)

    def trajectory(seed):
        out = [venv.reset(seed=seed)[0]]
        out += [venv.step(a)[0] for a in actions]
        return np.stack(out)

    first, again, other = trajectory(4), trajectory(4), trajectory(5)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert not np.array_equal(venv.reset()[0], venv.reset()[0])  # one stream, drawn on
    assert not np.array_equal(first[0][0], first[0][1])  # environments get different seeds


def test_spaces_match_gymnasiums():
    env = envs.make("CartPole-v1")
    space = env.observation_space
    assert isinstance(space, envs.Box) and space.shape == (4,) and space.dtype == np.float32
    high = np.array([4.8, F32_MAX, 0.41887903, F32_MAX], np.float32)
    np.testing.assert_array_equal(space.high, high)
    np.testing.assert_array_equal(space.low, -space.high)
    assert env.action_space == envs.Discrete(2) and repr(env.action_space) == "Discrete(2)"
    env.action_space.seed(0)
    draws = {int(env.action_space.sample()) for _ in range(50)}
    assert draws == {0, 1}
    assert env.action_space.contains(1) and not env.action_space.contains(2)
    assert env.observation_space.contains(env.reset(seed=0)[0])
    pendulum = envs.make("Pendulum-v1")
    action = pendulum.action_space
    assert action.shape == (1,) and action.low[0] == -2.0 and action.high[0] == 2.0
    assert action.contains(action.sample()) and not action.contains(np.array([2.5], np.float32))
    venv = envs.make_vec("CartPole-v1", 5)
    assert venv.num_envs == 5 and venv.single_action_space == envs.Discrete(2)
    assert venv.action_space == envs.MultiDiscrete([2] * 5)
    assert venv.observation_space.shape == (5, 4)
    assert venv.action_space.contains(venv.action_space.sample())
    pvec = envs.make_vec("Pendulum-v1", 3)
    assert pvec.action_space.shape == (3, 1)
    assert pvec.action_space.contains(pvec.action_space.sample())
    assert set(envs.registered()) >= {"CartPole-v1", "Pendulum-v1", "MountainCar-v0", "Acrobot-v1"}


def test_actions_as_tensors_and_bad_input_raise_rewardlab_errors():
    venv = envs.make_vec("CartPole-v1", 2)
    with pytest.raises(rewardlab.RewardlabError, match="call Reset"):
        venv.step(np.array([0, 1]))
    venv.reset(seed=0)
    venv.step(torch.tensor([0, 1]))  # a CPU tensor of indices
    venv.step(np.array([1.0, 0.0]))  # whole-number floats
    with pytest.raises(rewardlab.RewardlabError, match="out of range"):
        venv.step(np.array([0, 2]))
    with pytest.raises(rewardlab.RewardlabError, match="got 3 actions for 2"):
        venv.step([0, 1, 1])
    with pytest.raises(rewardlab.RewardlabError, match="not a whole number"):
        venv.step(np.array([0.5, 1.0]))
    with pytest.raises(rewardlab.RewardlabError, match="call reset"):
        envs.make("CartPole-v1").step(0)
    with pytest.raises(rewardlab.RewardlabError, match="CartPole-v1") as error:
        envs.make("CartPol-v1")
    assert "unknown environment 'CartPol-v1'" in str(error.value)
    with pytest.raises(ValueError, match="seed"):
        envs.make("CartPole-v1").reset(seed=-1)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_ten_thousand_steps_leak_no_references_and_no_memory():
    env = envs.make("CartPole-v1", seed=0)
    venv = envs.make_vec("CartPole-v1", 4, seed=0)
    action, actions = 1, np.array([0, 1, 0, 1])

    def run(steps):
        env.reset(seed=0)
        venv.reset(seed=0)
        for t in range(steps):
            if any(env.step(action)[2:4]):
                env.reset()
            venv.step(actions)

    run(1000)  # warm up allocator pools
    gc.collect()
    refs = [sys.getrefcount(x) for x in (env, venv, actions)]
    action_refs = sys.getrefcount(action)
    objects, rss = len(gc.get_objects()), rss_bytes()
    run(10_000)
    gc.collect()
    assert [sys.getrefcount(x) for x in (env, venv, actions)] == refs
    assert abs(sys.getrefcount(action) - action_refs) < 100  # a shared small int: others use it
    assert len(gc.get_objects()) <= objects + 10
    assert rss_bytes() - rss < 1 << 20


# --- teachers ---------------------------------------------------------------------------


def test_teachers_label_segment_pairs_by_b_prefs_rules():
    first = torch.tensor([[1.0, 1.0, 1.0], [0.0, 0.0, 5.0], [2.0, 2.0, 2.0], [0.0, 0.0, 0.0]])
    second = torch.tensor([[0.0, 0.0, 0.0], [6.0, 0.0, 0.0], [2.0, 2.0, 2.05], [0.0, 0.0, 0.0]])
    oracle = envs.make_teacher("oracle")
    labels, answered = oracle.label(first, second)
    assert answered.all() and labels.dtype == torch.float64
    assert labels.tolist() == [0.0, 1.0, 1.0, 0.0]  # an exact tie goes to the first (B-Pref)
    # myopic: the newest step weighs most, so [0, 0, 5] beats [6, 0, 0] (5 > 0.81 * 6)
    assert envs.make_teacher("myopic").label(first, second)[0][1] == 0.0
    # equal: |R1 - R2| < 0.1 * (H / T) * mean return = 0.1 * (3 / 3) * 1 calls a tie
    equal, _ = envs.make_teacher("equal").label(
        first, second, mean_episode_return=1.0, episode_length=3)
    assert equal[2] == 0.5 and equal[0] == 0.0
    # skip: the best return at most 0.1 * (3 / 3) * 10 = 1 is not answered
    skipped, answered = envs.make_teacher("skip").label(
        first, second, mean_episode_return=10.0, episode_length=3)
    assert answered.tolist() == [True, True, True, False] and math.isnan(skipped[3])
    flipped, _ = envs.make_teacher("mistake(eps_mistake=1)").label(first, second)
    assert flipped[0] == 1.0 and flipped[2] == 0.0
    stochastic = envs.make_teacher("stochastic")
    big_first, big_second = torch.zeros(2000, 1), torch.ones(2000, 1)
    a, _ = stochastic.label(big_first, big_second, seed=7)
    assert torch.equal(a, stochastic.label(big_first, big_second, seed=7)[0])
    # P(second) = sigmoid(beta (R2 - R1)) with beta = 1
    assert abs(a.mean().item() - 1 / (1 + math.exp(-1))) < 0.04
    assert "eps_mistake=0.1" in envs.make_teacher("mistake").describe()
    presets = {"oracle", "stochastic", "mistake", "myopic", "skip", "equal", "scripted"}
    assert presets <= set(envs.teachers())
    with pytest.raises(rewardlab.RewardlabError, match="valid names: .*oracle"):
        envs.make_teacher("orcale")
    with pytest.raises(rewardlab.RewardlabError, match=r"\[Q, H\]"):
        oracle.label(torch.zeros(3), torch.zeros(3))


# --- distances ---------------------------------------------------------------------------

GAMMA = 0.99


def pendulum_reward(obs, actions, next_obs):
    obs, actions = obs.double(), actions.double()  # float64: shaping cancels to rounding
    theta = torch.atan2(obs[:, 1], obs[:, 0])
    return -(theta**2 + 0.1 * obs[:, 2] ** 2 + 0.001 * actions[:, 0] ** 2)


def potential(obs):
    obs = obs.double()
    return torch.sin(3 * obs[:, 0]) + obs[:, 2] ** 2


def shaped_and_rescaled(obs, actions, next_obs):
    shaping = GAMMA * potential(next_obs) - potential(obs)
    return 2.5 * (pendulum_reward(obs, actions, next_obs) + shaping)


def negated(obs, actions, next_obs):
    return -pendulum_reward(obs, actions, next_obs)


@pytest.fixture(scope="module")
def pendulum_samples():
    return distances.sample_env_transitions("Pendulum-v1", 256, seed=0)


@pytest.mark.parametrize("distance", [distances.epic_distance, distances.starc_distance])
def test_python_rewards_have_the_closed_form_distances(distance, pendulum_samples):
    s = pendulum_samples
    assert s.obs.shape == (256, 3) and s.actions.shape == (256, 1)
    assert s.state_samples.shape == (256, 3) and s.action_samples.shape == (256, 1)
    assert distance(pendulum_reward, shaped_and_rescaled, samples=s, gamma=GAMMA) < 1e-9
    opposite = distance(pendulum_reward, negated, samples=s, gamma=GAMMA)
    assert opposite == pytest.approx(1.0, abs=1e-9)
    other = distance(pendulum_reward, lambda o, a, n: o[:, 2], samples=s, gamma=GAMMA)
    assert 0.05 < other < 0.95


def test_python_reward_equals_the_engines_spec_and_the_rlab_binary(rlab_binary):
    true_reward = envs.make_vec("Pendulum-v1").reward  # the C++ reward, as a callable
    from_spec = distances.epic_distance(
        "true", "random(seed=1)", env="Pendulum-v1", num_samples=128, seed=3)
    from_callable = distances.epic_distance(true_reward, "random(seed=1)", env="Pendulum-v1",
                                            num_samples=128, seed=3)
    assert from_callable == pytest.approx(from_spec, abs=1e-12)
    out = subprocess.run(
        [str(rlab_binary), "distance", "--env", "Pendulum-v1", "--reward-a", "true", "--reward-b",
         "random(seed=1)", "--samples", "128", "--seed", "3"],
        check=True, capture_output=True, text=True)
    assert json.loads(out.stdout)["distance"] == pytest.approx(from_spec, abs=1e-12)
    # the Python rewrite of Pendulum's reward is the engine's, up to float32 rounding
    rewrite = distances.epic_distance(
        pendulum_reward, true_reward, env="Pendulum-v1", num_samples=128)
    assert rewrite < 1e-6


def test_tabular_distances_have_the_closed_forms():
    torch.manual_seed(0)
    s, a = 5, 3
    rewards = torch.randn(s, a, s, dtype=torch.float64)
    phi = torch.randn(s, dtype=torch.float64)
    shaped = 3.0 * (rewards + 0.9 * phi.view(1, 1, s) - phi.view(s, 1, 1))
    assert distances.epic_distance_tabular(rewards, shaped, gamma=0.9) < 1e-9
    assert distances.epic_distance_tabular(rewards, -rewards, gamma=0.9) == pytest.approx(1.0)
    assert distances.starc_distance_tabular(rewards, shaped, gamma=0.9) < 1e-9
    assert distances.starc_distance_tabular(rewards, -rewards, gamma=0.9) == pytest.approx(1.0)
    transitions = torch.softmax(torch.randn(s, a, s, dtype=torch.float64), dim=2)
    assert distances.starc_distance_tabular(rewards, shaped, canonicalisation="val",
                                            transitions=transitions, gamma=0.9) < 1e-9
    # the sample-based estimate on the MDP's own samples keeps the closed forms exactly
    uniform = torch.full((s * a * s,), 1.0 / (s * a * s), dtype=torch.float64).view(s, a, s)
    samples = distances.sample_mdp_transitions(
        uniform, torch.full((s,), 1.0 / s, dtype=torch.float64),
        torch.full((a,), 1.0 / a, dtype=torch.float64), num_samples=64)

    def tabulated(table):
        return lambda o, u, n: table[o[:, 0].long(), u[:, 0].long(), n[:, 0].long()]

    sampled = distances.epic_distance(
        tabulated(rewards), tabulated(shaped), samples=samples, gamma=0.9)
    assert sampled < 1e-9
    assert distances.epic_distance(tabulated(rewards), tabulated(-rewards), samples=samples,
                                   gamma=0.9) == pytest.approx(1.0)


def test_a_bad_reward_function_is_named_in_the_error(pendulum_samples):
    def wrong_shape(obs, actions, next_obs):
        return torch.zeros(obs.shape[0], 1)

    def not_finite(obs, actions, next_obs):
        out = torch.zeros(obs.shape[0], dtype=torch.float64)
        out[3] = float("nan")
        return out

    def raises(obs, actions, next_obs):
        raise KeyError("from the user's code")

    s = pendulum_samples
    shape_message = r"reward function '.*wrong_shape' returned shape \[\d+, 1\]"
    with pytest.raises(rewardlab.RewardlabError, match=shape_message):
        distances.epic_distance(pendulum_reward, wrong_shape, samples=s)
    nan_message = r"'.*not_finite' returned a non-finite reward \(nan\) at transition 3"
    with pytest.raises(rewardlab.RewardlabError, match=nan_message):
        distances.starc_distance(not_finite, pendulum_reward, samples=s)
    with pytest.raises(KeyError, match="from the user's code"):
        distances.epic_distance(raises, pendulum_reward, samples=s)
    with pytest.raises(rewardlab.RewardlabError, match="needs an environment"):
        distances.epic_distance("true", pendulum_reward, samples=s)
    # numpy results are taken as torch would take them
    def as_numpy(obs, actions, next_obs):
        return pendulum_reward(obs, actions, next_obs).numpy()

    assert distances.epic_distance(as_numpy, pendulum_reward, samples=s) < 1e-9


def test_a_long_distance_releases_the_gil():
    """While the engine computes a distance of two reward specs (no Python in the loop), the
    main thread keeps running: its longest stall is a fraction of the call."""
    done = threading.Event()
    seconds = []

    def compute():
        start = time.perf_counter()
        distances.epic_distance("true", "random(seed=1)", env="Pendulum-v1", num_samples=1024)
        seconds.append(time.perf_counter() - start)
        done.set()

    worker = threading.Thread(target=compute)
    last, longest_stall = time.perf_counter(), 0.0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest_stall, last = max(longest_stall, now - last), now
    worker.join()
    assert seconds[0] > 0.1, "the call must be long enough to tell"
    assert longest_stall < seconds[0] / 2
