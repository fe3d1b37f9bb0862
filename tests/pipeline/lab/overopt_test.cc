// The overoptimisation lab end to end on tiny settings: its summary holds the headline figures
// and one entry per defence and per best-of-N proxy; the curves start at the SFT policy (KL 0)
// and best-of-N sits at its analytic KL; each defence's child run optimises what it should (the
// right ensemble aggregation, transform or KL term, or DPO on the proxy's own pairs); a
// resumed lab reuses its finished stages; bad settings are refused by name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "rlab/core/io.h"
#include "rlab/eval/overoptimization_fit.h"
#include "rlab/pipeline/lab/overopt_defences.h"
#include "rlab/pipeline/run/runner.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

// The child run directories of `run` whose names start with `stage-`.
std::vector<fs::path> Children(const fs::path& run, const std::string& stage) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(run)) {
    if (e.is_directory() && e.path().filename().string().starts_with(stage + "-")) {
      found.push_back(e.path());
    }
  }
  return found;
}

// The lab's settings on tiny sizes, its runs under `dir`, `extra` on top.
RunRequest LabRequest(const ScratchDir& dir, std::vector<std::string> extra = {}) {
  RunRequest r;
  r.pipeline = "overopt";
  r.threads = 1;
  r.overrides = {"run.out_dir=" + (dir / "runs").string(),
                 "sft.steps=20",
                 "sft.examples=200",
                 "proxy.steps=10",
                 "proxy.members=2",
                 "proxy.pairs=60",
                 "proxy.eval_pairs=20",
                 "best_of_n.prompts=4",
                 "best_of_n.n=[1, 2, 4]",
                 "rl.steps=4",
                 "rl.eval_every=2",
                 "rl.eval_prompts=6",
                 "rl.batch_size=2",
                 "rl.group_size=2",
                 "dpo.steps=4",
                 "dpo.eval_every=2",
                 "dpo.batch_size=4",
                 "defences=[single, wco, dpo, constrained]"};
  r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
  return r;
}

// One finished lab with a defence of each kind (the last one a KL penalty with its own beta),
// shared by the cases that read a finished lab: its stages are most of this file's time.
const fs::path& FinishedLab() {
  static const ScratchDir dir("overopt_pipeline_finished");
  static const fs::path run =
      ExecuteRun(LabRequest(dir, {"defences=[single, wco, dpo, constrained, kl(beta=0.2)]"}));
  return run;
}

class OveroptPipeline : public ::testing::Test {
 protected:
  ScratchDir dir_{"overopt_pipeline"};
  RunRequest Request(std::vector<std::string> extra = {}) {
    return LabRequest(dir_, std::move(extra));
  }
};

