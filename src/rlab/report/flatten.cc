#include "rlab/report/flatten.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "rlab/report/scale.h"

namespace rlab::report {

namespace {

void FlattenInto(const nlohmann::json& value, const std::string& prefix,
                 std::vector<std::pair<std::string, nlohmann::json>>& out) {
  if (!value.is_object() || value.empty()) {
    out.emplace_back(prefix, value);
    return;
  }
  for (const auto& [key, child] : value.items()) {
    FlattenInto(child, prefix.empty() ? key : prefix + "." + key, out);
  }
}

std::string YamlText(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  if (node.IsNull()) return "";
  if (node.IsSequence()) {
    std::string text = "[";
    for (size_t i = 0; i < node.size(); ++i) text += (i ? ", " : "") + YamlText(node[i]);
    return text + "]";
  }
  YAML::Emitter flow;
  flow << YAML::Flow << node;
  return flow.c_str();
}

void FlattenYamlInto(const YAML::Node& node, const std::string& prefix,
                     std::map<std::string, std::string>& out) {
  if (!node.IsMap()) {
    out[prefix] = YamlText(node);
    return;
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    FlattenYamlInto(entry.second, prefix.empty() ? key : prefix + "." + key, out);
  }
}

}  // namespace

std::vector<std::pair<std::string, nlohmann::json>> FlattenJson(const nlohmann::json& value) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  if (value.is_object()) FlattenInto(value, "", out);
  return out;
}

std::map<std::string, std::string> FlattenYamlSettings(const std::string& yaml) {
  std::map<std::string, std::string> out;
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (root.IsMap()) FlattenYamlInto(root, "", out);
  } catch (const YAML::Exception&) {
    out.clear();  // the report shows the text as it is; there is just no diff to draw
  }
  return out;
}

std::string LeafText(const nlohmann::json& value) {
  if (value.is_number()) return FormatNumber(value.get<double>());
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    bool simple = true;
    for (const auto& v : value) simple = simple && (v.is_number() || v.is_string() || v.is_null());
    if (!simple) return fmt::format("{} entries", value.size());  // too big for a cell
    if (simple) {
      std::string text = "[";
      for (size_t i = 0; i < value.size(); ++i) {
        text += (i ? ", " : "") + (value[i].is_null() ? std::string("null") : LeafText(value[i]));
      }
      return text + "]";
    }
  }
  return value.dump();
}

}  // namespace rlab::report
