"""rewardlab.run: runs started in-process equal the rlab binary's, overrides, Python reward
functions in GRPO (their rewards are the logged ones), their checked errors, Ctrl-C."""

import json
import math
import os
import signal
import subprocess
import threading
import time

import pytest
import torch

import rewardlab
from rewardlab import RewardlabError
from rewardlab import runs

# Bradley-Terry reward recovery, small enough for a fraction of a second.
BT_CONFIG = {
    "pipeline": "bt-recovery",
    "data": {"items": 200, "dim": 4, "train_pairs": 300, "heldout_pairs": 100},
    "train": {"steps": 40, "batch_size": 32},
    "run": {"name": "bt", "seed": 3, "log_every": 10, "checkpoint_every": 20, "threads": 1},
}

# Two GRPO steps of the tiny random preset on one-digit addition: 4 prompts x 4 completions.
PROMPTS, GROUP = 4, 4


def grpo_config(out_dir, reward, **extra):
    config = {
        "pipeline": "rl",
        "model": "preset:tiny",
        "data": "task:arithmetic(digits=1)",
        "algo": "grpo",
        "reward": reward,
        "group_size": GROUP,
        "optim": {"steps": 2, "batch_size": PROMPTS},
        "eval_every": 0,
        "eval_prompts": 4,
        "run": {"out_dir": str(out_dir), "threads": 1, "log_every": 1},
    }
    config.update(extra)
    return config


def machine_free(summary):
    """A summary without what differs between two runs of the same config: times, provenance."""
    return {
        k: v
        for k, v in summary.items()
        if k != "provenance" and "seconds" not in k and not k.startswith("time")
    }


def test_a_dict_run_equals_the_binary_run_of_the_same_yaml(tmp_path, rlab_binary):
    ticks, done = [], threading.Event()

    def tick():  # runs only while the run has released the GIL
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.0005)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        result = rewardlab.run(BT_CONFIG, run__out_dir=str(tmp_path / "py"))
        ticked = len(ticks)
    finally:
        done.set()
        ticker.join()
    assert ticked >= 10, "the GIL was held during the run"
    assert result.run_dir.parent == tmp_path / "py"
    assert result.run_dir.name.startswith("bt-")
    assert result.summary == runs.read_summary(result.run_dir)
    assert result.summary["status"] == "finished"
    assert result.summary["pipeline"] == "bt-recovery"

    config_file = tmp_path / "bt.json"  # JSON is YAML: the binary reads the same text
    config_file.write_text(json.dumps(BT_CONFIG))
    out = subprocess.run(
        [rlab_binary, "run", config_file, f"run.out_dir={tmp_path / 'cli'}"],
        check=True, capture_output=True, text=True,
    )
    cli_dir = out.stdout.strip().splitlines()[-1]
    assert machine_free(runs.read_summary(cli_dir)) == machine_free(result.summary)
    # The same metrics, line by line, and the same effective config.
    assert [machine_free(m) for m in runs.read_metrics(cli_dir)] == [
        machine_free(m) for m in result.metrics()
    ]
    strip = lambda text: text.split("# provenance")[0].replace(str(tmp_path / "cli"), "OUT")
    assert strip((result.run_dir / "config.yaml").read_text()).replace(
        str(tmp_path / "py"), "OUT"
    ) == strip(open(os.path.join(cli_dir, "config.yaml")).read())


