#include "rlab/pipeline/lm/train_rm.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/text/split.h"
#include "rlab/eval/reward_model_judge.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/text/tokenizer/tokenizer_files.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/lm/batch_fit.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/pipeline/lm/training_data_fingerprints.h"
#include "rlab/reward/model/text_reward_model.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

void TrainRmConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a model directory or a preset");
  RLAB_CHECK(!data.train.empty(), "data.train must name a file or task:SPEC");
  RLAB_CHECK(data.task_train_pairs >= 1 && data.task_eval_pairs >= 0,
             "data.task_train_pairs must be >= 1 and data.task_eval_pairs >= 0");
  RLAB_CHECK(data.eval_fraction >= 0 && data.eval_fraction < 1,
             "data.eval_fraction must be in [0, 1), got {}", data.eval_fraction);
  RLAB_CHECK(data.max_length >= 2, "data.max_length must be >= 2");
  CheckRewardModelTruncation(data.truncation);
  trainer.Validate();
  RLAB_CHECK(embedding_init_std >= 0, "embedding_init_std must be >= 0, got {}",
             embedding_init_std);
  RLAB_CHECK(eval_every >= 0 && eval_batch_size >= 1,
             "eval_every must be >= 0 and eval_batch_size >= 1");
  if (!score_pooling.empty()) models::ParseScorePooling(score_pooling);
}

