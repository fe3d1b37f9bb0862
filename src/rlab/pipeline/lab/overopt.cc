#include "rlab/pipeline/lab/overopt.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/core/rng.h"
#include "rlab/text/text_task.h"
#include "rlab/eval/best_of_n.h"
#include "rlab/eval/text_task_eval.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/pipeline/lm/lm_threads.h"
#include "rlab/pipeline/lab/overopt_curves.h"
#include "rlab/pipeline/lab/overopt_defences.h"
#include "rlab/pipeline/lm/rm_data.h"
#include "rlab/pipeline/run/stage_run.h"
#include "rlab/reward/signal/ensemble_aggregation.h"
#include "rlab/reward/signal/text_reward_source.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

OveroptConfig::OveroptConfig() {
  sft.steps = 600;
  sft.batch_size = 32;
  sft.learning_rate = 1e-3;
}

void OveroptProxy::Validate() const {
  RLAB_CHECK(members >= 1 && pairs >= 1 && eval_pairs >= 1 && steps >= 1 && batch_size >= 1,
             "proxy.members, pairs, eval_pairs, steps and batch_size must be >= 1");
  RLAB_CHECK(label_noise >= 0 && label_noise < 0.5, "proxy.label_noise must be in [0, 0.5), got {}",
             label_noise);
  RLAB_CHECK(learning_rate > 0 && lm_coef >= 0, "proxy.learning_rate must be > 0, lm_coef >= 0");
}

void OveroptBestOfN::Validate() const {
  for (const int64_t x : n) RLAB_CHECK(x >= 1, "best_of_n.n: every N must be >= 1, got {}", x);
  RLAB_CHECK(prompts >= 1 && batch_size >= 1, "best_of_n.prompts and batch_size must be >= 1");
}

void OveroptRl::Validate() const {
  trainer.Validate();  // algo, group_size and temperature, as the rl pipeline checks them
  RLAB_CHECK(steps >= 1 && batch_size >= 1 && eval_prompts >= 1,
             "rl.steps, batch_size and eval_prompts must be >= 1");
  RLAB_CHECK(eval_every >= 1, "rl.eval_every must be >= 1: the lab needs the curve's points");
  RLAB_CHECK(learning_rate > 0, "rl.learning_rate must be > 0");
}

void OveroptDpo::Validate() const {
  RLAB_CHECK(steps >= 1 && batch_size >= 1 && eval_every >= 1,
             "dpo.steps, batch_size and eval_every must be >= 1");
  RLAB_CHECK(learning_rate > 0, "dpo.learning_rate must be > 0");
}

void OveroptConfig::Validate() const {
  RLAB_CHECK(IsTaskSource(task), "task must be task:SPEC (the gold reward), got '{}'", task);
  RLAB_CHECK(!defences.empty() || !best_of_n.n.empty(),
             "nothing to measure: defences and best_of_n.n are both empty");
  std::set<std::string> names;
  for (const std::string& d : defences) {
    const DefencePlan plan = PlanDefence(d, "proxy");
    RLAB_CHECK(!plan.needs_proxy_point || names.contains("single"),
               "defence {} takes its threshold from the single defence: list single before it",
               plan.description);
    RLAB_CHECK(names.insert(plan.name).second,
               "defence '{}' is listed twice (each defence runs once per lab)", plan.name);
  }
}

