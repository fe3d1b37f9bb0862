"""Python peer of DPO training throughput, for benchmarks only.

The step of `bench_lm dpo`, as eager PyTorch 1.13 (Debian's python3-torch) runs it: `batch`
pairs of random sequences of length `seq`, the first half of each the prompt and the second
half the completion; one forward pass of the policy over the 2B sequences (chosen rows first);
per-token log-probs by log_softmax and gather, summed over the completion; TRL's sigmoid loss
with beta 0.1; backward; gradient clipping at 1.0; AdamW (lr 1e-6). The reference's log-probs
are computed before the clock starts, by the initial model, so the timed step is the policy's
work only. The model is the one `bench_lm dpo --save DIR` starts from, run by llama_model.py.

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peer/dpo_train.py DIR --batch 8 --seq 64

Prints one JSON line with the keys of `bench_lm dpo`.
"""
import argparse
import json
import os
import time

import torch
import torch.nn.functional as F

from llama_model import Llama

BETA = 0.1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("directory")
    p.add_argument("--batch", type=int, default=8, help="pairs per step")
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Llama(a.directory)
    B, T = a.batch, a.seq
    # Log-prob t scores token t + 1, so the completion's targets are t >= T/2 - 1.
    completion = (torch.arange(1, T) >= T // 2).float().expand(2 * B, T - 1)

    def sequence_logps(ids):  # [2B, T] -> [2B]
        logits = model.forward(ids)  # [2B, T, V]
        logps = torch.log_softmax(logits[:, :-1], -1).gather(-1, ids[:, 1:, None]).squeeze(-1)
        return (logps * completion).sum(1)

    # One batch per step plus the warm-up, drawn up front so the reference can score them.
    with torch.no_grad():
        ids = [torch.randint(model.vocab, (2 * B, T)) for _ in range(a.steps + 1)]
        ref = [sequence_logps(x) for x in ids]
    params = model.parameters()
    for w in params:
        w.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=1e-6)

    def step(i):
        opt.zero_grad(set_to_none=True)
        logps = sequence_logps(ids[i])
        h = (logps[:B] - ref[i][:B]) - (logps[B:] - ref[i][B:])
        loss = -F.logsigmoid(BETA * h).mean()  # TRL's sigmoid loss, no label smoothing
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    step(a.steps)  # warm-up, on the extra batch
    start = time.perf_counter()
    for i in range(a.steps):
        step(i)
    seconds = time.perf_counter() - start
    tps = a.steps * 2 * B * T / seconds
    # The PaLM count of bench_lm: 6 N (non-embedding) + 12 L d T + 6 d V per token.
    non_embedding = sum(w.numel() for n, w in model.w.items() if "embed" not in n)
    flops = 6 * non_embedding + 12 * model.layers * model.d * T + 6 * model.d * model.vocab
    print(json.dumps({"bench": "dpo", "engine": "python", "arch": "llama",
                      "parameters": sum(w.numel() for w in params), "seq": T, "pairs_per_step": B,
                      "torch_threads": a.threads,
                      "blas_threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
                      "steps": a.steps, "seconds": round(seconds, 3),
                      "steps_per_second": round(a.steps / seconds, 3),
                      "pairs_per_second": round(a.steps * B / seconds, 1),
                      "tokens_per_second": round(tps, 1), "gflops": round(tps * flops / 1e9, 2)}))


if __name__ == "__main__":
    main()
