"""Python peer of language-model training throughput, for benchmarks only.

A GPT-2-architecture decoder (pre-LayerNorm blocks, fused QKV projection with biases, causal
attention written out as torch 1.13 eager code, tanh-GELU MLP of width 4d, learned positions,
output layer tied to the token embedding, no dropout), the shape of nanoGPT's character model,
trained on random tokens with AdamW (lr 1e-3) and gradient clipping at 1.0: the same work as
`bench_lm train`. Run it with Debian's interpreter (/usr/bin/python3, python3-torch):

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peer/lm_train.py --threads 1

It prints one JSON line: tokens_per_second and the model-FLOP rate (the PaLM count used by
bench_lm: 6 N + 12 L d T + 6 d V per token).
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.attn_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d)
        self.mlp_proj = nn.Linear(4 * d, d)

    def forward(self, x, causal):
        B, T, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        shape = (B, T, self.heads, d // self.heads)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        weights = F.softmax(scores.masked_fill(~causal[:T, :T], float("-inf")), dim=-1)
        y = (weights @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, vocab, d, layers, heads, positions):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(positions, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.register_buffer("causal", torch.ones(positions, positions, dtype=torch.bool).tril())

    def forward(self, ids):
        T = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(T))
        for block in self.blocks:
            x = block(x, self.causal)
        return self.ln_f(x) @ self.wte.weight.t()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--width", type=int, default=384)
    p.add_argument("--heads", type=int, default=6)
    p.add_argument("--vocab", type=int, default=65)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Gpt(a.vocab, a.width, a.layers, a.heads, 1024)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    def step():
        ids = torch.randint(a.vocab, (a.batch, a.seq))
        logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, a.vocab), ids[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    seconds = time.perf_counter() - start
    tps = a.steps * a.batch * a.seq / seconds
    non_embedding = sum(p.numel() for n, p in model.named_parameters() if not n.startswith(("wte", "wpe")))
    flops = 6 * non_embedding + 12 * a.layers * a.width * a.seq + 6 * a.width * a.vocab
    print(json.dumps({"peer": "python", "parameters": sum(p.numel() for p in model.parameters()),
                      "torch_threads": a.threads, "seconds": round(seconds, 3),
                      "tokens_per_second": round(tps, 1), "gflops": round(tps * flops / 1e9, 2)}))


if __name__ == "__main__":
    main()
