#include "rlab/pipeline/sft.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/data/text/split.h"
#include "rlab/data/text/sft_dataset.h"
#include "rlab/data/text/token_batch.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/models/fused_adamw.h"
#include "rlab/models/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/models/transformer/token_logprobs.h"
#include "rlab/pipeline/epoch_cursor.h"
#include "rlab/pipeline/lm_threads.h"

namespace rlab::pipeline {

void SftConfig::Validate() const {
  RLAB_CHECK(!model.empty(), "model must name a model directory or a preset");
  RLAB_CHECK(!data.train.empty(), "data.train must name a file or task:SPEC");
  RLAB_CHECK(data.task_train_examples >= 1, "data.task_train_examples must be >= 1");
  RLAB_CHECK(data.eval_examples >= 0, "data.eval_examples must be >= 0");
  RLAB_CHECK(data.eval_fraction >= 0 && data.eval_fraction < 1,
             "data.eval_fraction must be in [0, 1), got {}", data.eval_fraction);
  optim.Validate();
  RLAB_CHECK(eval_every >= 0, "eval_every must be >= 0");
  RLAB_CHECK(eval_batch_size >= 1, "eval_batch_size must be >= 1");
}

namespace {

constexpr std::string_view kTaskPrefix = "task:";

// Everything the loop trains and evaluates on.
struct SftInputs {
  std::vector<data::SftExample> train;
  std::vector<data::SftExample> eval;
  std::unique_ptr<data::TextTask> task;  // when the data comes from a task
  std::vector<std::string> eval_prompts;  // the task's held-out prompts
};

std::vector<data::SftExample> Tokenize(const std::vector<data::SftRecord>& records,
                                       const models::Tokenizer& tokenizer, int64_t max_length,
                                       std::string_view what) {
  data::TokenizeStats stats;
  std::vector<data::SftExample> out =
      data::TokenizeSftRecords(records, tokenizer, max_length, &stats);
  if (stats.truncated > 0 || stats.dropped > 0) {
    spdlog::warn("{}: {} of {} examples cut to max_length {}, {} dropped with no completion "
                 "token left",
                 what, stats.truncated, records.size(), max_length, stats.dropped);
  }
  RLAB_CHECK(!out.empty() || what == "eval", "{}: no example is left to train on", what);
  return out;
}

SftInputs PrepareInputs(const SftConfig& c, const models::Tokenizer& tokenizer, uint64_t seed) {
  SftInputs in;
  const std::string chat_name =
      c.data.chat_template == "auto" ? models::GuessChatTemplate(tokenizer) : c.data.chat_template;
  const auto chat = models::MakeChatTemplate(chat_name);
  std::vector<data::SftRecord> train, eval;
  if (c.data.train.starts_with(kTaskPrefix)) {
    in.task = data::MakeTextTask(c.data.train.substr(kTaskPrefix.size()));
    Rng train_rng(DeriveSeed(seed, "task-train"));
    train = data::SampleTaskRecords(*in.task, c.data.task_train_examples, data::TaskSplit::kTrain,
                                    train_rng);
    Rng eval_rng(DeriveSeed(seed, "task-eval"));
    if (c.data.eval.empty()) {
      eval = data::SampleTaskRecords(*in.task, c.data.eval_examples, data::TaskSplit::kTest,
                                     eval_rng);
      for (const auto& r : eval) in.eval_prompts.push_back(r.pieces.front().text);
    }
  } else {
    train = data::ReadSftRecords(c.data.train, *chat);
    if (c.data.eval.empty() && c.data.eval_fraction > 0) {
      data::SplitHeldOut(train, eval, c.data.eval_fraction, DeriveSeed(seed, "eval-split"));
    }
  }
  if (!c.data.eval.empty()) eval = data::ReadSftRecords(c.data.eval, *chat);
  in.train = Tokenize(train, tokenizer, c.data.max_length, "train");
  in.eval = Tokenize(eval, tokenizer, c.data.max_length, "eval");
  spdlog::info("sft data: {} training and {} held-out examples{}", in.train.size(), in.eval.size(),
               in.task ? ", from " + in.task->Describe() : "");
  return in;
}

// The mean per-token loss over `examples` (teacher forcing), in batches.
double EvalLoss(models::Transformer& model, const std::vector<data::SftExample>& examples,
                int64_t batch_size, int64_t pad) {
  if (examples.empty()) return std::nan("");
  torch::NoGradGuard no_grad;
  double nll = 0.0, tokens = 0.0;
  std::vector<int64_t> idx;
  for (std::size_t start = 0; start < examples.size(); start += batch_size) {
    idx.resize(std::min<std::size_t>(batch_size, examples.size() - start));
    std::iota(idx.begin(), idx.end(), static_cast<int64_t>(start));
    const data::TokenBatch b = data::CollateRightPadded(examples, idx, pad);
    nll += models::MaskedNllSum(model(b.ids, b.attention_mask), b.ids, b.loss_mask).item<double>();
    tokens += b.loss_mask.slice(1, 1).sum().item<double>();
  }
  return nll / std::max(tokens, 1.0);
}

class Sft : public ConfiguredPipeline<SftConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const SftConfig& c = config_;
    const uint64_t seed = c.run.seed;
    ConfigureLanguageModelThreads(c.run);
    models::LanguageModel lm = models::OpenLanguageModel(
        c.model, DeriveSeed(seed, "init"),
        c.tokenizer.empty() ? nullptr : models::OpenTokenizer(c.tokenizer));
    RLAB_CHECK(lm.tokenizer != nullptr,
               "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", c.model);
    spdlog::info("sft model: {}", lm.Describe());
    const SftInputs in = PrepareInputs(c, *lm.tokenizer, seed);
    const int64_t pad = lm.tokenizer->pad_id().value_or(lm.tokenizer->eos_id().value_or(0));
    const int64_t n = static_cast<int64_t>(in.train.size());
    const int64_t total_steps = c.optim.TotalSteps(n);

