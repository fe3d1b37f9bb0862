"""Python peer of language-model generation, for benchmarks only.

Greedy decoding with a KV cache in eager PyTorch (torch 1.13 from Debian's python3-torch):
the loop a Python RL library runs when it samples completions itself. The model is a
Llama-architecture checkpoint written by `bench_lm generate --save DIR`, run by
llama_model.py beside this file.

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peer/lm_generate.py DIR --batch 1 --new-tokens 256

Prints one JSON line with tokens_per_second and ms_per_step (best of --repeats).
"""
import argparse
import json
import time

import torch

from llama_model import Llama


def generate(model, prompt, new_tokens):
    cache = [None] * model.layers
    logits = model.forward(prompt, cache, 0, last_only=True)
    length = prompt.shape[1]
    out = []
    for _ in range(new_tokens):
        logprobs = torch.log_softmax(logits, -1)
        token = logprobs.argmax(-1, keepdim=True)
        out.append(token)
        logits = model.forward(token, cache, length, last_only=True)
        length += 1
    return torch.cat(out, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("directory")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--prompt", type=int, default=8)
    p.add_argument("--new-tokens", type=int, default=256)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = Llama(a.directory)
    vocab = model.w["model.embed_tokens.weight"].shape[0]
    prompt = torch.tensor([[(7 * b + 3 * t + 1) % vocab for t in range(a.prompt)] for b in range(a.batch)])
    best = float("inf")
    with torch.no_grad():
        generate(model, prompt, 4)
        for _ in range(a.repeats):
            start = time.perf_counter()
            generate(model, prompt, a.new_tokens)
            best = min(best, time.perf_counter() - start)
    print(json.dumps({"peer": "python", "batch": a.batch, "new_tokens": a.new_tokens,
                      "seconds": round(best, 4), "tokens_per_second": round(a.batch * a.new_tokens / best, 1),
                      "ms_per_step": round(1e3 * best / a.new_tokens, 4)}))


if __name__ == "__main__":
    main()
