#include "rlab/pipeline/dpo.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <map>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/models/fused_adamw.h"
#include "rlab/models/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/dpo_data.h"
#include "rlab/pipeline/epoch_cursor.h"
#include "rlab/pipeline/lm_threads.h"
#include "rlab/pipeline/reference_logps.h"
#include "rlab/prefopt/policy_objective.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

DpoConfig::DpoConfig() {
  optim.steps = 500;
  optim.batch_size = 16;
  optim.learning_rate = 5e-5;
  optim.warmup_ratio = 0.1;
}

void DpoConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a model directory or a preset");
  RLAB_CHECK(!data.train.empty(), "data.train must name a file or task:SPEC");
  RLAB_CHECK(data.task_train_pairs >= 1 && data.task_eval_pairs >= 0 &&
                 data.task_eval_prompts >= 0,
             "data.task_train_pairs must be >= 1, task_eval_pairs and task_eval_prompts >= 0");
  RLAB_CHECK(data.eval_fraction >= 0 && data.eval_fraction < 1,
             "data.eval_fraction must be in [0, 1), got {}", data.eval_fraction);
  RLAB_CHECK(data.max_length >= 2, "data.max_length must be >= 2");
  RLAB_CHECK(beta > 0, "beta must be > 0, got {}", beta);
  RLAB_CHECK(label_smoothing >= 0 && label_smoothing < 0.5,
             "label_smoothing must be in [0, 0.5), got {}", label_smoothing);
  sft.Validate();
  optim.Validate();
  RLAB_CHECK(eval_every >= 0 && eval_batch_size >= 1,
             "eval_every must be >= 0 and eval_batch_size >= 1");
  prefopt::MakePolicyObjective({loss_type, loss_weights, beta, label_smoothing});
}

namespace {

// Everything the loop trains and evaluates on.
struct DpoInputs {
  prefopt::PolicyTrainingSet train, eval;
  torch::Tensor train_ref, eval_ref;  // [S] float64 reference log-probs (zeros when unused)
  std::unique_ptr<data::TextTask> task;
  std::vector<std::string> task_prompts;
  eval::TaskEvalResult reference_samples;
  nlohmann::json report;
};

DpoInputs PrepareInputs(const DpoConfig& c, prefopt::PolicyLossFamily family,
                        const models::Tokenizer& tokenizer, uint64_t seed) {
  PreferenceSource train{c.data.train, c.data.chat_template, {}};
  train.task.pairs = c.data.task_train_pairs;
  train.task.label_noise = c.data.label_noise;
  train.task.min_gold_gap = c.data.min_gold_gap;
  auto [train_records, eval_records] = ReadTrainAndHeldOut<PolicyRecords>(
      train, c.data.eval, c.data.task_eval_pairs, c.data.eval_fraction, seed,
      [&](const PreferenceSource& source, data::TaskSplit split, uint64_t s) {
        return ReadPolicyRecords(source, tokenizer, split, s);
      },
      SplitPolicyRecords);
  DpoInputs in;
  in.train = BuildPolicyTrainingSet(train_records, family, tokenizer, c.data.max_length, "train",
                                    in.report);
  RLAB_CHECK(!in.train.units.empty(), "{}: nothing to train on", c.data.train);
  if (!eval_records.empty()) {
    in.eval = BuildPolicyTrainingSet(eval_records, family, tokenizer, c.data.max_length, "eval",
                                     in.report);
  }
  if (IsTaskSource(c.data.train) && c.data.task_eval_prompts > 0) {
    in.task = data::MakeTextTask(c.data.train.substr(kTaskSourcePrefix.size()));
    Rng rng(DeriveSeed(seed, "task-prompts"));
    for (int64_t i = 0; i < c.data.task_eval_prompts; ++i) {
      in.task_prompts.push_back(in.task->Sample(rng, data::TaskSplit::kTest).prompt);
    }
  }
  spdlog::info("dpo data: {} training and {} held-out units ({} loss), {} task prompts",
               in.train.units.size(), in.eval.units.size(), prefopt::FamilyName(family),
               in.task_prompts.size());
  return in;
}

// The rows of the units at `indices`, in order, and the units themselves.
struct UnitBatch {
  std::vector<const prefopt::PolicyUnit*> units;
  std::vector<int64_t> rows;
};
UnitBatch GatherUnits(const prefopt::PolicyTrainingSet& set, std::span<const int64_t> indices) {
  UnitBatch b;
  for (int64_t i : indices) {
    b.units.push_back(&set.units[i]);
    b.rows.insert(b.rows.end(), set.units[i].sequences.begin(), set.units[i].sequences.end());
  }
  return b;
}

// Running means of named figures over a logging window.
class MetricWindow {
 public:
  void Add(const std::vector<std::pair<std::string, double>>& metrics, double weight = 1.0) {
    for (const auto& [name, value] : metrics) {
      if (std::isnan(value)) continue;
      auto& [sum, w] = sums_[name];
      sum += value * weight;
      w += weight;
    }
  }
  void AppendTo(MetricList& m, const std::string& prefix) const {
    for (const auto& [name, sw] : sums_) m.emplace_back(prefix + name, sw.first / sw.second);
  }
  double Get(const std::string& name) const {
    auto it = sums_.find(name);
    return it == sums_.end() ? std::nan("") : it->second.first / it->second.second;
  }
  void Clear() { sums_.clear(); }