    models::Transformer& model = lm.model;
    model->train();
    const auto optimizer_ptr = MakeAdamW(model->parameters(), c.optim);
    torch::optim::AdamW& optimizer = *optimizer_ptr;
    CheckpointState state;
    state.AddModule("model", model.ptr());
    state.AddOptimizer("optimizer", &optimizer);
    int64_t step = 0, epoch = 0, position = 0;
    double start_metric = std::nan("");
    if (auto counters = ctx.Restore(state)) {
      step = (*counters)["step"];
      epoch = (*counters)["epoch"];
      position = (*counters)["position"];
      start_metric = (*counters).value("start_metric", std::nan(""));
      spdlog::info("resuming at step {} of {}", step, total_steps);
    }
    EpochCursor cursor(AllIndices(n), seed, epoch, position);
    at::Generator eval_generator = models::MakeGenerator(DeriveSeed(seed, "eval-generation"));

    // Held-out figures: loss always, the task's gold metric when the data is a task's.
    const auto evaluate = [&](MetricList& m) -> double {
      model->eval();
      m.emplace_back("eval_loss", EvalLoss(model, in.eval, c.eval_batch_size, pad));
      double metric = std::nan("");
      if (in.task && !in.eval_prompts.empty()) {
        const auto options = eval::TaskGenerationOptions(*in.task, *lm.tokenizer);
        metric = eval::EvaluateOnTask(model, *lm.tokenizer, *in.task, in.eval_prompts, options,
                                      c.eval_batch_size, eval_generator)
                     .mean_gold;
        m.emplace_back("eval_" + in.task->MetricName(), metric);
      }
      model->train();
      return metric;
    };
    if (step == 0) {
      MetricList m;
      start_metric = evaluate(m);
      ctx.metrics().Log(0, m);
    }
    const auto counters = [&] {
      return nlohmann::json{{"step", step}, {"epoch", cursor.epoch()}, {"position", cursor.position()},
                            {"start_metric", start_metric}};
    };

