"""Python peer of SAC on Pendulum-v1, for benchmarks only.

Mirrors CleanRL's sac_continuous_action.py with its defaults: one environment, a replay buffer
(capacity 1e6, allocated only as large as --steps needs) sampled uniformly with replacement,
gamma 0.99, Polyak tau 0.005 applied to both target critics every step, batch 256, uniformly
random actions for the first 5000 steps and one critic update per step after that
(global_step > learning_starts), policy_lr 3e-4, q_lr 1e-3 (one Adam over both critics),
policy_frequency 2 (every second step, 2 actor updates, each followed by an alpha update),
automatic entropy tuning from log_alpha = 0 with target entropy -|A| and its own Adam at q_lr.
Critics and actor are 256-256 ReLU MLPs with PyTorch's default init; the actor's log std is
squashed by tanh into [-5, 2], and actions are a tanh-squashed Gaussian times the action scale
(2) with the matching log-prob correction (eps 1e-6). Terminations (never, for Pendulum) are the
only "done"; a truncated episode stores its true final observation and is bootstrapped.

There is no Gymnasium here, so the environment is Pendulum-v1 in numpy with Gymnasium's
dynamics (max speed 8, max torque 2, dt 0.05, g 10, m 1, l 1, 200-step time limit, reward
-(th_norm^2 + 0.1 thdot^2 + 0.001 u^2), reset th uniform in +-pi and thdot in +-1).

Run it with Debian's interpreter (/usr/bin/python3), which has python3-torch:

    /usr/bin/python3 bench/peer/sac_pendulum.py --steps 10000 --seed 1 --threads 1

It prints one JSON line: steps, updates (critic updates, one per step after learning_starts),
wall_seconds, update_seconds (wall time of the whole steps that made gradient updates, env
step included), updates_per_second (updates / update_seconds), steps_per_second and
mean_return_last10 (over the last 10 finished episodes).
"""
import argparse
import json
import math
import time
from collections import deque

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

LOG_STD_MIN, LOG_STD_MAX = -5.0, 2.0


class Pendulum:
    """Gymnasium Pendulum-v1 dynamics with its 200-step time limit."""

    max_speed, max_torque, dt, g, m, l = 8.0, 2.0, 0.05, 10.0, 1.0, 1.0
    max_steps = 200

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.th = self.thdot = 0.0
        self.elapsed = 0

    def obs(self):
        return np.array([math.cos(self.th), math.sin(self.th), self.thdot], dtype=np.float32)

    def reset(self):
        self.th = self.rng.uniform(-math.pi, math.pi)
        self.thdot = self.rng.uniform(-1.0, 1.0)
        self.elapsed = 0
        return self.obs()

    def step(self, action):
        u = float(np.clip(action[0], -self.max_torque, self.max_torque))
        th, thdot = self.th, self.thdot
        th_norm = ((th + math.pi) % (2 * math.pi)) - math.pi
        cost = th_norm ** 2 + 0.1 * thdot ** 2 + 0.001 * u ** 2
        newthdot = thdot + (3 * self.g / (2 * self.l) * math.sin(th)
                            + 3.0 / (self.m * self.l ** 2) * u) * self.dt
        newthdot = min(max(newthdot, -self.max_speed), self.max_speed)
        self.th = th + newthdot * self.dt
        self.thdot = newthdot
        self.elapsed += 1
        truncated = self.elapsed >= self.max_steps
        return self.obs(), -cost, False, truncated


class ReplayBuffer:
    def __init__(self, capacity, obs_dim, act_dim, rng):
        self.capacity, self.rng = capacity, rng
        self.obs = np.zeros((capacity, obs_dim), dtype=np.float32)
        self.next_obs = np.zeros((capacity, obs_dim), dtype=np.float32)
        self.actions = np.zeros((capacity, act_dim), dtype=np.float32)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.dones = np.zeros(capacity, dtype=np.float32)
        self.pos, self.full = 0, False

    def add(self, obs, next_obs, action, reward, done):
        i = self.pos
        self.obs[i], self.next_obs[i], self.actions[i] = obs, next_obs, action
        self.rewards[i], self.dones[i] = reward, done
        self.pos = (i + 1) % self.capacity
        self.full = self.full or self.pos == 0

    def sample(self, n):
        idx = self.rng.integers(0, self.capacity if self.full else self.pos, size=n)
        return (torch.from_numpy(self.obs[idx]), torch.from_numpy(self.actions[idx]),
                torch.from_numpy(self.next_obs[idx]), torch.from_numpy(self.rewards[idx]),
                torch.from_numpy(self.dones[idx]))


def mlp(sizes):
    layers = []
    for a, b in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


class SoftQ(nn.Module):
    def __init__(self, obs_dim, act_dim, hidden):
        super().__init__()
        self.net = mlp([obs_dim + act_dim, *hidden, 1])

    def forward(self, obs, action):
        return self.net(torch.cat([obs, action], 1))


