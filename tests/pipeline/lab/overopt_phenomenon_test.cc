// Learning test of the overoptimisation lab (fixed seed): GRPO against a single proxy reward
// model, trained on gold-labelled pairs with 25% of the labels flipped, first raises the gold
// reward of the SFT policy and then, past a peak, lowers it again while the proxy reward goes on
// rising: reward hacking, as Gao et al. (arXiv:2210.10760) measured it. The configuration is
// examples/overopt.yaml with one proxy member, no best-of-N and a higher learning rate, so that
// the turn comes within 60 steps. Smaller settings lost the shape (one thread, 2026-12-07): with
// 200 SFT steps the gold reward rose only 0.17 before falling (seed 1) or fell from the start
// (seed 2); with 200 proxy steps the proxy was too weak to hack and gold still rose at step 30;
// with this setting cut to 40 steps gold still rose at step 20 (seed 1) or rose only 0.1 (seed 2);
// with 400 SFT and 300 proxy steps and GRPO groups of 4, gold rose 0.41 and 0.35 (seeds 1, 2)
// but only 0.198 (seed 3), under the 0.2 asserted below. This setting on seed 1: gold 0.61,
// peak 1.25 at step 20, -0.30 at the end; the proxy at least 0.097 above its value at the peak
// after it. The lab's SFT stage is the shared keywords policy (sft_policies.h, the same
// 600 steps of the same seed, bit for bit), trained once by CTest for this test and the DPO one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "pipeline/sft_policies.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

TEST(OveroptPhenomenon, ProxyRisesWhileGoldFallsAfterItsPeak) {
  testing::ScratchDir dir("overopt_phenomenon");
  const auto run =
      testing::RunExampleConfig("overopt.yaml", dir,
                                {"model=" + testing::KeywordsSftPolicy().string(), "sft.steps=0",
                                 "proxy.members=1", "best_of_n.n=[]", "rl.steps=60",
                                 "rl.learning_rate=6e-5", "rl.eval_every=10", "defences=[single]"});
  const nlohmann::json s = testing::RunSummary(run);
  std::printf("summary: %s\n", s.dump().c_str());
  std::vector<nlohmann::json> points;
  ForEachJsonl(run / "curves.jsonl", [&](const nlohmann::json& l) { points.push_back(l); });
  for (const auto& p : points) std::printf("curve: %s\n", p.dump().c_str());
  ASSERT_EQ(points.size(), 7u);  // steps 0, 10, ..., 60

  // Optimisation helps at first: the gold reward peaks above the SFT policy's ...
  const double start = s["gold_start"], peak = s["gold_peak"], final = s["gold_final"];
  EXPECT_GT(peak, start + 0.2) << s.dump();
  // ... strictly before the end, and falls clearly below its peak by the end ...
  const int64_t at_peak = s["defences"]["single"]["at_peak"];
  EXPECT_LT(at_peak, 60);
  EXPECT_LT(final, peak - 0.3) << s.dump();
  // ... while the proxy keeps rising: above its value at the gold peak at every later point.
  const double proxy_at_peak = s["proxy_at_peak"];
  for (const auto& p : points) {
    if (p["at"].get<int64_t>() > at_peak) {
      EXPECT_GT(p["proxy"].get<double>(), proxy_at_peak) << p.dump();
    }
  }
  EXPECT_GT(s["proxy_final"].get<double>(), s["defences"]["single"]["proxy_start"].get<double>());
  EXPECT_GT(s["kl_final"].get<double>(), s["kl_at_peak"].get<double>());
}

}  // namespace
}  // namespace rlab::pipeline
