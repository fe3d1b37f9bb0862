// overopt: the overoptimisation lab. Does a defence against reward hacking work? The lab runs
// the experiment of Gao et al. ("Scaling Laws for Reward Model Overoptimization",
// arXiv:2210.10760) at CPU scale, with a synthetic task's hidden scoring function as the gold
// reward standing in for people:
//   1. an SFT policy on the task's demonstrations (child run sft-*), the initial policy and
//      the reference of every later stage;
//   2. preference pairs labelled by the gold reward with label noise (25% flipped by default,
//      as Coste et al., arXiv:2310.02743), and a proxy reward-model ensemble trained on them
//      (child run proxy-*, train-rm with ensemble.members);
//   3. best-of-N against the proxy: M samples of the SFT policy per held-out prompt, scored
//      once, and the exact expected gold and proxy reward of the proxy's pick for every N
//      (eval/best_of_n.h), at KL = log N - (N-1)/N;
//   4. per defence in `defences` (pipeline/lab/overopt_defences.h), RL (or DPO) against the proxy
//      as a child run defence-<name>, evaluated every rl.eval_every steps on held-out prompts:
//      gold reward, proxy reward and KL(pi || pi_sft) on the policy's samples;
//   5. Gao et al.'s forms fitted to the gold gain over the SFT policy against d = sqrt(KL):
//      d (alpha - beta d) for best-of-N, d (alpha - beta log d) for RL
//      (eval/overoptimization_fit.h).
// The run writes curves.jsonl (every point of every curve), gold_vs_kl.svg and
// proxy_vs_kl.svg, and a summary with, per defence, gold_start, gold_peak, kl_at_peak,
// gold_final, kl_final, the proxy at both, and the fit; the first defence's figures are also
// at the top level. A resumed lab reuses every finished stage.
//
//   rlab overopt examples/overopt.yaml
//   rlab overopt examples/overopt.yaml "defences=[single, wco, par, kl]" run.seed=2
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/pipeline/lm/sft_warm_start.h"
#include "rlab/rl/lm_policy_gradient_options.h"

namespace rlab::pipeline {

struct OveroptProxy {
  std::string model = "preset:tiny";
  int64_t members = 3;
  int64_t pairs = 5000;
  int64_t eval_pairs = 400;
  double label_noise = 0.25;
  int64_t steps = 400;
  int64_t batch_size = 16;
  double learning_rate = 2e-3;
  double lm_coef = 1.0;

  template <class V>
  void Fields(V& v) {
    v("model", model, "backbone of the proxy reward models (a preset or a model directory)");
    v("members", members, "ensemble members, each on its own initialisation and bootstrap");
    v("pairs", pairs, "gold-labelled preference pairs the proxy (and DPO) train on");
    v("eval_pairs", eval_pairs, "held-out pairs for the proxy's accuracy");
    v("label_noise", label_noise, "probability that a training label is flipped");
    v("steps", steps, "training steps per member");
    v("batch_size", batch_size, "pairs per step");
    v("learning_rate", learning_rate, "peak learning rate");
    v("lm_coef", lm_coef, "weight of the text regulariser of train-rm");
  }
  void Validate() const;
};

struct OveroptBestOfN {
  std::vector<int64_t> n = {1, 2, 4, 8, 16, 32, 64};
  int64_t prompts = 100;
  int64_t batch_size = 256;

  template <class V>
  void Fields(V& v) {
    v("n", n, "the N of best-of-N; the largest is the samples drawn per prompt (empty: skip)");
    v("prompts", prompts, "held-out prompts");
    v("batch_size", batch_size, "sequences generated at once");
  }
  void Validate() const;
};

struct OveroptRl {
  // The rl trainer's options, of which the lab sets algo, group_size and temperature: their
  // defaults and bounds are the rl pipeline's.
  rl::LmPolicyGradientOptions trainer;
  int64_t steps = 200;
  int64_t batch_size = 16;
  double learning_rate = 1e-4;
  int64_t eval_every = 20;
  int64_t eval_prompts = 100;

  template <class V>
  void Fields(V& v) {
    v("algo", trainer.algo, "the rl pipeline's algo (grpo, rloo, reinforce_pp, ...)");
    v("steps", steps, "rollout batches");
    v("batch_size", batch_size, "prompts per step");
    v("group_size", trainer.group_size, "completions per prompt");
    v("learning_rate", learning_rate, "constant learning rate");
    v("temperature", trainer.sampling.temperature, "sampling temperature of the rollouts");
    v("eval_every", eval_every, "steps between points of the gold/proxy/KL curve");
    v("eval_prompts", eval_prompts, "held-out prompts per curve point");
  }
  void Validate() const;
};

struct OveroptDpo {
  int64_t steps = 150;
  int64_t batch_size = 16;
  double learning_rate = 1e-4;
  int64_t eval_every = 15;

  template <class V>
  void Fields(V& v) {
    v("steps", steps, "DPO steps (for the dpo and rpo defences)");
    v("batch_size", batch_size, "pairs per step");
    v("learning_rate", learning_rate, "peak learning rate");
    v("eval_every", eval_every, "steps between points of the gold/KL curve");
  }
  void Validate() const;
};

struct OveroptConfig {
  std::string model = "preset:tiny";
  std::string tokenizer;
  std::string task = "task:keywords";
  SftWarmStart sft;
  OveroptProxy proxy;
  OveroptBestOfN best_of_n;
  OveroptRl rl;
  OveroptDpo dpo;
  std::vector<std::string> defences = {"single"};
  RunOptions run;

  OveroptConfig();  // the SFT stage is on by default
  template <class V>
  void Fields(V& v) {
    v("model", model, "the policy before SFT: a preset or a model directory");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    v("task", task, "task:SPEC with a gold reward (its hidden scoring function)");
    v("sft", sft, "the SFT stage that makes the initial policy and the reference");
    v("proxy", proxy, "the proxy reward-model ensemble and the preferences it learns from");
    v("best_of_n", best_of_n, "best-of-N sampling against the proxy");
    v("rl", rl, "RL against the proxy, one run per RL defence");
    v("dpo", dpo, "DPO on the proxy's preferences, for the dpo and rpo defences");
    v("defences", defences,
      "single, mean, wco, uwo(lambda=..), par, log_sigmoid, kl(beta=..), "
      "constrained(threshold=..), dpo(beta=..), rpo(beta=.., alpha=..)");
    v("run", run, "run directory, seed (every stage's), threads");
  }
  void Validate() const;
};

PipelineRegistry::Entry OveroptEntry();

}  // namespace rlab::pipeline