 private:
  std::map<std::string, std::pair<double, double>> sums_;
};

class Dpo : public ConfiguredPipeline<DpoConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const DpoConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    const auto objective =
        prefopt::MakePolicyObjective({c.loss_type, c.loss_weights, c.beta, c.label_smoothing});
    const std::string start = WarmStartModel(
        c.sft, {c.model, c.tokenizer, c.data.train, ctx.dir().path(), seed, c.run.threads});
    models::LanguageModel lm = models::OpenLanguageModel(
        start, DeriveSeed(seed, "init"),
        c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
    RLAB_CHECK(lm.tokenizer != nullptr,
               "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", c.model);
    // The reference is a second copy of the starting model (or the named one), never trained.
    models::LanguageModel ref = models::OpenLanguageModel(
        c.ref_model.empty() ? start : c.ref_model, DeriveSeed(seed, "init"),
        c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
    ref.model->eval();
    for (auto& p : ref.model->parameters()) p.set_requires_grad(false);
    spdlog::info("dpo policy: {}; reference: {}; loss: {}", lm.Describe(), ref.Describe(),
                 objective->Describe());
    const models::Tokenizer& tokenizer = *lm.tokenizer;
    const int64_t pad = tokenizer.pad_id().value_or(tokenizer.eos_id().value_or(0));
    DpoInputs in = PrepareInputs(c, objective->family(), tokenizer, seed);
    const auto reference_logps = [&](const prefopt::PolicyTrainingSet& set, const char* name) {
      if (!objective->NeedsReference() || set.sequences.empty()) {
        return torch::zeros({static_cast<int64_t>(set.sequences.size())}, torch::kFloat64);
      }
      return ReferenceLogps(ref.model, set.sequences, c.eval_batch_size, pad,
                            ctx.dir().path() / fmt::format("reference_logps_{}.pt", name));
    };
    in.train_ref = reference_logps(in.train, "train");
    in.eval_ref = reference_logps(in.eval, "eval");
    const auto task_generation = in.task ? eval::TaskGenerationOptions(*in.task, tokenizer)
                                         : models::GenerationOptions{};
    if (in.task) {
      at::Generator g = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));
      in.reference_samples = eval::EvaluateOnTask(ref.model, tokenizer, *in.task, in.task_prompts,
                                                  task_generation, c.eval_batch_size, g);
    }

    models::Transformer& policy = lm.model;
    policy->train();
    const int64_t n = static_cast<int64_t>(in.train.units.size());
    const int64_t total_steps = c.optim.TotalSteps(n);
    const auto optimizer = MakeAdamW(policy->parameters(), c.optim);
    CheckpointState state;
    state.AddModule("model", policy.ptr());
    state.AddOptimizer("optimizer", optimizer.get());
    int64_t step = 0, epoch = 0, position = 0;
    if (auto counters = ctx.Restore(state)) {
      step = (*counters)["step"];
      epoch = (*counters)["epoch"];
      position = (*counters)["position"];
      spdlog::info("resuming at step {} of {}", step, total_steps);
    }
    EpochCursor cursor(AllIndices(n), DeriveSeed(seed, "order"), epoch, position);
    const auto counters = [&] {
      return nlohmann::json{{"step", step}, {"epoch", cursor.epoch()}, {"position", cursor.position()}};
    };

