// Training the reward ensemble (PEBBLE, Lee et al., arXiv:2106.05091; bootstrap ensembles as in
// Christiano et al., arXiv:1706.03741) on synthetic features with a hidden linear reward.
#include "rlab/reward/model/ensemble_reward_trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

constexpr int64_t kObs = 3, kAct = 2;

// The hidden reward: r(s, a) = w_s . s + w_a . a.
torch::Tensor TrueReward(const torch::Tensor& obs, const torch::Tensor& actions) {
  const torch::Tensor ws = torch::tensor({1.0f, -2.0f, 0.5f});
  const torch::Tensor wa = torch::tensor({1.5f, -1.0f});
  return (obs * ws).sum(-1) + (actions * wa).sum(-1);
}

SegmentBatch RandomSegments(int64_t n, int64_t h, torch::Generator& gen) {
  return {torch::randn({n, h, kObs}, gen), torch::randn({n, h, kAct}, gen),
          torch::randn({n, h, kObs}, gen)};
}

// Noiseless labels: 1 when the second segment's true return is larger (B-Pref's oracle).
PreferencePairs OraclePairs(int64_t n, int64_t h, torch::Generator& gen) {
  PreferencePairs p{RandomSegments(n, h, gen), RandomSegments(n, h, gen), {}};
  const torch::Tensor r1 = TrueReward(p.first.obs, p.first.actions).sum(1);    // [N]
  const torch::Tensor r2 = TrueReward(p.second.obs, p.second.actions).sum(1);  // [N]
  p.labels = (r1 < r2).to(torch::kFloat);
  return p;
}

double Pearson(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = a.to(torch::kDouble) - a.to(torch::kDouble).mean();
  const torch::Tensor y = b.to(torch::kDouble) - b.to(torch::kDouble).mean();
  return ((x * y).sum() / (x.norm() * y.norm())).item<double>();
}

RewardEnsembleOptions SmallModel() {
  RewardEnsembleOptions o;
  o.obs_dim = kObs;
  o.action_dim = kAct;
  o.hidden = {32, 32};
  return o;
}

// Done-when of issue 5: an ensemble learns a hidden linear reward from noiseless labels with a
// Pearson correlation of at least 0.95 on fresh transitions.
TEST(RewardEnsembleTrainer, LearnsAHiddenLinearRewardFromNoiselessLabels) {
  torch::manual_seed(1);
  torch::Generator gen = at::detail::createCPUGenerator(2);
  const PreferencePairs train = OraclePairs(400, 10, gen);
  const PreferencePairs held_out = OraclePairs(300, 10, gen);
  // 3 members, PEBBLE's optimiser settings; a linear output layer, because PEBBLE's tanh
  // bounds each step's reward and so cannot follow an unbounded linear reward (with it this
  // setting reaches a correlation of about 0.93).
  RewardEnsembleOptions o = SmallModel();
  o.tanh_output = false;
  RewardEnsemble model(o);
  RewardTrainerOptions t;
  t.max_epochs = 200;
  RewardEnsembleTrainer trainer(model, t, /*seed=*/3);
  const RewardTrainReport report = trainer.Train(train);
  EXPECT_GE(report.train_accuracy, 0.97);
  EXPECT_TRUE(report.stopped_early);

  const torch::Tensor obs = torch::randn({2000, kObs}, gen);
  const torch::Tensor act = torch::randn({2000, kAct}, gen);
  model->FitNormalization(obs, act, {});
  const torch::Tensor learned = model->Reward(obs, act, {});  // [2000]
  const double r = Pearson(learned, TrueReward(obs, act));
  EXPECT_GE(r, 0.95) << "Pearson correlation " << r;
  // Every member on its own learns the reward too.
  const torch::Tensor members = model->MemberRewards(obs, act, {});  // [3, 2000]
  for (int64_t m = 0; m < 3; ++m) EXPECT_GE(Pearson(members[m], TrueReward(obs, act)), 0.9);
  EXPECT_GE(model->Accuracy(held_out), 0.9);
}

