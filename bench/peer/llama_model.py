"""The Llama-architecture model of the Python peers, for benchmarks only.

Reads a checkpoint written by `bench_lm generate --save DIR` or `bench_lm dpo --save DIR`
(config.json and model.safetensors, read with json and numpy, so the peers need nothing
beyond python3-torch) and runs it as eager PyTorch 1.13 code: RMSNorm, rotary embeddings in
Hugging Face's rotate_half layout, grouped-query attention, SwiGLU, output layer tied to the
token embedding. The weights are plain tensors in `w` under their Hugging Face names; the
trainers turn on requires_grad and hand them to an optimiser.
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn.functional as F


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
        self.vocab = self.w["model.embed_tokens.weight"].shape[0]
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        theta = cfg.get("rope_theta", 10000.0)
        self.inv_freq = 1.0 / theta ** (torch.arange(0, self.dh, 2).float() / self.dh)

    def parameters(self):
        return list(self.w.values())

    def norm(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def rotate(self, x, pos):
        freqs = pos.float()[:, None] * self.inv_freq  # [T, Dh/2]
        angles = torch.cat([freqs, freqs], -1)
        half = self.dh // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
        return x * angles.cos() + rotated * angles.sin()

    def forward(self, ids, cache=None, start=0, last_only=False):
        """ids [B, T] -> logits [B, T, V], or [B, V] for the last position when last_only.
        With a cache (a list with one entry per layer), appends the new keys and values and
        attends over the cached positions too; start is the first new position."""
        B, T = ids.shape
        pos = torch.arange(start, start + T)
        # F.embedding, as nn.Embedding: its backward is the dense embedding gradient.
        x = F.embedding(ids, self.w["model.embed_tokens.weight"])
        for i in range(self.layers):
            p = f"model.layers.{i}."
            h = self.norm(x, self.w[p + "input_layernorm.weight"])
            q = (h @ self.w[p + "self_attn.q_proj.weight"].t()).view(B, T, self.heads, self.dh).transpose(1, 2)
            k = (h @ self.w[p + "self_attn.k_proj.weight"].t()).view(B, T, self.kv_heads, self.dh).transpose(1, 2)
            v = (h @ self.w[p + "self_attn.v_proj.weight"].t()).view(B, T, self.kv_heads, self.dh).transpose(1, 2)
            q, k = self.rotate(q, pos), self.rotate(k, pos)
            if cache is not None:
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
            gate = F.silu(h @ self.w[p + "mlp.gate_proj.weight"].t())
            x = x + (gate * (h @ self.w[p + "mlp.up_proj.weight"].t())) @ self.w[p + "mlp.down_proj.weight"].t()
        if last_only:
            x = x[:, -1]
        x = self.norm(x, self.w["model.norm.weight"])
        return x @ self.w["model.embed_tokens.weight"].t()