def test_overrides_are_keywords_with_double_underscores_and_yaml_paths_work(
    tmp_path, source_dir
):
    assert runs.override_assignment("train__lr", 1e-3) == "train.lr=0.001"
    assert runs.override_assignment("model.hidden", [8, 8]) == "model.hidden=[8, 8]"
    lines = []
    result = rewardlab.run(
        source_dir / "examples" / "bt_recovery.yaml",
        progress=lines.append,
        data__items=100, data__train_pairs=200, data__heldout_pairs=50, data__dim=3,
        train__steps=20, train__lr=0.05, model__hidden=[4], run__out_dir=str(tmp_path),
        run__log_every=5, threads=1,
    )
    # The lines rlab printed on stderr, the progress line among them.
    assert any(line.startswith("bt-recovery 20/20 (100%)") for line in lines), lines
    assert any("finished in" in line and str(result.run_dir) in line for line in lines), lines
    saved = (result.run_dir / "config.yaml").read_text()
    assert "steps: 20" in saved and "lr: 0.05" in saved and "hidden: [4]" in saved
    assert [m["step"] for m in result.metrics() if "loss" in m] == [5, 10, 15, 20]
    columns = result.metrics(columns=True)
    assert columns["step"] == [m["step"] for m in result.metrics()]
    assert "rl" in runs.list_pipelines() and "bt-recovery" in runs.list_pipelines()

    def failing(line):
        raise OSError("no room")

    with pytest.raises(RewardlabError, match="the progress callable raised OSError: no room"):
        rewardlab.run(BT_CONFIG, run__out_dir=str(tmp_path), progress=failing)


def test_bad_config_keys_are_named(tmp_path):
    bad = dict(BT_CONFIG, train={"stepz": 5})
    with pytest.raises(RewardlabError, match=r"<dict config>:\d+:\d+: unknown key 'train.stepz'"):
        rewardlab.run(bad, run__out_dir=str(tmp_path))
    with pytest.raises(RewardlabError, match=r"override 'train.stepz=5': unknown key 'train.stepz'"):
        rewardlab.run(BT_CONFIG, train__stepz=5, run__out_dir=str(tmp_path))
    with pytest.raises(RewardlabError, match="missing top-level key 'pipeline'.*bt-recovery"):
        rewardlab.run({"train": {}})
    with pytest.raises(RewardlabError, match="unknown pipeline 'bt'|'bt'.*valid"):
        rewardlab.run({"pipeline": "bt"})
    assert not list(tmp_path.iterdir())  # nothing started


def test_a_python_reward_function_is_the_reward_grpo_logs(tmp_path):
    batches = []

    def length(prompts, completions):
        assert len(prompts) == len(completions)
        rewards = [float(len(c)) for c in completions]
        batches.append((list(prompts), rewards))
        return torch.tensor(rewards)  # a tensor is as good as a list

    result = rewardlab.run(
        grpo_config(tmp_path, ["python(name=length)"]), reward_functions={"length": length}
    )
    train = [m for m in result.metrics() if "reward" in m]
    assert [m["step"] for m in train] == [1, 2]
    rollouts = [b for b in batches if len(b[1]) == PROMPTS * GROUP]
    assert len(rollouts) == 2  # the other batches are the evaluations' held-out prompts
    for line, (prompts, rewards) in zip(train, rollouts):
        assert line["reward"] == pytest.approx(sum(rewards) / len(rewards), rel=1e-6)
        # Each prompt's group of completions comes together; the prompts are the task's.
        assert all(len(set(prompts[i : i + GROUP])) == 1 for i in range(0, len(prompts), GROUP))
        assert all(p.endswith("=") and "+" in p for p in prompts)
    assert rewardlab._core.runs.external_reward_names() == []  # gone with the run


def test_a_function_is_given_the_answers_and_prompt_file_columns_it_asks_for(tmp_path, source_dir):
    seen = []

    def correct(prompts, completions, answer):  # the task's reference answers
        seen.append(answer)
        assert all(a == str(eval(p.rstrip("="))) for p, a in zip(prompts, answer))
        return [float(c.strip() == a) for c, a in zip(completions, answer)]

    rewardlab.run(grpo_config(tmp_path, ["python(name=correct)"]),
                  reward_functions={"correct": correct})
    assert len(seen) == 4 and all(None not in answers for answers in seen)

    def columns_seen(prompts, completions, **columns):  # every column of the prompt file
        seen.append(columns)
        assert all(int(a) == eval(p.rstrip("=")) for p, a in zip(prompts, columns["answer"]))
        return [0.0] * len(completions)

    prompts_file = source_dir / "examples" / "data" / "prompts.jsonl"
    rewardlab.run(grpo_config(tmp_path, ["python(name=columns_seen)"], data=str(prompts_file),
                              eval_fraction=0.1),
                  reward_functions={"columns_seen": columns_seen})
    assert set(seen[-1]) == {"answer"}
    with pytest.raises(RewardlabError, match="'level' asks for level, which this batch does not "
                                             r"have \(its columns: answer\)"):
        rewardlab.run(grpo_config(tmp_path, ["python(name=level)"]),
                      reward_functions={"level": lambda prompts, completions, level: level})


