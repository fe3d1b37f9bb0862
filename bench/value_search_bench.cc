// Search and decoding with values on the chain task (search/search_decoder.h), for the table of
// issue 31: a partly right policy (SFT on a flawed demonstrator) answers held-out problems by
// one sample, PRM best-of-N, ReST-MCTS*'s tree search and Value Augmented Sampling, each at its
// compute (policy tokens per prompt) and seconds, over seeds; then one round of ReST-MCTS*
// self-training (SFT on the oracle-filtered traces of the search on training prompts) against
// the same round on best-of-N samples at equal generated tokens (ReST-EM's data), and how well
// the search's Monte-Carlo step values agree with the gold step labels.
//
//   bench_value_search --policy /tmp/F/chain_policy --seeds 1,2,3 --prompts 200
// Prints one JSON line per measurement. The step scorer is the process reward source named by
// --scorer when it is registered, else the task's own step labels (1 right, 0 wrong).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "rlab/core/rng.h"
#include "rlab/core/spec.h"
#include "rlab/core/threads.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/models/transformer/sft_trainer.h"
#include "rlab/search/search_decoder.h"
#include "rlab/text/sft_dataset.h"
#include "rlab/text/token_batch.h"

namespace {

using namespace rlab;

// The task's gold step labels as process rewards: 1 for a right step, 0 from the first wrong.
class StepLabelScorer : public reward::ProcessRewardSource {
 public:
  StepLabelScorer(const data::TextTask& task, const models::Tokenizer& tokenizer)
      : task_(task), tokenizer_(tokenizer) {}
  reward::ProcessRewards Score(const reward::ProcessRewardBatch& batch) const override {
    std::vector<std::vector<double>> scores;
    for (std::size_t i = 0; i < batch.completions.size(); ++i) {
      scores.emplace_back();
      for (const bool right : task_.Steps()->StepLabels(batch.prompts[i], batch.completions[i])) {
        scores.back().push_back(right ? 1.0 : 0.0);
      }
    }
    return reward::PlaceStepRewards(batch, tokenizer_, *task_.Steps(), scores);
  }
  std::string Describe() const override { return "step labels"; }

 private:
  const data::TextTask& task_;
  const models::Tokenizer& tokenizer_;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// SFT of `model` in place on `records`: `steps` steps of `batch` random examples.
void Finetune(models::Transformer model, const models::Tokenizer& tokenizer,
              const std::vector<data::SftRecord>& records, int64_t steps, int64_t batch, double lr,
              uint64_t seed) {
  const std::vector<data::SftExample> examples = data::TokenizeSftRecords(records, tokenizer, 64);
  if (examples.empty() || steps <= 0) return;
  models::SftTrainerOptions options;
  options.optim.steps = steps;
  options.optim.batch_size = batch;
  options.optim.learning_rate = lr;
  const int64_t pad = tokenizer.pad_id().value_or(0);
  models::SftTrainer trainer(options, model, pad, steps);
  Rng rng(seed);
  model->train();
  for (int64_t s = 0; s < steps; ++s) {
    std::vector<int64_t> rows;
    for (int64_t b = 0; b < batch; ++b) {
      rows.push_back(static_cast<int64_t>(rng.UniformInt(static_cast<int64_t>(examples.size()))));
    }
    trainer.Step({data::CollateRightPadded(examples, rows, pad)});
  }
  model->eval();
}

data::SftRecord Record(const std::string& prompt, const std::string& completion) {
  data::SftRecord r;
  r.pieces = {{prompt, false}, {completion, true}};
  r.append_eos = true;
  return r;
}

struct Judged {
  double exact = 0;     // mean gold reward
  double step_acc = 0;  // mean over completions of the share of right steps
};
Judged Judge(const data::TextTask& task, const std::vector<std::string>& prompts,
             const std::vector<std::string>& completions) {
  Judged j;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    j.exact += task.GoldReward(prompts[i], completions[i]);
    const std::vector<bool> labels = task.Steps()->StepLabels(prompts[i], completions[i]);
    j.step_acc += labels.empty()
                      ? 0.0
                      : static_cast<double>(std::count(labels.begin(), labels.end(), true)) /
                            static_cast<double>(labels.size());
  }
  j.exact /= static_cast<double>(prompts.size());
  j.step_acc /= static_cast<double>(prompts.size());
  return j;
}

void Print(const nlohmann::json& line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"search and decoding with values on the chain task"};
  std::string task_spec = "chain(steps=3,digits=1,demo_step_error_percent=20)";
  std::string policy_dir = "/tmp/F/chain_policy", scorer_spec = "gold";
  std::vector<std::string> decoders = {"sample",
                                       "best_of_n(n=4)",
                                       "best_of_n(n=8)",
                                       "rest_mcts(rollouts=8,width=3)",
                                       "rest_mcts(rollouts=16,width=3)",
                                       "vas(beta=4)"};
  std::vector<uint64_t> seeds = {1, 2, 3};
  int64_t prompts = 200, sft_steps = 600, self_train_prompts = 200, self_train_steps = 150;
  std::string self_train_search = "rest_mcts(rollouts=16,width=3)";
  double temperature = 1.0;
  app.add_option("--task", task_spec);
  app.add_option("--policy", policy_dir, "SFT policy directory (trained and saved if missing)");
  app.add_option("--scorer", scorer_spec, "process reward source (falls back to step labels)");
  app.add_option("--decoders", decoders);
  app.add_option("--seeds", seeds);
  app.add_option("--prompts", prompts, "held-out prompts per seed");
  app.add_option("--sft-steps", sft_steps);
  app.add_option("--temperature", temperature);
  app.add_option("--self-train-prompts", self_train_prompts, "0: no self-training round");
  app.add_option("--self-train-steps", self_train_steps);
  app.add_option("--self-train-search", self_train_search);
  CLI11_PARSE(app, argc, argv);
  ConfigureThreads(1, 1);
  spdlog::set_level(spdlog::level::warn);

