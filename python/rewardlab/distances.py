"""rewardlab.distances: EPIC and STARC distances between reward functions.

A reward function is a Python callable ``r(obs, actions, next_obs) -> rewards`` over a batch
of B transitions: ``obs`` and ``next_obs`` float32 tensors ``[B, D]``, ``actions`` float32
``[B, A]`` (a discrete action is its index as a float, A = 1); it returns B rewards (a tensor,
or anything ``torch.as_tensor`` takes). rewardlab's C++ calls it in batches with the GIL held
and checks its output: a wrong shape or a non-finite reward raises
:class:`rewardlab.RewardlabError` naming the function. A reward may also be one of rlab's
reward specs on an environment (``"true"``, ``"negated"``, ``"scaled(factor=0.5)"``,
``"shaped(scale=1, potential=random, seed=0)"``, ``"random(seed=0)"``).

:func:`epic_distance` and :func:`starc_distance` estimate the distances from samples (Gleave
et al., arXiv:2006.13900; Skalse et al., arXiv:2309.15257, with the EPIC canonicalisation):
a uniformly random policy's rollouts in an environment (``env="Pendulum-v1"``), or
:class:`EpicSamples` you give (:func:`sample_mdp_transitions` draws them for a finite MDP).
With the same pairs in every expectation, the estimate of a reward against its
potential-shaped, positively rescaled self is 0 up to rounding, and against its negation 1.
:func:`epic_distance_tabular` and :func:`starc_distance_tabular` are the exact distances on a
finite MDP, for rewards tabulated as ``[S, A, S]`` tensors.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Optional, Union

import torch

from . import _core

_distances = _core.distances

__all__ = [
    "EpicSamples",
    "RewardLike",
    "epic_distance",
    "epic_distance_tabular",
    "sample_env_transitions",
    "sample_mdp_transitions",
    "starc_distance",
    "starc_distance_tabular",
]

RewardLike = Union[Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor], str]
"""A callable r(obs, actions, next_obs) -> [B] rewards, or a reward spec on ``env``."""


@dataclasses.dataclass(frozen=True)
class EpicSamples:
    """The samples of a sample-based distance.

    ``obs``, ``actions``, ``next_obs`` ([N, D], [N, A], [N, D]) are the coverage transitions
    where the canonicalised rewards are compared; ``state_samples`` [M, D] and
    ``action_samples`` [M, A] are draws of the state and action distributions D_S and D_A of
    the canonicalisation's expectations.
    """

    obs: torch.Tensor
    actions: torch.Tensor
    next_obs: torch.Tensor
    state_samples: torch.Tensor
    action_samples: torch.Tensor

    def _as_tuple(self) -> tuple:
        return (self.obs, self.actions, self.next_obs, self.state_samples, self.action_samples)


def sample_env_transitions(
    env: str, num_samples: int = 4096, *, num_transitions: Optional[int] = None, seed: int = 0,
    num_envs: int = 32
) -> EpicSamples:
    """Samples from a uniformly random policy in a registered environment (as ``rlab
    distance`` draws them): ``num_transitions`` (default ``num_samples``) coverage transitions
    from its rollouts, ``num_samples`` visited states from separate rollouts and as many
    uniform actions."""
    n = num_samples if num_transitions is None else num_transitions
    return EpicSamples(*_distances.sample_env(env, n, num_samples, num_envs, seed))


def sample_mdp_transitions(
    coverage: torch.Tensor,
    state_dist: torch.Tensor,
    action_dist: torch.Tensor,
    num_samples: int = 4096,
    *,
    num_transitions: Optional[int] = None,
    seed: int = 0,
) -> EpicSamples:
    """Samples of a finite MDP with states and actions as index rows: transitions from
    ``coverage [S, A, S]``, states from ``state_dist [S]``, actions from ``action_dist [A]``
    (float64 distributions)."""
    n = num_samples if num_transitions is None else num_transitions
    return EpicSamples(
        *_distances.sample_mdp(coverage, state_dist, action_dist, n, num_samples, seed)
    )


def _sampled(
    metric: str,
    reward_a: RewardLike,
    reward_b: RewardLike,
    env: Optional[str],
    samples: Optional[EpicSamples],
    gamma: float,
    num_samples: int,
    seed: int,
) -> float:
    if samples is None:
        if env is None:
            raise ValueError(f"{metric}_distance needs env=... or samples=...")
        samples = sample_env_transitions(env, num_samples, seed=seed)
    distance, _, _ = _distances.sampled_distance(
        metric, reward_a, reward_b, samples._as_tuple(), gamma, env or ""
    )
    return distance


def epic_distance(
    reward_a: RewardLike,
    reward_b: RewardLike,
    *,
    env: Optional[str] = None,
    samples: Optional[EpicSamples] = None,
    gamma: float = 0.99,
    num_samples: int = 4096,
    seed: int = 0,
) -> float:
    """The EPIC distance of two rewards in [0, 1], estimated from samples.

    Give ``env`` (a registered id: samples from its random-policy rollouts, ``num_samples``
    of each kind, drawn from ``seed``) or ``samples``. 0 for rewards equal up to potential
    shaping and positive rescaling, 1 for a reward and its negation. A reward constant up to
    shaping counts as zero (distance 1/2 from any other). The GIL is released while the
    engine computes; it is taken back for each call of a Python reward.
    """
    return _sampled("epic", reward_a, reward_b, env, samples, gamma, num_samples, seed)


def starc_distance(
    reward_a: RewardLike,
    reward_b: RewardLike,
    *,
    env: Optional[str] = None,
    samples: Optional[EpicSamples] = None,
    gamma: float = 0.99,
    num_samples: int = 4096,
    seed: int = 0,
) -> float:
    """The STARC distance of two rewards in [0, 1] (EPIC canonicalisation, L2 norm under the
    coverage samples, halved), estimated from samples as :func:`epic_distance` does."""
    return _sampled("starc", reward_a, reward_b, env, samples, gamma, num_samples, seed)


def epic_distance_tabular(
    rewards1: torch.Tensor,
    rewards2: torch.Tensor,
    *,
    gamma: float = 0.9,
    state_dist: Optional[torch.Tensor] = None,
    action_dist: Optional[torch.Tensor] = None,
    coverage: Optional[torch.Tensor] = None,
) -> float:
    """The exact EPIC distance of two rewards tabulated as ``[S, A, S]`` tensors, with D_S and
    D_A (default uniform) and the coverage distribution ``[S, A, S]`` (default their
    product)."""
    return _distances.epic_tabular(rewards1, rewards2, gamma, state_dist, action_dist, coverage)


def starc_distance_tabular(
    rewards1: torch.Tensor,
    rewards2: torch.Tensor,
    *,
    canonicalisation: str = "epic",
    gamma: float = 0.9,
    transitions: Optional[torch.Tensor] = None,
    policy: Optional[torch.Tensor] = None,
    state_dist: Optional[torch.Tensor] = None,
    action_dist: Optional[torch.Tensor] = None,
    norm_weights: Optional[torch.Tensor] = None,
) -> float:
    """The exact STARC distance of two rewards ``[S, A, S]``: canonicalisation ``"epic"``
    (with D_S, D_A), ``"val"`` or ``"val_pointwise"`` (value-adjusted levelling, which needs
    ``transitions [S, A, S]`` and takes ``policy [S, A]``, default uniform); the L2 norm
    weighted by ``norm_weights [S, A, S]`` (default unweighted)."""
    return _distances.starc_tabular(
        rewards1, rewards2, canonicalisation, gamma, transitions, policy, state_dist,
        action_dist, norm_weights
    )
