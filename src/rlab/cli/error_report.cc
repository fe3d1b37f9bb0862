#include "rlab/cli/error_report.h"

#include <c10/util/Exception.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <new>
#include <regex>
#include <string_view>
#include <vector>

#include "rlab/core/stop_signal.h"
#include "rlab/core/suggest.h"

namespace rlab::cli {

namespace {

void PrintErrorLine(const std::string& message) {
  std::fprintf(stderr, "rlab: error: %s\n", message.c_str());
}

// The innermost subcommand the command line selected (the app itself when none).
const CLI::App& Selected(const CLI::App& app) {
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
  return *at;
}

// "rlab data inspect": the command line's words up to the selected subcommand.
std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    path += " " + at->get_name();
  }
  return path;
}

std::string HelpHint(const CLI::App& app) {
  return fmt::format("see `{} --help`", CommandPath(app));
}

// How far `typed` is from the command `name`, also counting a match with the name's first
// word ("train" for "train-rm").
size_t CommandDistance(std::string_view typed, std::string_view name) {
  const std::string_view first_word = name.substr(0, name.find('-'));
  return std::min(EditDistance(typed, name), EditDistance(typed, first_word) + 1);
}

// The subcommand names (aliases too) of `app` nearest to `typed`, if any is near enough to be
// a likely typo.
std::vector<std::string> ClosestCommands(const CLI::App& app, const std::string& typed) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
    for (const std::string& alias : sub->get_aliases()) names.push_back(alias);
  }
  std::sort(names.begin(), names.end());
  return ClosestNames(typed, names, TypoDistanceFor(typed), CommandDistance);
}

// The flags the selected command takes, as typed ("--steps", "-v").
std::vector<std::string> FlagsOf(const CLI::App& app) {
  std::vector<std::string> flags;
  for (const CLI::Option* option : Selected(app).get_options()) {
    for (const std::string& name : option->get_lnames()) flags.push_back("--" + name);
    for (const std::string& name : option->get_snames()) flags.push_back("-" + name);
  }
  std::sort(flags.begin(), flags.end());
  return flags;
}

// The first word CLI11 did not expect that looks like a flag ("--stpes"), from its message
// "The following argument(s) was not expected: A B".
std::string UnexpectedFlag(const CLI::ParseError& error) {
  if (dynamic_cast<const CLI::ExtrasError*>(&error) == nullptr) return {};
  const std::string_view message = error.what();
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return {};
  std::string_view words = message.substr(colon + 2);
  while (!words.empty()) {
    const std::string_view word = words.substr(0, words.find(' '));
    if (word.size() > 1 && word.front() == '-') return std::string(word.substr(0, word.find('=')));
    words.remove_prefix(std::min(words.size(), word.size() + 1));
  }
  return {};
}

// "unknown flag '--stpes' (did you mean `--steps`?); see `rlab control-rl --help`".
std::string UnknownFlag(const CLI::App& app, const std::string& typed) {
  const std::vector<std::string> closest =
      ClosestNames(typed, FlagsOf(app), TypoDistanceFor(typed));
  std::string message = fmt::format("unknown flag '{}'", typed);
  for (size_t i = 0; i < closest.size(); ++i) {
    message += fmt::format("{}`{}`", i == 0 ? " (did you mean " : " or ", closest[i]);
  }
  if (!closest.empty()) message += "?)";
  return message + "; " + HelpHint(app);
}

// "unknown command 'trian' (did you mean `rlab train-rl` or `rlab train-rm`?)".
std::string UnknownCommand(const CLI::App& app, const std::string& typed) {
  const CLI::App& at = Selected(app);
  std::string message = fmt::format("unknown command '{}'", typed);
  const std::vector<std::string> closest = ClosestCommands(at, typed);
  const std::string path = CommandPath(app);
  for (size_t i = 0; i < closest.size(); ++i) {
    message += fmt::format("{}`{} {}`", i == 0 ? " (did you mean " : " or ", path, closest[i]);
  }
  if (!closest.empty()) message += "?)";
  return message + fmt::format("; `{} --help` lists the commands", path);
}

