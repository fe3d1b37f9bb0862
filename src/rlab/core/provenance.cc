#include "rlab/core/provenance.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <ctime>
#include <mutex>
#include <sstream>

#include "rlab/core/build_info.h"
#include "rlab/core/check.h"
#include "rlab/core/file_digest.h"
#include "rlab/core/io.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

// The line that opens the provenance block; the block runs to the end of config.yaml.
constexpr std::string_view kBlockStart = "# provenance:";
// Each line of the block after the first starts with this, then the YAML of the provenance.
constexpr std::string_view kBlockIndent = "#   ";

std::mutex g_command_line_mutex;
std::string g_command_line;

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

bool IsRegularFile(const std::string& path) {
  if (path.empty() || path.size() > 4096) return false;
  std::error_code ec;
  return fs::is_regular_file(path, ec) && !ec;
}

// The strings a setting may name a file by: itself, after a "scheme:" prefix, and the values
// of a "name(key=value,...)" spec.
std::vector<std::string> FileCandidates(const std::string& value) {
  std::vector<std::string> candidates = {value};
  if (const size_t colon = value.find(':'); colon != std::string::npos) {
    candidates.push_back(value.substr(colon + 1));
  }
  const size_t open = value.find('(');
  if (open != std::string::npos && value.back() == ')') {
    std::stringstream args(value.substr(open + 1, value.size() - open - 2));
    std::string arg;
    while (std::getline(args, arg, ',')) {
      if (const size_t eq = arg.find('='); eq != std::string::npos) {
        candidates.push_back(arg.substr(eq + 1));
      }
    }
  }
  return candidates;
}

void CollectStrings(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array() || value.is_object()) {
    for (const auto& item : value) CollectStrings(item, out);
  }
}

YAML::Node ToYamlNode(const nlohmann::ordered_json& value) {
  YAML::Node node(value.is_object()  ? YAML::NodeType::Map
                  : value.is_array() ? YAML::NodeType::Sequence
                                     : YAML::NodeType::Null);
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) node[key] = ToYamlNode(item);
  } else if (value.is_array()) {
    for (const auto& item : value) node.push_back(ToYamlNode(item));
  } else {
    node = value.is_string() ? value.get<std::string>() : value.dump();
  }
  if (value.empty() && !value.is_null()) node.SetStyle(YAML::EmitterStyle::Flow);  // "{}", "[]"
  return node;
}

nlohmann::ordered_json FromYamlNode(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto& entry : node)
      object[entry.first.as<std::string>()] = FromYamlNode(entry.second);
    return object;
  }
  if (node.IsSequence()) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& item : node) list.push_back(FromYamlNode(item));
    return list;
  }
  if (node.IsScalar()) return node.as<std::string>();
  return nullptr;
}

// Where the provenance block starts in a config's text (npos when it has none).
size_t BlockStart(std::string_view config_yaml) {
  if (config_yaml.starts_with(kBlockStart)) return 0;
  const size_t at = config_yaml.find("\n" + std::string(kBlockStart) + "\n");
  return at == std::string_view::npos ? at : at + 1;
}

}  // namespace

std::string HostName() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "unknown";
  return host;
}

void RecordCommandLine(int argc, const char* const* argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (!args.empty()) args.front() = fs::path(args.front()).filename().string();
  const std::lock_guard lock(g_command_line_mutex);
  g_command_line = ShellQuote(args);
}

std::string RecordedCommandLine() {
  const std::lock_guard lock(g_command_line_mutex);
  return g_command_line;
}

std::string ShellQuote(const std::vector<std::string>& args) {
  static constexpr std::string_view kSafe =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%";
  std::string line;
  for (const std::string& arg : args) {
    if (!line.empty()) line += ' ';
    if (!arg.empty() && arg.find_first_not_of(kSafe) == std::string::npos) {
      line += arg;
      continue;
    }
    line += '\'';
    for (const char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

nlohmann::ordered_json DataFileHashes(const nlohmann::json& settings) {
  std::vector<std::string> values;
  CollectStrings(settings, values);
  nlohmann::ordered_json hashes = nlohmann::ordered_json::object();
  for (const std::string& value : values) {
    for (const std::string& candidate : FileCandidates(value)) {
      if (hashes.contains(candidate) || !IsRegularFile(candidate)) continue;
      hashes[candidate] = FileSha256(candidate);
    }
  }
  return hashes;
}

nlohmann::ordered_json StartProvenance(const nlohmann::json& settings) {
  nlohmann::ordered_json provenance;
  provenance["rlab_version"] = std::string(BuildVersion());
  provenance["git_commit"] = std::string(BuildGitCommit());
  provenance["command_line"] = RecordedCommandLine();
  provenance["host"] = HostName();
  provenance["data_files"] = DataFileHashes(settings);
  return provenance;
}

std::string ConfigWithProvenance(std::string_view config_yaml,
                                 const nlohmann::ordered_json& provenance) {
  std::string text(config_yaml.substr(0, BlockStart(config_yaml)));
  if (!text.empty() && text.back() != '\n') text += '\n';
  YAML::Emitter yaml;
  yaml << ToYamlNode(provenance);
  text += kBlockStart;
  text += '\n';
  std::istringstream lines(yaml.c_str());
  for (std::string line; std::getline(lines, line);)
    text += std::string(kBlockIndent) + line + "\n";
  return text;
}

nlohmann::ordered_json ProvenanceInConfig(std::string_view config_yaml) {
  const size_t start = BlockStart(config_yaml);
  if (start == std::string_view::npos) return nullptr;
  std::istringstream lines(std::string(config_yaml.substr(start + kBlockStart.size())));
  std::string yaml;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(kBlockIndent)) yaml += line.substr(kBlockIndent.size()) + "\n";
  }
  try {
    const nlohmann::ordered_json provenance = FromYamlNode(YAML::Load(yaml));
    return provenance.is_object() ? provenance : nlohmann::ordered_json();
  } catch (const YAML::Exception&) {
    return nullptr;  // an edited block: the run has no provenance to report
  }
}

nlohmann::ordered_json ReadProvenance(const fs::path& config_file) {
  return ProvenanceInConfig(ReadFile(config_file));
}

void RecordResume(const fs::path& config_file) {
  const std::string config_yaml = ReadFile(config_file);
  nlohmann::ordered_json provenance = ProvenanceInConfig(config_yaml);
  if (!provenance.is_object()) return;  // a run from before provenance: nothing to extend
  nlohmann::ordered_json& resumed = provenance["resumed"];
  if (!resumed.is_array()) resumed = nlohmann::ordered_json::array();
  resumed.push_back({{"command_line", RecordedCommandLine()}, {"time", UtcNow()}});
  WriteFileAtomic(config_file, ConfigWithProvenance(config_yaml, provenance));
}

}  // namespace rlab
