// The shape every pipeline subcommand shares (control-rl, sft, dpo, ...): flags that set keys
// of the pipeline's config (their help and defaults generated from its table, see
// config_flags.h), --threads, positional "section.key=value" overrides after them, and the run
// directory printed at the end.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <utility>
#include <vector>

namespace rlab::cli {

struct PipelineCommand {
  std::string name;         // the subcommand, e.g. "control-rl"
  std::string alias;        // an older name that still works ("" for none)
  std::string pipeline;     // the pipeline it runs, e.g. "train-rl"
  std::string description;  // one line for `rlab --help`
  // (flag, config key) pairs, e.g. {"--steps", "optim.steps"}, in the order of the help.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string overrides_example;  // e.g. "optim.batch_size=32"
};

// Adds the subcommand; the returned app lets a caller mark flags required.
CLI::App* AddPipelineCommand(CLI::App& app, const PipelineCommand& command);

}  // namespace rlab::cli
