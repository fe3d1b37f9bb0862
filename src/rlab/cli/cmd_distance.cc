// rlab distance: the EPIC or STARC distance between two reward specs on one environment
// (eval/reward_distance.h computes it). One line of JSON on stdout, one readable line on
// stderr.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "rlab/cli/commands.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/eval/reward_distance.h"

namespace rlab::cli {

namespace {

nlohmann::json ToJson(const eval::RewardDistanceRequest& request,
                      const eval::RewardDistance& result) {
  nlohmann::json out = {{"method", result.exact ? "exact" : "sampled"},
                        {"gamma", result.gamma},
                        {"distance", result.distance}};
  if (result.exact) {
    out["normalised_regret"] = *result.normalised_regret;
  } else {
    out["samples"] = request.samples;
    out["constant_a"] = result.constant_a;
    out["constant_b"] = result.constant_b;
  }
  out["env"] = request.env;
  out["metric"] = request.metric;
  out["reward_a"] = request.reward_a;
  out["reward_b"] = request.reward_b;
  out["seed"] = request.seed;
  return out;
}

void Print(const eval::RewardDistanceRequest& request, const eval::RewardDistance& result) {
  std::printf("%s\n", ToJson(request, result).dump().c_str());
  std::string note = result.exact
                         ? fmt::format(", normalised regret {:.4f}", *result.normalised_regret)
                         : fmt::format(", {} x {} samples", request.samples, request.samples);
  if (result.constant_a || result.constant_b) {
    note += "; a reward that is constant up to shaping counts as zero";
  }
  std::fprintf(stderr, "%s(%s, %s) on %s = %.4f (%s%s)\n", request.metric.c_str(),
               request.reward_a.c_str(), request.reward_b.c_str(), request.env.c_str(),
               result.distance, result.exact ? "exact" : "sampled", note.c_str());
}

}  // namespace

void AddDistanceCommand(CLI::App& app) {
  auto request = std::make_shared<eval::RewardDistanceRequest>();
  auto gamma = std::make_shared<double>(0.0);
  CLI::App* cmd = app.add_subcommand(
      "distance", "EPIC or STARC distance between two reward specs on one environment");
  cmd->add_option("--env", request->env,
                  "GridWorld(...) or RandomMdp(...) (exact), or a registered environment such "
                  "as CartPole-v1 (sampled)")
      ->required();
  cmd->add_option("--reward-a", request->reward_a,
                  "reward spec: true, negated, scaled(factor=0.5), shaped(scale=1, "
                  "potential=random, seed=0), random(seed=0)")
      ->required();
  cmd->add_option("--reward-b", request->reward_b,
                  "reward spec, as --reward-a, or a pbrl run directory (its learned reward; "
                  "sampled environments)")
      ->required();
  cmd->add_option("--metric", request->metric, "epic or starc (EPIC canonicalisation)")
      ->check(CLI::IsMember({"epic", "starc"}))
      ->capture_default_str();
  cmd->add_option("--samples", request->samples,
                  "sampled only: coverage transitions and expectation samples (each)")
      ->capture_default_str();
  cmd->add_option("--seed", request->seed, "seed of the samples")
      ->check(NonNegative())
      ->capture_default_str();
  CLI::Option* gamma_option = cmd->add_option(
      "--gamma", *gamma,
      "discount for canonicalisation and shaping, in [0, 1]; when not given, the MDP's own "
      "(exact) or 0.99 (sampled)");
  gamma_option->default_str("");
  cmd->callback([request, gamma, gamma_option] {
    if (gamma_option->count() > 0) request->gamma = *gamma;
    Print(*request, eval::ComputeRewardDistance(*request));
  });
}

}  // namespace rlab::cli
