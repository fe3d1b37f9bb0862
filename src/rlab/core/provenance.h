// Provenance: what a run was made from, so that a result can be traced back and repeated. It
// is recorded when the run starts, as a comment block at the end of config.yaml (the config
// reader skips comments, so `rlab run config.yaml` and `rlab run --resume` read the file as
// before), and copied into summary.json:
//   rlab_version, git_commit (of the build), command_line (argv, shell-quoted), host,
//   data_files {path: sha256} (every setting that names an existing regular file),
//   resumed [{command_line, time}] (one entry per resume, added by RecordResume).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rlab {

// The machine's host name ("unknown" when it has none).
std::string HostName();

// Remembers the process's command line (called once by main) for RecordedCommandLine().
void RecordCommandLine(int argc, const char* const* argv);
// The recorded command line, shell-quoted; "" when none was recorded (tests, the library).
std::string RecordedCommandLine();
// `args` joined by spaces, each quoted for a POSIX shell when it needs to be.
std::string ShellQuote(const std::vector<std::string>& args);

// {path: sha256} of every value in `settings` ({"section.key": value or [values]}) that names
// an existing regular file: a path, a "scheme:path", or a "name(key=path,...)" spec argument.
nlohmann::ordered_json DataFileHashes(const nlohmann::json& settings);

// The provenance of a run starting now (see above; no `resumed` yet).
nlohmann::ordered_json StartProvenance(const nlohmann::json& settings);

// `config_yaml` with its provenance block replaced by (or ended with) that of `provenance`.
std::string ConfigWithProvenance(std::string_view config_yaml,
                                 const nlohmann::ordered_json& provenance);
// The provenance block of a config file's text; null when it has none (runs made before
// provenance was recorded).
nlohmann::ordered_json ProvenanceInConfig(std::string_view config_yaml);
// The provenance of the run whose config.yaml is `config_file` (null when none).
nlohmann::ordered_json ReadProvenance(const std::filesystem::path& config_file);
// Adds {command_line, time (UTC, ISO 8601)} to the `resumed` list in `config_file`'s block;
// the rest of the provenance stays as the run recorded it at its start.
void RecordResume(const std::filesystem::path& config_file);

}  // namespace rlab