namespace {

// The settings every child shares: the seed, and the thread count of the parent.
std::vector<std::string> Common(uint64_t seed) { return {fmt::format("run.seed={}", seed)}; }

void AppendSettings(std::vector<std::string>& to, const std::vector<std::string>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

// The settings of the proxy stage: a train-rm ensemble on the task's gold-labelled pairs with
// label noise.
std::vector<std::string> ProxySettings(const OveroptConfig& c) {
  std::vector<std::string> settings = {"model=" + c.proxy.model,
                                       "data.train=" + c.task,
                                       fmt::format("data.task_train_pairs={}", c.proxy.pairs),
                                       fmt::format("data.task_eval_pairs={}", c.proxy.eval_pairs),
                                       fmt::format("data.label_noise={}", c.proxy.label_noise),
                                       fmt::format("optim.steps={}", c.proxy.steps),
                                       fmt::format("optim.batch_size={}", c.proxy.batch_size),
                                       fmt::format("optim.learning_rate={}", c.proxy.learning_rate),
                                       fmt::format("ensemble.members={}", c.proxy.members),
                                       fmt::format("lm_coef={}", c.proxy.lm_coef),
                                       "eval_every=0"};
  if (!c.tokenizer.empty()) settings.push_back("tokenizer=" + c.tokenizer);
  AppendSettings(settings, Common(c.run.seed));
  return settings;
}

// Every proxy aggregation a defence uses, in order of first use (member 0 when none does):
// best-of-N picks with each of them.
std::vector<std::string> ProxyAggregates(const std::vector<DefencePlan>& plans) {
  std::vector<std::string> aggregates;
  for (const auto& p : plans) {
    if (!p.proxy_aggregate.empty() &&
        std::find(aggregates.begin(), aggregates.end(), p.proxy_aggregate) == aggregates.end()) {
      aggregates.push_back(p.proxy_aggregate);
    }
  }
  if (aggregates.empty()) aggregates.push_back("member(index=0)");
  return aggregates;
}

// The lab's summary: per defence and per best-of-N aggregation the curve's figures, the first
// defence's at the top level, and the proxy's accuracy.
nlohmann::json SummariseLab(const std::vector<OveroptCurve>& curves,
                            const std::vector<DefencePlan>& plans,
                            const nlohmann::json& proxy_summary) {
  nlohmann::json summary;
  nlohmann::json defences = nlohmann::json::object(), bon = nlohmann::json::object();
  for (const auto& curve : curves) {
    nlohmann::json s = SummariseCurve(curve);
    if (curve.method == "bon") {
      bon[curve.name.substr(curve.name.find('/') + 1)] = s;
    } else {
      defences[curve.name] = s;
    }
  }
  for (const auto& p : plans) defences[p.name]["defence"] = p.description;
  if (!plans.empty()) {
    // The first defence's figures at the top level: the headline of a one-defence lab.
    const nlohmann::json& first = defences[plans.front().name];
    for (const char* key :
         {"gold_start", "gold_peak", "kl_at_peak", "gold_final", "kl_final", "gold_drop",
          "proxy_final", "proxy_at_peak", "fit_alpha", "fit_beta", "fit_rmse"}) {
      if (first.contains(key)) summary[key] = first[key];
    }
    summary["defence"] = plans.front().description;
  }
  summary["defences"] = defences;
  summary["best_of_n"] = bon;
  summary["proxy_accuracy"] = proxy_summary.value("accuracy", std::nan(""));
  if (proxy_summary.contains("member_accuracy")) {
    summary["proxy_member_accuracy"] = proxy_summary["member_accuracy"];
  }
  return summary;
}

class Overopt : public ConfiguredPipeline<OveroptConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const OveroptConfig& c = config_;
    const uint64_t seed = c.run.seed;
    const fs::path dir = ctx.dir().path();
    ConfigureLanguageModelThreads(c.run);
    const auto task = data::MakeTextTask(c.task.substr(kTaskSourcePrefix.size()));
    spdlog::info("overopt: gold reward {}; defences {}", task->Describe(),
                 fmt::join(c.defences, ", "));

    // 1. The initial policy.
    const std::string sft_model = WarmStartModel(
        c.sft, {c.model, c.tokenizer, c.task, dir, seed, c.run.threads, c.run.blas_threads});

    // 2. The proxy ensemble, on gold-labelled pairs with noise.
    const std::vector<std::string> proxy_settings = ProxySettings(c);
    const fs::path proxy_run =
        RunStage({dir, "proxy", "train-rm", proxy_settings, c.run.threads, c.run.blas_threads});
    const std::string proxy_dir = (proxy_run / "reward_model").string();
    const nlohmann::json proxy_summary = ReadJsonFile(proxy_run / "summary.json");

    std::vector<DefencePlan> plans;
    for (const std::string& d : c.defences) plans.push_back(PlanDefence(d, proxy_dir));

    // 3. Best-of-N with every proxy aggregation a defence uses.
    std::vector<OveroptCurve> curves;
    if (!c.best_of_n.n.empty()) {
      for (auto& curve : BestOfN(dir, sft_model, proxy_dir, *task, ProxyAggregates(plans))) {
        curves.push_back(std::move(curve));
      }
    }

    // 4. The defences, each a child run from the SFT policy.
    for (std::size_t i = 0; i < plans.size(); ++i) {
      if (plans[i].needs_proxy_point) {
        // The proxy point: the single model's reward where the single defence's gold peaked.
        const auto single = std::find_if(curves.begin(), curves.end(),
                                         [](const OveroptCurve& k) { return k.name == "single"; });
        RLAB_CHECK(single != curves.end(), "defence constrained(threshold=auto) needs the single "
                                           "defence to run before it");
        plans[i] = PlanDefence(c.defences[i], proxy_dir,
                               SummariseCurve(*single)["proxy_at_peak"].get<double>());
      }
      const DefencePlan& plan = plans[i];
      spdlog::info("overopt: defence {} of {}: {}", i + 1, plans.size(), plan.description);
      std::vector<std::string> settings = {"model=" + sft_model};
      if (!c.tokenizer.empty()) settings.push_back("tokenizer=" + c.tokenizer);
      AppendSettings(settings, plan.pipeline == "rl" ? RlSettings() : DpoSettings());
      AppendSettings(settings, plan.overrides);
      AppendSettings(settings, Common(seed));
      const fs::path run = RunStage({dir, "defence-" + plan.name, plan.pipeline, settings,
                                     c.run.threads, c.run.blas_threads});
      curves.push_back(ReadRunCurve(run, plan.name, plan.pipeline, task->MetricName()));
    }

    // 5. Curves, fits, plots and the summary.
    WriteCurves(dir / "curves.jsonl", curves);
    WriteFileAtomic(dir / "gold_vs_kl.svg", PlotCurves(curves, /*proxy=*/false));
    WriteFileAtomic(dir / "proxy_vs_kl.svg", PlotCurves(curves, /*proxy=*/true));
    nlohmann::json summary = SummariseLab(curves, plans, proxy_summary);
    summary["task"] = task->Describe();
    summary["sft_model"] = sft_model;
    summary["proxy_dir"] = proxy_dir;
    return summary;
  }

