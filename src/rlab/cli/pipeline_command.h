// The shape every pipeline subcommand shares (train-rl, sft, ...): its flags become
// "key=value" overrides of the pipeline's defaults, the positional "section.key=value"
// arguments follow them, and the run directory is printed at the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rlab::cli {

class PipelineOverrides {
 public:
  // Adds key=value unless the flag was left empty (strings) or negative (counts).
  void Text(const std::string& key, const std::string& value);
  void Count(const std::string& key, int64_t value);
  const std::vector<std::string>& list() const { return list_; }

 private:
  std::vector<std::string> list_;
};

// Runs `pipeline` with the flags' overrides, then `extra` ones; threads < 0 keeps run.threads.
void RunPipelineCommand(const std::string& pipeline, const PipelineOverrides& flags,
                        const std::vector<std::string>& extra, int threads);

}  // namespace rlab::cli
