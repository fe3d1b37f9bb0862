#include "rlab/core/io.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rlab/core/check.h"
#include "rlab/core/json_text.h"

namespace rlab {

namespace {

std::string Errno() { return std::strerror(errno); }

// Removes a temporary file left by a failed write; never throws (it runs on error paths).
void RemoveQuietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

// Flushes the directory entry of `file` to disk. File systems that cannot sync a directory
// (EINVAL) have nothing to flush.
void SyncDirectory(const fs::path& file) {
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  RLAB_CHECK(fd >= 0, "cannot open the directory of '{}' to make it durable: {}", file.string(),
             Errno());
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  const std::string error = synced ? "" : Errno();
  ::close(fd);
  RLAB_CHECK(synced, "cannot make '{}' durable (fsync of its directory): {}", file.string(), error);
}

// A directory opens like an empty file on Linux; readers say what it is instead.
void CheckNotADirectory(const fs::path& path) {
  std::error_code ignored;
  RLAB_CHECK(!fs::is_directory(path, ignored), "cannot read '{}': it is a directory, not a file",
             path.string());
}

// Fault-injection point for the kill tests (tests/pipeline/run/kill_support.h). A process
// started with
//   RLAB_FAULT_KILL_BEFORE_RENAME=<file name>:<n>
// sends itself SIGKILL right before its n-th atomic rename onto a file of that name (a glob:
// `step-*.pt` is any checkpoint), when the temporary file is complete and on disk and the old
// file still in place; RLAB_FAULT_KILL_AFTER_RENAME=<file name>:<n> right after that rename
// is durable. So a test can kill a run at an exact moment (before its first checkpoint,
// between a checkpoint and latest.json, between summary.json's temporary write and its
// rename) instead of racing it. Each variable is read once, at the process's first rename.
class RenameFault {
 public:
  explicit RenameFault(const char* variable) {
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') return;
    const std::string_view text(value);
    const size_t colon = text.rfind(':');
    const char* count_end = text.data() + text.size();
    const bool parsed =
        colon != std::string_view::npos && colon > 0 &&
        std::from_chars(text.data() + colon + 1, count_end, occurrence_).ptr == count_end;
    RLAB_CHECK(parsed && occurrence_ >= 1,
               "{}='{}': expected <file name>:<n>, n >= 1 (for example latest.json:2)", variable,
               text);
    pattern_ = std::string(text.substr(0, colon));
  }

  // Kills the process when `path` is the n-th renamed file whose name matches.
  void At(const fs::path& path) {
    if (occurrence_ == 0 || ::fnmatch(pattern_.c_str(), path.filename().c_str(), 0) != 0) return;
    if (++matches_ != occurrence_) return;
    ::kill(::getpid(), SIGKILL);
    while (true) ::pause();  // SIGKILL to oneself arrives before kill() returns
  }

 private:
  std::string pattern_;
  int64_t occurrence_ = 0;  // 0: no fault
  std::atomic<int64_t> matches_{0};
};

RenameFault& KillBeforeRename() {
  static RenameFault fault("RLAB_FAULT_KILL_BEFORE_RENAME");
  return fault;
}

RenameFault& KillAfterRename() {
  static RenameFault fault("RLAB_FAULT_KILL_AFTER_RENAME");
  return fault;
}

// Renames the finished temporary file over `path` and makes the rename durable; the
// temporary file is removed when the rename fails.
void RenameIntoPlace(const fs::path& tmp, const fs::path& path) {
  KillBeforeRename().At(path);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string rename_error = Errno();
    RemoveQuietly(tmp);
    RLAB_FAIL("cannot replace '{}': {}", path.string(), rename_error);
  }
  SyncDirectory(path);
  KillAfterRename().At(path);
}

}  // namespace

fs::path TempPathFor(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return dir / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
}

void CommitTempFile(const fs::path& tmp, const fs::path& path) {
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  const std::string error = synced ? "" : Errno();
  if (fd >= 0) ::close(fd);
  if (!synced) {
    RemoveQuietly(tmp);
    RLAB_FAIL("cannot write '{}': {} (while flushing it to disk)", path.string(), error);
  }
  RenameIntoPlace(tmp, path);
}

