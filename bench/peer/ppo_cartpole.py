"""Python peer of PPO on CartPole-v1, for benchmarks only.

Mirrors CleanRL's ppo.py with its default hyperparameters: 4 synchronous environments, 128
steps per rollout (batch 512), Adam (eps 1e-5) at 2.5e-4 linearly annealed to 0, gamma 0.99,
GAE lambda 0.95, 4 epochs of 4 minibatches (128), normalised advantages, ratio clip 0.2, clipped
value loss, entropy coefficient 0.01, value coefficient 0.5, global grad-norm clip 0.5. Actor and
critic are separate 64-64 tanh MLPs with orthogonal init (gain sqrt(2), 0.01 for the actor's
output layer, 1.0 for the critic's; zero biases). As in ppo.py, a truncated episode is treated as
terminal (no bootstrap), and the approx-KL / clip-fraction diagnostics are computed per minibatch.

There is no Gymnasium here, so the environment is a vectorised CartPole-v1 in numpy with
Gymnasium's dynamics (Euler integration, force 10, tau 0.02, failure at 12 degrees or |x| > 2.4,
500-step time limit, reward 1 per step, reset uniform in +-0.05) and Gymnasium 0.29's
same-step autoreset: the observation returned for a finished episode is already the first
observation of the next one.

Run it with Debian's interpreter (/usr/bin/python3), which has python3-torch:

    /usr/bin/python3 bench/peer/ppo_cartpole.py --steps 500000 --seed 1 --threads 1

It prints one JSON line: steps, wall_seconds, steps_per_second, mean_return_last100, episodes.
"""
import argparse
import json
import math
import time
from collections import deque

import numpy as np
import torch
from torch import nn
from torch.distributions import Categorical