TEST_F(OveroptPipeline, SummaryCurvesAndStages) {
  const fs::path& run = FinishedLab();
  const nlohmann::json s = testing::RunSummary(run);
  for (const char* key : {"gold_peak", "gold_final", "kl_at_peak", "kl_final", "gold_start",
                          "proxy_accuracy", "defence"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
  }
  EXPECT_EQ(s["defence"], "single");
  EXPECT_GE(s["gold_peak"].get<double>(), s["gold_final"].get<double>());
  EXPECT_GE(s["gold_peak"].get<double>(), s["gold_start"].get<double>());
  // The headline is the first defence's.
  EXPECT_EQ(s["gold_final"], s["defences"]["single"]["gold_final"]);
  for (const char* d : {"single", "wco", "dpo", "constrained", "kl"}) {
    const nlohmann::json& c = s["defences"][d];
    EXPECT_EQ(c["points"].get<int>(), 3) << d;  // steps 0, 2, 4
  }
  EXPECT_TRUE(s["defences"]["single"].contains("proxy_final"));
  EXPECT_FALSE(s["defences"]["dpo"].contains("proxy_final"));  // DPO has no proxy
  // Best-of-N with the proxies of the RL defences: one member, and the ensemble's minimum.
  ASSERT_TRUE(s["best_of_n"].contains("member(index=0)")) << s["best_of_n"].dump();
  ASSERT_TRUE(s["best_of_n"].contains("wco"));
  EXPECT_EQ(s["best_of_n"].size(), 2u);

  // Curves: every point, starting at the SFT policy.
  std::map<std::string, std::vector<nlohmann::json>> curves;
  ForEachJsonl(run / "curves.jsonl", [&](const nlohmann::json& l) {
    curves[l["curve"].get<std::string>()].push_back(l);
  });
  ASSERT_EQ(curves.size(), 7u);
  for (const auto& [name, points] : curves) {
    EXPECT_NEAR(points.front()["kl"].get<double>(), 0.0, 1e-4) << name;
  }
  // Every curve has two points of distinct d > 0, so each gets Gao et al.'s form fitted by least
  // squares: its rmse is that of its curve's points, and no nearby (alpha, beta) fits better.
  auto expect_least_squares_fit = [](const nlohmann::json& c,
                                     const std::vector<nlohmann::json>& points,
                                     const std::string& name) {
    ASSERT_TRUE(c.contains("fit_alpha")) << name << ": " << c.dump();
    const eval::GaoForm form = eval::ParseGaoForm(c["fit_form"].get<std::string>());
    const double start = points.front()["gold"].get<double>();
    auto rmse = [&](double alpha, double beta) {
      double sum = 0;
      for (const auto& p : points) {
        const double d = std::sqrt(std::max(p["kl"].get<double>(), 0.0));
        const double e = start + eval::GaoCurve(form, alpha, beta, d) - p["gold"].get<double>();
        sum += e * e;
      }
      return std::sqrt(sum / static_cast<double>(points.size()));
    };
    const double alpha = c["fit_alpha"], beta = c["fit_beta"], best = rmse(alpha, beta);
    EXPECT_NEAR(best, c["fit_rmse"].get<double>(), 1e-9) << name;
    const std::pair<double, double> nudges[] = {
        {1e-3, 0.0}, {-1e-3, 0.0}, {0.0, 1e-3}, {0.0, -1e-3}};
    for (const auto& [da, db] : nudges) {
      EXPECT_GE(rmse(alpha + da, beta + db), best - 1e-12) << name;
    }
  };
  for (const char* d : {"single", "wco", "dpo", "constrained", "kl"}) {
    expect_least_squares_fit(s["defences"][d], curves[d], d);
  }
  for (const auto& [proxy, c] : s["best_of_n"].items()) {
    expect_least_squares_fit(c, curves["bon/" + proxy], "bon/" + proxy);
  }
  const auto& bon = curves["bon/wco"];
  ASSERT_EQ(bon.size(), 3u);
  EXPECT_NEAR(bon[2]["kl"].get<double>(), eval::BestOfNKl(4), 1e-12);
  // At N = 1 best-of-N is the SFT policy's mean, under every proxy alike.
  EXPECT_DOUBLE_EQ(bon[0]["gold"].get<double>(),
                   curves["bon/member(index=0)"][0]["gold"].get<double>());
  EXPECT_TRUE(fs::exists(run / "gold_vs_kl.svg"));
  EXPECT_TRUE(fs::exists(run / "proxy_vs_kl.svg"));

  // Each defence's child optimises its own objective.
  ASSERT_EQ(Children(run, "defence-wco").size(), 1u);
  const std::string wco_config = ReadFile(Children(run, "defence-wco")[0] / "config.yaml");
  EXPECT_NE(wco_config.find("aggregate=wco"), std::string::npos) << wco_config;
  const std::string single_config = ReadFile(Children(run, "defence-single")[0] / "config.yaml");
  EXPECT_NE(single_config.find("aggregate=member(index=0)"), std::string::npos);
  // The constrained defence's threshold is the single defence's proxy at its gold peak.
  const double point = s["defences"]["single"]["proxy_at_peak"];
  EXPECT_EQ(s["defences"]["constrained"]["defence"],
            fmt::format("constrained(threshold={}, beta=0.1, lagrange_lr=0.05)", point));
  const std::string constrained_config =
      ReadFile(Children(run, "defence-constrained")[0] / "config.yaml");
  EXPECT_NE(constrained_config.find(fmt::format("at_least(threshold={})", point)),
            std::string::npos)
      << constrained_config;
  // DPO learns from exactly the pairs the proxy learned from.
  const auto dpo = testing::RunSummary(Children(run, "defence-dpo")[0]);
  EXPECT_EQ(dpo["train_units"].get<int>(), 60);
  const std::string log = ReadFile(Children(run, "defence-dpo")[0] / "log.txt");
  const std::string proxy_log = ReadFile(Children(run, "proxy")[0] / "log.txt");
  const auto flipped = [](const std::string& text) {
    const auto at = text.find("labels flipped");
    return text.substr(text.rfind('(', at), at - text.rfind('(', at));
  };
  EXPECT_EQ(flipped(log), flipped(proxy_log));
}

TEST_F(OveroptPipeline, ResumedLabReusesFinishedStages) {
  // A copy of the finished lab, killed while its last defence ran: that child has no summary,
  // the lab none either.
  const fs::path run = dir_ / "lab";
  fs::copy(FinishedLab(), run, fs::copy_options::recursive);
  const nlohmann::json full = testing::RunSummary(run);
  const fs::path kl_child = Children(run, "defence-kl").at(0);
  fs::remove(kl_child / "summary.json");
  fs::remove(run / "summary.json");
  fs::remove(run / "curves.jsonl");
  const auto proxy_time = fs::last_write_time(Children(run, "proxy")[0] / "summary.json");
  testing::ResumeRun(run);
  const nlohmann::json resumed = testing::RunSummary(run);
  EXPECT_EQ(Children(run, "proxy").size(), 1u);
  EXPECT_EQ(Children(run, "defence-kl").size(), 1u);
  EXPECT_EQ(fs::last_write_time(Children(run, "proxy")[0] / "summary.json"), proxy_time);
  EXPECT_EQ(resumed["defences"]["single"], full["defences"]["single"]);
  EXPECT_EQ(resumed["best_of_n"], full["best_of_n"]);
  EXPECT_EQ(resumed["defences"]["kl"]["defence"], "kl(beta=0.2)");
  EXPECT_TRUE(fs::exists(run / "curves.jsonl"));
}

TEST(OveroptDefences, PlansNameTheirObjectives) {
  const DefencePlan uwo = PlanDefence("uwo(lambda=2)", "/m");
  EXPECT_EQ(uwo.pipeline, "rl");
  EXPECT_EQ(uwo.proxy_aggregate, "uwo(lambda=2)");
  EXPECT_EQ(uwo.overrides.at(0), "reward=[\"model(path=\\\"/m\\\", aggregate=uwo(lambda=2))\"]");
  const DefencePlan par = PlanDefence("par", "/m");
  EXPECT_EQ(par.proxy_aggregate, "member(index=0)");
  EXPECT_NE(std::find(par.overrides.begin(), par.overrides.end(), "reward_transform=par"),
            par.overrides.end());
  const DefencePlan kl = PlanDefence("kl", "/m");
  EXPECT_EQ(kl.description, "kl(beta=0.05)");
  EXPECT_NE(std::find(kl.overrides.begin(), kl.overrides.end(), "kl_penalty=reward"),
            kl.overrides.end());
  const DefencePlan constrained = PlanDefence("constrained(threshold=0.3)", "/m");
  EXPECT_EQ(constrained.proxy_aggregate, "member(index=0)");
  EXPECT_NE(std::find(constrained.overrides.begin(), constrained.overrides.end(),
                      "constraints=[\"at_least(threshold=0.3)\"]"),
            constrained.overrides.end());
  const DefencePlan automatic = PlanDefence("constrained", "/m");
  EXPECT_TRUE(automatic.needs_proxy_point);
  EXPECT_EQ(automatic.description, "constrained(threshold=auto, beta=0.1, lagrange_lr=0.05)");
  const DefencePlan filled = PlanDefence("constrained", "/m", 0.25);
  EXPECT_FALSE(filled.needs_proxy_point);
  EXPECT_NE(std::find(filled.overrides.begin(), filled.overrides.end(),
                      "constraints=[\"at_least(threshold=0.25)\"]"),
            filled.overrides.end());
  const DefencePlan rpo = PlanDefence("rpo(alpha=0.5)", "/m");
  EXPECT_EQ(rpo.pipeline, "dpo");
  EXPECT_TRUE(rpo.proxy_aggregate.empty());
  EXPECT_EQ(rpo.description, "rpo(beta=0.1, alpha=0.5)");
  EXPECT_EQ(QuoteYaml("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

TEST_F(OveroptPipeline, BadSettingsAreRefusedByName) {
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"defences=[ensemble]"}));
            }).find("valid defences: single, mean"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"defences=[kl, \"kl(beta=1)\"]"}));
            }).find("listed twice"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"defences=[constrained, single]"}));
            }).find("list single before it"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"proxy.label_noise=0.5"}));
            }).find("proxy.label_noise"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"defences=[\"uwo(lambda=-1)\"]"}));
            }).find("lambda must be >= 0"),
            std::string::npos);
  // The rl settings are checked by the rl trainer's own options: one bound, one message.
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"rl.group_size=1"}));
            }).find("group_size must be >= 2 for algo grpo"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"rl.algo=grpo2"}));
            }).find("unknown algo 'grpo2'; valid names: bnpo, bon, dapo"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::pipeline