namespace {

// The starting point of every member: a language model's weights (or a reward model's), and
// the tokenizer with the directory its files come from.
struct Backbone {
  models::LanguageModel lm;  // empty model when `model` is a reward-model directory
  fs::path reward_model_dir;
  std::unique_ptr<models::Tokenizer> tokenizer;
  fs::path tokenizer_source;
};

Backbone OpenBackbone(const TrainRmConfig& c, uint64_t seed) {
  Backbone b;
  if (models::IsSequenceClassificationDir(c.model)) {
    b.reward_model_dir = c.model;
    if (models::HasTokenizerFiles(c.model)) {
      b.tokenizer = models::LoadTokenizer(c.model);
      b.tokenizer_source = c.model;
    }
  } else {
    b.lm = models::OpenLanguageModel(
        c.model, seed, c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
    b.tokenizer = std::move(b.lm.tokenizer);
    b.tokenizer_source = b.lm.source_dir;
  }
  // A trained model (a reward-model or a language-model directory) keeps its own embeddings.
  RLAB_CHECK(c.embedding_init_std == 0 || (b.reward_model_dir.empty() && b.lm.source_dir.empty()),
             "embedding_init_std re-draws a preset's embeddings; {} is a trained reward model or "
             "language model, not a preset",
             c.model);
  if (c.embedding_init_std > 0) {
    // Hugging Face draws embeddings N(0, 0.02), sized for a tied output layer. A reward model
    // trained from scratch has none, and with embeddings that small each token's identity is
    // a faint part of the residual stream that the blocks' outputs soon drown: on the keywords
    // task (docs/results.md) N(0, 1), PyTorch's nn.Embedding default, learns the same pairs in
    // a fraction of the steps.
    torch::NoGradGuard no_grad;
    b.lm.model->embed->weight.normal_(0.0, c.embedding_init_std);
  }
  if (!c.tokenizer.empty()) {
    if (!b.tokenizer) b.tokenizer = models::OpenTokenizer(c.tokenizer);
    b.tokenizer_source = models::TokenizerFilesDir(c.tokenizer);
  }
  RLAB_CHECK(b.tokenizer != nullptr,
             "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", c.model);
  return b;
}

// A member's fresh model: the backbone's weights and a head drawn from `init_seed`.
models::SequenceRewardModel NewMember(const Backbone& b, int64_t head_size,
                                      const std::string& pooling, uint64_t init_seed) {
  torch::manual_seed(init_seed);
  const models::ScorePooling fresh_pooling =
      pooling.empty() ? models::ScorePooling::kLastToken : models::ParseScorePooling(pooling);
  models::SequenceRewardModel m =
      b.reward_model_dir.empty()
          ? models::RewardModelFromLanguageModel(b.lm.model, head_size, fresh_pooling)
          : models::LoadSequenceRewardModel(b.reward_model_dir, head_size, fresh_pooling);
  RLAB_CHECK(m->num_labels() == head_size, "{} has {} outputs; the objective needs {}",
             b.reward_model_dir.string(), m->num_labels(), head_size);
  RLAB_CHECK(pooling.empty() || m->pooling() == fresh_pooling,
             "{} reads its head with score_pooling={}; the config asks for {}",
             b.reward_model_dir.string(), models::ScorePoolingName(m->pooling()), pooling);
  return m;
}

struct RmInputs {
  std::vector<data::PreferenceExample> train, eval;
  nlohmann::json report;
  nlohmann::json training_data;  // for the model directory (training_data_fingerprints.h)
};

RmInputs PrepareInputs(const TrainRmConfig& c, const models::Tokenizer& tokenizer, uint64_t seed,
                       bool needs_ratings) {
  PreferenceSource train{c.data.train, c.data.chat_template, {}};
  train.task.pairs = c.data.task_train_pairs;
  train.task.label_noise = c.data.label_noise;
  train.task.min_gold_gap = c.data.min_gold_gap;
  train.task.rating_noise = c.data.rating_noise;
  auto [train_records, eval_records] = ReadTrainAndHeldOut<std::vector<data::PreferenceRecord>>(
      train, c.data.eval, c.data.task_eval_pairs, c.data.eval_fraction, seed,
      [&](const PreferenceSource& source, data::TaskSplit split, uint64_t s) {
        return ReadPreferenceSource(source, tokenizer, split, s);
      },
      [](auto& from, auto& to, double fraction, uint64_t s) {
        data::SplitHeldOut(from, to, fraction, s);
      });
  if (needs_ratings) {
    bool rated = false;
    for (const auto& r : train_records) rated = rated || r.score_chosen.has_value();
    RLAB_CHECK(rated, "objective {} fits ratings, but {} has no score_chosen / score_rejected",
               c.trainer.objective, c.data.train);
  }
  RmInputs in;
  in.train = TokenizeForRewardModel(train_records, tokenizer, c.data.max_length, c.data.truncation,
                                    "train", in.report);
  in.eval = TokenizeForRewardModel(eval_records, tokenizer, c.data.max_length, c.data.truncation,
                                   "eval", in.report);
  RLAB_CHECK(!in.train.empty(), "{}: no training record", c.data.train);
  in.training_data = DescribeTrainingData(c.data.train, train_records);
  spdlog::info("train-rm data: {} training and {} held-out records", in.train.size(),
               in.eval.size());
  return in;
}

eval::RewardOutputsFn OutputsOf(models::SequenceRewardModel model) {
  return [model](const torch::Tensor& ids, const torch::Tensor& mask) mutable {
    return model->Outputs(ids, mask);
  };
}

// The held-out figures of the member in training (judged in eval mode).
eval::RewardModelReport JudgeInTraining(models::SequenceRewardModel& model,
                                        const reward::RewardModelObjective& objective,
                                        const std::vector<data::PreferenceExample>& examples,
                                        int64_t batch_size, int64_t pad) {
  model->eval();
  const auto report =
      eval::JudgeRewardModel(OutputsOf(model), objective, examples, batch_size, pad);
  model->train();
  return report;
}

// The training figures of the steps since the last metric line.
class LogWindow {
 public:
  void Add(const reward::RmStepStats& s) {
    loss_ += s.loss;
    ordered_ += s.ordered;
    compared_ += s.compared;
    tokens_ += static_cast<double>(s.tokens);
    ++steps_;
  }
  // The metric line of the window, ending with step `last`; starts the next window.
  MetricList Take(int64_t member, const reward::RmStepStats& last) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    MetricList m = {{"member", static_cast<double>(member)},
                    {"loss", loss_ / std::max<int64_t>(steps_, 1)},
                    {"train_accuracy", compared_ > 0 ? ordered_ / compared_ : std::nan("")},
                    {"learning_rate", last.learning_rate},
                    {"grad_norm", last.grad_norm},
                    {"tokens_per_second", tokens_ / std::max(seconds, 1e-9)}};
    *this = LogWindow();
    return m;
  }

 private:
  double loss_ = 0.0, ordered_ = 0.0, compared_ = 0.0, tokens_ = 0.0;
  int64_t steps_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Records and tokens trained on in this process and the seconds their steps took.
struct Throughput {
  int64_t records = 0, tokens = 0;
  double seconds = 0.0;
  void Add(const reward::RmStepStats& s, std::chrono::steady_clock::time_point start) {
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    records += s.records;
    tokens += s.tokens;
  }
};

// Where finished members are written as they complete (that is also what a resumed run reads
// back): a single model straight to reward_model/, ensemble members inside it, WARM's members
// beside it (reward_model/ gets their average).
struct MemberDirs {
  fs::path out;      // <run>/reward_model
  fs::path members;  // reward_model/ or <run>/warm_members
  int64_t count;
  fs::path Of(int64_t m) const { return count == 1 ? out : members / fmt::format("member_{}", m); }
};

class TrainRm : public ConfiguredPipeline<TrainRmConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const TrainRmConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    const auto objective = reward::MakeRmObjective(c.trainer.objective);
    Backbone backbone = OpenBackbone(c, DeriveSeed(seed, "init"));
    RmInputs in = PrepareInputs(c, *backbone.tokenizer, seed, objective->NeedsRatings());
    const models::Tokenizer& tokenizer = *backbone.tokenizer;
    const int64_t pad = tokenizer.pad_id().value_or(tokenizer.eos_id().value_or(0));
    reward::TextRmTrainerOptions options = c.trainer;
    options.optim =
        FitBatchesToData(c.trainer.optim, static_cast<int64_t>(in.train.size()), c.data.train);
    reward::TextRewardModelTrainer trainer(
        options,
        [&](uint64_t init_seed) {
          return NewMember(backbone, objective->head_size(), c.score_pooling, init_seed);
        },
        std::move(in.train), pad, seed);
    const int64_t total_steps = trainer.steps_per_member();
    const fs::path out_dir = ctx.dir().path() / "reward_model";
    const MemberDirs dirs{out_dir,
                          c.trainer.ensemble.warm() ? ctx.dir().path() / "warm_members" : out_dir,
                          trainer.members()};
    double last_loss = std::nan("");
    if (auto counters = ctx.Restore(trainer.State())) {
      trainer.Restore(*counters);
      last_loss = (*counters).value("last_loss", std::nan(""));
      spdlog::info("resuming member {} at step {} of {}", trainer.member(), trainer.member_step(),
                   total_steps);
    }
    // The checkpoints keep the last training loss: a run resumed from the final one trains no
    // more and still reports it.
    const auto counters = [&] {
      nlohmann::json figures = trainer.Counters();
      figures["last_loss"] = last_loss;
      return figures;
    };

    Progress progress("train-rm", trainer.members() * total_steps, c.run.progress_seconds);
    Throughput throughput;
    LogWindow window;
    while (!trainer.done()) {
      const auto start = std::chrono::steady_clock::now();
      const reward::RmStepStats s = trainer.Step();
      throughput.Add(s, start);
      window.Add(s);
      last_loss = s.loss;
      const int64_t step = trainer.member_step(), before = step - 1;
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
      if (ctx.LogDue(before, step) || step == total_steps || eval_due) {
        MetricList m = window.Take(trainer.member(), s);
        if (eval_due && !in.eval.empty()) {
          const auto report =
              JudgeInTraining(trainer.model(), *objective, in.eval, c.eval_batch_size, pad);
          m.emplace_back("eval_accuracy", report.accuracy);
          m.emplace_back("eval_ece", report.ece);
        }
        ctx.metrics().Log(trainer.step(), m);
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) {
        ctx.Checkpoint(trainer.State(), counters());
      }
      progress.Update(trainer.step(),
                      fmt::format("member={} loss={:.4f}", trainer.member(), last_loss));
      if (trainer.member_done()) {
        const int64_t member = trainer.member();
        trainer.model()->eval();
        reward::SaveRewardModelDir(trainer.model(), c.trainer.objective, &tokenizer,
                                   backbone.tokenizer_source, dirs.Of(member));
        // The checkpoint after a member names the next one, so a resumed run starts it afresh.
        trainer.NextMember();
        ctx.Checkpoint(trainer.State(), counters());
        spdlog::info("member {} of {} written to {}", member + 1, trainer.members(),
                     dirs.Of(member).string());
      }
    }
    progress.Finish(fmt::format("loss={:.4f}", last_loss));
    return Finish(ctx, in, *objective, backbone, dirs, pad, last_loss, total_steps, throughput);
  }

