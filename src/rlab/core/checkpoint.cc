#include "rlab/core/checkpoint.h"

#include <torch/torch.h>

#include <sstream>
#include <string_view>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/core/json_text.h"
#include "rlab/core/rng.h"
#include "rlab/core/shape_format.h"

namespace rlab {

namespace fs = std::filesystem;

namespace {

// Serialised in memory first: libtorch's file writer throws from its destructor when the
// disk fills up, which ends the program. The atomic writer then reports a full disk as an
// error naming the file and leaves no temporary file behind.
void WriteArchiveAtomic(torch::serialize::OutputArchive& archive, const fs::path& file,
                        std::string_view what) {
  std::ostringstream bytes;
  try {
    archive.save_to(bytes);
  } catch (const c10::Error& e) {
    RLAB_FAIL("cannot serialise {} '{}': {}", what, file.string(), e.what_without_backtrace());
  }
  WriteFileAtomic(file, bytes.view());
}

}  // namespace

void CheckpointState::AddModule(const std::string& name,
                                std::shared_ptr<torch::nn::Module> module) {
  RLAB_CHECK(module != nullptr, "checkpoint: module '{}' is null", name);
  modules_.emplace_back(name, std::move(module));
}

void CheckpointState::AddOptimizer(const std::string& name, torch::optim::Optimizer* optimizer) {
  RLAB_CHECK(optimizer != nullptr, "checkpoint: optimizer '{}' is null", name);
  optimizers_.emplace_back(name, optimizer);
}

void CheckpointState::AddRng(const std::string& name, Rng* rng) {
  RLAB_CHECK(rng != nullptr, "checkpoint: generator '{}' is null", name);
  rngs_.emplace_back(name, rng);
}

void CheckpointState::AddTensor(const std::string& name, torch::Tensor tensor) {
  RLAB_CHECK(tensor.defined(), "checkpoint: tensor '{}' is undefined", name);
  tensors_.emplace_back(name, std::move(tensor));
}

void CheckpointState::Save(const fs::path& file, const nlohmann::json& counters) const {
  torch::serialize::OutputArchive archive;
  for (const auto& [name, module] : modules_) {
    torch::serialize::OutputArchive sub;
    module->save(sub);
    archive.write("module." + name, sub);
  }
  for (const auto& [name, optimizer] : optimizers_) {
    torch::serialize::OutputArchive sub;
    optimizer->save(sub);
    archive.write("optimizer." + name, sub);
  }
  for (const auto& [name, tensor] : tensors_) archive.write("tensor." + name, tensor);
  for (const auto& [name, rng] : rngs_) archive.write("rng." + name, c10::IValue(rng->State()));
  if (torch_rng_) archive.write("rng.torch", c10::IValue(TorchRngState()));
  archive.write("counters", c10::IValue(counters.dump()));
  WriteArchiveAtomic(archive, file, "checkpoint");
}

void SaveModuleFile(const torch::nn::Module& module, const fs::path& file) {
  torch::serialize::OutputArchive archive;
  module.save(archive);
  WriteArchiveAtomic(archive, file, "module");
}

nlohmann::json CheckpointState::Load(const fs::path& file) const {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.string());
  } catch (const c10::Error& e) {
    RLAB_FAIL("cannot read checkpoint '{}': {}", file.string(), e.what_without_backtrace());
  }
  auto read_string = [&](const std::string& key) {
    c10::IValue value;
    RLAB_CHECK(archive.try_read(key, value) && value.isString(),
               "checkpoint '{}' has no entry '{}' (was it written by a different pipeline?)",
               file.string(), key);
    return value.toStringRef();
  };
  try {
    for (const auto& [name, module] : modules_) {
      torch::serialize::InputArchive sub;
      RLAB_CHECK(archive.try_read("module." + name, sub), "checkpoint '{}' has no module '{}'",
                 file.string(), name);
      module->load(sub);
    }
    for (const auto& [name, optimizer] : optimizers_) {
      torch::serialize::InputArchive sub;
      RLAB_CHECK(archive.try_read("optimizer." + name, sub),
                 "checkpoint '{}' has no optimizer '{}'", file.string(), name);
      optimizer->load(sub);
    }
    for (const auto& [name, tensor] : tensors_) {
      torch::Tensor saved;
      RLAB_CHECK(archive.try_read("tensor." + name, saved), "checkpoint '{}' has no tensor '{}'",
                 file.string(), name);
      RLAB_CHECK(saved.sizes() == tensor.sizes(),
                 "checkpoint '{}': tensor '{}' has shape {}, this run expects {}", file.string(),
                 name, saved.sizes(), tensor.sizes());
      torch::NoGradGuard no_grad;
      tensor.copy_(saved);
    }
  } catch (const c10::Error& e) {
    RLAB_FAIL("checkpoint '{}' does not match this run's model: {}", file.string(),
              e.what_without_backtrace());
  }
  for (const auto& [name, rng] : rngs_) rng->SetState(read_string("rng." + name));
  if (torch_rng_) SetTorchRngState(read_string("rng.torch"));
  return nlohmann::json::parse(read_string("counters"));
}

