// Configs: plain structs that list their fields once, in a `Fields` method:
//
//   struct TrainConfig {
//     double lr = 1e-3;
//     int epochs = 10;
//     template <class V> void Fields(V& v) {
//       v("lr", lr, "learning rate");
//       v("epochs", epochs, "passes over the data");
//     }
//     void Validate() const { RLAB_CHECK(lr > 0, "train.lr must be > 0, got {}", lr); }
//   };
//
// That one table drives YAML parsing, dotted command-line overrides (`train.lr=1e-3`),
// command-line flags, help text with live defaults, and the copy saved in the run directory.
// Fields may be nested config structs (sections), scalars, or lists of scalars. Unknown keys
// and ill-typed values are errors that name the key (and the file and line).
#pragma once

#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/value_parse.h"

namespace rlab::config {

class FieldCollector;

// A setting that is valid but makes the run do nothing or waste itself (an off-policy agent
// that stops before it learns, evaluations that never come): a config's Validate(), or what
// a run builds from its config, reports it here instead of failing. The innermost
// WarningCollector alive on this thread keeps it; without one it is logged as a warning.
void Warn(std::string message);

// Keeps the Warn() calls made on this thread while it lives (FieldTable::Validate() has one;
// a run has one, whose warnings go into summary.json). `log`: also log each as it comes.
class WarningCollector {
 public:
  explicit WarningCollector(bool log = false);
  ~WarningCollector();
  WarningCollector(const WarningCollector&) = delete;
  WarningCollector& operator=(const WarningCollector&) = delete;

  void Add(std::string message);
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Names the section in the warnings kept since there were `from`.
  void PrefixSince(size_t from, const std::string& section);
  // The collector alive on this thread, if any.
  static WarningCollector* Current();

 private:
  bool log_;
  std::vector<std::string> warnings_;
  WarningCollector* outer_;
};

template <class T>
concept Section = requires(T& t, FieldCollector& c) {
  t.Fields(c);
};

template <class T>
concept Validatable = requires(const T& t) {
  t.Validate();
};

// One leaf of the table, bound to a member of a live config object. Values travel as
// strings (one scalar) or lists of strings (a list field), parsed by ValueCodec.
struct Field {
  std::string path;  // dotted, e.g. "train.lr"
  std::string type;  // "float", "int", "bool", "string", "list<int>", ...
  std::string help;
  bool is_list = false;
  std::function<void(const std::vector<std::string>&, const std::string& what)> set;
  std::function<std::vector<std::string>()> get;
};

struct SectionInfo {
  std::string path;  // dotted; "" is the root
  std::string help;
};

class FieldCollector {
 public:
  FieldCollector(std::vector<Field>* fields, std::vector<SectionInfo>* sections,
                 std::vector<std::function<void()>>* validators, std::string prefix)
      : fields_(fields), sections_(sections), validators_(validators), prefix_(std::move(prefix)) {}

  template <class T>
  void operator()(const char* name, T& value, const char* help) {
    const std::string path = prefix_ + name;
    if constexpr (Section<T>) {
      sections_->push_back({path, help});
      FieldCollector child(fields_, sections_, validators_, path + ".");
      value.Fields(child);
      AddValidator(value, path);
    } else {
      fields_->push_back(MakeField(path, value, help));
    }
  }

  template <class T>
  void AddValidator(T& value, const std::string& path) {
    if constexpr (Validatable<T>) {
      validators_->push_back([&value, path] {
        WarningCollector* warnings = WarningCollector::Current();
        const size_t warnings_before = warnings ? warnings->warnings().size() : 0;
        try {
          value.Validate();
          if (warnings && !path.empty()) warnings->PrefixSince(warnings_before, path);
        } catch (const Error& e) {
          throw Error(path.empty() ? e.what() : fmt::format("config '{}': {}", path, e.what()));
        }
      });
    }
  }

 private:
  template <class T>
  static Field MakeField(const std::string& path, T& value, const char* help) {
    Field f{path, ValueCodec<T>::kTypeName, help};
    f.set = [&value](const std::vector<std::string>& v, const std::string& what) {
      RLAB_CHECK(v.size() == 1, "{}: expected a single {}, got a list", what,
                 ValueCodec<T>::kTypeName);
      value = ValueCodec<T>::Parse(v[0], what);
    };
    f.get = [&value] { return std::vector<std::string>{ValueCodec<T>::Format(value)}; };
    return f;
  }

  template <class T>
  static Field MakeField(const std::string& path, std::vector<T>& value, const char* help) {
    Field f{path, std::string("list<") + ValueCodec<T>::kTypeName + ">", help, true};
    f.set = [&value](const std::vector<std::string>& v, const std::string& what) {
      std::vector<T> parsed;
      for (size_t i = 0; i < v.size(); ++i) {
        parsed.push_back(ValueCodec<T>::Parse(v[i], fmt::format("{} (item {})", what, i)));
      }
      value = std::move(parsed);
    };
    f.get = [&value] {
      std::vector<std::string> out;
      for (const T& x : value) out.push_back(ValueCodec<T>::Format(x));
      return out;
    };
    return f;
  }

  std::vector<Field>* fields_;
  std::vector<SectionInfo>* sections_;
  std::vector<std::function<void()>>* validators_;
  std::string prefix_;
};

// The field table of one live config object. It holds references into that object, so
// the object must outlive the table.
class FieldTable {
 public:
  template <Section C>
  static FieldTable Of(C& config) {
    FieldTable table;
    FieldCollector root(&table.fields_, &table.sections_, &table.validators_, "");
    config.Fields(root);
    root.AddValidator(config, "");
    return table;
  }

  // Applies a YAML document. `source` names it in errors ("examples/x.yaml").
  // Top-level keys listed in `reserved` are skipped (for example "pipeline").
  void ApplyYamlText(const std::string& yaml_text, const std::string& source,
                     const std::vector<std::string>& reserved = {});
  void ApplyYamlFile(const std::string& path, const std::vector<std::string>& reserved = {});
  // Applies "a.b=value"; value is YAML (so lists are written [1, 2]).
  void ApplyOverride(std::string_view assignment);
  // Runs every section's Validate(), innermost first, and returns the warnings they reported
  // (see Warn()), each naming its section.
  std::vector<std::string> Validate() const;

  // The config as YAML text, with `header` lines (for example "pipeline: x") first.
  std::string ToYaml(const std::vector<std::pair<std::string, std::string>>& header = {}) const;
  // One line per field: path, type, current value (the live default) and help.
  std::string Help() const;

  const std::vector<Field>& fields() const { return fields_; }
  const Field* Find(std::string_view path) const;
  Field& Require(std::string_view path, std::string_view where);

 private:
  std::vector<Field> fields_;
  std::vector<SectionInfo> sections_;
  std::vector<std::function<void()>> validators_;
};

// The scalar under a top-level key of a YAML file ("pipeline: bt-recovery"), if present.
// Malformed YAML is an error naming the file and line.
std::optional<std::string> TopLevelScalar(const std::string& path, const std::string& key);

// Convenience: the YAML text of a config struct.
template <Section C>
std::string ToYaml(C& config) {
  return FieldTable::Of(config).ToYaml();
}

}  // namespace rlab::config
