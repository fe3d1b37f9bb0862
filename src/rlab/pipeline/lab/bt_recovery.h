// bt-recovery: can a Bradley-Terry reward model recover a hidden reward from noisy pairwise
// preferences? Items carry feature vectors; a hidden linear reward scores them; a simulated
// Bradley-Terry teacher with label noise compares pairs of training items; a reward model
// (linear or MLP) is fitted by reward/model/feature_reward_trainer.h; it is judged on pairs of
// held-out items by agreement with the hidden reward's ordering and by the Pearson
// correlation between learned and hidden reward. A linear model also chooses the best held-out
// item twice, by its maximum-likelihood reward and pessimistically by the reward's lower
// confidence bound (reward/model/linear_confidence.h); the summary gives each choice's
// suboptimality, the hidden reward it leaves on the table.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/pipeline/run/pipeline.h"
#include "rlab/reward/model/feature_reward_trainer.h"

namespace rlab::pipeline {

struct BtRecoveryConfig {
  struct Data {
    int64_t items = 2000;
    int64_t dim = 16;
    double heldout_fraction = 0.2;
    int64_t train_pairs = 5000;
    int64_t heldout_pairs = 2000;
    int64_t uncovered_dims = 0;
    template <class V>
    void Fields(V& v) {
      v("items", items, "number of items (feature vectors drawn from N(0, I))");
      v("dim", dim, "feature dimension");
      v("heldout_fraction", heldout_fraction, "fraction of items kept out of training");
      v("train_pairs", train_pairs, "labelled comparisons between training items");
      v("heldout_pairs", heldout_pairs, "comparisons between held-out items for evaluation");
      v("uncovered_dims", uncovered_dims,
        "the last features barely vary among training items (x0.05), so the comparisons hardly "
        "cover them; held-out items vary in all");
    }
    void Validate() const;
  } data;
  struct Teacher {
    double beta = 5.0;
    double mistake = 0.1;
    template <class V>
    void Fields(V& v) {
      v("beta", beta, "rationality: P(a > b) = sigmoid(beta (r_a - r_b)); <= 0 is deterministic");
      v("mistake", mistake, "probability of flipping each label");
    }
    void Validate() const;
  } teacher;
  struct Model {
    std::vector<int64_t> hidden;
    std::string activation = "relu";
    template <class V>
    void Fields(V& v) {
      v("hidden", hidden, "hidden layer widths of the reward model ([] = linear)");
      v("activation", activation, "relu or tanh");
    }
  } model;
  reward::FeatureRewardTrainerOptions train;
  struct Pessimism {
    double gamma = 1.0;
    double lambda = 1e-3;
    template <class V>
    void Fields(V& v) {
      v("gamma", gamma, "radius of the confidence set around the linear MLE (0: plain MLE)");
      v("lambda", lambda, "ridge added to the comparisons' feature covariance");
    }
    void Validate() const;
  } pessimism;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("data", data, "synthetic items and comparisons");
    v("teacher", teacher, "the simulated Bradley-Terry teacher");
    v("model", model, "the reward model");
    v("train", train, "optimisation");
    v("pessimism", pessimism, "pessimistic MLE of a linear model's reward (Zhu et al.)");
    v("run", run, "run directory, seed, threads, cadence");
  }
  void Validate() const;
};

PipelineRegistry::Entry BtRecoveryEntry();

}  // namespace rlab::pipeline