TEST(RewardEnsembleTrainer, MembersTrainOnIndependentBootstrapResamples) {
  torch::manual_seed(1);
  torch::Generator gen = at::detail::createCPUGenerator(4);
  const int64_t n = 3000;
  const PreferencePairs pairs = OraclePairs(n, 2, gen);
  RewardEnsembleOptions o = SmallModel();
  o.members = 4;
  o.hidden = {4};
  RewardTrainerOptions t;
  t.max_epochs = 1;
  t.batch_size = 1000;
  RewardEnsembleTrainer trainer(RewardEnsemble(o), t, 7);
  trainer.Train(pairs);
  std::vector<std::vector<uint8_t>> in(4, std::vector<uint8_t>(n, 0));
  for (int64_t m = 0; m < 4; ++m) {
    ASSERT_EQ(static_cast<int64_t>(trainer.Resample(m).size()), n);
    for (int64_t i : trainer.Resample(m)) in[m][i] = 1;
    double unique = 0;
    for (uint8_t b : in[m]) unique += b;
    // A bootstrap resample holds 1 - (1 - 1/n)^n ~ 63.2% of the pairs.
    EXPECT_NEAR(unique / n, 1 - std::exp(-1.0), 0.03);
  }
  for (int64_t a = 0; a < 4; ++a) {
    for (int64_t b = a + 1; b < 4; ++b) {
      EXPECT_NE(trainer.Resample(a), trainer.Resample(b));
      double both = 0;
      for (int64_t i = 0; i < n; ++i) both += in[a][i] & in[b][i];
      // Independent inclusion: P(in both) = 0.632^2 ~ 0.400.
      EXPECT_NEAR(both / n, std::pow(1 - std::exp(-1.0), 2), 0.03);
    }
  }
  // A member's resamples depend on the seed and its index, not on how many members there are.
  RewardEnsembleOptions two = o;
  two.members = 2;
  RewardEnsembleTrainer smaller(RewardEnsemble(two), t, 7);
  smaller.Train(pairs);
  EXPECT_EQ(smaller.Resample(1), trainer.Resample(1));
  // Without bootstrapping every member sees every pair once.
  t.bootstrap = false;
  RewardEnsembleTrainer all(RewardEnsemble(two), t, 7);
  all.Train(pairs);
  EXPECT_EQ(std::set<int64_t>(all.Resample(0).begin(), all.Resample(0).end()).size(),
            static_cast<size_t>(n));
}

PreferencePairs Concat(const PreferencePairs& a, const PreferencePairs& b) {
  return {{torch::cat({a.first.obs, b.first.obs}), torch::cat({a.first.actions, b.first.actions}),
           torch::Tensor()},
          {torch::cat({a.second.obs, b.second.obs}),
           torch::cat({a.second.actions, b.second.actions}), torch::Tensor()},
          torch::cat({a.labels, b.labels})};
}

TEST(RewardEnsembleTrainer, TiesAreSoftLabelsThatPullPreferencesToOneHalf) {
  torch::Generator gen = at::detail::createCPUGenerator(6);
  const PreferencePairs decided = OraclePairs(200, 5, gen);
  const PreferencePairs hard = OraclePairs(200, 5, gen);  // the oracle's labels
  PreferencePairs ties = hard;                            // the same pairs called ties
  ties.labels = torch::full({200}, 0.5f);
  RewardEnsembleOptions o = SmallModel();
  o.tanh_output = false;
  RewardTrainerOptions t;
  t.lr = 3e-3;
  t.max_epochs = 60;
  t.accuracy_threshold = 1.0;

  torch::manual_seed(5);
  RewardEnsemble with_ties(o);
  RewardEnsembleTrainer trainer(with_ties, t, 1);
  {
    // The loss of a tie is 0.5 softplus(-m) + 0.5 softplus(m) for the margin m = R1 - R2.
    const torch::Tensor m = with_ties->MemberSegmentReturns(ties.first) -
                            with_ties->MemberSegmentReturns(ties.second);  // [M, 200]
    const double expected =
        (0.5 * torch::softplus(-m) + 0.5 * torch::softplus(m)).mean(1).mean().item<double>();
    EXPECT_NEAR(trainer.Loss(ties), expected, 1e-5);
  }
  const RewardTrainReport report = trainer.Train(Concat(decided, ties));
  EXPECT_GE(report.train_accuracy, 0.9);  // over the decided pairs only: ties are not counted

  torch::manual_seed(5);
  RewardEnsemble without_ties(o);
  RewardEnsembleTrainer hard_trainer(without_ties, t, 1);
  hard_trainer.Train(Concat(decided, hard));

  // How far from 1/2 each model puts the preference of the pairs called ties.
  auto gap = [](RewardEnsemble& model, const PreferencePairs& p) {
    return (model->MemberPreferenceProbabilities(p.first, p.second).mean(0) - 0.5)
        .abs()
        .mean()
        .item<double>();
  };
  const double tie_gap = gap(with_ties, ties);
  const double hard_gap = gap(without_ties, ties);
  EXPECT_LT(tie_gap, 0.5 * hard_gap) << tie_gap << " vs " << hard_gap;
  // The decided pairs are still told apart, more firmly than the ties.
  EXPECT_GT(gap(with_ties, decided), tie_gap);
  EXPECT_GE(with_ties->Accuracy(decided), 0.9);
}

