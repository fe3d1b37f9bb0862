#include "rlab/pipeline/train_rm.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <numeric>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/data/text/split.h"
#include "rlab/eval/reward_model_eval.h"
#include "rlab/models/fused_adamw.h"
#include "rlab/models/tokenizer/named_tokenizer.h"
#include "rlab/models/tokenizer/tokenizer_files.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/models/transformer/token_logprobs.h"
#include "rlab/pipeline/epoch_cursor.h"
#include "rlab/pipeline/lm_threads.h"
#include "rlab/pipeline/rm_data.h"
#include "rlab/reward/rm_batch.h"
#include "rlab/reward/text_reward_model.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

TrainRmConfig::TrainRmConfig() {
  optim.steps = 600;
  optim.batch_size = 16;
  optim.learning_rate = 1e-3;
  optim.warmup_ratio = 0.05;
}

void TrainRmConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a model directory or a preset");
  RLAB_CHECK(!data.train.empty(), "data.train must name a file or task:SPEC");
  RLAB_CHECK(data.task_train_pairs >= 1 && data.task_eval_pairs >= 0,
             "data.task_train_pairs must be >= 1 and data.task_eval_pairs >= 0");
  RLAB_CHECK(data.eval_fraction >= 0 && data.eval_fraction < 1,
             "data.eval_fraction must be in [0, 1), got {}", data.eval_fraction);
  RLAB_CHECK(data.max_length >= 2, "data.max_length must be >= 2");
  data::ParseTruncation(data.truncation);
  optim.Validate();
  RLAB_CHECK(embedding_init_std >= 0, "embedding_init_std must be >= 0, got {}",
             embedding_init_std);
  RLAB_CHECK(ensemble.members >= 1, "ensemble.members must be >= 1");
  RLAB_CHECK(ensemble.mode == "ensemble" || ensemble.mode == "warm",
             "ensemble.mode must be ensemble or warm, got '{}'", ensemble.mode);
  RLAB_CHECK(eval_every >= 0 && eval_batch_size >= 1,
             "eval_every must be >= 0 and eval_batch_size >= 1");
  reward::MakeRmObjective(objective);  // an unknown objective fails before any work
  if (!score_pooling.empty()) models::ParseScorePooling(score_pooling);
}

namespace {

using reward::MakeRmObjective;

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
               c.objective, c.data.train);
  }
  RmInputs in;
  in.train = TokenizeForRewardModel(train_records, tokenizer, c.data.max_length, c.data.truncation,
                                    "train", in.report);
  in.eval = TokenizeForRewardModel(eval_records, tokenizer, c.data.max_length, c.data.truncation,
                                   "eval", in.report);
  RLAB_CHECK(!in.train.empty(), "{}: no training record", c.data.train);
  spdlog::info("train-rm data: {} training and {} held-out records", in.train.size(),
               in.eval.size());
  return in;
}

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
                             const reward::RmBatch& b) {
  std::vector<torch::Tensor> firsts;
  if (b.targets.chosen_rows.numel() > 0) firsts.push_back(std::get<0>(at::_unique(b.targets.chosen_rows)));
  for (const auto& ranking : b.targets.rankings) firsts.push_back(ranking.slice(0, 0, 1));
  const torch::Tensor rows = torch::cat(firsts);
  const torch::Tensor mask = b.attention_mask.index_select(0, rows).to(torch::kFloat32);
  const torch::Tensor logits = model->backbone->Logits(hidden.index_select(0, rows));
  const torch::Tensor nll = models::MaskedNllSum(logits, b.ids.index_select(0, rows), mask);
  return nll / std::max(1.0, mask.slice(1, 1).sum().item<double>());
}

eval::RewardModelReport Judge(const eval::RewardOutputsFn& outputs,
                              const reward::RewardModelObjective& objective,
                              const std::vector<data::PreferenceExample>& examples,
                              int64_t batch_size, int64_t pad) {
  return eval::JudgeRecords(eval::JudgeExamples(outputs, objective, examples, batch_size, pad));
}

eval::RewardOutputsFn OutputsOf(models::SequenceRewardModel model) {
  return [model](const torch::Tensor& ids, const torch::Tensor& mask) mutable {
    return model->Outputs(ids, mask);
  };
}