    // Scores a batch of units: one forward pass over all their sequences.
    const auto score = [&](const prefopt::PolicyTrainingSet& set, const torch::Tensor& ref_logps,
                           const UnitBatch& b, int64_t* padded_tokens) {
      BatchLogps logps = SequenceLogps(policy, set.sequences, b.rows, pad);
      if (padded_tokens != nullptr) *padded_tokens += logps.padded_tokens;
      const torch::Tensor ref_rows =
          ref_logps.index_select(0, torch::tensor(b.rows, torch::kInt64)).to(torch::kFloat32);
      return objective->Loss(b.units, {logps.logps, ref_rows, logps.tokens});
    };
    // Held-out figures: the loss family's metrics on held-out units, and on a task the
    // policy's samples: gold reward, win rate against the reference's samples, KL.
    const auto evaluate = [&](MetricList& m) {
      policy->eval();
      {
        torch::NoGradGuard no_grad;
        MetricWindow held_out;
        const auto units = static_cast<int64_t>(in.eval.units.size());
        for (int64_t first = 0; first < units; first += c.eval_batch_size) {
          std::vector<int64_t> idx;
          for (int64_t i = first; i < std::min(first + c.eval_batch_size, units); ++i) idx.push_back(i);
          const UnitBatch b = GatherUnits(in.eval, idx);
          prefopt::PolicyLossResult r = score(in.eval, in.eval_ref, b, nullptr);
          r.metrics.emplace_back("loss", r.loss.item<double>());
          held_out.Add(r.metrics, static_cast<double>(idx.size()));
        }
        held_out.AppendTo(m, "eval_");
      }
      if (in.task) {
        at::Generator g = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));
        const eval::TaskEvalResult samples =
            eval::EvaluateOnTask(policy, tokenizer, *in.task, in.task_prompts, task_generation,
                                 c.eval_batch_size, g, &ref.model);
        m.emplace_back("eval_" + in.task->MetricName(), samples.mean_gold);
        m.emplace_back("eval_gold_win_rate", eval::GoldWinRate(samples, in.reference_samples));
        m.emplace_back("eval_kl", samples.mean_kl);
        m.emplace_back("eval_completion_tokens", samples.mean_completion_tokens);
      }
      policy->train();
    };
    if (step == 0) {
      MetricList m;
      evaluate(m);
      ctx.metrics().Log(0, m);
    }

    Progress progress("dpo", total_steps, c.run.progress_seconds);
    MetricWindow window;
    double last_loss = std::nan(""), train_seconds = 0.0;
    int64_t window_tokens = 0, window_units = 0, trained_units = 0, trained_tokens = 0;
    auto window_start = std::chrono::steady_clock::now();
    while (step < total_steps) {
      const double learning_rate = c.optim.LearningRateAt(step, total_steps);
      SetLearningRate(*optimizer, learning_rate);
      const auto t0 = std::chrono::steady_clock::now();
      models::ClearGradients(*optimizer);
      double step_loss = 0.0;
      for (int64_t a = 0; a < c.optim.grad_accum; ++a) {
        const UnitBatch b = GatherUnits(in.train, cursor.Next(c.optim.batch_size));
        int64_t tokens = 0;
        prefopt::PolicyLossResult r = score(in.train, in.train_ref, b, &tokens);
        (r.loss / static_cast<double>(c.optim.grad_accum)).backward();
        step_loss += r.loss.item<double>() / static_cast<double>(c.optim.grad_accum);
        window.Add(r.metrics);
        window_tokens += tokens;
        trained_tokens += tokens;
        window_units += static_cast<int64_t>(b.units.size());
        trained_units += static_cast<int64_t>(b.units.size());
      }
      double grad_norm = 0.0;
      if (c.optim.max_grad_norm > 0) {
        grad_norm = models::ClipGradientNorm(policy->parameters(), c.optim.max_grad_norm);
      }
      optimizer->step();
      train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const int64_t before = step++;
      last_loss = step_loss;
      window.Add({{"loss", step_loss}, {"grad_norm", grad_norm}});
      const bool eval_due = c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps;
      if (ctx.LogDue(before, step) || step == total_steps || eval_due) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
        MetricList m = {{"learning_rate", learning_rate},
                        {"epoch", cursor.Progress()},
                        {"tokens_per_second", window_tokens / std::max(seconds, 1e-9)},
                        {"pairs_per_second", window_units / std::max(seconds, 1e-9)}};
        window.AppendTo(m, "");
        if (eval_due) evaluate(m);
        ctx.metrics().Log(step, m);
        window.Clear();
        window_tokens = window_units = 0;
        window_start = std::chrono::steady_clock::now();
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) ctx.Checkpoint(state, counters());
      progress.Update(step, fmt::format("loss={:.4f}", last_loss));
    }
    progress.Finish(fmt::format("loss={:.4f}", last_loss));
    MetricList final_metrics;
    evaluate(final_metrics);
    ctx.metrics().Log(step, final_metrics);
    ctx.Checkpoint(state, counters());
    const fs::path model_dir = ctx.dir().path() / "model";
    models::SaveLanguageModel(lm, model_dir);
    spdlog::info("model written to {}", model_dir.string());

    nlohmann::json summary = in.report;
    for (const auto& [name, value] : final_metrics) {
      // The headline figures without the eval_ prefix, as the summary names them.
      const bool headline = name == "eval_gold_win_rate" || name == "eval_kl";
      summary[headline ? name.substr(5) : name] = value;
    }
    if (in.task) {
      summary[in.task->MetricName() + "_reference"] = in.reference_samples.mean_gold;
      summary[in.task->MetricName()] = summary["eval_" + in.task->MetricName()];
      summary["task"] = in.task->Describe();
    }
    summary["loss_type"] = objective->Describe();
    summary["train_loss"] = last_loss;
    summary["steps"] = step;
    summary["model_dir"] = model_dir.string();
    if (train_seconds > 0) {
      summary["train_pairs_per_second"] = trained_units / train_seconds;
      summary["train_tokens_per_second"] = trained_tokens / train_seconds;
    }
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry DpoEntry() {
  return {"dpo", "direct preference optimisation of a language model (DPO family, KTO, PRO)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<Dpo>(); }};
}

}  // namespace rlab::pipeline