TEST(RewardEnsembleTrainer, StopsEarlyOnceTrainingAccuracyReachesTheThreshold) {
  torch::manual_seed(2);
  torch::Generator gen = at::detail::createCPUGenerator(3);
  const PreferencePairs pairs = OraclePairs(300, 5, gen);
  RewardTrainerOptions t;
  t.lr = 3e-3;
  t.max_epochs = 200;
  t.accuracy_threshold = 0.9;
  RewardEnsembleTrainer trainer(RewardEnsemble(SmallModel()), t, 1);
  const RewardTrainReport early = trainer.Train(pairs);
  EXPECT_TRUE(early.stopped_early);
  EXPECT_LT(early.epochs, 200);
  EXPECT_GE(early.train_accuracy, 0.9);
  ASSERT_EQ(early.member_accuracy.size(), 3u);
  double mean = 0;
  for (double a : early.member_accuracy) mean += a / 3;
  EXPECT_NEAR(mean, early.train_accuracy, 1e-12);

  // Random labels cannot be fitted to the threshold: all max_epochs run.
  PreferencePairs noise = pairs;
  noise.labels = torch::randint(0, 2, {300}, gen).to(torch::kFloat);
  t.max_epochs = 4;
  t.accuracy_threshold = 0.97;
  RewardEnsembleTrainer stubborn(RewardEnsemble(SmallModel()), t, 1);
  const RewardTrainReport full = stubborn.Train(noise);
  EXPECT_FALSE(full.stopped_early);
  EXPECT_EQ(full.epochs, 4);
}

TEST(RewardEnsembleTrainer, ResumingFromACheckpointContinuesBitIdentically) {
  testing::ScratchDir dir("reward_trainer_checkpoint");
  torch::Generator gen = at::detail::createCPUGenerator(8);
  const PreferencePairs pairs = OraclePairs(100, 4, gen);
  RewardTrainerOptions t;
  t.max_epochs = 3;
  t.accuracy_threshold = 1.0;

  torch::manual_seed(9);
  RewardEnsembleTrainer a(RewardEnsemble(SmallModel()), t, 4);
  CheckpointState state_a;
  a.AddTo(state_a, "rm");
  a.Train(pairs);
  state_a.Save(dir / "ckpt.pt", {{"step", 1}});
  a.Train(pairs);

  torch::manual_seed(123);  // a different initialisation, overwritten by the checkpoint
  RewardEnsembleTrainer b(RewardEnsemble(SmallModel()), t, 99);
  CheckpointState state_b;
  b.AddTo(state_b, "rm");
  state_b.Load(dir / "ckpt.pt");
  b.Train(pairs);
  const auto pa = a.model()->parameters(), pb = b.model()->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << i;
  EXPECT_EQ(a.Resample(2), b.Resample(2));
}

TEST(RewardEnsembleTrainer, BadInputIsRefused) {
  torch::Generator gen = at::detail::createCPUGenerator(1);
  PreferencePairs pairs = OraclePairs(10, 3, gen);
  RewardEnsembleTrainer trainer(RewardEnsemble(SmallModel()), {}, 1);
  PreferencePairs bad = pairs;
  bad.labels = torch::full({10}, 0.3f);
  EXPECT_NE(testing::ErrorOf([&] { trainer.Train(bad); }).find("labels must be 0"),
            std::string::npos);
  bad = pairs;
  bad.labels = torch::zeros({9});
  EXPECT_THROW(trainer.Train(bad), Error);
  RewardTrainerOptions t;
  t.accuracy_threshold = 1.5;
  EXPECT_THROW(RewardEnsembleTrainer(RewardEnsemble(SmallModel()), t, 1), Error);
}

}  // namespace
}  // namespace rlab::reward