 private:
  std::vector<std::string> RlSettings() const {
    const OveroptRl& r = config_.rl;
    return {"data=" + config_.task,
            "algo=" + r.trainer.algo,
            fmt::format("optim.steps={}", r.steps),
            fmt::format("optim.batch_size={}", r.batch_size),
            fmt::format("optim.learning_rate={}", r.learning_rate),
            fmt::format("group_size={}", r.trainer.group_size),
            fmt::format("temperature={}", r.trainer.sampling.temperature),
            fmt::format("eval_every={}", r.eval_every),
            fmt::format("eval_prompts={}", r.eval_prompts),
            fmt::format("run.checkpoint_every={}", r.eval_every * 5)};
  }

  // DPO trains on the very pairs the proxy learned from (same task, count, noise and seed).
  std::vector<std::string> DpoSettings() const {
    const OveroptDpo& d = config_.dpo;
    const OveroptProxy& p = config_.proxy;
    return {"data.train=" + config_.task,
            fmt::format("data.task_train_pairs={}", p.pairs),
            fmt::format("data.task_eval_pairs={}", p.eval_pairs),
            fmt::format("data.label_noise={}", p.label_noise),
            fmt::format("data.task_eval_prompts={}", config_.rl.eval_prompts),
            fmt::format("optim.steps={}", d.steps),
            fmt::format("optim.batch_size={}", d.batch_size),
            fmt::format("optim.learning_rate={}", d.learning_rate),
            fmt::format("eval_every={}", d.eval_every),
            fmt::format("run.checkpoint_every={}", d.eval_every * 5)};
  }