class TrainRm : public ConfiguredPipeline<TrainRmConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const TrainRmConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    const auto objective = MakeRmObjective(c.objective);
    Backbone backbone = OpenBackbone(c, DeriveSeed(seed, "init"));
    RmInputs in = PrepareInputs(c, *backbone.tokenizer, seed, objective->NeedsRatings());
    const models::Tokenizer& tokenizer = *backbone.tokenizer;
    const int64_t pad = tokenizer.pad_id().value_or(tokenizer.eos_id().value_or(0));
    const int64_t n = static_cast<int64_t>(in.train.size());
    const int64_t total_steps = c.optim.TotalSteps(n);
    const int64_t members = c.ensemble.members;
    const bool warm = c.ensemble.mode == "warm";
    const fs::path out_dir = ctx.dir().path() / "reward_model";
    // Finished members are written here as they complete; that is also what a resumed run
    // reads back. A single model goes straight to reward_model/.
    const fs::path members_dir = warm ? ctx.dir().path() / "warm_members" : out_dir;
    const auto member_dir = [&](int64_t m) {
      return members == 1 ? out_dir : members_dir / fmt::format("member_{}", m);
    };
    const auto member_seed = [&](int64_t m, std::string_view what) {
      // WARM members share one initialisation; everything else differs per member.
      if (what == "init" && (warm || members == 1)) return DeriveSeed(seed, "init");
      return DeriveSeed(seed, fmt::format("{}-{}", what, m));
    };

    models::SequenceRewardModel model =
        NewMember(backbone, objective->head_size(), c.score_pooling, member_seed(0, "init"));
    model->train();
    auto optimizer = MakeAdamW(model->parameters(), c.optim);
    CheckpointState state;
    state.AddModule("model", model.ptr());
    state.AddOptimizer("optimizer", optimizer.get());
    int64_t member = 0, step = 0, epoch = 0, position = 0;
    bool restored = false;
    if (auto counters = ctx.Restore(state)) {
      member = (*counters)["member"];
      step = (*counters)["member_step"];
      epoch = (*counters)["epoch"];
      position = (*counters)["position"];
      // A checkpoint at step 0 marks a finished member: the next one starts afresh.
      restored = step > 0;
      spdlog::info("resuming member {} at step {} of {}", member, step, total_steps);
    }
    // "step" counts over all members (checkpoint files and metric lines use it).
    const auto counters = [&] {
      return nlohmann::json{{"step", member * total_steps + step}, {"member", member},
                            {"member_step", step}, {"epoch", epoch}, {"position", position}};
    };

    Progress progress("train-rm", members * total_steps, c.run.progress_seconds);
    double last_loss = std::nan("");
    double train_seconds = 0.0;
    int64_t trained_records = 0, trained_tokens = 0;  // in this process, for throughput
    std::vector<double> member_accuracy;
    for (; member < members; ++member) {
      if (!restored) {
        // A fresh member: new weights (and optimiser state), counters from zero.
        torch::NoGradGuard no_grad;
        const auto fresh = NewMember(backbone, objective->head_size(), c.score_pooling,
                                     member_seed(member, "init"));
        for (auto& p : model->named_parameters()) p.value().copy_(fresh->named_parameters()[p.key()]);
        optimizer = MakeAdamW(model->parameters(), c.optim);
        state = CheckpointState();
        state.AddModule("model", model.ptr());
        state.AddOptimizer("optimizer", optimizer.get());
        step = epoch = position = 0;
      }
      restored = false;
      model->train();
      const bool bootstrap = !warm && members > 1 && c.ensemble.bootstrap;
      const std::vector<int64_t> pool = MemberPool(n, bootstrap, member_seed(member, "bootstrap"));
      EpochCursor cursor(pool, member_seed(member, "order"), epoch, position);
      double window_loss = 0.0, window_right = 0.0, window_pairs = 0.0, window_tokens = 0.0;
      int64_t window_steps = 0;
      auto window_start = std::chrono::steady_clock::now();
      const auto log_step = [&](int64_t s) { return member * total_steps + s; };
      while (step < total_steps) {
        std::vector<reward::RmBatch> micro;
        int64_t step_records = 0;
        for (int64_t a = 0; a < c.optim.grad_accum; ++a) {
          micro.push_back(reward::CollatePreferences(in.train, cursor.Next(c.optim.batch_size), pad));
          step_records += c.optim.batch_size;
        }
        epoch = cursor.epoch();  // what a checkpoint records
        position = cursor.position();
        const double learning_rate = c.optim.LearningRateAt(step, total_steps);
        SetLearningRate(*optimizer, learning_rate);
        const auto t0 = std::chrono::steady_clock::now();
        models::ClearGradients(*optimizer);
        double step_loss = 0.0;
        for (const reward::RmBatch& b : micro) {
          const torch::Tensor hidden = model->backbone->Hidden(b.ids, b.attention_mask);
          const torch::Tensor out = model->Head(hidden, b.attention_mask);
          torch::Tensor loss = objective->Loss(out, b.targets);
          if (c.lm_coef > 0) loss = loss + c.lm_coef * ChosenTextLoss(model, hidden, b);
          (loss / static_cast<double>(micro.size())).backward();
          step_loss += loss.item<double>() / static_cast<double>(micro.size());
          if (b.targets.chosen_rows.numel() > 0) {
            torch::NoGradGuard no_grad;
            const torch::Tensor logits =
                objective->PreferenceLogit(reward::Rows(out, b.targets.chosen_rows),
                                           reward::Rows(out, b.targets.rejected_rows));
            window_right += (logits > 0).masked_select(~b.targets.tie).sum().item<double>();
            window_pairs += (~b.targets.tie).sum().item<double>();
          }
          window_tokens += static_cast<double>(b.Tokens());
          trained_tokens += b.Tokens();
        }
        double grad_norm = 0.0;
        if (c.optim.max_grad_norm > 0) {
          grad_norm = models::ClipGradientNorm(model->parameters(), c.optim.max_grad_norm);
        }
        optimizer->step();
        train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        trained_records += step_records;
        const int64_t before = step++;
        last_loss = step_loss;
        window_loss += step_loss;
        ++window_steps;
        const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
        if (ctx.LogDue(before, step) || step == total_steps || eval_due) {
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
          MetricList m = {{"member", static_cast<double>(member)},
                          {"loss", window_loss / std::max<int64_t>(window_steps, 1)},
                          {"train_accuracy", window_pairs > 0 ? window_right / window_pairs : std::nan("")},
                          {"learning_rate", learning_rate},
                          {"grad_norm", grad_norm},
                          {"tokens_per_second", window_tokens / std::max(seconds, 1e-9)}};
          if (eval_due && !in.eval.empty()) {
            model->eval();
            const auto report = Judge(OutputsOf(model), *objective, in.eval, c.eval_batch_size, pad);
            model->train();
            m.emplace_back("eval_accuracy", report.accuracy);
            m.emplace_back("eval_ece", report.ece);
          }
          ctx.metrics().Log(log_step(step), m);
          window_loss = window_right = window_pairs = window_tokens = 0.0;
          window_steps = 0;
          window_start = std::chrono::steady_clock::now();
        }
        if (ctx.CheckpointDue(before, step) && step < total_steps) ctx.Checkpoint(state, counters());
        progress.Update(log_step(step), fmt::format("member={} loss={:.4f}", member, last_loss));
      }
      model->eval();
      reward::SaveRewardModelDir(model, c.objective, &tokenizer, backbone.tokenizer_source,
                                 member_dir(member));
      // The checkpoint after a member names the next one, so a resumed run starts it afresh.
      const int64_t done = member;
      ++member;
      step = epoch = position = 0;
      ctx.Checkpoint(state, counters());
      member = done;
      spdlog::info("member {} of {} written to {}", member + 1, members,
                   member_dir(member).string());
    }
    progress.Finish(fmt::format("loss={:.4f}", last_loss));
    return Finish(ctx, in, *objective, backbone, out_dir, members_dir, pad, last_loss,
                  total_steps, trained_records, trained_tokens, train_seconds);
  }

 private:
  // Evaluates what was trained, writes the ensemble index or the WARM average, and builds the
  // summary.
  nlohmann::json Finish(RunContext& ctx, RmInputs& in, const reward::RewardModelObjective& objective,
                        const Backbone& backbone, const fs::path& out_dir,
                        const fs::path& members_dir, int64_t pad, double last_loss,
                        int64_t total_steps, int64_t trained_records, int64_t trained_tokens,
                        double train_seconds) {
    const TrainRmConfig& c = config_;
    const int64_t members = c.ensemble.members;
    std::vector<models::SequenceRewardModel> trained;
    std::vector<std::string> names;
    for (int64_t m = 0; m < members; ++m) {
      names.push_back(fmt::format("member_{}", m));
      trained.push_back(models::LoadSequenceRewardModel(members == 1 ? out_dir : members_dir / names.back()));
      trained.back()->eval();
    }
    nlohmann::json summary = in.report;
    if (members > 1) {
      nlohmann::json accuracies = nlohmann::json::array();
      for (auto& m : trained) {
        accuracies.push_back(
            in.eval.empty() ? nlohmann::json()
                            : nlohmann::json(Judge(OutputsOf(m), objective, in.eval,
                                                   c.eval_batch_size, pad).accuracy));
      }
      summary["member_accuracy"] = accuracies;
      if (c.ensemble.mode == "warm") {
        reward::SaveRewardModelDir(reward::AverageWeights(trained), c.objective,
                                   backbone.tokenizer.get(), backbone.tokenizer_source, out_dir);
      } else {
        reward::WriteEnsembleIndex(out_dir, names);
        models::SaveTokenizerFiles(backbone.tokenizer.get(), backbone.tokenizer_source, out_dir);
      }
    }
    reward::TextRewardModel final_model = reward::LoadTextRewardModel(out_dir);
    if (!in.eval.empty()) {
      const auto report = Judge(
          [&](const torch::Tensor& ids, const torch::Tensor& mask) {
            return final_model.Outputs(ids, mask);
          },
          objective, in.eval, c.eval_batch_size, pad);
      std::printf("held-out evaluation of %s\n%s", out_dir.string().c_str(), report.Table().c_str());
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
    summary["ensemble_mode"] = c.ensemble.mode;
    summary["parameters"] = parameters;
    summary["reward_model_dir"] = out_dir.string();
    if (train_seconds > 0) {
      summary["train_records_per_second"] = trained_records / train_seconds;
      summary["train_tokens_per_second"] = trained_tokens / train_seconds;
    }
    spdlog::info("reward model written to {}", out_dir.string());
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry TrainRmEntry() {
  return {"train-rm", "a reward model for text from preference data (ensembles, WARM)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<TrainRm>(); }};
}

}  // namespace rlab::pipeline
