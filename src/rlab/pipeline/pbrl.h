// pbrl: preference-based reinforcement learning for control. An agent learns a task from a
// budget of comparisons of its own behaviour instead of the environment's reward:
//
//   behaviour -> trajectory store -> (feedback schedule) candidate pairs -> selector ->
//   teacher -> feedback.jsonl -> reward ensemble -> learned reward -> agent -> behaviour
//
// Algorithms:
//   prefppo  PPO trained on the learned reward, which is retrained after every feedback round
//            (PrefPPO of Lee et al., "B-Pref: Benchmarking Preference-Based Reinforcement
//            Learning", arXiv:2111.03026; Christiano et al., "Deep Reinforcement Learning from
//            Human Preferences", arXiv:1706.03741). B-Pref's PrefPPO can also pre-train on
//            state entropy; this one does not.
//   pebble   SAC (Lee, Smith, Abbeel, "PEBBLE: Feedback-Efficient Interactive Reinforcement
//            Learning via Relabeling Experience and Unsupervised Pre-training",
//            arXiv:2106.05091): sac.learning_starts steps of random actions, then SAC on the
//            k-nearest-neighbour state-entropy reward (reward/state_entropy.h) until
//            pebble.pretrain_steps; then the first feedback round, the critics reset, and from
//            then on the whole replay buffer relabelled with the learned reward after every
//            reward update.
//   cpl      Contrastive Preference Learning (Hejna et al., "Contrastive Preference Learning:
//            Learning from Human Feedback without RL", arXiv:2310.13639; prefopt/cpl.h): a
//            policy (categorical, or Gaussian for a box) collects behaviour and is trained
//            directly on the labelled pairs after every round, with no reward model (queries
//            are chosen uniformly; rm_accuracy, reward_pearson and the EPIC distance are null).
//            It does not learn CartPole-v1, whose preferences come from terminations (see
//            docs/architecture.md).
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

#include "rlab/pipeline/pipeline.h"
#include "rlab/pipeline/run_options.h"
#include "rlab/prefopt/cpl.h"
#include "rlab/rl/ppo.h"
#include "rlab/rl/sac.h"

namespace rlab::pipeline {

struct PbrlConfig {
  std::string env = "CartPole-v1";
  std::string algo = "prefppo";
  int64_t steps = 200000;
  std::string teacher = "oracle";
  struct Feedback {
    int64_t budget = 200;
    int64_t batch = 20;
    int64_t every = 10000;
    int64_t start = 2048;
    std::string schedule = "constant";
    std::string selector = "disagreement(pool=10)";
    int64_t segment_length = 50;
    int64_t store_episodes = 200;
    bool absorbing_padding = true;
    template <class V>
    void Fields(V& v) {
      v("budget", budget, "queries asked over the run (skipped ones count)");
      v("batch", batch, "base queries per round, scaled by the schedule");
      v("every", every, "environment steps between feedback rounds");
      v("start", start, "step of the first round (pebble: pebble.pretrain_steps)");
      v("schedule", schedule, "query schedule: constant, linear or hyperbolic");
      v("selector", selector, "query selector: uniform, disagreement(pool=K), entropy(pool=K)");
      v("segment_length", segment_length, "steps per segment (H)");
      v("store_episodes", store_episodes, "finished episodes kept to cut segments from");
      v("absorbing_padding", absorbing_padding,
        "extend terminated episodes by H-1 absorbing steps (reward 0), so segments show endings");
    }
    void Validate() const;
  } feedback;
  struct RewardModel {
    int64_t members = 3;
    std::vector<int64_t> hidden = {256, 256, 256};
    std::string activation = "relu";
    bool use_next_obs = false;
    double lr = 3e-4;
    int64_t batch_size = 128;
    int64_t max_epochs = 50;
    double accuracy_threshold = 0.97;
    bool absorbing_zero = true;
    template <class V>
    void Fields(V& v) {
      v("members", members, "ensemble members");
      v("hidden", hidden, "hidden widths of each member");
      v("activation", activation, "relu or tanh");
      v("use_next_obs", use_next_obs, "reward over (s, a, s') instead of (s, a)");
      v("lr", lr, "Adam learning rate");
      v("batch_size", batch_size, "labelled pairs per minibatch");
      v("max_epochs", max_epochs, "epochs per reward update at most");
      v("accuracy_threshold", accuracy_threshold, "stop an update at this training accuracy");
      v("absorbing_zero", absorbing_zero,
        "shift the learned reward so absorbing steps are worth 0 (with absorbing_padding)");
    }
    void Validate() const;
  } reward_model;
  struct Pebble {
    int64_t pretrain_steps = 10000;
    int64_t entropy_k = 5;
    int64_t entropy_relabel_every = 250;
    template <class V>
    void Fields(V& v) {
      v("pretrain_steps", pretrain_steps,
        "steps (random actions included) on the state-entropy reward before the first feedback");
      v("entropy_k", entropy_k, "k of the k-nearest-neighbour state entropy");
      v("entropy_relabel_every", entropy_relabel_every,
        "steps between state-entropy relabellings of the replay buffer while pre-training");
    }
    void Validate() const;
  } pebble;
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
      v("epic_transitions", epic_transitions, "coverage transitions of the EPIC distance (0 = off)");
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
    v("teacher", teacher, "oracle, stochastic, mistake, myopic, skip, equal, scripted(...), "
                          "bradley_terry(...) or file(path=FEEDBACK.jsonl)");
    v("feedback", feedback, "queries: budget, schedule, selector, segments");
    v("reward_model", reward_model, "the reward ensemble and its training");
    v("pebble", pebble, "PEBBLE's unsupervised pre-training");
    v("eval", eval, "final evaluation and reward-distance tracking");
    v("ppo", ppo, "PPO settings (prefppo)");
    v("sac", sac, "SAC settings (pebble)");
    v("cpl", cpl, "Contrastive Preference Learning settings (cpl)");
    v("run", run, "run directory, seed, threads, cadence (log_every and checkpoint_every in steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry PbrlEntry();

}  // namespace rlab::pipeline
