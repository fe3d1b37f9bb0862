#!/usr/bin/env python3
"""Writes the prompt-only files under examples/data/ that `rlab rl` and `rlab online-po` read.

Fifty prompts of the arithmetic task that `task:arithmetic(digits=2)` trains on ("12+35="),
each with its `answer` column, for reward sources such as `exact_match(column=answer)`:
  prompts.jsonl       TRL's standard prompt-only layout: {"prompt": "12+35=", "answer": "47"}
  prompts_chat.jsonl  TRL's conversational prompt-only layout: {"prompt": [{"role": "user",
                      "content": "12+35="}], "answer": "47"}
The output depends only on the seed: run `python3 scripts/make_prompt_files.py` from the
repository root to rewrite the files byte for byte.
"""
import json
import os
import random

SEED = 2027
COUNT = 50
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "data")


def problems(rng, count):
    """`count` distinct two-digit additions as (prompt, answer)."""
    seen, out = set(), []
    while len(out) < count:
        a, b = rng.randint(10, 99), rng.randint(10, 99)
        prompt = f"{a}+{b}="
        if prompt in seen:
            continue
        seen.add(prompt)
        out.append((prompt, str(a + b)))
    return out


def write_jsonl(name, records):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(SEED)
    items = problems(rng, COUNT)
    write_jsonl("prompts.jsonl", [{"prompt": p, "answer": a} for p, a in items])
    write_jsonl("prompts_chat.jsonl",
                [{"prompt": [{"role": "user", "content": p}], "answer": a} for p, a in items])


if __name__ == "__main__":
    main()
