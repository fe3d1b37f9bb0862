"""rewardlab.envs: rewardlab's control environments with Gymnasium's API, and its teachers.

The environments are rlab's C++ vector environments (CartPole-v1, Pendulum-v1,
MountainCar-v0, MountainCarContinuous-v0, Acrobot-v1; :func:`registered` lists them), with
Gymnasium's calls and conventions::

    env = rewardlab.envs.make("CartPole-v1")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

    envs = rewardlab.envs.make_vec("CartPole-v1", num_envs=16)
    obs, infos = envs.reset(seed=0)                      # float32 [16, 4]
    obs, rewards, terminated, truncated, infos = envs.step(envs.action_space.sample())

Observations are float32 numpy arrays (Gymnasium's dtype for these tasks), fresh each step;
rewards are a Python float (single environment) or a float64 array (vector), as Gymnasium
returns them. Actions may be numbers, numpy arrays or CPU tensors. Each call crosses into C++
once.

Seeding follows Gymnasium: ``reset(seed=s)`` reseeds, and environment i of a vector reset with
seed s is seeded with s + i, so it replays ``make(id).reset(seed=s + i)``. Without any seed an
environment starts from a random one.

Teachers: :func:`make_teacher` builds one of rlab's synthetic teachers (B-Pref's scripted
teachers and the Bradley-Terry teacher) and labels segment pairs given as tensors.
"""

from __future__ import annotations

import enum
import secrets
from typing import Any, Optional, Sequence, SupportsFloat, Tuple, Union

import numpy as np
import torch

from . import _core

_envs = _core.envs

__all__ = [
    "AutoresetMode",
    "Box",
    "Discrete",
    "Env",
    "MultiDiscrete",
    "Space",
    "Teacher",
    "VectorEnv",
    "make",
    "make_teacher",
    "make_vec",
    "registered",
    "teachers",
]


class AutoresetMode(str, enum.Enum):
    """Gymnasium's names for when a vector environment resets a finished episode.

    rewardlab's vector environments use ``SAME_STEP``: the step that ends an episode already
    returns the first observation of the next one.
    """

    NEXT_STEP = "NextStep"
    SAME_STEP = "SameStep"
    DISABLED = "Disabled"


# --- spaces -------------------------------------------------------------------------------


class Space:
    """A set of values with a shape and a dtype, and its own generator for :meth:`sample`."""

    def __init__(self, shape: Tuple[int, ...], dtype: Any, seed: Optional[int] = None):
        self.shape: Tuple[int, ...] = tuple(int(d) for d in shape)
        self.dtype: np.dtype = np.dtype(dtype)
        self.np_random: np.random.Generator = np.random.default_rng(seed)

    def seed(self, seed: Optional[int] = None) -> list:
        """Reseeds the generator :meth:`sample` draws from; returns ``[seed]``."""
        self.np_random = np.random.default_rng(seed)
        return [seed]

    def sample(self) -> Any:  # pragma: no cover - every space overrides it
        raise NotImplementedError

    def contains(self, x: Any) -> bool:  # pragma: no cover - every space overrides it
        raise NotImplementedError

    def __contains__(self, x: Any) -> bool:
        return self.contains(x)


class Discrete(Space):
    """The integers ``start, ..., start + n - 1`` (Gymnasium's ``Discrete``)."""

    def __init__(self, n: int, seed: Optional[int] = None, start: int = 0):
        if int(n) < 1:
            raise ValueError(f"Discrete needs n >= 1, got {n}")
        super().__init__((), np.int64, seed)
        self.n: int = int(n)
        self.start: int = int(start)

    def sample(self) -> np.int64:
        """One value drawn uniformly."""
        return np.int64(self.start + self.np_random.integers(self.n))

    def contains(self, x: Any) -> bool:
        """Whether x is an integer (Python, numpy or a 0-d array) in the set."""
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            value = int(x)
        elif isinstance(x, np.ndarray) and x.shape == () and np.issubdtype(x.dtype, np.integer):
            value = int(x)
        else:
            return False
        return self.start <= value < self.start + self.n

    def __repr__(self) -> str:
        if self.start == 0:
            return f"Discrete({self.n})"
        return f"Discrete({self.n}, start={self.start})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Discrete) and (self.n, self.start) == (other.n, other.start)


