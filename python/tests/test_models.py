"""rewardlab.models: reward models, language models and tokenizers from Python, checked against
the rlab command line and against the models' own logits."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import torch

import rewardlab
from rewardlab import _core
from rewardlab.models import LanguageModel, RewardModel, Tokenizer

PROMPTS = ["What is 2+2?", "Say hello", "", "Écris un mot: "]
COMPLETIONS = [" 4", " hello there", "an empty prompt", "mot"]


@pytest.fixture(scope="module")
def reward_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("rm") / "reward_model"
    RewardModel.create("tiny", seed=3).save(path)
    return path


@pytest.fixture(scope="module")
def ensemble_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("ensemble") / "reward_model"
    RewardModel.create("tiny", members=3, seed=4).save(path)
    return path


@pytest.fixture(scope="module")
def lm():
    return LanguageModel.from_preset("tiny", seed=1)


def _rlab_score(rlab_binary, model_dir, tmp_path):
    data = tmp_path / "rows.jsonl"
    data.write_text(
        "".join(
            json.dumps({"prompt": p, "completion": c}) + "\n" for p, c in zip(PROMPTS, COMPLETIONS)
        )
    )
    out = tmp_path / "scored.jsonl"
    subprocess.run(
        [str(rlab_binary), "score", str(data), "--model", str(model_dir), "-o", str(out)]
        + ["--threads", "1"],
        check=True,
        capture_output=True,
    )
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_reward_model_scores_equal_rlab_score_cli(rlab_binary, reward_dir, ensemble_dir, tmp_path):
    rows = _rlab_score(rlab_binary, reward_dir, tmp_path)
    rewards = RewardModel(reward_dir)(PROMPTS, COMPLETIONS)
    assert rewards.dtype == torch.float32 and rewards.shape == (len(PROMPTS),)
    assert rewards.tolist() == pytest.approx([r["score"] for r in rows], abs=1e-6)

    rows = _rlab_score(rlab_binary, ensemble_dir, tmp_path)
    ensemble = RewardModel(ensemble_dir)
    assert ensemble.size == 3
    members = ensemble.member_rewards(PROMPTS, COMPLETIONS)
    assert members.shape == (3, len(PROMPTS))
    for k in range(3):
        assert members[k].tolist() == pytest.approx([r["member_scores"][k] for r in rows], abs=1e-6)
    means = ensemble(PROMPTS, COMPLETIONS).tolist()
    assert means == pytest.approx([r["score"] for r in rows], abs=1e-6)


def test_ensemble_bounds_and_aggregations_follow_the_members(ensemble_dir):
    ensemble = RewardModel(ensemble_dir)
    e = ensemble.ensemble_rewards(PROMPTS, COMPLETIONS)
    assert torch.equal(e.lower, e.members.min(0).values)
    assert torch.equal(e.upper, e.members.max(0).values)
    assert torch.allclose(e.std, e.members.std(0, unbiased=False))
    assert torch.equal(ensemble(PROMPTS, COMPLETIONS, aggregation="wco"), e.lower)
    assert torch.equal(ensemble(PROMPTS, COMPLETIONS, aggregation="member(index=2)"), e.members[2])
    assert (e.upper - e.lower).min() > 0  # three differently drawn members disagree


def test_token_calls_score_the_rows_the_text_call_scores(reward_dir, ensemble_dir):
    for path in (reward_dir, ensemble_dir):
        model = RewardModel(path)
        ids, mask = model.tokenize(PROMPTS, COMPLETIONS)
        assert ids.dtype == torch.int64 and ids.shape == mask.shape and ids.shape[0] == len(PROMPTS)
        bos, eos = model.tokenizer.bos_token_id, model.tokenizer.eos_token_id
        assert ids[1, 0] == bos and ids[1, int(mask[1].sum()) - 1] == eos
        assert torch.equal(model.score(ids, mask), model(PROMPTS, COMPLETIONS))
        members = model.member_rewards(PROMPTS, COMPLETIONS)
        assert torch.equal(model.member_scores(ids, mask), members)
    # Rows without padding need no mask; the reward is read at the last token.
    model = RewardModel(reward_dir)
    ids, mask = model.tokenize(["ab"], ["cd"])
    assert torch.equal(model.score(ids), model.score(ids, mask))


def test_reward_model_save_then_load_gives_the_same_rewards(tmp_path):
    made = RewardModel.create("tiny", seed=9, pooling="sum")
    made.save(tmp_path / "rm")
    loaded = RewardModel(tmp_path / "rm")
    assert torch.equal(made(PROMPTS, COMPLETIONS), loaded(PROMPTS, COMPLETIONS))
    assert loaded.objective == "bradley_terry"


def test_language_model_save_then_load_gives_identical_logits(lm, tmp_path):
    ids = torch.randint(0, 256, (2, 7), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        logits = lm.forward(ids)
    assert logits.shape == (2, 7, lm.config["vocab_size"])
    lm.save(tmp_path / "lm")
    loaded = LanguageModel(tmp_path / "lm")
    with torch.no_grad():
        assert torch.equal(loaded(ids), logits)
    assert loaded.config == lm.config
    assert loaded.tokenizer.encode("abc", add_bos=True) == lm.tokenizer.encode("abc", add_bos=True)
    # A reward model started from it scores with a copy of its weights.
    rm = RewardModel.from_language_model(loaded)
    assert torch.equal(rm.state_dict()["backbone.embed.weight"], lm.state_dict()["embed.weight"])


def test_creating_a_model_leaves_torch_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    LanguageModel.from_preset("tiny", seed=5)
    RewardModel.create("tiny", seed=5)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_generation_logprobs_equal_log_softmax_of_forward_logits(lm, temperature):
    prompts = [[257, 72, 105], [257, 65]]  # BOS + bytes, two lengths: the second is left-padded
    gen = lm.generate(prompts, max_new_tokens=6, temperature=temperature, seed=5, stop_token_ids=[])
    assert gen.tokens.shape == (2, 6) and bool(gen.mask.all())
    assert gen.prompt_mask.tolist() == [[1, 1, 1], [0, 1, 1]]
    ids = torch.cat([gen.prompt_ids, gen.tokens], 1)
    mask = torch.cat([gen.prompt_mask, gen.mask], 1)
    with torch.no_grad():
        logits = lm.forward(ids, mask)[:, 2:-1] / temperature  # the positions predicting tokens
        expected = torch.log_softmax(logits, -1).gather(-1, gen.tokens.unsqueeze(-1)).squeeze(-1)
        assert torch.allclose(gen.logprobs, expected, atol=1e-5)
        rescored = lm.completion_logprobs(gen, temperature=temperature)
        assert torch.allclose(rescored, expected, atol=1e-5)
    if temperature == 1.0:
        with torch.no_grad():
            assert torch.allclose(lm.token_logprobs(ids, mask)[:, 2:], expected, atol=1e-5)
    assert gen.completions() == gen.tokens.tolist()
    # The same seed draws the same tokens; the text API encodes with BOS first.
    again = lm.generate(
        prompts, max_new_tokens=6, temperature=temperature, seed=5, stop_token_ids=[]
    )
    assert torch.equal(again.tokens, gen.tokens)
    text = lm.generate(["hi"], max_new_tokens=3, temperature=0.0, stop_token_ids=[])
    assert text.prompt_ids.tolist() == [[257, 104, 105]] and len(text.texts()[0]) <= 3


def test_generation_equals_rlab_generate_cli(rlab_binary):
    # rlab generate --seed seeds both the preset's weights and the sampling.
    lm = LanguageModel("preset:tiny", seed=7)
    gen = lm.generate([[257, 104, 105]], max_new_tokens=5, seed=7, stop_token_ids=[])
    out = subprocess.run(
        [str(rlab_binary), "generate", "--model", "preset:tiny", "--seed", "7", "--prompt-ids"]
        + ["257,104,105", "--max-new-tokens", "5", "--no-stop", "--logprobs", "--threads", "1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert gen.completions() == [[int(t) for t in out[0].split()]]
    cli_logprobs = [float(x) for x in out[1].split()[1:]]
    assert gen.logprobs[0].tolist() == pytest.approx(cli_logprobs, abs=1e-4)


def test_tokenizer_round_trips_and_special_ids(tmp_path):
    byte = Tokenizer("byte")
    text = "Grüße, <bos> 1+1=2"
    assert byte.decode(byte.encode(text)) == text
    assert byte.encode("A", add_bos=True) == [byte.bos_token_id, 65]
    assert (byte.bos_token_id, byte.eos_token_id, byte.pad_token_id) == (257, 258, 256)
    assert byte.is_special(258) and not byte.is_special(65) and len(byte) == 259
    assert byte.decode([65, 258, 66], skip_special_tokens=True) == "AB"
    assert byte.decode(torch.tensor([104, 105])) == "hi"
    chat = byte.apply_chat_template(
        [{"role": "user", "content": "2+2?"}], add_generation_prompt=True
    )
    assert chat == "user: 2+2?\nassistant:"
    try:
        gpt2 = Tokenizer("gpt2")
    except rewardlab.RewardlabError:
        gpt2 = None  # GPT-2's files are not installed here
    if gpt2 is not None:
        assert gpt2.encode("Hello world") == [15496, 995]
        assert gpt2.decode(gpt2.encode(text)) == text
        gpt2.save(tmp_path / "gpt2")
        assert Tokenizer(tmp_path / "gpt2").encode(text) == gpt2.encode(text)
    byte.save(tmp_path / "byte")
    reloaded = Tokenizer(tmp_path / "byte")
    assert reloaded.encode(text, add_bos=True) == byte.encode(text, add_bos=True)


def test_tensors_cross_without_copies(lm):
    ids = torch.randint(0, 256, (2, 5))
    # A tensor reaches C++ where it lies, and one C++ returns is the same memory.
    assert _core.models._tensor_data_ptr(ids) == ids.data_ptr()
    assert _core.models._tensor_identity(ids).data_ptr() == ids.data_ptr()
    # state_dict() is the model's own parameters: zeroing the tied embedding from Python zeroes
    # every logit the C++ forward computes, and a second call hands out the same memory.
    model = LanguageModel.from_preset("tiny", seed=2)
    embed = model.state_dict()["embed.weight"]
    assert model.state_dict()["embed.weight"].data_ptr() == embed.data_ptr()
    with torch.no_grad():
        embed.zero_()
        assert bool((model.forward(ids) == 0).all())
    # Generation's tensors are rewardlab's own, not copies made on the way out.
    gen = lm.generate([[257, 1]], max_new_tokens=2, stop_token_ids=[])
    assert gen._impl.tokens.data_ptr() == gen.tokens.data_ptr()
    assert gen._impl.logprobs.data_ptr() == gen.logprobs.data_ptr()
    # Autograd crosses too: the samples' log-probs backpropagate into the C++ parameters.
    policy = LanguageModel.from_preset("tiny", seed=3)
    policy.completion_logprobs(gen).sum().backward()
    assert policy.state_dict()["embed.weight"].grad.abs().sum() > 0
    # A reward model's head likewise: zero it and every reward is 0.
    rm = RewardModel.create("tiny", seed=1)
    with torch.no_grad():
        rm.state_dict()["score.weight"].zero_()
    assert rm(PROMPTS, COMPLETIONS).abs().max() == 0


def test_errors_are_rewardlab_errors_naming_what_is_wrong(tmp_path, lm):
    missing = tmp_path / "no_such_model"
    with pytest.raises(rewardlab.RewardlabError, match=str(missing)):
        RewardModel(missing)
    with pytest.raises(rewardlab.RewardlabError, match=str(missing)):
        LanguageModel(missing)
    with pytest.raises(rewardlab.RewardlabError, match="tiny, small, medium"):
        RewardModel.create("huge")
    rm = RewardModel.create("tiny")
    with pytest.raises(rewardlab.RewardlabError, match="2 prompts for 1 completions"):
        rm(["a", "b"], ["c"])
    with pytest.raises(rewardlab.RewardlabError, match="outside the model's vocabulary"):
        lm.forward(torch.tensor([[1, 999]]))
    with pytest.raises(rewardlab.RewardlabError, match="int64"):
        lm.forward(torch.zeros(1, 3))
    with pytest.raises(rewardlab.RewardlabError, match="attention_mask"):
        rm.score(torch.ones(2, 3, dtype=torch.int64), torch.ones(2, 4, dtype=torch.int64))
    with pytest.raises(rewardlab.RewardlabError, match="member"):
        rm(["a"], ["b"], aggregation="member(index=3)")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_no_leak_over_10000_calls(lm):
    tok = Tokenizer("byte")
    ids = torch.tensor([[257, 104, 105, 33]])
    bad_ids = torch.tensor([[257, 104, 999]])  # out of the vocabulary: the call raises
    text = "hello"

    def calls(n: int, forwards: int) -> None:
        for _ in range(n):
            tok.encode(text)
            try:
                lm.forward(bad_ids)
            except rewardlab.RewardlabError:
                pass
        with torch.no_grad():
            for _ in range(forwards):  # a real forward costs ~1 ms: fewer of them
                lm.forward(ids)

    calls(200, 50)  # warm libtorch's allocator and pybind's caches
    refs = [sys.getrefcount(x) for x in (ids, bad_ids, text, lm, tok)]
    rss = _rss_bytes()
    calls(10_000, 1_000)
    assert [sys.getrefcount(x) for x in (ids, bad_ids, text, lm, tok)] == refs
    assert _rss_bytes() - rss < 4 << 20


def test_generate_releases_the_gil(lm):
    started, done = threading.Event(), threading.Event()

    def generate():
        started.set()
        lm.generate([[257]] * 8, max_new_tokens=300, stop_token_ids=[])
        done.set()

    worker = threading.Thread(target=generate)
    worker.start()
    started.wait()
    time.sleep(0.02)  # the worker is inside generate by now
    sum(range(10_000))  # Python work that needs the GIL
    ran_during_generate = not done.is_set()
    worker.join()
    assert ran_during_generate
