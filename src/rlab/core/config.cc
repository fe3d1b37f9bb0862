#include "rlab/core/config.h"

#include <yaml-cpp/depthguard.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "rlab/core/io.h"
#include "rlab/core/registry.h"
#include "rlab/core/suggest.h"

namespace rlab::config {

namespace {

std::string Where(const std::string& source, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return source;
  return fmt::format("{}:{}:{}", source, m.line + 1, m.column + 1);
}

// Keys valid directly under `prefix` (fields and sections), for error messages.
std::vector<std::string> KeysUnder(const std::vector<Field>& fields,
                                   const std::vector<SectionInfo>& sections,
                                   const std::string& prefix) {
  std::vector<std::string> keys;
  auto add = [&](const std::string& path) {
    if (path.rfind(prefix, 0) != 0) return;
    const std::string rest = path.substr(prefix.size());
    if (rest.empty() || rest.find('.') != std::string::npos) return;
    if (std::find(keys.begin(), keys.end(), rest) == keys.end()) keys.push_back(rest);
  };
  for (const auto& f : fields) add(f.path);
  for (const auto& s : sections) add(s.path);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::string> ScalarsOf(const YAML::Node& node, const Field& field,
                                   const std::string& what) {
  if (node.IsSequence()) {
    RLAB_CHECK(field.is_list, "{}: expected a single {}, got a list", what, field.type);
    std::vector<std::string> out;
    for (const auto& item : node) {
      RLAB_CHECK(item.IsScalar(), "{}: list items must be plain values", what);
      out.push_back(item.Scalar());
    }
    return out;
  }
  RLAB_CHECK(!node.IsNull(),
             "{}: expected {}, got no value (null); leave the key out for the "
             "default",
             what, field.type);
  RLAB_CHECK(node.IsScalar(), "{}: expected {}, got a mapping", what, field.type);
  if (field.is_list && node.Scalar().empty()) return {};
  return {node.Scalar()};
}

void ApplyNode(const YAML::Node& map, const std::string& prefix, const std::string& source,
               const std::vector<std::string>& reserved, FieldTable& table,
               const std::vector<Field>& fields, const std::vector<SectionInfo>& sections) {
  RLAB_CHECK(map.IsMap(), "{}: expected a mapping of keys{}", Where(source, map),
             prefix.empty() ? "" : " under '" + prefix.substr(0, prefix.size() - 1) + "'");
  // YAML forbids a key twice in one mapping; the parser keeps both, so the later one would
  // silently win.
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : map) {
    RLAB_CHECK(kv.first.IsScalar(), "{}: a key must be a plain name{}, not a list or a mapping",
               Where(source, kv.first),
               prefix.empty() ? "" : " under '" + prefix.substr(0, prefix.size() - 1) + "'");
    const std::string key = kv.first.Scalar();
    if (auto [first, inserted] = seen.emplace(key, kv.first.Mark()); !inserted) {
      RLAB_FAIL("{}: duplicate key '{}{}' (first given at line {}); keep one of the two",
                Where(source, kv.first), prefix, key, first->second.line + 1);
    }
    if (prefix.empty() && std::find(reserved.begin(), reserved.end(), key) != reserved.end()) {
      continue;
    }
    const std::string path = prefix + key;
    const std::string where = Where(source, kv.first);
    const bool is_section = std::any_of(sections.begin(), sections.end(),
                                        [&](const SectionInfo& s) { return s.path == path; });
    if (is_section) {
      if (kv.second.IsNull()) continue;
      ApplyNode(kv.second, path + ".", source, reserved, table, fields, sections);
      continue;
    }
    const Field* field = table.Find(path);
    if (!field) {
      std::vector<std::string> valid = KeysUnder(fields, sections, prefix);
      if (prefix.empty()) valid.insert(valid.end(), reserved.begin(), reserved.end());
      std::vector<std::string> valid_paths;
      for (const std::string& key : valid) valid_paths.push_back(prefix + key);
      RLAB_FAIL("{}: unknown key '{}'{}; valid keys{}: {}", where, path,
                DidYouMeanKey(path, valid_paths),
                prefix.empty() ? "" : " under '" + prefix.substr(0, prefix.size() - 1) + "'",
                JoinNames(valid));
    }
    const std::string what = fmt::format("{}: key '{}'", Where(source, kv.second), path);
    field->set(ScalarsOf(kv.second, *field, what), what);
  }
}

}  // namespace

namespace {
// yaml-cpp refuses collections nested deeper than this (its parser's DepthGuard<500>).
constexpr int kYamlDepthLimit = 500;

YAML::Node LoadYaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    RLAB_FAIL("{}:{}:{}: the YAML nests deeper than the parser's limit of {} levels; a config "
              "needs only a few (sections, then keys)",
              source, e.mark.line + 1, e.mark.column + 1, kYamlDepthLimit);
  } catch (const YAML::ParserException& e) {
    RLAB_FAIL("{}:{}:{}: malformed YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
}

std::string ReadConfigText(const std::string& path) {
  RLAB_CHECK(std::filesystem::is_regular_file(path), "cannot read config file '{}'", path);
  return ReadFile(path);
}
}  // namespace

std::optional<std::string> TopLevelScalar(const std::string& path, const std::string& key) {
  const YAML::Node root = LoadYaml(ReadConfigText(path), path);
  if (!root.IsMap() || !root[key]) return std::nullopt;
  const YAML::Node value = root[key];
  RLAB_CHECK(value.IsScalar(), "{}: key '{}' must be a plain value", Where(path, value), key);
  return value.Scalar();
}

const Field* FieldTable::Find(std::string_view path) const {
  for (const Field& f : fields_) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

Field& FieldTable::Require(std::string_view path, std::string_view where) {
  for (Field& f : fields_) {
    if (f.path == path) return f;
  }
  std::vector<std::string> valid;
  for (const Field& f : fields_) valid.push_back(f.path);
  RLAB_FAIL("{}: unknown key '{}'{}; valid keys: {}", where, path, DidYouMeanKey(path, valid),
            JoinNames(valid));
}

void FieldTable::ApplyYamlText(const std::string& yaml_text, const std::string& source,
                               const std::vector<std::string>& reserved) {
  const YAML::Node root = LoadYaml(yaml_text, source);
  if (root.IsNull()) return;  // an empty file keeps every default
  ApplyNode(root, "", source, reserved, *this, fields_, sections_);
}

void FieldTable::ApplyYamlFile(const std::string& path, const std::vector<std::string>& reserved) {
  ApplyYamlText(ReadConfigText(path), path, reserved);
}

void FieldTable::ApplyOverride(std::string_view assignment) {
  const size_t eq = assignment.find('=');
  RLAB_CHECK(eq != std::string_view::npos && eq > 0,
             "override '{}': expected key=value, for example train.lr=1e-3", assignment);
  const std::string key(assignment.substr(0, eq));
  const std::string value(assignment.substr(eq + 1));
  const std::string where = fmt::format("override '{}'", assignment);
  Field& field = Require(key, where);
  YAML::Node node;
  try {
    node = YAML::Load(value);
  } catch (const YAML::ParserException& e) {
    node = YAML::Node(value);  // not YAML: take the raw text as one scalar
  }
  if (node.IsNull()) node = YAML::Node(value);
  const std::string what = fmt::format("{}: key '{}'", where, key);
  field.set(ScalarsOf(node, field, what), what);
}

namespace {
thread_local WarningCollector* t_warnings = nullptr;
}  // namespace

WarningCollector::WarningCollector(bool log) : log_(log), outer_(t_warnings) { t_warnings = this; }

WarningCollector::~WarningCollector() { t_warnings = outer_; }

WarningCollector* WarningCollector::Current() { return t_warnings; }

void WarningCollector::Add(std::string message) {
  if (log_) spdlog::warn("{}", message);
  warnings_.push_back(std::move(message));
}

void WarningCollector::PrefixSince(size_t from, const std::string& section) {
  for (size_t i = from; i < warnings_.size(); ++i) {
    warnings_[i] = fmt::format("config '{}': {}", section, warnings_[i]);
  }
}

void Warn(std::string message) {
  if (t_warnings == nullptr) {
    spdlog::warn("{}", message);
    return;
  }
  t_warnings->Add(std::move(message));
}

std::vector<std::string> FieldTable::Validate() const {
  WarningCollector collector;
  for (const auto& v : validators_) v();
  return collector.warnings();
}

std::string FieldTable::ToYaml(
    const std::vector<std::pair<std::string, std::string>>& header) const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& [k, v] : header) out << YAML::Key << k << YAML::Value << v;
  // Emit fields grouped by section, in declaration order.
  std::vector<std::string> open;  // currently open section path components
  for (const Field& f : fields_) {
    std::vector<std::string> parts;
    std::stringstream ss(f.path);
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    size_t common = 0;
    while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common]) {
      ++common;
    }
    while (open.size() > common) {
      out << YAML::EndMap;
      open.pop_back();
    }
    for (size_t i = common; i + 1 < parts.size(); ++i) {
      out << YAML::Key << parts[i] << YAML::Value << YAML::BeginMap;
      open.push_back(parts[i]);
    }
    out << YAML::Key << parts.back() << YAML::Value;
    const std::vector<std::string> values = f.get();
    if (f.is_list) {
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& v : values) out << v;
      out << YAML::EndSeq;
    } else {
      out << values.at(0);
    }
  }
  while (!open.empty()) {
    out << YAML::EndMap;
    open.pop_back();
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string FieldTable::Help() const {
  std::string out;
  for (const Field& f : fields_) {
    const std::vector<std::string> values = f.get();
    std::string shown;
    if (f.is_list) {
      shown = values.empty() ? std::string("[]") : fmt::format("[{}]", JoinNames(values));
    } else {
      shown = values.at(0);
    }
    out += fmt::format("  {:<28} {:<12} {:<14} {}\n", f.path, f.type, shown, f.help);
  }
  return out;
}

}  // namespace rlab::config