// The word the user gave where a subcommand of the selected command was expected, if any.
std::string UnmatchedCommandWord(const CLI::App& app) {
  const CLI::App& at = Selected(app);
  if (at.get_subcommands([](const CLI::App*) { return true; }).empty()) return {};
  for (const std::string& word : at.remaining()) {
    if (!word.empty() && word.front() != '-') return word;
  }
  return {};
}

std::string FirstLine(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

// "762.9 MiB"
std::string ReadableBytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 4) {
    bytes /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} bytes", bytes)
                   : fmt::format("{:.1f} {}", bytes, units[unit]);
}

constexpr const char* kLowerMemory =
    "lower the setting that sizes it: a batch size, the sequence length, the model's or the "
    "data's size (`rlab pipelines NAME` lists a pipeline's keys)";

// libtorch's allocator says how much it tried to allocate: "... you tried to allocate 800000000
// bytes ...". Returns the user's line for an out-of-memory error, or "" for other errors.
std::string OutOfMemoryMessage(const std::string& libtorch_message) {
  static const std::regex tried(R"(tried to allocate (\d+) bytes)");
  const bool out_of_memory = libtorch_message.find("can't allocate memory") != std::string::npos ||
                             libtorch_message.find("not enough memory") != std::string::npos ||
                             libtorch_message.find("out of memory") != std::string::npos;
  if (!out_of_memory) return {};
  std::smatch match;
  if (std::regex_search(libtorch_message, match, tried)) {
    return fmt::format("out of memory: a tensor of {} ({} bytes) could not be allocated; {}",
                       ReadableBytes(std::stod(match[1].str())), match[1].str(), kLowerMemory);
  }
  return fmt::format("out of memory ({}); {}", libtorch_message, kLowerMemory);
}

// The first line of a libtorch error, without the backtrace and without the "[enforce fail at
// alloc_cpu.cpp:75] err == 0. " prefix that names libtorch's own source.
std::string LibtorchMessage(const c10::Error& error) {
  static const std::regex enforce_prefix(R"(^\[enforce fail at [^\]]*\] [^.]*\. )");
  const std::string line =
      std::regex_replace(FirstLine(error.what_without_backtrace()), enforce_prefix, "");
  const std::string out_of_memory = OutOfMemoryMessage(line);
  return out_of_memory.empty() ? line : out_of_memory;
}

// Any other message on one line: a backtrace a message may carry is dropped, line breaks
// become spaces.
std::string OneLine(std::string_view text) {
  for (const char* backtrace : {"\nException raised from ", "\nframe #0"}) {
    text = text.substr(0, text.find(backtrace));
  }
  std::string line(text);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

}  // namespace

int ReportParseError(CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
  const std::string unmatched = UnmatchedCommandWord(app);
  const std::string unexpected_flag = UnexpectedFlag(error);
  if (!unmatched.empty()) {
    PrintErrorLine(UnknownCommand(app, unmatched));
  } else if (!unexpected_flag.empty()) {
    PrintErrorLine(UnknownFlag(app, unexpected_flag));
  } else if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
             !Selected(app).get_subcommands([](const CLI::App*) { return true; }).empty() &&
             std::string_view(error.what()).find("subcommand") != std::string_view::npos) {
    PrintErrorLine(
        fmt::format("no command given; `{} --help` lists the commands", CommandPath(app)));
  } else {
    PrintErrorLine(fmt::format("{} ({})", OneLine(error.what()), HelpHint(app)));
  }
  return kUsageExit;
}

int ReportCurrentException(const CLI::App& app) {
  try {
    throw;
  } catch (const RunInterrupted& e) {
    std::fprintf(stderr, "rlab: %s; resume with `rlab run --resume %s`\n", e.what(),
                 e.run_to_resume().c_str());
    return e.exit_status();
  } catch (const UsageError& e) {
    PrintErrorLine(fmt::format("{} ({})", OneLine(e.what()), HelpHint(app)));
    return kUsageExit;
  } catch (const c10::Error& e) {
    PrintErrorLine(LibtorchMessage(e));
  } catch (const std::bad_alloc&) {
    PrintErrorLine(fmt::format("out of memory: an allocation failed; {}", kLowerMemory));
  } catch (const std::exception& e) {
    PrintErrorLine(OneLine(e.what()));
  } catch (...) {
    PrintErrorLine("an unexpected failure that carries no message");
  }
  return kFailureExit;
}

}  // namespace rlab::cli
