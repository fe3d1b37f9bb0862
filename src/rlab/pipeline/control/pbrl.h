// pbrl: preference-based reinforcement learning for control. An agent learns a task from a
// budget of comparisons of its own behaviour instead of the environment's reward:
//
//   behaviour -> trajectory store -> (feedback schedule) candidate pairs -> selector ->
//   teacher -> feedback.jsonl -> reward ensemble -> learned reward -> agent -> behaviour
//
// Algorithms are PbRL agents, entries of rl/pbrl_agents.h: prefppo (PPO on the learned reward,
// B-Pref's PrefPPO, arXiv:2111.03026), pebble (SAC with PEBBLE's unsupervised pre-training and
// replay relabelling, arXiv:2106.05091) and cpl (Contrastive Preference Learning,
// arXiv:2310.13639: no reward model; rm_accuracy, reward_pearson and the EPIC distance are
// null; it does not learn CartPole-v1, whose preferences come from terminations, see
// docs/architecture.md). The loop itself is rl::PbrlTrainer (rl/pbrl_trainer.h); this
// pipeline writes feedback.jsonl, logs, checkpoints, evaluates and writes the summary.
//
// Evaluation (summary.json): gold_return (mean true return of the final policy, deterministic
// actions, eval.episodes episodes), random_return, normalized_return = (gold - random) /
// (reference - random) when eval.reference_return is given (null otherwise), labels_asked,
// labels_answered, rm_accuracy (ensemble accuracy on eval.heldout_pairs fresh segment pairs
// labelled by the true return, ties left out), reward_pearson (learned vs true reward on the
// stored transitions). metrics.jsonl gets, per reward update, the reward model's training
// accuracy and loss and the sampled EPIC distance between learned and true reward
// (eval/epic_sampled.h; eval.epic_transitions = 0 turns it off).
//
// Resume: the checkpoint holds the store, the ensemble and its trainer, the agent, the
// generators and the feedback counters and labels; feedback.jsonl is cut back to the
// checkpoint's step. Every checkpoint starts fresh episodes (from a seed derived from its
// step) in an uninterrupted run as in a resumed one, so a resumed run repeats the
// uninterrupted run exactly.
//
//   rlab pbrl --env CartPole-v1 --algo prefppo --teacher oracle --feedback 200 --seed 1
//   rlab run examples/pbrl_cartpole.yaml
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/prefopt/cpl.h"
#include "rlab/reward/model/ensemble_reward_config.h"
#include "rlab/rl/pbrl_feedback_config.h"
#include "rlab/rl/pebble_config.h"
#include "rlab/rl/ppo.h"
#include "rlab/rl/sac.h"

namespace rlab::pipeline {

struct PbrlConfig {
  std::string env = "CartPole-v1";
  std::string algo = "prefppo";
  int64_t steps = 200000;
  std::string teacher = "oracle";
  rl::PbrlFeedbackConfig feedback;
  reward::EnsembleRewardConfig reward_model;
  rl::PebbleConfig pebble;
  struct Eval {
    int64_t episodes = 20;
    int64_t heldout_pairs = 500;
    int64_t epic_transitions = 1024;
    int64_t epic_samples = 64;
    std::optional<double> reference_return;
    std::optional<double> random_return;
    template <class V>
    void Fields(V& v) {
      v("episodes", episodes, "episodes of the final policy for gold_return");
      v("heldout_pairs", heldout_pairs, "fresh segment pairs for rm_accuracy (0 = off)");
      v("epic_transitions", epic_transitions,
        "coverage transitions of the EPIC distance (0 = off)");
      v("epic_samples", epic_samples, "state and action samples of EPIC's expectations");
      v("reference_return", reference_return,
        "return of the same agent trained on the true reward (for normalized_return)");
      v("random_return", random_return, "return of a random policy (auto: measured)");
    }
    void Validate() const;
  } eval;
  rl::PpoConfig ppo;
  rl::SacConfig sac;
  prefopt::CplConfig cpl;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("env", env, "environment spec, e.g. CartPole-v1 or Pendulum-v1");
    v("algo", algo, "prefppo (PPO), pebble (SAC) or cpl (no reward model)");
    v("steps", steps, "environment steps (summed over parallel environments)");
    v("teacher", teacher,
      "oracle, stochastic, mistake, myopic, skip, equal, scripted(...), "
      "bradley_terry(...), file(path=FEEDBACK.jsonl) or people(db=labels.db, timeout=600)");
    v("feedback", feedback, "queries: budget, schedule, selector, segments");
    v("reward_model", reward_model, "the reward ensemble and its training");
    v("pebble", pebble, "PEBBLE's unsupervised pre-training");
    v("eval", eval, "final evaluation and reward-distance tracking");
    v("ppo", ppo, "PPO settings (prefppo)");
    v("sac", sac, "SAC settings (pebble)");
    v("cpl", cpl, "Contrastive Preference Learning settings (cpl)");
    v("run", run,
      "run directory, seed, threads, cadence (log_every and checkpoint_every in steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry PbrlEntry();

}  // namespace rlab::pipeline
