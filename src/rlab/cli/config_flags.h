// Command-line flags generated from a config table. A pipeline subcommand names its flags and
// the config keys they set; the help text (the key's meaning, type and live default) comes
// from the pipeline's default config, so no default is written twice. A flag that is given
// becomes the override "key=value" with its value unchanged, so that the config's Validate()
// judges it (a negative step count fails with the key's name instead of meaning "unset"); a
// flag that is not given adds nothing.
#pragma once

#include <CLI/CLI.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/config.h"

namespace rlab::cli {

// Where the value of a flag that is not given comes from, as the help says.
enum class FlagDefaults {
  kPipeline,    // the pipeline's defaults: the help shows each key's live default
  kConfigFile,  // a config file the command reads: the help says so instead
};

class ConfigFlags {
 public:
  // Flags for the keys of the config of pipeline `name`.
  static std::shared_ptr<ConfigFlags> ForPipeline(CLI::App* cmd, const std::string& name,
                                                  FlagDefaults defaults = FlagDefaults::kPipeline);
  // Flags for the keys of the `run:` section that every pipeline has (for commands whose
  // pipeline is only known from a config file).
  static std::shared_ptr<ConfigFlags> ForRunSection(CLI::App* cmd);

  // Adds `flag` (e.g. "--beta") setting `key` (e.g. "beta"). A list key takes its items
  // comma-separated ("--loss-type sigmoid,sft").
  CLI::Option* Add(const std::string& flag, const std::string& key);
  // Adds --threads for run.threads. It is applied after the positional overrides, as the
  // runner's RunRequest::threads is, and also when a run is resumed.
  CLI::Option* AddThreads();

  // "key=value" for each flag given, in the order the flags were added (--threads aside).
  std::vector<std::string> Overrides() const;
  // The value of --threads, if given (an integer; its range is the config's to check).
  std::optional<int> Threads() const;

 private:
  struct Bound {
    std::string key;
    bool is_list = false;
    std::string value;
    CLI::Option* option = nullptr;
  };

  ConfigFlags(CLI::App* cmd, std::shared_ptr<void> owner, config::FieldTable table,
              FlagDefaults defaults);
  Bound& Bind(const std::string& flag, const std::string& key);

  CLI::App* cmd_;
  std::shared_ptr<void> owner_;  // the default config the table refers to
  config::FieldTable table_;
  FlagDefaults defaults_;
  std::deque<Bound> flags_;  // a deque: CLI11 keeps pointers to each value
  Bound* threads_ = nullptr;
};

}  // namespace rlab::cli