  const std::unique_ptr<data::TextTask> task = data::MakeTextTask(task_spec);
  models::LanguageModel lm;
  if (std::filesystem::exists(policy_dir)) {
    lm = models::OpenLanguageModel(policy_dir, 0);
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    lm = models::OpenLanguageModel("preset:tiny", DeriveSeed(1, "init"));
    Rng rng(DeriveSeed(1, "sft data"));
    std::vector<data::SftRecord> records;
    for (int i = 0; i < 20000; ++i) {
      const data::TaskExample e = task->SampleDemonstration(rng, data::TaskSplit::kTrain);
      records.push_back(Record(e.prompt, e.completion));
    }
    Finetune(lm.model, *lm.tokenizer, records, sft_steps, 64, 3e-3, 7);
    models::SaveLanguageModel(lm, policy_dir);
    Print({{"sft", policy_dir}, {"steps", sft_steps}, {"seconds", Seconds(t0)}});
  }
  lm.model->eval();

  reward::RegisterProcessRewardSources();
  reward::ProcessRewardContext process_context;
  process_context.task = task.get();
  process_context.tokenizer = lm.tokenizer.get();
  process_context.reference = lm.model;
  process_context.temperature = temperature;
  std::unique_ptr<reward::ProcessRewardSource> scorer;
  if (reward::ProcessRewardSources().Contains(rlab::Spec::Parse(scorer_spec).name)) {
    scorer = reward::MakeProcessRewardSource(scorer_spec, process_context);
  } else {
    scorer = std::make_unique<StepLabelScorer>(*task, *lm.tokenizer);
    scorer_spec = "step labels (fallback)";
  }

  search::SearchContext context;
  context.policy = lm.model;
  context.tokenizer = lm.tokenizer.get();
  context.task = task.get();
  context.scorer = scorer.get();
  context.generation = eval::TaskGenerationOptions(*task, *lm.tokenizer);
  context.generation.sampling.temperature = temperature;

  for (const uint64_t seed : seeds) {
    Rng rng(DeriveSeed(seed, "test prompts"));
    std::vector<std::string> ps;
    for (int64_t i = 0; i < prompts; ++i)
      ps.push_back(task->Sample(rng, data::TaskSplit::kTest).prompt);
    context.seed = seed;
    for (const std::string& spec : decoders) {
      auto t0 = std::chrono::steady_clock::now();
      const auto decoder = search::MakeSearchDecoder(spec, context);
      const double build_seconds = Seconds(t0);
      at::Generator g = models::MakeGenerator(DeriveSeed(seed, "decode"));
      t0 = std::chrono::steady_clock::now();
      const search::SearchOutput out = decoder->Decode(ps, g);
      const double seconds = Seconds(t0);
      const Judged j = Judge(*task, ps, out.completions);
      Print({{"decoder", decoder->Describe()},
             {"seed", seed},
             {"scorer", scorer_spec},
             {"exact_match", j.exact},
             {"step_accuracy", j.step_acc},
             {"policy_tokens_per_prompt", double(out.policy_tokens) / double(prompts)},
             {"value_tokens_per_prompt", double(out.value_tokens) / double(prompts)},
             {"scored_per_prompt", double(out.scored) / double(prompts)},
             {"seconds", seconds},
             {"build_seconds", build_seconds}});
    }
  }
  if (self_train_prompts <= 0) return 0;

