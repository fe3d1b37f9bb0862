"""rewardlab.losses: every loss, estimator, transform and aggregation equals the engine's value
(computed by rewardlab_loss_values, a C++ program that calls the engine without the bindings),
a few equal their closed forms, gradients reach the caller's tensors, tensors cross without
copies, errors name what is wrong, and 10,000 calls leak nothing."""

import json
import math
import os
import subprocess
import sys

import pytest
import torch

import rewardlab
from rewardlab import losses as L

TOLERANCE = dict(rtol=1e-12, atol=1e-12)
Error = rewardlab.RewardlabError


@pytest.fixture(scope="module")
def engine(binary_dir):
    program = binary_dir / "tests" / "python" / "rewardlab_loss_values"
    assert program.exists(), f"{program} is missing: build the target rewardlab_loss_values"
    result = subprocess.run([str(program)], check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def as_tensor(value, dtype=torch.float64):
    return torch.tensor(value["values"], dtype=dtype).reshape(value["shape"])


@pytest.fixture(scope="module")
def inputs(engine):
    raw = engine["inputs"]
    out = {name: as_tensor(value) for name, value in raw.items() if name != "group_size"}
    for name in ("chosen_lengths", "rejected_lengths", "ranked_lengths"):
        out[name] = out[name].to(torch.int64)
    out["kto_desirable"] = out["kto_desirable"].to(torch.bool)
    out["group_size"] = raw["group_size"]
    return out


def assert_matches(actual, expected):
    torch.testing.assert_close(actual.detach().to(torch.float64), as_tensor(expected), **TOLERANCE)


def pairs(x):
    return dict(
        policy_chosen_logps=x["policy_chosen_logps"],
        policy_rejected_logps=x["policy_rejected_logps"],
        reference_chosen_logps=x["reference_chosen_logps"],
        reference_rejected_logps=x["reference_rejected_logps"],
    )


def lengths(x):
    return dict(
        chosen_lengths=x["chosen_lengths"],
        rejected_lengths=x["rejected_lengths"],
        margins=x["margins"],
    )


# --- parity with the engine, over every registered name --------------------------------------


def test_every_dpo_loss_matches_the_engine(engine, inputs):
    values = engine["dpo_losses"]
    # Token-level losses need per-token inputs that DPOLoss does not take; the engine lists them.
    assert set(L.list_dpo_losses()) <= set(values) | set(engine["dpo_losses_token_level"])
    assert {"sigmoid", "ipo", "hinge", "simpo", "orpo", "bco_pair", "sft"} <= set(values)
    for spec, expected in values.items():
        out = L.DPOLoss(spec)(**pairs(inputs), **lengths(inputs))
        for field in ("loss", "chosen_rewards", "rejected_rewards"):
            assert_matches(getattr(out, field), expected[field])
    weighted = L.dpo_loss(
        **pairs(inputs), **lengths(inputs), loss_type=["sigmoid", "sft"], loss_weights=[1.0, 0.5]
    )
    assert_matches(weighted.loss, engine["weighted_sigmoid_1_sft_0.5"])


def test_dpo_keyword_options_build_the_same_spec(engine, inputs):
    by_keywords = L.dpo_loss(
        **pairs(inputs), **lengths(inputs), loss_type="simpo", beta=2.5, gamma=0.3
    )
    assert_matches(by_keywords.loss, engine["dpo_losses"]["simpo(beta=2.5, gamma=0.3)"]["loss"])
    by_bool = L.DPOLoss("bco_pair", running_mean=False)
    assert by_bool.describe() == "bco_pair(beta=0.1, running_mean=false)"
    assert_matches(
        by_bool(**pairs(inputs)).loss, engine["dpo_losses"]["bco_pair(running_mean=false)"]["loss"]
    )


def test_every_group_advantage_estimator_matches_the_engine(engine, inputs):
    values = engine["group_advantages"]
    assert set(L.list_group_advantages()) <= set(values)
    rewards, g = inputs["rewards"], inputs["group_size"]
    for spec, expected in values.items():
        assert_matches(L.group_advantages(rewards, spec, group_size=g), expected)
        grouped = L.group_advantages(rewards.reshape(-1, g), spec)  # [P, G] in, [P, G] out
        assert grouped.shape == (rewards.numel() // g, g)
        assert_matches(grouped.reshape(-1), expected)


def test_every_kl_estimator_matches_the_engine(engine, inputs):
    assert L.list_kl_estimators() == sorted(engine["kl_estimators"])
    for name, expected in engine["kl_estimators"].items():
        assert_matches(L.per_token_kl(inputs["logps"], inputs["ref_logps"], name), expected)
    for alias, name in (("kl", "k1"), ("mse", "k2"), ("low_var_kl", "k3")):
        assert_matches(
            L.per_token_kl(inputs["logps"], inputs["ref_logps"], alias),
            engine["kl_estimators"][name],
        )


def test_every_reward_transform_matches_the_engine(engine, inputs):
    values = engine["reward_transforms"]
    assert set(L.list_reward_transforms()) <= set(values)
    for spec, expected in values.items():
        out = L.transform_rewards(inputs["scores"], spec, inputs["reference_scores"])
        assert_matches(out, expected)


def test_every_ensemble_aggregation_matches_the_engine(engine, inputs):
    values = engine["ensemble_aggregations"]
    assert set(L.list_ensemble_aggregations()) <= set(values)
    for spec, expected in values.items():
        assert_matches(L.aggregate_ensemble(inputs["member_rewards"], spec), expected)
    by_keyword = L.aggregate_ensemble(inputs["member_rewards"], "member", index=2)
    assert_matches(by_keyword, values["member(index=2)"])


def test_every_loss_aggregation_matches_the_engine(engine, inputs):
    values = engine["loss_aggregations"]
    assert set(L.list_loss_aggregations()) == set(values) >= {"grpo", "dr_grpo", "dapo"}
    bool_mask = inputs["mask"].to(torch.bool)
    for spec, expected in values.items():
        assert_matches(L.aggregate_loss(inputs["per_token_loss"], bool_mask, spec), expected["0"])
        out = L.aggregate_loss(
            inputs["per_token_loss"], inputs["mask"], spec, max_completion_length=6
        )
        assert_matches(out, expected["6"])


def test_kto_and_pro_match_the_engine(engine, inputs):
    x = inputs
    kto_args = (x["kto_policy_logps"], x["kto_reference_logps"], x["kto_desirable"])
    kl_args = (x["kto_kl_policy_logps"], x["kto_kl_reference_logps"])
    out = L.kto_loss(*kto_args, *kl_args)
    for field in ("loss", "rewards", "reference_point"):
        assert_matches(getattr(out, field), engine["kto"][field])
    weighted = L.kto_loss(*kto_args, *kl_args, beta=0.5, undesirable_weight=1.5)
    assert_matches(weighted.loss, engine["kto_beta_0.5_undesirable_1.5"])
    assert_matches(L.pro_loss(x["ranked_logps"], x["ranked_lengths"]), engine["pro"])
    weighted_pro = L.pro_loss(x["ranked_logps"], x["ranked_lengths"], sft_weight=0.5)
    assert_matches(weighted_pro, engine["pro_sft_weight_0.5"])


# --- closed forms -----------------------------------------------------------------------------


def test_dpo_losses_equal_their_closed_forms(inputs):
    pc, pr, rc, rr = (inputs[k] for k in pairs(inputs))
    lc, lr = inputs["chosen_lengths"].double(), inputs["rejected_lengths"].double()
    beta = 0.25
    h = (pc - rc) - (pr - rr)
    sigmoid = L.dpo_loss(pc, pr, rc, rr, loss_type="sigmoid", beta=beta)
    closed = -torch.log(torch.sigmoid(beta * h)).mean()
    torch.testing.assert_close(sigmoid.loss, closed, **TOLERANCE)
    torch.testing.assert_close(sigmoid.chosen_rewards, beta * (pc - rc), **TOLERANCE)
    torch.testing.assert_close(sigmoid.rejected_rewards, beta * (pr - rr), **TOLERANCE)
    hinge = L.dpo_loss(pc, pr, rc, rr, loss_type="hinge", beta=beta).loss
    torch.testing.assert_close(hinge, torch.clamp(1 - beta * h, min=0).mean(), **TOLERANCE)
    ipo = L.dpo_loss(
        pc, pr, rc, rr, loss_type="ipo", beta=beta, chosen_lengths=lc, rejected_lengths=lr
    ).loss
    h_avg = (pc - rc) / lc - (pr - rr) / lr
    torch.testing.assert_close(ipo, ((h_avg - 1 / (2 * beta)) ** 2).mean(), **TOLERANCE)


def test_group_estimators_and_k3_equal_their_closed_forms():
    rewards = torch.tensor(
        [[1.0, 0.0, 0.5, 0.25], [2.0, 2.0, 2.0, 2.0], [0.0, 3.0, 1.0, 1.0]], dtype=torch.float64
    )
    centred = rewards - rewards.mean(1, keepdim=True)
    grpo = L.group_advantages(rewards, "grpo")
    expected = centred / (rewards.std(1, keepdim=True) + 1e-4)  # TRL's eps, the engine's default
    expected[1] = 0  # a constant group gets exactly 0
    torch.testing.assert_close(grpo, expected, **TOLERANCE)
    assert torch.equal(grpo[1], torch.zeros(4, dtype=torch.float64))
    dr_grpo = L.group_advantages(rewards, "grpo", scale_rewards=False)
    torch.testing.assert_close(dr_grpo, centred, **TOLERANCE)
    rloo = rewards - (rewards.sum(1, keepdim=True) - rewards) / 3
    flat = L.group_advantages(rewards.reshape(-1), "rloo", group_size=4)
    torch.testing.assert_close(flat, rloo.reshape(-1), **TOLERANCE)
    logps = torch.tensor([-0.5, -2.0, -1.0], dtype=torch.float64)
    ref = torch.tensor([-1.0, -1.5, -1.0], dtype=torch.float64)
    d = logps - ref
    torch.testing.assert_close(L.per_token_kl(logps, ref, "k3"), torch.exp(-d) - 1 + d, **TOLERANCE)
    torch.testing.assert_close(L.per_token_kl(logps, ref, "k2"), d**2 / 2, **TOLERANCE)
    torch.testing.assert_close(L.transform_rewards(d, "centre"), d - d.mean(), **TOLERANCE)
    members = torch.tensor([[1.0, -1.0], [3.0, 0.0]], dtype=torch.float64)
    uwo = L.aggregate_ensemble(members, "uwo(lambda=2)")
    penalised = members.mean(0) - 2 * members.var(0, unbiased=False)
    torch.testing.assert_close(uwo, penalised, **TOLERANCE)


# --- gradients, memory, dtypes ----------------------------------------------------------------


def test_dpo_gradient_reaches_the_callers_tensors_as_autograd_of_the_closed_form():
    torch.manual_seed(0)
    base = [torch.randn(5, dtype=torch.float64) * 3 - 10 for _ in range(4)]
    ours = [t.clone().requires_grad_() for t in base]
    theirs = [t.clone().requires_grad_() for t in base]
    beta = 0.3
    L.dpo_loss(*ours, loss_type="sigmoid", beta=beta).loss.backward()
    pc, pr, rc, rr = theirs
    (-torch.nn.functional.logsigmoid(beta * ((pc - rc) - (pr - rr)))).mean().backward()
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a.grad, b.grad, **TOLERANCE)
    assert ours[0].grad.abs().sum() > 0
    logps = base[0].clone().requires_grad_()
    L.per_token_kl(logps, base[1], "k3").sum().backward()  # d/dlogp (e^-d - 1 + d) = 1 - e^-d
    torch.testing.assert_close(logps.grad, 1 - torch.exp(-(base[0] - base[1])), **TOLERANCE)
    advantages = L.group_advantages(base[0].clone().requires_grad_()[:4], "grpo", group_size=2)
    assert not advantages.requires_grad


def test_tensors_cross_without_copies():
    rewards = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    same = L.transform_rewards(rewards, "identity")
    assert same.data_ptr() == rewards.data_ptr()
    same.mul_(2)  # the caller's tensor changes with it: one memory
    assert rewards.tolist() == [1.0, -2.0, 4.0]


def test_non_contiguous_and_float32_tensors_are_handled():
    logps = torch.tensor([[-0.5, -1.0], [-2.0, -0.25], [-1.5, -3.0]], dtype=torch.float64)
    ref = torch.full((3, 2), -1.0, dtype=torch.float64)
    strided = L.per_token_kl(logps.t(), ref.t(), "k3")
    assert not logps.t().is_contiguous()
    dense_kl = L.per_token_kl(logps.t().contiguous(), ref.t().contiguous(), "k3")
    torch.testing.assert_close(strided, dense_kl)
    chosen, rejected = logps[:, 0], logps[:, 1]  # strided views of one tensor
    out = L.dpo_loss(chosen, rejected, ref[:, 0], ref[:, 1], beta=0.5)
    dense = [t.contiguous() for t in (chosen, rejected, ref[:, 0], ref[:, 1])]
    expected = L.dpo_loss(*dense, beta=0.5)
    torch.testing.assert_close(out.loss, expected.loss)
    single = L.dpo_loss(*(t.float() for t in dense), beta=0.5)
    assert single.loss.dtype == torch.float32
    torch.testing.assert_close(single.loss.double(), expected.loss, rtol=1e-6, atol=1e-6)


# --- errors -----------------------------------------------------------------------------------


def test_errors_name_the_bad_name_or_key_and_list_the_valid_ones():
    x = torch.zeros(2, dtype=torch.float64)
    with pytest.raises(Error, match=r"unknown DPO loss 'sigmod'.*valid names:.*sigmoid"):
        L.dpo_loss(x, x, x, x, loss_type="sigmod")
    with pytest.raises(Error, match=r"'ipo' has no key 'gamma'; valid keys: beta"):
        L.DPOLoss("ipo", gamma=0.1)
    with pytest.raises(Error, match=r"unknown group advantage estimator 'gpro'.*grpo"):
        L.group_advantages(x, "gpro", group_size=2)
    with pytest.raises(Error, match=r"unknown KL estimator 'k4'.*k3"):
        L.per_token_kl(x, x, "k4")
    with pytest.raises(Error, match=r"unknown reward transform 'scale'.*standardise"):
        L.transform_rewards(x, "scale")
    with pytest.raises(Error, match=r"unknown ensemble aggregation 'max'.*wco"):
        L.aggregate_ensemble(x.reshape(1, 2), "max")
    with pytest.raises(Error, match=r"unknown loss aggregation 'token'.*dapo"):
        L.aggregate_loss(x.reshape(1, 2), x.reshape(1, 2), "token")


def test_errors_name_the_bad_argument():
    x = torch.zeros(3, dtype=torch.float64)
    with pytest.raises(Error, match=r"policy_chosen_logps must be a floating-point tensor.*Long"):
        L.dpo_loss(torch.zeros(3, dtype=torch.int64), x, x, x)
    with pytest.raises(Error, match=r"sigmoid\(beta=0.1\) compares the policy with a reference"):
        L.dpo_loss(x, x)
    with pytest.raises(Error, match=r"mm_dpo needs each pair's reward margin"):
        L.dpo_loss(x, x, x, x, loss_type="mm_dpo")
    with pytest.raises(Error, match=r"chosen and rejected log-probs must both be \[B\]"):
        L.dpo_loss(x, torch.zeros(2, dtype=torch.float64), x, torch.zeros(2, dtype=torch.float64))
    half = torch.zeros(3, dtype=torch.float16)  # torch's own error, raised inside the loss
    with pytest.raises(Error, match=r"sigmoid\(beta=0.1\): .*not implemented for 'Half'"):
        L.dpo_loss(half, half, half, half)
    with pytest.raises(Error, match=r"log_sigmoid needs reference rewards r_ref"):
        L.transform_rewards(x, "log_sigmoid")
    with pytest.raises(Error, match=r"group_size"):
        L.group_advantages(x, "grpo")
    assert L.DPOLoss("simpo").needs_reference is False
    assert "gamma" in L.dpo_losses_help() and "scale_rewards" in L.group_advantages_help()


# --- no leaks ---------------------------------------------------------------------------------


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_ten_thousand_calls_leak_no_references_and_no_memory():
    logps = torch.randn(16, dtype=torch.float64)
    ref = torch.randn(16, dtype=torch.float64)
    for _ in range(1000):  # warm up allocator caches
        L.per_token_kl(logps, ref, "k1")
    counts = (sys.getrefcount(logps), sys.getrefcount(ref))
    rss = _rss_bytes()
    for _ in range(10_000):
        L.per_token_kl(logps, ref, "k1")
    assert (sys.getrefcount(logps), sys.getrefcount(ref)) == counts
    assert _rss_bytes() - rss < 4 * 1024 * 1024
    # The DPO binding's optional arguments and returned tuple hold no reference either.
    pairs4 = [torch.randn(8, dtype=torch.float64) for _ in range(4)]
    loss = L.DPOLoss("sigmoid")
    counts = [sys.getrefcount(t) for t in pairs4]
    for _ in range(10_000):
        loss(*pairs4)
    assert [sys.getrefcount(t) for t in pairs4] == counts
    assert _rss_bytes() - rss < 4 * 1024 * 1024
