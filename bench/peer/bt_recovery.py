"""Python peer of the bt-recovery pipeline, for benchmarks only.

The same problem as examples/bt_recovery.yaml (2000 items of dimension 16, 5000 noisy
Bradley-Terry comparisons, a linear reward model trained by Adam for 2000 steps of batch 128,
held-out evaluation every 100 steps) written in the usual PyTorch style, so that the native
engine's wall time can be compared with what a researcher would write in Python. Run it with
Debian's interpreter (/usr/bin/python3), which has python3-torch (the same libtorch version).
"""
import argparse
import json
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    g = torch.Generator().manual_seed(args.seed)

    items, dim, pairs, heldout_pairs = 2000, 16, 5000, 2000
    features = torch.randn(items, dim, generator=g)
    weights = torch.randn(dim, generator=g) / dim ** 0.5
    reward = features @ weights
    order = torch.randperm(items, generator=g)
    heldout, train = order[:400], order[400:]

    def compare(pool, count):
        a = pool[torch.randint(len(pool), (count,), generator=g)]
        b = pool[torch.randint(len(pool), (count,), generator=g)]
        p = torch.sigmoid(5.0 * (reward[a] - reward[b]))
        label = (torch.rand(count, generator=g) < p).float()
        flip = torch.rand(count, generator=g) < 0.1
        label = torch.where(flip, 1 - label, label)
        truth = (reward[a] > reward[b]).float()
        return a, b, label, truth

    ta, tb, ty, _ = compare(train, pairs)
    ha, hb, _, htruth = compare(heldout, heldout_pairs)

    model = torch.nn.Linear(dim, 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    metrics = {}
    for step in range(1, args.steps + 1):
        idx = torch.randint(pairs, (128,), generator=g)
        ra = model(features[ta[idx]]).squeeze(-1)
        rb = model(features[tb[idx]]).squeeze(-1)
        y = ty[idx]
        margin = ra - rb
        loss = (y * torch.nn.functional.softplus(-margin)
                + (1 - y) * torch.nn.functional.softplus(margin)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        if step % 100 == 0:
            with torch.no_grad():
                scores = model(features).squeeze(-1)
                acc = ((scores[ha] > scores[hb]).float() == htruth).float().mean().item()
                s, r = scores[heldout].double(), reward[heldout].double()
                s, r = s - s.mean(), r - r.mean()
                pearson = ((s * r).sum() / (s.norm() * r.norm())).item()
                metrics = {"heldout_accuracy": acc, "pearson": pearson}
    metrics["wall_seconds"] = time.perf_counter() - start
    metrics["steps"] = args.steps
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