void WriteFileAtomic(const fs::path& path, std::string_view content) {
  const fs::path tmp = TempPathFor(path);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  RLAB_CHECK(f != nullptr, "cannot write '{}': {} (is the directory writable?)", path.string(),
             Errno());
  // Every step can fail on a full disk or an I/O error: the data may only reach the disk at
  // fsync or even at close.
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
            std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  std::string error = ok ? "" : Errno();
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    error = Errno();
  }
  if (!ok) {
    RemoveQuietly(tmp);
    RLAB_FAIL("cannot write '{}': {}", path.string(), error);
  }
  RenameIntoPlace(tmp, path);
}

std::string ReadFile(const fs::path& path) {
  CheckNotADirectory(path);
  std::ifstream in(path, std::ios::binary);
  RLAB_CHECK(in.good(), "cannot read '{}': {}", path.string(), Errno());
  std::stringstream buffer;
  buffer << in.rdbuf();
  RLAB_CHECK(!in.bad(), "cannot read '{}': {}", path.string(), Errno());
  return buffer.str();
}

nlohmann::json ReadJsonFile(const fs::path& path) {
  return ParseJsonDocument(ReadFile(path), path.string());
}

JsonlReader::JsonlReader(const fs::path& path) : path_(path) {
  CheckNotADirectory(path);
  file_ = std::fopen(path.c_str(), "rb");
  RLAB_CHECK(file_ != nullptr, "cannot read '{}': {}", path.string(), Errno());
}

JsonlReader::~JsonlReader() {
  if (file_) std::fclose(file_);
}

std::string JsonlReader::Where() const { return fmt::format("{}:{}", path_.string(), line_); }

bool JsonlReader::Next(nlohmann::json& out) {
  std::string line;
  while (true) {
    line.clear();
    int c;
    bool any = false;
    while ((c = std::fgetc(file_)) != EOF) {
      any = true;
      if (c == '\n') break;
      line.push_back(static_cast<char>(c));
    }
    RLAB_CHECK(!std::ferror(file_), "cannot read '{}' after line {}: {}", path_.string(), line_,
               Errno());
    if (!any) return false;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    out = ParseJsonLine(line, Where());
    RLAB_CHECK(out.is_object(), "{}:{}: expected a JSON object per line, got {}", path_.string(),
               line_, out.type_name());
    return true;
  }
}

void ForEachJsonl(const fs::path& path, const std::function<void(const nlohmann::json&)>& fn) {
  JsonlReader reader(path);
  nlohmann::json object;
  while (reader.Next(object)) fn(object);
}

JsonlWriter::JsonlWriter(const fs::path& path, bool append) : path_(path) {
  file_ = std::fopen(path.c_str(), append ? "ab" : "wb");
  RLAB_CHECK(file_ != nullptr, "cannot write '{}': {}", path.string(), Errno());
}

JsonlWriter::~JsonlWriter() {
  if (file_) std::fclose(file_);
}

JsonlWriter::JsonlWriter(JsonlWriter&& other) noexcept
    : path_(std::move(other.path_)), file_(std::exchange(other.file_, nullptr)) {}

JsonlWriter& JsonlWriter::operator=(JsonlWriter&& other) noexcept {
  if (this != &other) {
    if (file_) std::fclose(file_);
    path_ = std::move(other.path_);
    file_ = std::exchange(other.file_, nullptr);
  }
  return *this;
}

void JsonlWriter::WriteLine(const std::string& line) {
  RLAB_CHECK(file_ != nullptr, "JSONL writer is not open");
  // One fwrite + fflush per line: a kill leaves at most a torn last line.
  const std::string with_newline = line + "\n";
  RLAB_CHECK(
      std::fwrite(with_newline.data(), 1, with_newline.size(), file_) == with_newline.size() &&
          std::fflush(file_) == 0,
      "cannot append to '{}': {}", path_.string(), Errno());
}

void JsonlWriter::Write(const nlohmann::json& object) { WriteLine(object.dump()); }
void JsonlWriter::Write(const nlohmann::ordered_json& object) { WriteLine(object.dump()); }

int64_t FilterJsonl(const fs::path& path, const std::function<bool(const nlohmann::json&)>& keep) {
  if (!fs::exists(path)) return 0;
  const std::string text = ReadFile(path);
  std::string kept_text;
  int64_t kept = 0;
  std::istringstream in(text);
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (in.eof() && !text.empty() && text.back() != '\n') break;  // torn last line
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // A bad line throws before anything is rewritten.
    nlohmann::json object = ParseJsonLine(line, fmt::format("{}:{}", path.string(), number));
    if (keep(object)) {
      kept_text += line + "\n";
      ++kept;
    }
  }
  WriteFileAtomic(path, kept_text);
  return kept;
}

}  // namespace rlab
