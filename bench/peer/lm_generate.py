"""Python peer of language-model generation, for benchmarks only.

Greedy decoding with a KV cache in eager PyTorch (torch 1.13 from Debian's python3-torch):
the loop a Python RL library runs when it samples completions itself. The model is a
Llama-architecture checkpoint written by `bench_lm generate --save DIR` (config.json and
model.safetensors, read here with json and numpy): RMSNorm, rotary embeddings in Hugging
Face's rotate_half layout, grouped-query attention, SwiGLU, tied output layer.

    OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/peer/lm_generate.py DIR --batch 1 --new-tokens 256

Prints one JSON line with tokens_per_second and ms_per_step (best of --repeats).
"""
import argparse
import json
import math
import struct
import time

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info["dtype"]
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.float32).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


class Llama:
    def __init__(self, directory):
        cfg = json.load(open(directory + "/config.json"))
        self.w = read_safetensors(directory + "/model.safetensors")
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg.get("num_key_value_heads", self.heads)
        self.d = cfg["hidden_size"]
        self.dh = self.d // self.heads
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        theta = cfg.get("rope_theta", 10000.0)
        self.inv_freq = 1.0 / theta ** (torch.arange(0, self.dh, 2).float() / self.dh)

    def norm(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def rotate(self, x, pos):
        freqs = pos.float()[:, None] * self.inv_freq  # [T, Dh/2]
        angles = torch.cat([freqs, freqs], -1)
        half = self.dh // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
        return x * angles.cos() + rotated * angles.sin()

    def forward(self, ids, cache, start):
        B, T = ids.shape
        pos = torch.arange(start, start + T)
        x = self.w["model.embed_tokens.weight"][ids]
        for i in range(self.layers):
            p = f"model.layers.{i}."
            h = self.norm(x, self.w[p + "input_layernorm.weight"])
            q = (h @ self.w[p + "self_attn.q_proj.weight"].t()).view(B, T, self.heads, self.dh).transpose(1, 2)
            k = (h @ self.w[p + "self_attn.k_proj.weight"].t()).view(B, T, self.kv_heads, self.dh).transpose(1, 2)
            v = (h @ self.w[p + "self_attn.v_proj.weight"].t()).view(B, T, self.kv_heads, self.dh).transpose(1, 2)
            q, k = self.rotate(q, pos), self.rotate(k, pos)
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], 2)
                v = torch.cat([cache[i][1], v], 2)
            cache[i] = (k, v)
            group = self.heads // self.kv_heads
            k = k.repeat_interleave(group, 1)
            v = v.repeat_interleave(group, 1)
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.dh)
            if T > 1:
                S = k.shape[2]
                causal = torch.ones(T, S, dtype=torch.bool).tril(S - T)
                scores = scores.masked_fill(~causal, float("-inf"))
            y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, self.d)
            x = x + y @ self.w[p + "self_attn.o_proj.weight"].t()
            h = self.norm(x, self.w[p + "post_attention_layernorm.weight"])
            gate = torch.nn.functional.silu(h @ self.w[p + "mlp.gate_proj.weight"].t())
            x = x + (gate * (h @ self.w[p + "mlp.up_proj.weight"].t())) @ self.w[p + "mlp.down_proj.weight"].t()
        x = self.norm(x[:, -1], self.w["model.norm.weight"])
        return x @ self.w["model.embed_tokens.weight"].t()

    def generate(self, prompt, new_tokens):
        cache = [None] * self.layers
        logits = self.forward(prompt, cache, 0)
        length = prompt.shape[1]
        out = []
        for _ in range(new_tokens):
            logprobs = torch.log_softmax(logits, -1)
            token = logprobs.argmax(-1, keepdim=True)
            out.append(token)
            logits = self.forward(token, cache, length)
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
        model.generate(prompt, 4)
        for _ in range(a.repeats):
            start = time.perf_counter()
            model.generate(prompt, a.new_tokens)
            best = min(best, time.perf_counter() - start)
    print(json.dumps({"peer": "python", "batch": a.batch, "new_tokens": a.new_tokens,
                      "seconds": round(best, 4), "tokens_per_second": round(a.batch * a.new_tokens / best, 1),
                      "ms_per_step": round(1e3 * best / a.new_tokens, 4)}))


if __name__ == "__main__":
    main()
