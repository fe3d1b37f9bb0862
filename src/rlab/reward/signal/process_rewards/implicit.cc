// process reward implicit(path=DIR, beta=..): the dense token reward of Reinforced Token
// Optimization, r_t = beta * log pi_dpo(y_t) / pi_ref(y_t) from a fixed model pi_dpo (a DPO model
// trained from the run's starting policy), for the policy-gradient loss to optimise token by
// token (Zhong et al., "DPO Meets PPO: Reinforced Token Optimization for RLHF",
// arXiv:2404.18922). The paper runs PPO on these rewards plus the outcome reward at the last
// token; here the credit scheme (rl/step_credit.h) combines them with the group's outcome
// advantage, and per=step sums them per step of a task with steps.
#include <fmt/format.h>

#include <filesystem>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "rlab/reward/signal/process_rewards/implicit_process_reward.h"

namespace rlab::reward {

ProcessRewardRegistry::Entry ImplicitProcessReward() {
  return {"implicit",
          "beta * log pi_dpo / pi_ref per token from a fixed model, e.g. a DPO model (RTO, Zhong "
          "et al., arXiv:2404.18922)",
          {{"path", std::nullopt, "the model directory of pi_dpo (same vocabulary as the policy)"},
           ImplicitBetaKey(),
           ImplicitLevelKey()},
          [](const SpecArgs& a, const ProcessRewardContext& context) {
            const std::string path = a.Get<std::string>("path");
            const double beta = ImplicitBeta(a);
            const bool per_step = ImplicitPerStep(a);
            RLAB_CHECK(std::filesystem::is_directory(path),
                       "process reward source 'implicit': key 'path' must be a model directory "
                       "(config.json, model.safetensors), such as a DPO run's model; '{}' is not",
                       path);
            const std::string generator = TorchRngState();  // loading draws initial weights
            models::Transformer model = models::LoadHfTransformer(path);
            SetTorchRngState(generator);
            for (auto& p : model->parameters()) p.set_requires_grad(false);
            return std::make_unique<ImplicitRewardSource>(
                context, model, beta, per_step,
                fmt::format("implicit(path={}, beta={}, per={})", path, beta,
                            per_step ? "step" : "token"));
          }};
}

}  // namespace rlab::reward
