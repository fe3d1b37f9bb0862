// File I/O with two promises: a reader's error names the file and line, and a writer never
// leaves a half-written file behind (atomic replace) or loses lines already written (append,
// one flushed line at a time).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace rlab {

namespace fs = std::filesystem;

// Writes `content` to a temporary file beside `path`, flushes it to disk, then renames it
// over `path`: readers see the old file or the new one, never a mixture.
void WriteFileAtomic(const fs::path& path, std::string_view content);
// The two halves of an atomic write, for writers that produce the file themselves (for
// example a libtorch archive): write to TempPathFor(path), then CommitTempFile(tmp, path)
// flushes it to disk and renames it over `path` (removing it on failure).
fs::path TempPathFor(const fs::path& path);
void CommitTempFile(const fs::path& tmp, const fs::path& path);
std::string ReadFile(const fs::path& path);
// Reads a whole JSON document; a parse error names the file and the byte where it fails.
nlohmann::json ReadJsonFile(const fs::path& path);

// Reads JSON Lines. Blank lines are skipped; a malformed line is an error naming file:line.
class JsonlReader {
 public:
  explicit JsonlReader(const fs::path& path);
  ~JsonlReader();
  JsonlReader(const JsonlReader&) = delete;
  JsonlReader& operator=(const JsonlReader&) = delete;

  // Reads the next object into `out`; false at end of file.
  bool Next(nlohmann::json& out);
  int64_t line() const { return line_; }  // 1-based number of the line last read
  const fs::path& path() const { return path_; }
  // "file:line" of the last line read, for errors about its fields.
  std::string Where() const;

 private:
  fs::path path_;
  std::FILE* file_ = nullptr;
  int64_t line_ = 0;
};

// Calls `fn` on every object of a JSONL file.
void ForEachJsonl(const fs::path& path, const std::function<void(const nlohmann::json&)>& fn);

// Appends JSON objects, one per line, each flushed as it is written.
class JsonlWriter {
 public:
  JsonlWriter() = default;
  explicit JsonlWriter(const fs::path& path, bool append = true);
  ~JsonlWriter();
  JsonlWriter(JsonlWriter&& other) noexcept;
  JsonlWriter& operator=(JsonlWriter&& other) noexcept;

  void Write(const nlohmann::json& object);
  void Write(const nlohmann::ordered_json& object);
  bool is_open() const { return file_ != nullptr; }

 private:
  void WriteLine(const std::string& line);
  fs::path path_;
  std::FILE* file_ = nullptr;
};

// Rewrites a JSONL file atomically, keeping the lines for which `keep` is true. A torn last
// line (from a killed writer) is dropped. Returns the number of lines kept.
int64_t FilterJsonl(const fs::path& path, const std::function<bool(const nlohmann::json&)>& keep);

}  // namespace rlab
