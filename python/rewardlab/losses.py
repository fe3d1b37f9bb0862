"""rewardlab.losses: the engine's losses and estimators on your own tensors.

Every function computes with the tensors you pass (no copies), so a loss's gradient flows back
to them through torch's autograd, on whatever device they live. What is a registry in the
engine is chosen here by its spec, ``name`` or ``name(key=value, ...)``, exactly as the ``rlab``
command line takes it, and each ``list_*()`` returns the registered names: an entry added to
the engine appears here with no change to this module. Keyword options are added to the spec,
so ``dpo_loss(..., loss_type="simpo", gamma=0.3)`` is ``simpo(gamma=0.3)``; ``*_help()``
shows every entry's keys with their defaults. An unknown name or key raises
:class:`rewardlab.RewardlabError` naming it and listing the valid ones.

- DPO family (TRL's ``loss_type`` names): :func:`dpo_loss`, :class:`DPOLoss`,
  :func:`list_dpo_losses`; KTO: :func:`kto_loss`; PRO: :func:`pro_loss`.
- Group advantages (GRPO, RLOO, REINFORCE++, BNPO): :func:`group_advantages`.
- KL estimators k1, k2, k3: :func:`per_token_kl`.
- Reward transforms: :func:`transform_rewards`; ensemble aggregation:
  :func:`aggregate_ensemble`; token-loss aggregation (GRPO's ``loss_type``):
  :func:`aggregate_loss`.

Process-reward (PRM) aggregations do not exist in the engine yet, so none is exposed.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, NamedTuple, Optional, Sequence, Union

import torch

from . import _core

_losses = _core.losses

__all__ = [
    "DPOLoss",
    "DPOLossOutput",
    "KTOLossOutput",
    "aggregate_ensemble",
    "aggregate_loss",
    "dpo_loss",
    "dpo_losses_help",
    "ensemble_aggregations_help",
    "group_advantages",
    "group_advantages_help",
    "kto_loss",
    "list_dpo_losses",
    "list_ensemble_aggregations",
    "list_group_advantages",
    "list_kl_estimators",
    "list_loss_aggregations",
    "list_reward_transforms",
    "loss_aggregations_help",
    "per_token_kl",
    "pro_loss",
    "reward_transforms_help",
    "transform_rewards",
]


def _spec_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    text = str(value)
    if any(c in text for c in ",()=\" "):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def _spec(name_or_spec: str, options: Mapping[str, Any]) -> str:
    """``name_or_spec`` with ``options`` added as keys (values None are left out)."""
    given = {k: v for k, v in options.items() if v is not None}
    if not given:
        return name_or_spec
    keys = ", ".join(f"{k}={_spec_value(v)}" for k, v in given.items())
    text = name_or_spec.strip()
    if text.endswith(")"):
        inner = text[text.index("(") + 1 : -1].strip()
        return f"{text[: text.index('(')]}({inner + ', ' if inner else ''}{keys})"
    return f"{text}({keys})"


# ---------------------------------------------------------------------------------------------
# Registries: names and help

# The engine's registries, read at each call (pybind11 gives these their typed signatures and
# docstrings): list_* returns the names, *_help every entry's keys with defaults.
list_dpo_losses = _losses.list_dpo_losses
dpo_losses_help = _losses.dpo_losses_help
list_group_advantages = _losses.list_group_advantages
group_advantages_help = _losses.group_advantages_help
list_kl_estimators = _losses.list_kl_estimators
list_reward_transforms = _losses.list_reward_transforms
reward_transforms_help = _losses.reward_transforms_help
list_ensemble_aggregations = _losses.list_ensemble_aggregations
ensemble_aggregations_help = _losses.ensemble_aggregations_help
list_loss_aggregations = _losses.list_loss_aggregations
loss_aggregations_help = _losses.loss_aggregations_help


# ---------------------------------------------------------------------------------------------
# Preference losses


class DPOLossOutput(NamedTuple):
    """A DPO-family loss on a batch of pairs, with the implicit rewards TRL logs."""

    loss: torch.Tensor  # scalar, differentiable
    chosen_rewards: torch.Tensor  # [B], detached: beta (log pi - log ref)(y_c)
    rejected_rewards: torch.Tensor  # [B], detached


class DPOLoss:
    """A DPO-family loss built once, to call on batch after batch.

    ``loss_type`` is a name of :func:`list_dpo_losses` or a spec (``"simpo(gamma=0.3)"``), or
    a list of them weighted by ``loss_weights`` (TRL's multi-loss form; the rewards returned
    are the first loss's). ``beta`` and any other keyword become keys of the spec (of every
    spec, for a list); None keeps the engine's default. Keep one object for a whole training
    run where a loss carries state between batches (bco_pair's running mean).
    """

    def __init__(
        self,
        loss_type: Union[str, Sequence[str]] = "sigmoid",
        *,
        beta: Optional[float] = None,
        loss_weights: Optional[Sequence[float]] = None,
        **options: Any,
    ) -> None:
        options = {"beta": beta, **options}
        if isinstance(loss_type, str):
            if loss_weights is not None:
                raise _core.RewardlabError(
                    "DPOLoss: loss_weights goes with a list of loss types, e.g. "
                    "loss_type=['sigmoid', 'sft'], loss_weights=[1.0, 0.5]"
                )
            self._loss = _losses.DPOLoss(_spec(loss_type, options))
        else:
            specs = [_spec(t, options) for t in loss_type]
            weights = [1.0] * len(specs) if loss_weights is None else list(loss_weights)
            if len(weights) != len(specs):
                raise _core.RewardlabError(
                    f"DPOLoss: {len(specs)} loss types but {len(weights)} loss_weights; "
                    "give one weight per loss type"
                )
            self._loss = _losses.DPOLoss(list(zip(specs, map(float, weights))))

    def __call__(
        self,
        policy_chosen_logps: torch.Tensor,
        policy_rejected_logps: torch.Tensor,
        reference_chosen_logps: Optional[torch.Tensor] = None,
        reference_rejected_logps: Optional[torch.Tensor] = None,
        *,
        chosen_lengths: Optional[torch.Tensor] = None,
        rejected_lengths: Optional[torch.Tensor] = None,
        margins: Optional[torch.Tensor] = None,
    ) -> DPOLossOutput:
        """Scores a batch of B pairs.

        Args:
            policy_chosen_logps, policy_rejected_logps: [B] summed completion log-probs
                under the policy being trained.
            reference_chosen_logps, reference_rejected_logps: [B] the same under the reference
                model; not read by the reference-free losses (simpo, orpo, sft).
            chosen_lengths, rejected_lengths: [B] completion lengths in tokens, for the losses
                on length-averaged log-probs (ipo, simpo, orpo, rpo, sigmoid_norm, sft, ...).
            margins: [B] each pair's reward margin from the data, for mm_dpo.
        """
        return DPOLossOutput(
            *self._loss(
                policy_chosen_logps,
                policy_rejected_logps,
                reference_chosen_logps,
                reference_rejected_logps,
                chosen_lengths,
                rejected_lengths,
                margins,
            )
        )

    @property
    def needs_reference(self) -> bool:
        """Whether the loss reads the reference model's log-probs."""
        return self._loss.needs_reference

    def describe(self) -> str:
        """The loss's spec with every key's value, e.g. ``sigmoid(beta=0.1)``."""
        return self._loss.describe()

    def __repr__(self) -> str:
        return f"rewardlab.losses.DPOLoss('{self.describe()}')"


def dpo_loss(
    policy_chosen_logps: torch.Tensor,
    policy_rejected_logps: torch.Tensor,
    reference_chosen_logps: Optional[torch.Tensor] = None,
    reference_rejected_logps: Optional[torch.Tensor] = None,
    *,
    loss_type: Union[str, Sequence[str]] = "sigmoid",
    beta: Optional[float] = None,
    loss_weights: Optional[Sequence[float]] = None,
    chosen_lengths: Optional[torch.Tensor] = None,
    rejected_lengths: Optional[torch.Tensor] = None,
    margins: Optional[torch.Tensor] = None,
    **options: Any,
) -> DPOLossOutput:
    """A DPO-family loss by TRL's ``loss_type`` name, on one batch: ``(loss, chosen_rewards,
    rejected_rewards)``. See :class:`DPOLoss` for the arguments; a loss that carries state
    between batches (bco_pair) needs a :class:`DPOLoss` kept across calls instead.

    Example: ``dpo_loss(pc, pr, rc, rr, loss_type="ipo", beta=0.1, chosen_lengths=lc,
    rejected_lengths=lr).loss.backward()``.
    """
    loss = DPOLoss(loss_type, beta=beta, loss_weights=loss_weights, **options)
    return loss(
        policy_chosen_logps,
        policy_rejected_logps,
        reference_chosen_logps,
        reference_rejected_logps,
        chosen_lengths=chosen_lengths,
        rejected_lengths=rejected_lengths,
        margins=margins,
    )


class KTOLossOutput(NamedTuple):
    """KTO on a batch of unpaired completions."""

    loss: torch.Tensor  # scalar, differentiable
    rewards: torch.Tensor  # [B], detached: beta (log pi - log ref)
    reference_point: torch.Tensor  # scalar z, detached


def kto_loss(
    policy_logps: torch.Tensor,
    reference_logps: torch.Tensor,
    desirable: torch.Tensor,
    kl_policy_logps: torch.Tensor,
    kl_reference_logps: torch.Tensor,
    *,
    beta: Optional[float] = None,
    desirable_weight: Optional[float] = None,
    undesirable_weight: Optional[float] = None,
) -> KTOLossOutput:
    """KTO (TRL's KTOTrainer semantics) on completions [B] labelled ``desirable`` (bool [B]).

    ``kl_policy_logps`` and ``kl_reference_logps`` [M] are log-probs of mismatched (prompt,
    completion) pairs, from which the reference point z = max(0, mean KL) is estimated.
    Options left None take the engine's defaults.
    """
    return KTOLossOutput(
        *_losses.kto_loss(
            policy_logps,
            reference_logps,
            desirable,
            kl_policy_logps,
            kl_reference_logps,
            beta,
            desirable_weight,
            undesirable_weight,
        )
    )


def pro_loss(
    logps: torch.Tensor, lengths: torch.Tensor, *, sft_weight: Optional[float] = None
) -> torch.Tensor:
    """PRO's Plackett-Luce loss over rankings: summed log-probs [B, K], best response first,
    and their lengths in tokens [B, K] -> scalar. ``sft_weight`` (None: the engine's default)
    adds the best response's per-token negative log-likelihood."""
    return _losses.pro_loss(logps, lengths, sft_weight)


# ---------------------------------------------------------------------------------------------
# Estimators and aggregations


def group_advantages(
    rewards: torch.Tensor,
    estimator: str,
    *,
    group_size: Optional[int] = None,
    **options: Any,
) -> torch.Tensor:
    """Advantages of G completions per prompt from their rewards, by a group estimator.

    ``rewards`` is [P, G] (one row per prompt), or [P * G] with each prompt's completions
    contiguous and ``group_size=G``; the advantages have the rewards' shape and no gradient.
    ``estimator`` is a name of :func:`list_group_advantages` or a spec; keyword options are
    added to it (``group_advantages(r, "grpo", scale_rewards=False)`` is Dr. GRPO).
    """
    spec = _spec(estimator, options)
    if rewards.dim() == 2:
        if group_size is not None and group_size != rewards.shape[1]:
            raise _core.RewardlabError(
                f"group_advantages: rewards are [{rewards.shape[0]}, {rewards.shape[1]}] "
                f"but group_size={group_size}; leave group_size out for [P, G] rewards"
            )
        return _losses.group_advantages(rewards.reshape(-1), rewards.shape[1], spec).reshape(
            rewards.shape
        )
    if group_size is None:
        raise _core.RewardlabError(
            "group_advantages: rewards [N] need group_size (completions per prompt); "
            "or pass them as [P, G]"
        )
    return _losses.group_advantages(rewards, group_size, spec)


def per_token_kl(logps: torch.Tensor, ref_logps: torch.Tensor, estimator: str) -> torch.Tensor:
    """Per-token estimates of KL(policy || reference) from the log-probs of sampled tokens
    under both, [..., T] each, by ``estimator`` (k1 = d, k2 = d^2/2, k3 = exp(-d) - 1 + d with
    d = logps - ref_logps; also named kl, mse, low_var_kl). Differentiable in both."""
    return _losses.per_token_kl(logps, ref_logps, estimator)


def transform_rewards(
    rewards: torch.Tensor,
    transform: str,
    reference_rewards: Optional[torch.Tensor] = None,
    **options: Any,
) -> torch.Tensor:
    """A reward transform of :func:`list_reward_transforms` (or its spec, with keyword options
    added) on rewards [N]; log_sigmoid and par also read the rewards of the reference policy's
    completions, ``reference_rewards`` [N] ([N, M] for par)."""
    return _losses.transform_rewards(rewards, _spec(transform, options), reference_rewards)


def aggregate_ensemble(
    member_rewards: torch.Tensor, aggregation: str, **options: Any
) -> torch.Tensor:
    """One reward per completion [N] from the rewards of K ensemble members [K, N], by an
    aggregation of :func:`list_ensemble_aggregations` (``uwo``'s penalty is ``lambda``, a
    Python keyword: pass it in the spec, ``"uwo(lambda=1)"``)."""
    return _losses.aggregate_ensemble(member_rewards, _spec(aggregation, options))


def aggregate_loss(
    per_token_loss: torch.Tensor,
    mask: torch.Tensor,
    loss_type: str,
    *,
    max_completion_length: Optional[int] = None,
) -> torch.Tensor:
    """Token losses [B, T] over a mask of completion tokens [B, T] (bool or 0/1) -> scalar, by
    TRL's GRPO ``loss_type`` (:func:`list_loss_aggregations`); ``max_completion_length`` is
    dr_grpo's normaliser L (None: T)."""
    return _losses.aggregate_loss(per_token_loss, mask, loss_type, max_completion_length or 0)