  // Samples max(N) completions per held-out prompt from the SFT policy, scores them once by
  // gold and by every proxy member, and returns one curve per aggregation. The scores are
  // kept in best_of_n.pt, so a resumed lab does not sample again.
  std::vector<OveroptCurve> BestOfN(const fs::path& dir, const std::string& sft_model,
                                    const std::string& proxy_dir, const data::TextTask& task,
                                    const std::vector<std::string>& aggregates) const {
    const OveroptBestOfN& b = config_.best_of_n;
    const int64_t m = *std::max_element(b.n.begin(), b.n.end());
    const fs::path cache = dir / "best_of_n.pt";
    torch::Tensor gold, members;  // [P, M], [K, P, M]
    if (fs::exists(cache)) {
      std::vector<torch::Tensor> saved;
      torch::load(saved, cache.string());
      gold = saved.at(0);
      members = saved.at(1);
      spdlog::info("best-of-N: reusing the scored samples in {}", cache.string());
    } else {
      const uint64_t seed = config_.run.seed;
      models::LanguageModel lm = models::OpenLanguageModel(
          sft_model, DeriveSeed(seed, "init"),
          config_.tokenizer.empty() ? nullptr : models::OpenTokenizer(config_.tokenizer));
      lm.model->eval();
      std::vector<std::string> distinct;
      Rng rng(DeriveSeed(seed, "best-of-n-prompts"));
      for (int64_t p = 0; p < b.prompts; ++p) {
        distinct.push_back(task.Sample(rng, data::TaskSplit::kTest).prompt);
      }
      const std::vector<std::string> prompts = eval::RepeatEach(distinct, m);
      spdlog::info("best-of-N: sampling {} completions for each of {} prompts", m, b.prompts);
      at::Generator g = models::MakeGenerator(DeriveSeed(seed, "best-of-n-generation"));
      const eval::TaskEvalResult samples =
          eval::EvaluateOnTask(lm.model, *lm.tokenizer, task, prompts,
                               eval::TaskGenerationOptions(task, *lm.tokenizer), b.batch_size, g);
      const reward::TextRewardSource proxy(
          {fmt::format("model(path={}, aggregate=mean)", QuoteYaml(proxy_dir))}, {});
      members = proxy.Score(samples.prompts, samples.completions)
                    .members.to(torch::kFloat64)
                    .reshape({-1, b.prompts, m});
      gold = torch::tensor(samples.gold, torch::kFloat64).reshape({b.prompts, m});
      // Serialised in memory and written atomically: flushed to disk before it is renamed into
      // place, and a full disk is an error naming the file, not an abort.
      std::ostringstream bytes;
      torch::save(std::vector<torch::Tensor>{gold, members}, bytes);
      WriteFileAtomic(cache, bytes.view());
    }
    std::vector<OveroptCurve> curves;
    for (const std::string& a : aggregates) {
      const auto aggregate = reward::MakeEnsembleAggregation(a);
      const torch::Tensor proxy =
          (*aggregate)(members.reshape({members.size(0), -1})).reshape(gold.sizes());
      std::vector<int64_t> ns = b.n;
      std::sort(ns.begin(), ns.end());
      curves.push_back(BestOfNCurveOf("bon/" + a, eval::BestOfNCurve(proxy, gold, ns)));
    }
    return curves;
  }
};

}  // namespace

PipelineRegistry::Entry OveroptEntry() {
  return {"overopt",
          "the overoptimisation lab: gold vs proxy reward against KL for defences against "
          "reward hacking (Gao et al. 2022)",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<Overopt>(); }};
}

}  // namespace rlab::pipeline
