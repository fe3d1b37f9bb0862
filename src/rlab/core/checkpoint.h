// Checkpoints: everything a run needs to continue exactly where it stopped (modules,
// optimisers, generator states, loop counters) in one file, written atomically.
//
//   checkpoints/step-000000500.pt   one archive per saved step (the last few are kept)
//   checkpoints/latest.json         {"step": 500, "file": "step-000000500.pt"}, replaced last
//
// A run killed at any moment leaves the previous complete checkpoint in place.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace torch {
namespace nn {
class Module;
}
namespace optim {
class Optimizer;
}
}  // namespace torch

namespace rlab {

class Rng;

// The stateful pieces of a run, registered once by name, saved and restored together.
class CheckpointState {
 public:
  void AddModule(const std::string& name, std::shared_ptr<torch::nn::Module> module);
  void AddOptimizer(const std::string& name, torch::optim::Optimizer* optimizer);
  void AddRng(const std::string& name, Rng* rng);
  // A tensor restored in place (same shape, values copied), so that raw pointers into its
  // storage stay valid: the fused small networks keep such pointers.
  void AddTensor(const std::string& name, torch::Tensor tensor);
  // Also saves and restores libtorch's global CPU generator.
  void IncludeTorchRng(bool include = true) { torch_rng_ = include; }

  void Save(const std::filesystem::path& file, const nlohmann::json& counters) const;
  nlohmann::json Load(const std::filesystem::path& file) const;  // returns the counters

 private:
  std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> modules_;
  std::vector<std::pair<std::string, torch::optim::Optimizer*>> optimizers_;
  std::vector<std::pair<std::string, Rng*>> rngs_;
  std::vector<std::pair<std::string, torch::Tensor>> tensors_;
  bool torch_rng_ = true;
};

// A module's parameters and buffers alone, in the archive torch::save writes (torch::load reads
// it back), written as a checkpoint is: serialised in memory, then replaced atomically.
void SaveModuleFile(const torch::nn::Module& module, const std::filesystem::path& file);

class CheckpointManager {
 public:
  CheckpointManager(std::filesystem::path dir, int keep_last = 2);

  // Saves `state` with `counters` (which must hold "step").
  void Save(const CheckpointState& state, const nlohmann::json& counters) const;
  // Restores the latest checkpoint into `state` and returns its counters; nullopt if none.
  std::optional<nlohmann::json> RestoreLatest(const CheckpointState& state) const;
  std::optional<int64_t> LatestStep() const;

 private:
  std::filesystem::path dir_;
  int keep_last_;
};

}  // namespace rlab
