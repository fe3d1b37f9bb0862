// Token- and step-level DPO against plain DPO on a chain of steps small enough to compute
// exactly: a completion is S steps, each one token out of V, of which one is the gold step;
// the outcome is right when every step is. The policy is a table of logits per step (its
// probabilities, KL and outcome accuracy are exact), started at the reference. Per seed:
//   - N sequence pairs sampled from the reference, the one with more gold steps preferred
//     (ties drawn again), with the steps' gold labels (+1 right, -1 wrong) on their tokens;
//   - sigmoid: DPO on the pairs;
//   - tgdpo_dpo: TGDPO guided by the DPO model's implicit token reward,
//     r_t = beta (log pi_dpo - log ref)(y_t) (the paper's practical guide);
//   - tgdpo_gold: TGDPO guided by the gold step labels;
//   - t_reg: T-REG with the gold step labels as its token rewards;
//   - step_dpo and svpo: N step pairs from a one-level tree search on reference rollouts (two
//     candidate steps after a right prefix, each valued by M Monte-Carlo completions, the higher
//     value preferred, dq the value margin), sigmoid DPO on them and SVPO (dq regression).
// Every method takes the same optimiser steps. Prints, per method, the outcome accuracy, the
// mean step accuracy and the KL to the reference after training (mean and half the range over
// the seeds) and the seconds it trained.
//
//   build/bench/bench_token_dpo [--seeds 1,2,3] [--pairs 64] [--steps 300]
// About 3 s on one core of the 2-core EPYC with the defaults.
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/prefopt/dpo_losses.h"