class MultiDiscrete(Space):
    """One integer in ``{0, ..., nvec[i] - 1}`` per element (a batch of ``Discrete``)."""

    def __init__(self, nvec: Sequence[int], seed: Optional[int] = None):
        self.nvec: np.ndarray = np.asarray(nvec, dtype=np.int64)
        super().__init__(self.nvec.shape, np.int64, seed)

    def sample(self) -> np.ndarray:
        """One value per element, each drawn uniformly: int64 of shape ``nvec.shape``."""
        return self.np_random.integers(self.nvec).astype(np.int64)

    def contains(self, x: Any) -> bool:
        """Whether x is an integer array of this shape with every element in range."""
        x = np.asarray(x)
        return (
            x.shape == self.shape
            and np.issubdtype(x.dtype, np.integer)
            and bool(np.all((x >= 0) & (x < self.nvec)))
        )

    def __repr__(self) -> str:
        return f"MultiDiscrete({self.nvec.tolist()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MultiDiscrete) and np.array_equal(self.nvec, other.nvec)


class Box(Space):
    """A float32 array of a fixed shape within elementwise bounds (Gymnasium's ``Box``).

    ``low`` and ``high`` may be numbers (with ``shape``) or arrays; infinite bounds are allowed.
    """

    def __init__(
        self,
        low: Union[SupportsFloat, np.ndarray],
        high: Union[SupportsFloat, np.ndarray],
        shape: Optional[Sequence[int]] = None,
        dtype: Any = np.float32,
        seed: Optional[int] = None,
    ):
        if shape is None:
            shape = np.shape(low) if np.ndim(low) else np.shape(high)
        shape = tuple(int(d) for d in shape)
        super().__init__(shape, dtype, seed)
        self.low: np.ndarray = np.broadcast_to(np.asarray(low, dtype=self.dtype), shape).copy()
        self.high: np.ndarray = np.broadcast_to(np.asarray(high, dtype=self.dtype), shape).copy()
        if np.any(self.low > self.high):
            raise ValueError(f"Box needs low <= high, got low {self.low}, high {self.high}")

    def is_bounded(self, manner: str = "both") -> bool:
        """Whether every element is bounded "below", "above" or on "both" sides."""
        below = bool(np.all(np.isfinite(self.low)))
        above = bool(np.all(np.isfinite(self.high)))
        if manner == "both":
            return below and above
        if manner == "below":
            return below
        if manner == "above":
            return above
        raise ValueError(f"manner must be 'both', 'below' or 'above', got {manner!r}")

    def sample(self) -> np.ndarray:
        """A value drawn as Gymnasium draws it: uniform where both bounds are finite, normal
        where neither is, and an exponential offset from the finite bound otherwise."""
        low = self.low.astype(np.float64)
        high = self.high.astype(np.float64)
        below, above = np.isfinite(low), np.isfinite(high)
        out = np.empty(self.shape, dtype=np.float64)
        both = below & above
        out[both] = self.np_random.uniform(low[both], high[both])
        neither = ~below & ~above
        out[neither] = self.np_random.normal(size=int(neither.sum()))
        only_low = below & ~above
        out[only_low] = low[only_low] + self.np_random.exponential(size=int(only_low.sum()))
        only_high = ~below & above
        out[only_high] = high[only_high] - self.np_random.exponential(size=int(only_high.sum()))
        return np.clip(out, low, high).astype(self.dtype)

    def contains(self, x: Any) -> bool:
        """Whether x has this shape, a real dtype, and every element within the bounds."""
        x = np.asarray(x)
        return (
            x.shape == self.shape
            and (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer))
            and bool(np.all((x >= self.low) & (x <= self.high)))
        )

    def __repr__(self) -> str:
        def bound(x: np.ndarray) -> str:  # one number when every element shares it
            return str(x.flat[0]) if x.size and np.all(x == x.flat[0]) else str(x)

        return f"Box({bound(self.low)}, {bound(self.high)}, {self.shape}, {self.dtype})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Box)
            and self.shape == other.shape
            and np.array_equal(self.low, other.low)
            and np.array_equal(self.high, other.high)
        )


def _space(fields: dict) -> Space:
    """The Python space for the plain fields the C++ environment reports."""
    if fields["discrete"]:
        return Discrete(fields["n"])
    shape = tuple(fields["shape"])
    return Box(np.asarray(fields["low"], np.float32).reshape(shape),
               np.asarray(fields["high"], np.float32).reshape(shape))