CheckpointManager::CheckpointManager(fs::path dir, int keep_last)
    : dir_(std::move(dir)), keep_last_(std::max(1, keep_last)) {}

void CheckpointManager::Save(const CheckpointState& state, const nlohmann::json& counters) const {
  RLAB_CHECK(counters.contains("step"), "checkpoint counters need a 'step'");
  const int64_t step = counters["step"].get<int64_t>();
  const std::string name = fmt::format("step-{:09}.pt", step);
  state.Save(dir_ / name, counters);
  WriteFileAtomic(dir_ / "latest.json",
                  nlohmann::json{{"step", step}, {"file", name}}.dump() + "\n");
  // Prune old checkpoints, newest kept.
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string f = entry.path().filename().string();
    if (f.rfind("step-", 0) == 0 && entry.path().extension() == ".pt")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (size_t i = 0; i + keep_last_ < files.size(); ++i) {
    if (files[i].filename() != name) fs::remove(files[i]);
  }
}

namespace {

struct CheckpointIndex {
  int64_t step = 0;
  std::string file;  // a file name inside the checkpoints directory
};

// Reads latest.json: {"step": S, "file": NAME}, where NAME is a plain file name beside it (as
// Save writes it). A path that leaves the directory (absolute, "..", or through a
// subdirectory) is refused, so an edited index cannot make a run load another file.
std::optional<CheckpointIndex> ReadCheckpointIndex(const fs::path& latest) {
  if (!fs::exists(latest)) return std::nullopt;
  const auto j = ParseJsonDocument(ReadFile(latest), latest.string());
  const std::string example = "such as {\"step\": 500, \"file\": \"step-000000500.pt\"}";
  RLAB_CHECK(j.is_object(), "{}: malformed checkpoint index; expected one JSON object {}",
             latest.string(), example);
  const auto step = j.find("step");
  RLAB_CHECK(step != j.end() && step->is_number_integer() && step->get<int64_t>() >= 0,
             "{}: field 'step' must be a whole number >= 0 ({})", latest.string(), example);
  const auto file = j.find("file");
  RLAB_CHECK(file != j.end() && file->is_string(),
             "{}: field 'file' must be the name of a checkpoint file ({})", latest.string(),
             example);
  const std::string name = file->get<std::string>();
  const fs::path path(name);
  RLAB_CHECK(!name.empty() && !path.has_root_path() && !path.has_parent_path() && name != "." &&
                 name != "..",
             "{}: field 'file' is \"{}\", which is not a file inside {}; it must name a "
             "checkpoint beside latest.json ({})",
             latest.string(), name, latest.parent_path().string(), example);
  return CheckpointIndex{step->get<int64_t>(), name};
}

}  // namespace

std::optional<int64_t> CheckpointManager::LatestStep() const {
  const auto index = ReadCheckpointIndex(dir_ / "latest.json");
  if (!index) return std::nullopt;
  return index->step;
}

std::optional<nlohmann::json> CheckpointManager::RestoreLatest(const CheckpointState& state) const {
  const auto index = ReadCheckpointIndex(dir_ / "latest.json");
  if (!index) return std::nullopt;
  return state.Load(dir_ / index->file);
}

}  // namespace rlab