namespace {

using rlab::Rng;
using rlab::prefopt::DpoLossOutput;
using rlab::prefopt::MakeDpoLoss;
using rlab::prefopt::PreferenceLogps;

const auto kDouble = torch::TensorOptions().dtype(torch::kFloat64);

struct Setting {
  int64_t steps_per_chain = 4;  // S
  int64_t choices = 4;          // V
  int64_t pairs = 64;           // N, sequence pairs and step pairs alike
  int64_t rollouts = 8;         // M, Monte-Carlo completions per candidate step
  int64_t train_steps = 300;
  double learning_rate = 0.05;
  double beta = 0.5;
};

// The chain: gold step per position and the reference's logits [S, V].
struct Chain {
  std::vector<int64_t> gold;
  torch::Tensor ref_logits;  // [S, V]
};

Chain MakeChain(const Setting& s, Rng& rng) {
  Chain c;
  std::vector<double> logits;
  for (int64_t k = 0; k < s.steps_per_chain; ++k) {
    c.gold.push_back(rng.UniformInt(s.choices));
    const double right = rng.Uniform(0.35, 0.7);  // the reference's chance of the gold step
    for (int64_t v = 0; v < s.choices; ++v) {
      logits.push_back(
          std::log(v == c.gold.back() ? right : (1 - right) / static_cast<double>(s.choices - 1)));
    }
  }
  c.ref_logits = torch::tensor(logits, kDouble).view({s.steps_per_chain, s.choices});
  return c;
}

int64_t SampleStep(const torch::Tensor& probs_row, Rng& rng) {  // probs_row [V]
  const double u = rng.Uniform();
  double cumulative = 0;
  const auto v = probs_row.size(0);
  for (int64_t i = 0; i < v; ++i) {
    cumulative += probs_row[i].item<double>();
    if (u < cumulative) return i;
  }
  return v - 1;
}

// Sequence pairs: tokens [N, S] of the chosen and rejected completions and their step labels.
struct SequencePairs {
  torch::Tensor chosen, rejected;                // [N, S] int64
  torch::Tensor chosen_labels, rejected_labels;  // [N, S] +1 / -1
};

SequencePairs DrawSequencePairs(const Setting& s, const Chain& c, Rng& rng) {
  const torch::Tensor probs = torch::softmax(c.ref_logits, 1);  // [S, V]
  std::vector<int64_t> chosen, rejected;
  std::vector<double> chosen_labels, rejected_labels;
  const auto draw = [&](std::vector<int64_t>& y, std::vector<double>& labels) {
    int64_t right = 0;
    for (int64_t k = 0; k < s.steps_per_chain; ++k) {
      y.push_back(SampleStep(probs[k], rng));
      labels.push_back(y.back() == c.gold[k] ? 1.0 : -1.0);
      right += y.back() == c.gold[k];
    }
    return right;
  };
  while (static_cast<int64_t>(chosen.size()) < s.pairs * s.steps_per_chain) {
    std::vector<int64_t> a, b;
    std::vector<double> la, lb;
    const int64_t ra = draw(a, la), rb = draw(b, lb);
    if (ra == rb) continue;
    const bool a_wins = ra > rb;
    chosen.insert(chosen.end(), (a_wins ? a : b).begin(), (a_wins ? a : b).end());
    rejected.insert(rejected.end(), (a_wins ? b : a).begin(), (a_wins ? b : a).end());
    chosen_labels.insert(chosen_labels.end(), (a_wins ? la : lb).begin(), (a_wins ? la : lb).end());
    rejected_labels.insert(rejected_labels.end(), (a_wins ? lb : la).begin(),
                           (a_wins ? lb : la).end());
  }
  const auto shape = [&](auto& v, auto opts) {
    return torch::tensor(v, opts).view({s.pairs, s.steps_per_chain});
  };
  return {shape(chosen, torch::kInt64), shape(rejected, torch::kInt64),
          shape(chosen_labels, kDouble), shape(rejected_labels, kDouble)};
}

// Step pairs: at position `step` (after a right prefix), the chosen and rejected step [N] and
// their Monte-Carlo value margin dq [N]; `rollouts_used` counts the completions simulated.
struct StepPairs {
  torch::Tensor step, chosen, rejected, margin;
  int64_t rollouts_used = 0;
};

StepPairs DrawStepPairs(const Setting& s, const Chain& c, Rng& rng) {
  const torch::Tensor probs = torch::softmax(c.ref_logits, 1);  // [S, V]
  std::vector<int64_t> step, chosen, rejected;
  std::vector<double> margin;
  StepPairs out;
  // The value of taking `token` at `k` after a right prefix: the share of M completions from
  // the reference whose every step is right.
  const auto value = [&](int64_t k, int64_t token) {
    if (token != c.gold[k]) return 0.0;  // a wrong step carries on: the outcome is lost
    int64_t wins = 0;
    for (int64_t m = 0; m < s.rollouts; ++m) {
      bool right = true;
      for (int64_t j = k + 1; j < s.steps_per_chain; ++j)
        right &= SampleStep(probs[j], rng) == c.gold[j];
      wins += right;
      out.rollouts_used += 1;
    }
    return static_cast<double>(wins) / static_cast<double>(s.rollouts);
  };
  while (static_cast<int64_t>(step.size()) < s.pairs) {
    // Walk a reference rollout; expand two candidates at each node while its prefix is right.
    for (int64_t k = 0; k < s.steps_per_chain && static_cast<int64_t>(step.size()) < s.pairs; ++k) {
      const int64_t a = SampleStep(probs[k], rng), b = SampleStep(probs[k], rng);
      if (a != b) {
        const double qa = value(k, a), qb = value(k, b);
        if (qa != qb) {
          step.push_back(k);
          chosen.push_back(qa > qb ? a : b);
          rejected.push_back(qa > qb ? b : a);
          margin.push_back(std::abs(qa - qb));
        }
      }
      if (SampleStep(probs[k], rng) != c.gold[k]) break;
    }
  }
  out.step = torch::tensor(step, torch::kInt64);
  out.chosen = torch::tensor(chosen, torch::kInt64);
  out.rejected = torch::tensor(rejected, torch::kInt64);
  out.margin = torch::tensor(margin, kDouble);
  return out;
}

// log pi(y_t) of tokens `y` [N, S] under logits [S, V]: [N, S].
torch::Tensor TokenLogps(const torch::Tensor& logits, const torch::Tensor& y) {
  const torch::Tensor logp = torch::log_softmax(logits, 1);  // [S, V]
  const torch::Tensor positions = torch::arange(y.size(1)).unsqueeze(0).expand_as(y);
  return logp.index({positions, y});  // [N, S]
}

// Sequence-pair batch of the policy at `logits` with token rewards (undefined: none).
PreferenceLogps SequenceBatch(const torch::Tensor& logits, const Chain& c, const SequencePairs& d,
                              const torch::Tensor& chosen_rewards,
                              const torch::Tensor& rejected_rewards) {
  const torch::Tensor rho_c = TokenLogps(logits, d.chosen) - TokenLogps(c.ref_logits, d.chosen);
  const torch::Tensor rho_r =
      TokenLogps(logits, d.rejected) - TokenLogps(c.ref_logits, d.rejected);  // [N, S]
  PreferenceLogps p;
  p.ref_chosen = TokenLogps(c.ref_logits, d.chosen).sum(1);
  p.ref_rejected = TokenLogps(c.ref_logits, d.rejected).sum(1);
  p.chosen = p.ref_chosen + rho_c.sum(1);
  p.rejected = p.ref_rejected + rho_r.sum(1);
  p.chosen_tokens = torch::full({d.chosen.size(0)}, static_cast<double>(d.chosen.size(1)), kDouble);
  p.rejected_tokens = p.chosen_tokens;
  p.chosen_token_ratios = rho_c;
  p.rejected_token_ratios = rho_r;
  p.chosen_token_rewards = chosen_rewards;
  p.rejected_token_rewards = rejected_rewards;
  return p;
}

PreferenceLogps StepBatch(const torch::Tensor& logits, const Chain& c, const StepPairs& d) {
  const auto logp = [&](const torch::Tensor& l, const torch::Tensor& token) {
    return torch::log_softmax(l, 1).index({d.step, token});  // [N]
  };
  PreferenceLogps p;
  p.chosen = logp(logits, d.chosen);
  p.rejected = logp(logits, d.rejected);
  p.ref_chosen = logp(c.ref_logits, d.chosen);
  p.ref_rejected = logp(c.ref_logits, d.rejected);
  p.chosen_tokens = torch::ones({d.step.size(0)}, kDouble);
  p.rejected_tokens = p.chosen_tokens;
  p.margins = d.margin;
  return p;
}

struct Result {
  double outcome = 0, step_accuracy = 0, kl = 0, seconds = 0;
  torch::Tensor logits;
};

// The exact figures of the policy at `logits` [S, V].
Result Evaluate(const Setting& s, const Chain& c, const torch::Tensor& logits) {
  Result r;
  const torch::Tensor p = torch::softmax(logits, 1), ref = torch::softmax(c.ref_logits, 1);
  const torch::Tensor right =
      p.index({torch::arange(s.steps_per_chain), torch::tensor(c.gold, torch::kInt64)});  // [S]
  r.outcome = right.prod().item<double>();
  r.step_accuracy = right.mean().item<double>();
  r.kl = (p * (p.log() - ref.log())).sum().item<double>();
  r.logits = logits;
  return r;
}

// Trains a table of logits from the reference with `batch(logits)` and `loss_spec`.
template <class Batch>
Result Train(const Setting& s, const Chain& c, const std::string& loss_spec, Batch batch) {
  const auto start = std::chrono::steady_clock::now();
  const auto loss = MakeDpoLoss(loss_spec);
  torch::Tensor logits = c.ref_logits.clone().requires_grad_(true);
  torch::optim::Adam optimizer({logits}, torch::optim::AdamOptions(s.learning_rate));
  for (int64_t i = 0; i < s.train_steps; ++i) {
    optimizer.zero_grad();
    (*loss)(batch(logits)).loss.backward();
    optimizer.step();
  }
  Result r = Evaluate(s, c, logits.detach());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::string MeanSpread(const std::vector<double>& v, const char* format) {
  double mean = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return fmt::format(fmt::runtime(std::string(format) + " ± " + format), mean, (*hi - *lo) / 2);
}

std::vector<int64_t> ParseSeeds(const std::string& text) {
  std::vector<int64_t> seeds;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    seeds.push_back(std::stoll(text.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return seeds;
}

}  // namespace

int main(int argc, char** argv) {
  Setting s;
  std::vector<int64_t> seeds = {1, 2, 3};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--seeds") {
      seeds = ParseSeeds(value);
    } else if (flag == "--pairs") {
      s.pairs = std::stoll(value);
    } else if (flag == "--steps") {
      s.train_steps = std::stoll(value);
    } else {
      std::fprintf(stderr, "usage: bench_token_dpo [--seeds 1,2,3] [--pairs N] [--steps N]\n");
      return 2;
    }
  }
  torch::set_num_threads(1);
  const std::vector<std::string> methods = {"reference", "sigmoid",  "tgdpo_dpo", "tgdpo_gold",
                                            "t_reg",     "step_dpo", "svpo"};
  std::map<std::string, std::vector<Result>> results;
  int64_t rollouts = 0;
  for (int64_t seed : seeds) {
    Rng rng(static_cast<uint64_t>(seed));
    const Chain c = MakeChain(s, rng);
    const SequencePairs pairs = DrawSequencePairs(s, c, rng);
    const StepPairs steps = DrawStepPairs(s, c, rng);
    rollouts += steps.rollouts_used;
    const std::string beta = fmt::format("beta={}", s.beta);
    const torch::Tensor none;
    results["reference"].push_back(Evaluate(s, c, c.ref_logits));
    const Result dpo = Train(s, c, "sigmoid(" + beta + ")", [&](const torch::Tensor& l) {
      return SequenceBatch(l, c, pairs, none, none);
    });
    results["sigmoid"].push_back(dpo);
    // The DPO model's implicit token rewards, beta (log pi_dpo - log ref), as TGDPO's guide.
    const torch::Tensor guide_c =
        s.beta * (TokenLogps(dpo.logits, pairs.chosen) - TokenLogps(c.ref_logits, pairs.chosen));
    const torch::Tensor guide_r = s.beta * (TokenLogps(dpo.logits, pairs.rejected) -
                                            TokenLogps(c.ref_logits, pairs.rejected));
    results["tgdpo_dpo"].push_back(Train(s, c, "tgdpo(" + beta + ")", [&](const torch::Tensor& l) {
      return SequenceBatch(l, c, pairs, guide_c, guide_r);
    }));
    results["tgdpo_gold"].push_back(Train(s, c, "tgdpo(" + beta + ")", [&](const torch::Tensor& l) {
      return SequenceBatch(l, c, pairs, pairs.chosen_labels, pairs.rejected_labels);
    }));
    results["t_reg"].push_back(Train(s, c, "t_reg(" + beta + ")", [&](const torch::Tensor& l) {
      return SequenceBatch(l, c, pairs, pairs.chosen_labels, pairs.rejected_labels);
    }));
    results["step_dpo"].push_back(Train(s, c, "sigmoid(" + beta + ")", [&](const torch::Tensor& l) {
      return StepBatch(l, c, steps);
    }));
    results["svpo"].push_back(Train(s, c, "svpo(" + beta + ")", [&](const torch::Tensor& l) {
      return StepBatch(l, c, steps);
    }));
  }
  fmt::print("chain of {} steps x {} choices; {} pairs; {} optimiser steps (Adam, lr {}); beta {}; "
             "seeds {}; step pairs used {} Monte-Carlo completions a seed\n",
             s.steps_per_chain, s.choices, s.pairs, s.train_steps, s.learning_rate, s.beta,
             seeds.size(), rollouts / static_cast<int64_t>(seeds.size()));
  fmt::print("| method | outcome accuracy | step accuracy | KL to reference | seconds |\n");
  fmt::print("|---|---|---|---|---|\n");
  for (const std::string& m : methods) {
    std::vector<double> outcome, step, kl, seconds;
    for (const Result& r : results[m]) {
      outcome.push_back(r.outcome);
      step.push_back(r.step_accuracy);
      kl.push_back(r.kl);
      seconds.push_back(r.seconds);
    }
    fmt::print("| {} | {} | {} | {} | {} |\n", m, MeanSpread(outcome, "{:.3f}"),
               MeanSpread(step, "{:.3f}"), MeanSpread(kl, "{:.2f}"), MeanSpread(seconds, "{:.2f}"));
  }
  return 0;
}