 private:
  // Evaluates what was trained, writes the ensemble index or the WARM average, and builds the
  // summary.
  nlohmann::json Finish(RunContext& ctx, RmInputs& in,
                        const reward::RewardModelObjective& objective, const Backbone& backbone,
                        const MemberDirs& dirs, int64_t pad, double last_loss, int64_t total_steps,
                        const Throughput& throughput) {
    const TrainRmConfig& c = config_;
    const int64_t members = dirs.count;
    std::vector<models::SequenceRewardModel> trained;
    std::vector<std::string> names;
    for (int64_t m = 0; m < members; ++m) {
      names.push_back(fmt::format("member_{}", m));
      trained.push_back(models::LoadSequenceRewardModel(dirs.Of(m)));
      trained.back()->eval();
    }
    nlohmann::json summary = in.report;
    if (members > 1) {
      summary["member_accuracy"] =
          eval::MemberAccuracies(trained, objective, in.eval, c.eval_batch_size, pad);
      if (c.trainer.ensemble.warm()) {
        reward::SaveRewardModelDir(reward::AverageWeights(trained), c.trainer.objective,
                                   backbone.tokenizer.get(), backbone.tokenizer_source, dirs.out);
      } else {
        reward::WriteEnsembleIndex(dirs.out, names);
        models::SaveTokenizerFiles(backbone.tokenizer.get(), backbone.tokenizer_source, dirs.out);
      }
    }
    WriteTrainingData(dirs.out, in.training_data);
    reward::TextRewardModel final_model = reward::LoadTextRewardModel(dirs.out);
    if (!in.eval.empty()) {
      const auto report = eval::JudgeRewardModel(
          [&](const torch::Tensor& ids, const torch::Tensor& mask) {
            return final_model.Outputs(ids, mask);
          },
          objective, in.eval, c.eval_batch_size, pad);
      std::printf("held-out evaluation of %s\n%s", dirs.out.string().c_str(),
                  report.Table().c_str());
      summary.update(report.ToJson());
      MetricList m = {{"eval_accuracy", report.accuracy}, {"eval_ece", report.ece}};
      ctx.metrics().Log(members * total_steps, m);
    }
    int64_t parameters = 0;
    for (const auto& p : trained.front()->parameters()) parameters += p.numel();
    summary["objective"] = objective.Describe();
    summary["train_loss"] = last_loss;
    summary["steps"] = total_steps;
    summary["members"] = members;
    summary["ensemble_mode"] = c.trainer.ensemble.mode;
    summary["parameters"] = parameters;
    summary["reward_model_dir"] = dirs.out.string();
    if (throughput.seconds > 0) {
      summary["train_records_per_second"] = throughput.records / throughput.seconds;
      summary["train_tokens_per_second"] = throughput.tokens / throughput.seconds;
    }
    spdlog::info("reward model written to {}", dirs.out.string());
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry TrainRmEntry() {
  return {"train-rm",
          "a reward model for text from preference data (ensembles, WARM)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<TrainRm>(); }};
}

}  // namespace rlab::pipeline
