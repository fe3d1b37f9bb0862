#include "rlab/core/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace rlab {

namespace {
std::shared_ptr<spdlog::sinks::sink> g_console;
std::shared_ptr<spdlog::sinks::sink> g_file;

constexpr const char* kPattern = "[%Y-%m-%d %H:%M:%S] %^%l%$ %v";

void Rebuild() {
  std::vector<spdlog::sink_ptr> sinks;
  if (!g_console) g_console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  sinks.push_back(g_console);
  if (g_file) sinks.push_back(g_file);
  auto logger = std::make_shared<spdlog::logger>("rlab", sinks.begin(), sinks.end());
  logger->set_pattern(kPattern);
  logger->set_level(spdlog::get_level());
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}
}  // namespace

void InitConsoleLogging(bool verbose) {
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  Rebuild();
}

ScopedLogFile::ScopedLogFile(const std::filesystem::path& file) : previous_(g_file) {
  g_file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), /*truncate=*/false);
  Rebuild();
}

ScopedLogFile::~ScopedLogFile() {
  g_file = std::static_pointer_cast<spdlog::sinks::sink>(previous_);
  Rebuild();
}

void LogErrorToRunFile(const std::string& message) {
  if (!g_file) return;
  spdlog::logger file_only("rlab-file", g_file);
  file_only.set_pattern(kPattern);
  file_only.error("{}", message);
  file_only.flush();
}

}  // namespace rlab
