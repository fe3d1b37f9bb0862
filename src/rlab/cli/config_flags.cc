#include "rlab/cli/config_flags.h"

#include <algorithm>
#include <cctype>

#include "rlab/core/check.h"
#include "rlab/core/registry.h"
#include "rlab/core/value_parse.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"

namespace rlab::cli {

namespace {

// The `run:` section alone, keyed as in every pipeline's config ("run.threads").
struct RunSection {
  pipeline::RunOptions run;
  template <class V>
  void Fields(V& v) {
    v("run", run, "run directory, seed, threads, cadence");
  }
};

// "float" -> "FLOAT", "list<string>" -> "STRING,...": what the flag's value looks like.
std::string ValueShape(const config::Field& field) {
  std::string type = field.type;
  if (field.is_list) type = type.substr(type.find('<') + 1, type.size() - type.find('<') - 2);
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return field.is_list ? type + ",..." : type;
}

// The live default as the flag would be written (list items comma-separated).
std::string FlagValue(const config::Field& field) {
  const std::vector<std::string> values = field.get();
  if (!field.is_list) return values.at(0);
  std::string joined;
  for (const std::string& v : values) joined += (joined.empty() ? "" : ",") + v;
  return joined;
}

}  // namespace

ConfigFlags::ConfigFlags(CLI::App* cmd, std::shared_ptr<void> owner, config::FieldTable table,
                         FlagDefaults defaults)
    : cmd_(cmd), owner_(std::move(owner)), table_(std::move(table)), defaults_(defaults) {}

std::shared_ptr<ConfigFlags> ConfigFlags::ForPipeline(CLI::App* cmd, const std::string& name,
                                                      FlagDefaults defaults) {
  pipeline::RegisterBuiltins();
  std::shared_ptr<pipeline::Pipeline> config = pipeline::Pipelines().Create(name);
  config::FieldTable table = config->Fields();
  return std::shared_ptr<ConfigFlags>(new ConfigFlags(cmd, config, std::move(table), defaults));
}

std::shared_ptr<ConfigFlags> ConfigFlags::ForRunSection(CLI::App* cmd) {
  auto config = std::make_shared<RunSection>();
  config::FieldTable table = config::FieldTable::Of(*config);
  return std::shared_ptr<ConfigFlags>(
      new ConfigFlags(cmd, config, std::move(table), FlagDefaults::kConfigFile));
}

ConfigFlags::Bound& ConfigFlags::Bind(const std::string& flag, const std::string& key) {
  const config::Field* field = table_.Find(key);
  RLAB_CHECK(field != nullptr,
             "flag {} of `rlab {}` sets the config key '{}', which the config "
             "does not have; map the flag to one of its keys (see `rlab pipelines NAME`)",
             flag, cmd_->get_name(), key);
  Bound& bound = flags_.emplace_back();
  bound.key = key;
  bound.is_list = field->is_list;
  const bool from_file = defaults_ == FlagDefaults::kConfigFile;
  const std::string help =
      fmt::format("{} [config key {}{}]", field->help, key,
                  from_file ? "; when not given, the config file's value" : "");
  bound.option = cmd_->add_option(flag, bound.value, help)
                     ->type_name(ValueShape(*field))
                     ->default_str(from_file ? "" : FlagValue(*field));
  return bound;
}

CLI::Option* ConfigFlags::Add(const std::string& flag, const std::string& key) {
  return Bind(flag, key).option;
}

CLI::Option* ConfigFlags::AddThreads() {
  threads_ = &Bind("--threads", "run.threads");
  return threads_->option;
}

std::vector<std::string> ConfigFlags::Overrides() const {
  std::vector<std::string> out;
  for (const Bound& b : flags_) {
    if (&b == threads_ || b.option->count() == 0) continue;
    const bool wrap = b.is_list && b.value.rfind('[', 0) != 0;
    out.push_back(b.key + "=" + (wrap ? "[" + b.value + "]" : b.value));
  }
  return out;
}

std::optional<int> ConfigFlags::Threads() const {
  if (threads_ == nullptr || threads_->option->count() == 0) return std::nullopt;
  return ValueCodec<int>::Parse(threads_->value, "--threads");
}

}  // namespace rlab::cli
