#include "rlab/reward/signal/learned_reward_file.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/io.h"

namespace rlab::reward {

namespace fs = std::filesystem;

namespace {

constexpr const char* kJson = "reward_model.json";
constexpr const char* kWeights = "reward_model.pt";

fs::path ModelDir(const fs::path& path) {
  if (fs::exists(path / kJson)) return path;
  return path / "reward_model";
}

}  // namespace

bool HoldsLearnedReward(const fs::path& path) {
  return fs::is_directory(path) && fs::exists(ModelDir(path) / kJson);
}

void SaveLearnedReward(const LearnedReward& reward, const std::string& env, const fs::path& dir) {
  fs::create_directories(dir);
  RewardEnsemble ensemble = reward.ensemble();
  const RewardEnsembleOptions& o = ensemble->options();
  const nlohmann::json meta = {{"env", env},
                               {"obs_dim", o.obs_dim},
                               {"action_dim", o.action_dim},
                               {"use_next_obs", o.use_next_obs},
                               {"members", o.members},
                               {"hidden", o.hidden},
                               {"activation", o.activation},
                               {"tanh_output", o.tanh_output},
                               {"offset", reward.offset()}};
  const fs::path tmp = TempPathFor(dir / kWeights);
  torch::save(ensemble, tmp.string());
  CommitTempFile(tmp, dir / kWeights);
  WriteFileAtomic(dir / kJson, meta.dump(2) + "\n");
}

LoadedLearnedReward LoadLearnedReward(const fs::path& path) {
  const fs::path dir = ModelDir(path);
  RLAB_CHECK(fs::exists(dir / kJson) && fs::exists(dir / kWeights),
             "{}: no learned reward here; a pbrl run directory holds reward_model/{} and {}",
             path.string(), kJson, kWeights);
  nlohmann::json meta;
  try {
    meta = ReadJsonFile(dir / kJson);
    RewardEnsembleOptions o;
    o.obs_dim = meta.at("obs_dim").get<int64_t>();
    o.action_dim = meta.at("action_dim").get<int64_t>();
    o.use_next_obs = meta.at("use_next_obs").get<bool>();
    o.members = meta.at("members").get<int64_t>();
    o.hidden = meta.at("hidden").get<std::vector<int64_t>>();
    o.activation = meta.at("activation").get<std::string>();
    o.tanh_output = meta.at("tanh_output").get<bool>();
    RewardEnsemble ensemble(o);
    torch::load(ensemble, (dir / kWeights).string());
    auto reward = std::make_shared<LearnedReward>(ensemble);
    reward->set_offset(meta.at("offset").get<double>());
    return {reward, meta.at("env").get<std::string>()};
  } catch (const nlohmann::json::exception& e) {
    RLAB_FAIL("{}: {}", (dir / kJson).string(), e.what());
  } catch (const c10::Error& e) {
    RLAB_FAIL("{}: cannot be read as this reward model ({})", (dir / kWeights).string(),
              e.what_without_backtrace());
  }
}

}  // namespace rlab::reward
