#include "rlab/pipeline/lab/overopt_defences.h"

#include <fmt/format.h>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/core/spec.h"

namespace rlab::pipeline {

namespace {

// RL against the proxy through `aggregate`, plus the defence's own settings.
DefencePlan RlOn(const std::string& proxy_dir, std::string aggregate,
                 std::vector<std::string> more) {
  DefencePlan plan;
  plan.pipeline = "rl";
  plan.proxy_aggregate = aggregate;
  const std::string source =
      fmt::format("model(path={}, aggregate={})", QuoteYaml(proxy_dir), aggregate);
  plan.overrides = {"reward=[" + QuoteYaml(source) + "]"};
  plan.overrides.insert(plan.overrides.end(), more.begin(), more.end());
  return plan;
}

const char* const kSingle = "member(index=0)";

}  // namespace

std::vector<std::string> DefenceNames() {
  return {"single", "mean", "wco", "uwo", "par", "log_sigmoid", "kl", "constrained", "dpo", "rpo"};
}

std::string QuoteYaml(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

DefencePlan PlanDefence(std::string_view text, const std::string& proxy_dir,
                        std::optional<double> proxy_point) {
  const Spec spec = Spec::Parse(text);
  const std::string& name = spec.name;
  const auto args = [&](const std::vector<KeyDoc>& keys) {
    return SpecArgs(spec, keys, "defence");
  };
  DefencePlan plan;
  if (name == "single" || name == "mean" || name == "wco") {
    args({});
    plan = RlOn(proxy_dir, name == "single" ? kSingle : name, {});
    plan.description = name;
  } else if (name == "uwo") {
    const double lambda =
        args({{"lambda", "0.5", "weight of the members' variance"}}).Get<double>("lambda");
    RLAB_CHECK(lambda >= 0, "defence uwo: lambda must be >= 0, got {}", lambda);
    plan = RlOn(proxy_dir, fmt::format("uwo(lambda={})", lambda), {});
    plan.description = fmt::format("uwo(lambda={})", lambda);
  } else if (name == "par" || name == "log_sigmoid") {
    args({});
    plan = RlOn(proxy_dir, kSingle, {"reward_transform=" + name});
    plan.description = name;
  } else if (name == "kl") {
    const double beta =
        args({{"beta", "0.05", "KL coefficient in the reward"}}).Get<double>("beta");
    RLAB_CHECK(beta > 0, "defence kl: beta must be > 0, got {}", beta);
    plan = RlOn(proxy_dir, kSingle,
                {"kl_penalty=reward",
                 fmt::format("kl_controller={}", QuoteYaml(fmt::format("fixed(beta={})", beta)))});
    plan.description = fmt::format("kl(beta={})", beta);
  } else if (name == "constrained") {
    const SpecArgs a = args({{"threshold", "auto",
                              "the proxy point: the single model's reward "
                              "the policy should reach; auto: the single "
                              "defence's proxy at its gold peak"},
                             {"beta", "0.1", "KL coefficient in the reward"},
                             {"lagrange_lr", "0.05", "step size of the multiplier"}});
    const double beta = a.Get<double>("beta"), lr = a.Get<double>("lagrange_lr");
    RLAB_CHECK(beta > 0 && lr > 0, "defence constrained: beta and lagrange_lr must be > 0");
    std::optional<double> threshold = proxy_point;
    if (a.Raw("threshold") != "auto") threshold = a.Get<double>("threshold");
    const std::string shown = threshold ? fmt::format("{}", *threshold) : "auto";
    plan = RlOn(proxy_dir, kSingle,
                {"constraints=[" + QuoteYaml(fmt::format("at_least(threshold={})", shown)) + "]",
                 fmt::format("lagrange_lr={}", lr), "kl_penalty=reward",
                 fmt::format("kl_controller={}", QuoteYaml(fmt::format("fixed(beta={})", beta)))});
    plan.needs_proxy_point = !threshold.has_value();
    plan.description =
        fmt::format("constrained(threshold={}, beta={}, lagrange_lr={})", shown, beta, lr);
  } else if (name == "dpo" || name == "rpo") {
    std::vector<KeyDoc> keys = {{"beta", "0.1", "DPO's beta"}};
    if (name == "rpo") keys.push_back({"alpha", "1", "weight of the chosen response's NLL"});
    const SpecArgs a = args(keys);
    const double beta = a.Get<double>("beta");
    RLAB_CHECK(beta > 0, "defence {}: beta must be > 0, got {}", name, beta);
    plan.pipeline = "dpo";
    if (name == "dpo") {
      plan.description = fmt::format("dpo(beta={})", beta);
      plan.overrides = {"loss_type=[sigmoid]"};
    } else {
      const double alpha = a.Get<double>("alpha");
      RLAB_CHECK(alpha >= 0, "defence rpo: alpha must be >= 0, got {}", alpha);
      plan.description = fmt::format("rpo(beta={}, alpha={})", beta, alpha);
      plan.overrides = {"loss_type=[" + QuoteYaml(plan.description) + "]"};
    }
    plan.overrides.push_back(fmt::format("beta={}", beta));
  } else {
    RLAB_FAIL("unknown defence '{}'; valid defences: {}", name, JoinNames(DefenceNames()));
  }
  plan.name = name;
  return plan;
}

}  // namespace rlab::pipeline