class Actor(nn.Module):
    def __init__(self, obs_dim, act_dim, hidden, low, high):
        super().__init__()
        trunk = []
        for a, b in zip([obs_dim, *hidden[:-1]], hidden):
            trunk += [nn.Linear(a, b), nn.ReLU()]
        self.trunk = nn.Sequential(*trunk)
        self.mean = nn.Linear(hidden[-1], act_dim)
        self.log_std = nn.Linear(hidden[-1], act_dim)
        self.register_buffer("scale", torch.tensor((high - low) / 2.0, dtype=torch.float32))
        self.register_buffer("bias", torch.tensor((high + low) / 2.0, dtype=torch.float32))

    def forward(self, obs):
        h = self.trunk(obs)
        log_std = torch.tanh(self.log_std(h))
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)
        return self.mean(h), log_std

    def sample(self, obs):
        mean, log_std = self(obs)
        normal = torch.distributions.Normal(mean, log_std.exp())
        x = normal.rsample()
        y = torch.tanh(x)
        action = y * self.scale + self.bias
        log_prob = normal.log_prob(x) - torch.log(self.scale * (1 - y.pow(2)) + 1e-6)
        return action, log_prob.sum(1, keepdim=True), torch.tanh(mean) * self.scale + self.bias


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--hidden", default="256,256")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--learning-starts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    start = time.perf_counter()

    hidden = [int(h) for h in args.hidden.split(",") if h]
    gamma, tau = 0.99, 0.005
    policy_lr, q_lr = 3e-4, 1e-3
    policy_frequency, target_network_frequency = 2, 1
    buffer_size = 1_000_000

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    env = Pendulum(args.seed)
    obs_dim, act_dim = 3, 1
    low, high = np.full(act_dim, -2.0), np.full(act_dim, 2.0)

    actor = Actor(obs_dim, act_dim, hidden, low, high)
    qf1, qf2 = SoftQ(obs_dim, act_dim, hidden), SoftQ(obs_dim, act_dim, hidden)
    qf1_target, qf2_target = SoftQ(obs_dim, act_dim, hidden), SoftQ(obs_dim, act_dim, hidden)
    qf1_target.load_state_dict(qf1.state_dict())
    qf2_target.load_state_dict(qf2.state_dict())
    q_optimizer = torch.optim.Adam(list(qf1.parameters()) + list(qf2.parameters()), lr=q_lr)
    actor_optimizer = torch.optim.Adam(actor.parameters(), lr=policy_lr)

    target_entropy = -float(act_dim)
    log_alpha = torch.zeros(1, requires_grad=True)
    alpha = log_alpha.exp().item()
    a_optimizer = torch.optim.Adam([log_alpha], lr=q_lr)

    rb = ReplayBuffer(min(buffer_size, max(args.steps, 1)), obs_dim, act_dim, rng)
    returns_window = deque(maxlen=10)
    episode_return = 0.0
    updates = 0
    update_seconds = 0.0

    obs = env.reset()
    for global_step in range(args.steps):
        step_start = time.perf_counter()
        if global_step < args.learning_starts:
            action = rng.uniform(low, high).astype(np.float32)
        else:
            with torch.no_grad():
                action, _, _ = actor.sample(torch.from_numpy(obs).unsqueeze(0))
            action = action[0].numpy()

        next_obs, reward, terminated, truncated = env.step(action)
        episode_return += reward
        rb.add(obs, next_obs, action, reward, terminated)
        if terminated or truncated:
            returns_window.append(episode_return)
            episode_return = 0.0
            next_obs = env.reset()
        obs = next_obs

        if global_step > args.learning_starts:
            b_obs, b_actions, b_next_obs, b_rewards, b_dones = rb.sample(args.batch_size)
            with torch.no_grad():
                next_actions, next_log_pi, _ = actor.sample(b_next_obs)
                min_q_next = torch.min(qf1_target(b_next_obs, next_actions),
                                       qf2_target(b_next_obs, next_actions)) - alpha * next_log_pi
                next_q = b_rewards + (1 - b_dones) * gamma * min_q_next.view(-1)
            qf1_loss = F.mse_loss(qf1(b_obs, b_actions).view(-1), next_q)
            qf2_loss = F.mse_loss(qf2(b_obs, b_actions).view(-1), next_q)
            qf_loss = qf1_loss + qf2_loss
            q_optimizer.zero_grad()
            qf_loss.backward()
            q_optimizer.step()
            updates += 1

            if global_step % policy_frequency == 0:
                for _ in range(policy_frequency):
                    pi, log_pi, _ = actor.sample(b_obs)
                    min_q_pi = torch.min(qf1(b_obs, pi), qf2(b_obs, pi))
                    actor_loss = (alpha * log_pi - min_q_pi).mean()
                    actor_optimizer.zero_grad()
                    actor_loss.backward()
                    actor_optimizer.step()

                    with torch.no_grad():
                        _, log_pi, _ = actor.sample(b_obs)
                    alpha_loss = (-log_alpha.exp() * (log_pi + target_entropy)).mean()
                    a_optimizer.zero_grad()
                    alpha_loss.backward()
                    a_optimizer.step()
                    alpha = log_alpha.exp().item()

            if global_step % target_network_frequency == 0:
                with torch.no_grad():
                    for net, target in ((qf1, qf1_target), (qf2, qf2_target)):
                        for p, tp in zip(net.parameters(), target.parameters()):
                            tp.data.copy_(tau * p.data + (1 - tau) * tp.data)
            update_seconds += time.perf_counter() - step_start

    wall = time.perf_counter() - start
    result = {
        "steps": args.steps,
        "updates": updates,
        "wall_seconds": wall,
        "update_seconds": update_seconds,
        "updates_per_second": updates / update_seconds if update_seconds > 0 else None,
        "steps_per_second": args.steps / wall,
        "mean_return_last10": float(np.mean(returns_window)) if returns_window else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
