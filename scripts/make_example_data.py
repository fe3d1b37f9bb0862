#!/usr/bin/env python3
"""Writes the small data files under examples/data/ that the README's commands read.

The data come from the arithmetic task that `task:arithmetic(digits=2)` trains on (prompt
"12+35=", completion "47"), so that a model fine-tuned on the task meets familiar prompts:
  sft.jsonl             prompt/completion pairs (TRL's standard SFT layout)
  sft_chat.jsonl        the same as "messages" conversations (TRL's conversational layout)
  prefs.jsonl           preference pairs (prompt/chosen/rejected) with a "subset" naming the
                        kind of mistake in the rejected answer
  prefs_test.jsonl      held-out pairs over other prompts, for eval-rm
  prefs_chat.jsonl      conversational preference pairs, with "subset"
  kto.jsonl             unpaired feedback (prompt/completion/label) for the kto loss
  annotated_pairs.json  PandaLM-style annotated pairs (instruction, input, response1/2,
                        three annotators' labels 1/2/0) for `data convert --from
                        pairwise-annotated`
  pairs.csv             a CSV whose columns have other names (question, good, bad, category),
                        with quoted commas, for `data convert --from columns`
The output depends only on the seed: run `python3 scripts/make_example_data.py` from the
repository root to rewrite the files byte for byte.
"""
import csv
import io
import json
import os
import random

SEED = 27
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "data")

# The kinds of wrong answer, each a subset: what a reward model should learn to reject.
MISTAKES = {
    "off_by_one": lambda s, rng: s + rng.choice([-1, 1]),
    "off_by_ten": lambda s, rng: s + rng.choice([-10, 10]),
    "digits_swapped": lambda s, rng: int(str(s)[::-1]) if s >= 10 and str(s)[::-1] != str(s)
    else s + 11,
    "no_carry": lambda s, rng: s - 10 if s >= 10 else s + 1,
}


def problems(rng, count, taken):
    """`count` distinct two-digit additions not in `taken`, as (a, b) pairs."""
    out = []
    while len(out) < count:
        a, b = rng.randrange(100), rng.randrange(100)
        if (a, b) in taken:
            continue
        taken.add((a, b))
        out.append((a, b))
    return out


def wrong(a, b, kind, rng):
    answer = MISTAKES[kind](a + b, rng)
    return answer if answer != a + b and answer >= 0 else a + b + 1


def write_jsonl(name, records):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def pairs(rng, items):
    kinds = sorted(MISTAKES)
    out = []
    for i, (a, b) in enumerate(items):
        kind = kinds[i % len(kinds)]
        out.append({"prompt": f"{a}+{b}=", "chosen": f"{a + b}",
                    "rejected": f"{wrong(a, b, kind, rng)}", "subset": kind})
    return out


def user(text):
    return [{"role": "user", "content": text}]


def assistant(text):
    return [{"role": "assistant", "content": text}]


def main():
    rng = random.Random(SEED)
    os.makedirs(OUT, exist_ok=True)
    taken = set()
    train, test, chat, kto, annotated, table = (problems(rng, n, taken)
                                                for n in (200, 60, 80, 100, 30, 40))

    write_jsonl("sft.jsonl", [{"prompt": f"{a}+{b}=", "completion": f"{a + b}"}
                              for a, b in train])
    write_jsonl("sft_chat.jsonl", [{"messages": user(f"What is {a}+{b}?") + assistant(f"{a + b}")}
                                   for a, b in chat])
    write_jsonl("prefs.jsonl", pairs(rng, train))
    write_jsonl("prefs_test.jsonl", pairs(rng, test))
    write_jsonl("prefs_chat.jsonl", [
        {"prompt": user(f"What is {p['prompt'][:-1]}?"), "chosen": assistant(p["chosen"]),
         "rejected": assistant(p["rejected"]), "subset": p["subset"]}
        for p in pairs(rng, chat)])
    kto_records = []
    for i, (a, b) in enumerate(kto):
        good = i % 2 == 0
        answer = a + b if good else wrong(a, b, sorted(MISTAKES)[i % len(MISTAKES)], rng)
        kto_records.append({"prompt": f"{a}+{b}=", "completion": f"{answer}", "label": good})
    write_jsonl("kto.jsonl", kto_records)

    # Three annotators; most agree, some split two to one, and a few cannot decide (0 = tie).
    records = []
    for i, (a, b) in enumerate(annotated):
        right, bad = f"The sum is {a + b}.", f"The sum is {wrong(a, b, 'off_by_one', rng)}."
        first_right = rng.random() < 0.5
        votes = [1 if first_right else 2] * 3
        if i % 5 == 3:
            votes[rng.randrange(3)] = 2 if first_right else 1
        if i % 10 == 9:
            votes = [1, 2, 0]
        records.append({"idx": i, "motivation_app": "calculator" if i % 3 else "homework",
                        "instruction": "Add the two numbers.", "input": f"{a} and {b}",
                        "response1": right if first_right else bad,
                        "response2": bad if first_right else right,
                        "annotator1": votes[0], "annotator2": votes[1], "annotator3": votes[2]})
    with open(os.path.join(OUT, "annotated_pairs.json"), "w", encoding="utf-8",
              newline="\n") as f:
        json.dump(records, f, indent=1, ensure_ascii=False)
        f.write("\n")

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["question", "good", "bad", "category"])
    for i, (a, b) in enumerate(table):
        kind = sorted(MISTAKES)[i % len(MISTAKES)]
        writer.writerow([f"Add {a} and {b}, then give the sum.", f"{a + b}",
                         f'"{wrong(a, b, kind, rng)}", I think', kind])
    with open(os.path.join(OUT, "pairs.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(text.getvalue())


if __name__ == "__main__":
    main()