def _batch(space: Space, n: int) -> Space:
    """Gymnasium's batch_space: n copies of a space as one."""
    if isinstance(space, Discrete):
        return MultiDiscrete(np.full(n, space.n))
    assert isinstance(space, Box)
    return Box(np.broadcast_to(space.low, (n,) + space.shape),
               np.broadcast_to(space.high, (n,) + space.shape))


# --- environments -------------------------------------------------------------------------


def _spec(id: str, spec_keys: dict) -> str:
    """The registry spec for an id and keys: 'CartPole-v1(max_episode_steps=200)'."""
    keys = ", ".join(f"{k}={v}" for k, v in spec_keys.items() if v is not None)
    if not keys:
        return id
    if id.endswith(")"):
        return f"{id[:-1]}, {keys})"
    return f"{id}({keys})"


def _check_seed(seed: Optional[int]) -> Optional[int]:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def _fresh_seed() -> int:
    return secrets.randbits(63)


class _Closable:
    """Gymnasium's close(), unwrapped and context manager, for environments that hold nothing
    to release."""

    closed: bool = False

    def close(self) -> None:
        """Nothing to release; kept for Gymnasium's API."""
        self.closed = True

    @property
    def unwrapped(self) -> Any:
        return self

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Env(_Closable, _envs.Env):
    """One environment with Gymnasium's ``Env`` API (build it with :func:`make`).

    ``step(action) -> (observation, reward, terminated, truncated, info)``: observation is a
    float32 array of ``observation_space.shape``, reward a float, terminated whether the
    episode reached a terminal state, truncated whether it hit the time limit
    (``max_episode_steps``), info ``{}``. After either, call :meth:`reset`; stepping on raises
    :class:`rewardlab.RewardlabError`. ``action`` is an int (discrete) or an array of
    ``action_space.shape`` (box; values outside the bounds are clipped as Gymnasium does).
    """

    metadata: dict = {"render_modes": []}
    render_mode: Optional[str] = None

    def __init__(self, spec: str, seed: Optional[int] = None):
        super().__init__(spec, _fresh_seed() if seed is None else _check_seed(seed))
        self.observation_space: Space = _space(self.observation_space_fields)
        self.action_space: Space = _space(self.action_space_fields)
        self.spec: str = spec

    def reset(
        self, *, seed: Optional[int] = None, options: Optional[dict] = None
    ) -> Tuple[np.ndarray, dict]:
        """Starts an episode: ``(observation, info)``. A seed reseeds the environment.

        ``options`` is accepted for Gymnasium's signature; these environments take none.
        """
        return self._reset(_check_seed(seed))

    def __repr__(self) -> str:
        return f"<rewardlab.envs.Env {self.spec}>"


class VectorEnv(_Closable, _envs.VectorEnv):
    """``num_envs`` environments stepped together, with Gymnasium's ``VectorEnv`` API (build
    it with :func:`make_vec`).

    ``step(actions) -> (observations, rewards, terminations, truncations, infos)``:
    observations float32 ``[N, *obs_shape]``, rewards float64 ``[N]``, terminations and
    truncations bool ``[N]``. ``actions`` is int ``[N]`` (discrete) or float ``[N, *shape]``
    (box), as numpy arrays, tensors or lists.

    Automatic reset is Gymnasium's ``AutoresetMode.SAME_STEP`` (``metadata["autoreset_mode"]``),
    as rlab's C++ vector environment does it: an environment whose episode ends is reset in
    the same step, so its row of ``observations`` is already the first observation of the next
    episode. Where some episode ended, ``infos`` holds ``"final_obs"`` (float32 ``[N, *obs]``,
    the last observation of the finished episode in the rows where ``infos["_final_obs"]``;
    Gymnasium keeps an object array with None elsewhere), ``"final_info"``/``"_final_info"``,
    and ``"episode"`` ``{"r": returns float64 [N], "l": lengths int64 [N]}`` with
    ``"_episode"``, as Gymnasium's ``RecordEpisodeStatistics`` reports them. Otherwise
    ``infos`` is ``{}``.
    """

    metadata: dict = {"autoreset_mode": AutoresetMode.SAME_STEP, "render_modes": []}
    render_mode: Optional[str] = None

    def __init__(self, spec: str, num_envs: int, seed: Optional[int] = None):
        super().__init__(spec, num_envs, _fresh_seed() if seed is None else _check_seed(seed))
        self.single_observation_space: Space = _space(self.observation_space_fields)
        self.single_action_space: Space = _space(self.action_space_fields)
        self.observation_space: Space = _batch(self.single_observation_space, num_envs)
        self.action_space: Space = _batch(self.single_action_space, num_envs)
        self.spec: str = spec

    def reset(
        self, *, seed: Optional[int] = None, options: Optional[dict] = None
    ) -> Tuple[np.ndarray, dict]:
        """Starts an episode in every environment: ``(observations, infos)``. With a seed s,
        environment i is reseeded with s + i (Gymnasium's convention for an int seed)."""
        if isinstance(seed, (list, tuple)):
            raise ValueError(
                "reset(seed=...) takes one int (environment i gets seed + i) or None, not a list"
            )
        return self._reset(_check_seed(seed))

    def __repr__(self) -> str:
        return f"<rewardlab.envs.VectorEnv {self.spec} x {self.num_envs}>"