    Progress progress("sft", total_steps, c.run.progress_seconds);
    double window_loss = 0.0, window_tokens = 0.0, window_all_tokens = 0.0, last_loss = std::nan("");
    auto window_start = std::chrono::steady_clock::now();
    while (step < total_steps) {
      // Draw the step's micro-batches first: the loss is normalised by all their targets.
      std::vector<data::TokenBatch> micro;
      double step_targets = 0.0;
      for (int64_t a = 0; a < c.optim.grad_accum; ++a) {
        micro.push_back(data::CollateRightPadded(in.train, cursor.Next(c.optim.batch_size), pad));
        step_targets += micro.back().loss_mask.slice(1, 1).sum().item<double>();
        window_all_tokens += micro.back().attention_mask.sum().item<double>();
      }
      const double learning_rate = c.optim.LearningRateAt(step, total_steps);
      SetLearningRate(optimizer, learning_rate);
      models::ClearGradients(optimizer);
      double step_nll = 0.0;
      for (const data::TokenBatch& b : micro) {
        const torch::Tensor nll = models::MaskedNllSum(model(b.ids, b.attention_mask), b.ids,
                                                       b.loss_mask);
        (nll / std::max(step_targets, 1.0)).backward();
        step_nll += nll.item<double>();
      }
      double grad_norm = 0.0;
      if (c.optim.max_grad_norm > 0) {
        grad_norm = models::ClipGradientNorm(model->parameters(), c.optim.max_grad_norm);
      }
      optimizer.step();
      const int64_t before = step++;
      last_loss = step_nll / std::max(step_targets, 1.0);
      window_loss += step_nll;
      window_tokens += step_targets;
      if (ctx.LogDue(before, step) || step == total_steps) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                             window_start).count();
        MetricList m = {{"loss", window_loss / std::max(window_tokens, 1.0)},
                        {"learning_rate", learning_rate},
                        {"grad_norm", grad_norm},
                        {"epoch", cursor.Progress()},
                        {"tokens_per_second", window_all_tokens / std::max(seconds, 1e-9)}};
        if (c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps) evaluate(m);
        ctx.metrics().Log(step, m);
        window_loss = window_tokens = window_all_tokens = 0.0;
        window_start = std::chrono::steady_clock::now();
      } else if (c.eval_every > 0 && step % c.eval_every == 0 && step < total_steps) {
        MetricList m;
        evaluate(m);
        ctx.metrics().Log(step, m);
      }
      if (ctx.CheckpointDue(before, step) && step < total_steps) ctx.Checkpoint(state, counters());
      progress.Update(step, fmt::format("loss={:.4f}", last_loss));
    }
    progress.Finish(fmt::format("loss={:.4f}", last_loss));
    MetricList final_metrics;
    const double final_metric = evaluate(final_metrics);
    ctx.metrics().Log(step, final_metrics);
    ctx.Checkpoint(state, counters());
    const auto model_dir = ctx.dir().path() / "model";
    models::SaveLanguageModel(lm, model_dir);
    spdlog::info("model written to {}", model_dir.string());

    int64_t parameters = 0;
    for (const auto& p : model->parameters()) parameters += p.numel();
    nlohmann::json summary = {{"train_loss", last_loss},
                              {"steps", step},
                              {"examples", n},
                              {"parameters", parameters},
                              {"model_dir", model_dir.string()}};
    for (const auto& [name, value] : final_metrics) summary[name] = value;
    if (in.task && !in.eval_prompts.empty()) {
      summary[in.task->MetricName()] = final_metric;
      summary[in.task->MetricName() + "_start"] = start_metric;
      summary["task"] = in.task->Describe();
    }
    return summary;
  }
};

}  // namespace

PipelineRegistry::Entry SftEntry() {
  return {"sft", "supervised fine-tuning of a language model on demonstrations (TRL's formats)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<Sft>(); }};
}

}  // namespace rlab::pipeline