def test_weighted_with_a_rule_source_the_constant_shifts_the_reward(tmp_path):
    result = rewardlab.run(
        grpo_config(tmp_path, ["task", "python(name=half)"], reward_weights=[0.0, 2.0]),
        reward_functions={"half": lambda p, c: [0.5] * len(c)},
    )
    train = [m for m in result.metrics() if "reward" in m]
    assert [m["reward"] for m in train] == [1.0, 1.0]  # 0 * task + 2 * 0.5, exactly
    assert result.summary["status"] == "finished"


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda p, c: [1.0] * (len(c) - 1), r"reward function 'bad' returned 15 rewards for 16 "),
        (lambda p, c: [1.0] * 3 + [math.nan] * (len(c) - 3),
         r"reward function 'bad' returned nan at index 3 \(completion "),
        (lambda p, c: 1.0, r"reward function 'bad' failed: TypeError: reward function 'bad' "
                           r"returned float"),
    ],
    ids=["wrong_length", "nan", "not_a_sequence"],
)
def test_bad_rewards_fail_the_run_naming_the_function(tmp_path, fn, message):
    with pytest.raises(RewardlabError, match=message):
        rewardlab.run(
            grpo_config(tmp_path, ["python(name=bad)"], eval_prompts=16, eval_batch_size=16),
            reward_functions={"bad": fn},
        )


def test_an_exception_in_the_function_keeps_its_message_and_cause(tmp_path):
    def broken(prompts, completions):
        raise ValueError("the judge is out to lunch")

    with pytest.raises(RewardlabError) as raised:
        rewardlab.run(grpo_config(tmp_path, ["python(name=broken)"]),
                      reward_functions={"broken": broken})
    assert "reward function 'broken' failed: ValueError: the judge is out to lunch" in str(
        raised.value
    )
    assert isinstance(raised.value.__cause__, ValueError)


def test_an_unknown_function_name_lists_the_registered_ones(tmp_path):
    with pytest.raises(
        RewardlabError,
        match=r"python\(name=brevity\): no reward function named 'brevity' is registered "
              r"\(registered: length\)",
    ):
        rewardlab.run(grpo_config(tmp_path, ["python(name=brevity)"]),
                      reward_functions={"length": lambda p, c: [0.0] * len(c)})


def test_ctrl_c_stops_at_a_checkpoint_and_resume_finishes(tmp_path):
    calls = []

    def interrupting(prompts, completions):
        calls.append(len(completions))
        if len(calls) == 2:  # the first training batch (after the start's evaluation)
            os.kill(os.getpid(), signal.SIGINT)
        return [0.0] * len(completions)

    with pytest.raises(KeyboardInterrupt, match="stopped by SIGINT after the checkpoint") as raised:
        rewardlab.run(grpo_config(tmp_path, ["python(name=f)"]),
                      reward_functions={"f": interrupting})
    run_dir = raised.value.run_dir
    stopped = runs.read_summary(run_dir)
    assert stopped["status"] == "interrupted" and stopped["signal"] == "SIGINT"
    assert stopped["step"] == 1
    resumed = rewardlab.run(resume=run_dir, reward_functions={"f": lambda p, c: [0.0] * len(c)})
    assert str(resumed.run_dir) == run_dir and resumed.summary["status"] == "finished"
    assert [m["step"] for m in resumed.metrics() if "reward" in m] == [1, 2]