class CartPoleVec:
    """Gymnasium CartPole-v1 dynamics for n environments at once, with autoreset."""

    gravity, masscart, masspole, length = 9.8, 1.0, 0.1, 0.5
    total_mass = masscart + masspole
    polemass_length = masspole * length
    force_mag, tau = 10.0, 0.02
    theta_limit = 12 * 2 * math.pi / 360
    x_limit = 2.4
    max_steps = 500

    def __init__(self, n, seed):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.state = np.zeros((n, 4))
        self.elapsed = np.zeros(n, dtype=np.int64)
        self.episode_return = np.zeros(n)

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=(self.n, 4))
        self.elapsed[:] = 0
        self.episode_return[:] = 0.0
        return self.state.astype(np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state.T
        force = np.where(action == 1, self.force_mag, -self.force_mag)
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + self.polemass_length * theta_dot ** 2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta ** 2 / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = np.stack([x, x_dot, theta, theta_dot], axis=1)
        self.elapsed += 1

        terminated = (np.abs(x) > self.x_limit) | (np.abs(theta) > self.theta_limit)
        truncated = (self.elapsed >= self.max_steps) & ~terminated
        reward = np.ones(self.n)
        self.episode_return += reward

        done = terminated | truncated
        finished = self.episode_return[done].copy()
        if done.any():
            count = int(done.sum())
            self.state[done] = self.rng.uniform(-0.05, 0.05, size=(count, 4))
            self.elapsed[done] = 0
            self.episode_return[done] = 0.0
        return self.state.astype(np.float32), reward, terminated, truncated, finished


def layer_init(layer, std=math.sqrt(2), bias=0.0):
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0))
        self.actor = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, n_actions), std=0.01))

    def value(self, obs):
        return self.critic(obs)

    def act(self, obs, action=None):
        dist = Categorical(logits=self.actor(obs))
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action), dist.entropy(), self.critic(obs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=500000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    start = time.perf_counter()

    num_envs, num_steps = 4, 128
    lr, gamma, gae_lambda = 2.5e-4, 0.99, 0.95
    num_minibatches, update_epochs = 4, 4
    clip_coef, ent_coef, vf_coef, max_grad_norm = 0.2, 0.01, 0.5, 0.5
    batch_size = num_envs * num_steps
    minibatch_size = batch_size // num_minibatches
    num_iterations = args.steps // batch_size

    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    envs = CartPoleVec(num_envs, args.seed)
    obs_dim, n_actions = 4, 2
    agent = Agent(obs_dim, n_actions)
    optimizer = torch.optim.Adam(agent.parameters(), lr=lr, eps=1e-5)

    obs = torch.zeros((num_steps, num_envs, obs_dim))
    actions = torch.zeros((num_steps, num_envs))
    logprobs = torch.zeros((num_steps, num_envs))
    rewards = torch.zeros((num_steps, num_envs))
    dones = torch.zeros((num_steps, num_envs))
    values = torch.zeros((num_steps, num_envs))

    returns_window = deque(maxlen=100)
    episodes = 0
    global_step = 0
    next_obs = torch.tensor(envs.reset())
    next_done = torch.zeros(num_envs)

    for iteration in range(1, num_iterations + 1):
        frac = 1.0 - (iteration - 1.0) / num_iterations
        optimizer.param_groups[0]["lr"] = frac * lr

        for step in range(num_steps):
            global_step += num_envs
            obs[step] = next_obs
            dones[step] = next_done
            with torch.no_grad():
                action, logprob, _, value = agent.act(next_obs)
                values[step] = value.flatten()
            actions[step] = action
            logprobs[step] = logprob
            o, r, terminated, truncated, finished = envs.step(action.numpy())
            rewards[step] = torch.tensor(r, dtype=torch.float32)
            next_obs = torch.tensor(o)
            next_done = torch.tensor(np.logical_or(terminated, truncated), dtype=torch.float32)
            for ret in finished:
                returns_window.append(float(ret))
                episodes += 1

        with torch.no_grad():
            next_value = agent.value(next_obs).reshape(1, -1)
            advantages = torch.zeros_like(rewards)
            lastgaelam = 0
            for t in reversed(range(num_steps)):
                if t == num_steps - 1:
                    nextnonterminal = 1.0 - next_done
                    nextvalues = next_value
                else:
                    nextnonterminal = 1.0 - dones[t + 1]
                    nextvalues = values[t + 1]
                delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
                lastgaelam = delta + gamma * gae_lambda * nextnonterminal * lastgaelam
                advantages[t] = lastgaelam
            returns = advantages + values

        b_obs = obs.reshape((-1, obs_dim))
        b_logprobs = logprobs.reshape(-1)
        b_actions = actions.reshape(-1).long()
        b_advantages = advantages.reshape(-1)
        b_returns = returns.reshape(-1)
        b_values = values.reshape(-1)

        b_inds = np.arange(batch_size)
        clipfracs = []
        for epoch in range(update_epochs):
            np.random.shuffle(b_inds)
            for begin in range(0, batch_size, minibatch_size):
                mb = torch.from_numpy(b_inds[begin:begin + minibatch_size])
                _, newlogprob, entropy, newvalue = agent.act(b_obs[mb], b_actions[mb])
                logratio = newlogprob - b_logprobs[mb]
                ratio = logratio.exp()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - logratio).mean()
                    clipfracs.append(((ratio - 1.0).abs() > clip_coef).float().mean().item())

                mb_adv = b_advantages[mb]
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                clipped_ratio = torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
                pg_loss = torch.max(-mb_adv * ratio, -mb_adv * clipped_ratio).mean()

                newvalue = newvalue.view(-1)
                v_unclipped = (newvalue - b_returns[mb]) ** 2
                v_delta = torch.clamp(newvalue - b_values[mb], -clip_coef, clip_coef)
                v_clipped = b_values[mb] + v_delta
                v_clipped = (v_clipped - b_returns[mb]) ** 2
                v_loss = 0.5 * torch.max(v_unclipped, v_clipped).mean()

                entropy_loss = entropy.mean()
                loss = pg_loss - ent_coef * entropy_loss + vf_coef * v_loss
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
                optimizer.step()
        approx_kl.item()

    wall = time.perf_counter() - start
    result = {
        "steps": global_step,
        "wall_seconds": wall,
        "steps_per_second": global_step / wall,
        "mean_return_last100": float(np.mean(returns_window)) if returns_window else None,
        "episodes": episodes,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