  // One round of self-training from each source of traces, at equal generated tokens.
  const uint64_t seed = seeds.front();
  Rng rng(DeriveSeed(seed, "self-training prompts"));
  std::vector<std::string> train_ps, test_ps;
  for (int64_t i = 0; i < self_train_prompts; ++i) {
    train_ps.push_back(task->Sample(rng, data::TaskSplit::kTrain).prompt);
  }
  Rng test_rng(DeriveSeed(seed, "test prompts"));
  for (int64_t i = 0; i < prompts; ++i)
    test_ps.push_back(task->Sample(test_rng, data::TaskSplit::kTest).prompt);
  auto greedy = [&](models::Transformer model) {
    search::SearchContext c = context;
    c.policy = model;
    c.generation.sampling.temperature = 0;
    at::Generator g = models::MakeGenerator(1);
    return Judge(*task, test_ps,
                 search::MakeSearchDecoder("sample", c)->Decode(test_ps, g).completions);
  };
  const Judged before = greedy(lm.model);
  Print({{"self_training", "start"},
         {"greedy_exact_match", before.exact},
         {"greedy_step_accuracy", before.step_acc}});

  at::Generator g = models::MakeGenerator(DeriveSeed(seed, "self-training search"));
  auto t0 = std::chrono::steady_clock::now();
  const search::SearchOutput found =
      search::MakeSearchDecoder(self_train_search, context)->Decode(train_ps, g);
  const double search_seconds = Seconds(t0);
  std::vector<data::SftRecord> mcts_records;
  int64_t agree = 0, judged = 0;
  for (std::size_t p = 0; p < train_ps.size(); ++p) {
    for (const std::string& trace : found.traces[p]) {
      if (task->GoldReward(train_ps[p], trace) > 0.5)
        mcts_records.push_back(Record(train_ps[p], trace));
    }
    for (const search::StepValue& v : found.step_values[p]) {
      const std::vector<bool> labels = task->Steps()->StepLabels(train_ps[p], v.partial);
      if (labels.empty()) continue;
      ++judged;
      agree += (v.monte_carlo > 0.5) == static_cast<bool>(labels.back());
    }
  }
  const int64_t budget = std::max<int64_t>(1, found.policy_tokens);
  // Best-of-N samples of the same prompts, as many as the search's tokens buy, oracle-filtered.
  std::vector<data::SftRecord> sample_records;
  int64_t sample_tokens = 0;
  at::Generator gs = models::MakeGenerator(DeriveSeed(seed, "self-training samples"));
  while (sample_tokens < budget) {
    const std::vector<std::string> none(train_ps.size());
    const search::Continuations c =
        search::SampleContinuations(context, train_ps, none, 1, {}, gs, &sample_tokens);
    for (std::size_t p = 0; p < train_ps.size(); ++p) {
      if (task->GoldReward(train_ps[p], c.texts[p]) > 0.5)
        sample_records.push_back(Record(train_ps[p], c.texts[p]));
    }
  }
  Print({{"self_training", "data"},
         {"search", self_train_search},
         {"search_tokens", found.policy_tokens},
         {"search_seconds", search_seconds},
         {"search_right_traces", mcts_records.size()},
         {"sample_tokens", sample_tokens},
         {"sample_right_traces", sample_records.size()},
         {"mc_value_agrees_with_gold_label", judged ? double(agree) / double(judged) : 0.0},
         {"mc_values_judged", judged}});
  for (const auto& [name, records] : {std::pair{std::string("rest_mcts_traces"), mcts_records},
                                      std::pair{std::string("sampled_traces"), sample_records}}) {
    models::LanguageModel copy = models::OpenLanguageModel(policy_dir, 0);
    t0 = std::chrono::steady_clock::now();
    Finetune(copy.model, *copy.tokenizer, records, self_train_steps, 32, 5e-4, 11);
    const Judged after = greedy(copy.model);
    Print({{"self_training", name},
           {"records", records.size()},
           {"steps", self_train_steps},
           {"greedy_exact_match", after.exact},
           {"greedy_step_accuracy", after.step_acc},
           {"seconds", Seconds(t0)}});
  }
  return 0;
}
