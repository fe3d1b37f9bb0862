#include "rlab/reward/model/text_reward_model_trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/models/optim/finite_step.h"
#include "rlab/models/optim/fused_adamw.h"
#include "rlab/models/transformer/token_logprobs.h"

namespace rlab::reward {

namespace {

constexpr const char* kWarmMode = "warm";

// The training records of a member: all of them, or a bootstrap resample (drawn once per
// member) that each epoch visits in its own order.
std::vector<int64_t> MemberPool(int64_t n, bool bootstrap, uint64_t seed) {
  if (!bootstrap) return AllIndices(n);
  std::vector<int64_t> pool(n);
  Rng rng(seed);
  for (auto& i : pool) i = rng.UniformInt(n);
  return pool;
}

// The mean next-token loss over the preferred sequence of every record (the chosen response
// of a pair, the best of a ranking), computed from the hidden states the head also reads.
torch::Tensor ChosenTextLoss(models::SequenceRewardModel& model, const torch::Tensor& hidden,
                             const RmBatch& b) {
  std::vector<torch::Tensor> firsts;
  if (b.targets.chosen_rows.numel() > 0) {
    firsts.push_back(std::get<0>(at::_unique(b.targets.chosen_rows)));
  }
  for (const auto& ranking : b.targets.rankings) firsts.push_back(ranking.slice(0, 0, 1));
  const torch::Tensor rows = torch::cat(firsts);                                          // [R]
  const torch::Tensor mask = b.attention_mask.index_select(0, rows).to(torch::kFloat32);  // [R, T]
  const torch::Tensor logits = model->backbone->Logits(hidden.index_select(0, rows));  // [R, T, V]
  const torch::Tensor nll = models::MaskedNllSum(logits, b.ids.index_select(0, rows), mask);
  return nll / std::max(1.0, mask.slice(1, 1).sum().item<double>());
}

}  // namespace

bool RmEnsembleOptions::warm() const { return mode == kWarmMode; }

TextRmTrainerOptions::TextRmTrainerOptions() {
  optim.steps = 600;
  optim.batch_size = 16;
  optim.learning_rate = 1e-3;
  optim.warmup_ratio = 0.05;
}

void TextRmTrainerOptions::Validate() const {
  optim.Validate();
  RLAB_CHECK(ensemble.members >= 1, "ensemble.members must be >= 1");
  RLAB_CHECK(ensemble.mode == "ensemble" || ensemble.mode == kWarmMode,
             "ensemble.mode must be ensemble or warm, got '{}'", ensemble.mode);
  MakeRmObjective(objective);  // an unknown objective fails before any work
}

TextRewardModelTrainer::TextRewardModelTrainer(const TextRmTrainerOptions& options,
                                               MemberFactory new_member,
                                               std::vector<data::PreferenceExample> train,
                                               int64_t pad_id, uint64_t seed)
    : options_(options),
      new_member_(std::move(new_member)),
      train_(std::move(train)),
      pad_id_(pad_id),
      seed_(seed),
      objective_(MakeRmObjective(options.objective)) {
  options_.Validate();
  RLAB_CHECK(!train_.empty(), "a reward-model trainer needs at least one training record");
  steps_per_member_ = options_.optim.TotalSteps(static_cast<int64_t>(train_.size()));
  model_ = new_member_(InitSeed(0));
  model_->train();
  optimizer_ = models::MakeAdamW(model_->parameters(), options_.optim);
}

TextRewardModelTrainer::~TextRewardModelTrainer() = default;

uint64_t TextRewardModelTrainer::MemberSeed(int64_t member, const char* stream) const {
  return DeriveSeed(seed_, fmt::format("{}-{}", stream, member));
}

uint64_t TextRewardModelTrainer::InitSeed(int64_t member) const {
  // WARM members share one initialisation; a single model has the run's.
  if (options_.ensemble.warm() || members() == 1) return DeriveSeed(seed_, "init");
  return MemberSeed(member, "init");
}

void TextRewardModelTrainer::BeginMember() {
  RLAB_CHECK(!done(), "all {} members are trained; there is no step left", members());
  if (!resumed_) {
    // A fresh member: new weights (and optimiser state), counters from zero.
    torch::NoGradGuard no_grad;
    const auto fresh = new_member_(InitSeed(member_));
    for (auto& p : model_->named_parameters()) p.value().copy_(fresh->named_parameters()[p.key()]);
    optimizer_ = models::MakeAdamW(model_->parameters(), options_.optim);
    step_ = epoch_ = position_ = 0;
  }
  resumed_ = false;
  model_->train();
  const bool bootstrap = !options_.ensemble.warm() && members() > 1 && options_.ensemble.bootstrap;
  cursor_.emplace(
      MemberPool(static_cast<int64_t>(train_.size()), bootstrap, MemberSeed(member_, "bootstrap")),
      MemberSeed(member_, "order"), epoch_, position_);
  begun_ = true;
}

RmStepStats TextRewardModelTrainer::Step() {
  if (!begun_) BeginMember();
  const models::LmOptim& o = options_.optim;
  std::vector<RmBatch> micro;
  for (int64_t a = 0; a < o.grad_accum; ++a) {
    micro.push_back(CollatePreferences(train_, cursor_->Next(o.batch_size), pad_id_));
  }
  epoch_ = cursor_->epoch();  // what a checkpoint records
  position_ = cursor_->position();
  RmStepStats stats = Step(micro);
  stats.records = o.grad_accum * o.batch_size;
  return stats;
}

RmStepStats TextRewardModelTrainer::Step(const std::vector<RmBatch>& micro_batches) {
  if (!begun_) BeginMember();
  RLAB_CHECK(!micro_batches.empty(), "a reward-model step needs at least one batch");
  RLAB_CHECK(!member_done(), "member {} has taken its {} steps; call NextMember()", member_,
             steps_per_member_);
  RmStepStats stats;
  stats.learning_rate = options_.optim.LearningRateAt(step_, steps_per_member_);
  models::SetLearningRate(*optimizer_, stats.learning_rate);
  models::ClearGradients(*optimizer_);
  const double count = static_cast<double>(micro_batches.size());
  for (const RmBatch& b : micro_batches) {
    const torch::Tensor hidden = model_->backbone->Hidden(b.ids, b.attention_mask);  // [N, T, H]
    const torch::Tensor out = model_->Head(hidden, b.attention_mask);  // [N, head_size]
    torch::Tensor loss = objective_->Loss(out, b.targets);
    if (options_.lm_coef > 0) loss = loss + options_.lm_coef * ChosenTextLoss(model_, hidden, b);
    (loss / count).backward();
    stats.loss += loss.item<double>() / count;
    if (b.targets.chosen_rows.numel() > 0) {
      torch::NoGradGuard no_grad;
      const torch::Tensor logits = objective_->PreferenceLogit(
          Rows(out, b.targets.chosen_rows), Rows(out, b.targets.rejected_rows));  // [P]
      stats.ordered += (logits > 0).masked_select(~b.targets.tie).sum().item<double>();
      stats.compared += (~b.targets.tie).sum().item<double>();
    }
    stats.tokens += b.Tokens();
  }
  if (options_.optim.max_grad_norm > 0) {
    stats.grad_norm = models::ClipGradientNorm(model_->parameters(), options_.optim.max_grad_norm);
  }
  models::CheckFiniteStep(
      stats.loss, stats.grad_norm, step() + 1,
      fmt::format("optim.learning_rate (now {})", options_.optim.learning_rate));
  optimizer_->step();
  ++step_;
  return stats;
}

void TextRewardModelTrainer::NextMember() {
  RLAB_CHECK(member_done(), "member {} has taken {} of its {} steps", member_, step_,
             steps_per_member_);
  ++member_;
  step_ = epoch_ = position_ = 0;
  begun_ = false;
  cursor_.reset();
}

CheckpointState TextRewardModelTrainer::State() {
  CheckpointState state;
  state.AddModule("model", model_.ptr());
  state.AddOptimizer("optimizer", optimizer_.get());
  return state;
}

nlohmann::json TextRewardModelTrainer::Counters() const {
  return nlohmann::json{{"step", step()},
                        {"member", member_},
                        {"member_step", step_},
                        {"epoch", epoch_},
                        {"position", position_}};
}

void TextRewardModelTrainer::Restore(const nlohmann::json& counters) {
  member_ = counters.at("member");
  step_ = counters.at("member_step");
  epoch_ = counters.at("epoch");
  position_ = counters.at("position");
  // A checkpoint at step 0 marks a finished member: the next one starts afresh.
  resumed_ = step_ > 0;
  begun_ = false;
  cursor_.reset();
}

}  // namespace rlab::reward