def make(
    id: str,
    *,
    max_episode_steps: Optional[int] = None,
    seed: Optional[int] = None,
    **spec_keys: Any,
) -> Env:
    """One environment by its Gymnasium id, e.g. ``make("CartPole-v1")``.

    ``max_episode_steps`` (and any other key of the environment's spec) changes the time limit;
    ``seed`` seeds it before the first reset (``reset(seed=...)`` reseeds). An unknown id raises
    :class:`rewardlab.RewardlabError` listing the valid ones.
    """
    return Env(_spec(id, dict(max_episode_steps=max_episode_steps, **spec_keys)), seed)


def make_vec(
    id: str,
    num_envs: int = 1,
    *,
    max_episode_steps: Optional[int] = None,
    seed: Optional[int] = None,
    **spec_keys: Any,
) -> VectorEnv:
    """``num_envs`` copies of an environment stepped together in C++ (Gymnasium's
    ``make_vec``), with automatic reset in the same step (``AutoresetMode.SAME_STEP``)."""
    return VectorEnv(_spec(id, dict(max_episode_steps=max_episode_steps, **spec_keys)),
                     int(num_envs), seed)


def registered() -> list:
    """The ids :func:`make` accepts."""
    return list(_envs.registered())


# --- teachers -----------------------------------------------------------------------------


class Teacher(_envs.Teacher):
    """A synthetic teacher that labels pairs of segments by their true rewards (build it with
    :func:`make_teacher`)."""

    def label(
        self,
        first: torch.Tensor,
        second: torch.Tensor,
        *,
        seed: int = 0,
        mean_episode_return: float = 0.0,
        episode_length: int = 0,
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Labels Q segment pairs given by their per-step true rewards ``first, second [Q, H]``.

        Returns ``(labels, answered)``: labels float64 ``[Q]`` with B-Pref's values, 0.0 where
        the first segment is preferred, 1.0 where the second is, 0.5 where they are equally
        preferable and NaN where the teacher skipped the query; answered bool ``[Q]``.
        ``mean_episode_return`` and ``episode_length`` (the time limit T) set the skip and
        equal thresholds ``eps * (H / T) * mean_episode_return`` of the teachers that use them.
        Random draws (stochastic labels, mistakes) come from a generator seeded with ``seed``.
        """
        return super().label(first, second, seed, mean_episode_return, episode_length)

    def __repr__(self) -> str:
        return f"<rewardlab.envs.Teacher {self.describe()}>"


def make_teacher(spec: str) -> Teacher:
    """A teacher from rlab's registry by spec: B-Pref's ``oracle``, ``stochastic``,
    ``mistake``, ``myopic``, ``skip``, ``equal`` and ``scripted(beta=..., gamma=...,
    eps_mistake=..., eps_skip=..., eps_equal=...)``, or ``bradley_terry(temperature=1,
    discount=1)``. Presets take the scripted keys, e.g. ``mistake(eps_mistake=0.2)``."""
    return Teacher(spec)


def teachers() -> list:
    """The teacher names :func:`make_teacher` accepts."""
    return list(_envs.teachers())
