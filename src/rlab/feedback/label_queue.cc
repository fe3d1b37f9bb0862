#include "rlab/feedback/label_queue.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <utility>

#include "rlab/core/check.h"

namespace rlab::feedback {

namespace fs = std::filesystem;

namespace {

// Version 1: tables `comparisons` and `labels` as created below.
constexpr int kSchemaVersion = 1;
// How long a statement waits for another process's write lock before failing.
constexpr int kBusyTimeoutMs = 10000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS comparisons (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  source TEXT NOT NULL,
  queued TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS labels (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  comparison_id TEXT NOT NULL REFERENCES comparisons(id),
  labeller TEXT NOT NULL,
  choice TEXT NOT NULL CHECK (choice IN ('left', 'right', 'tie', 'skip')),
  time TEXT NOT NULL,
  UNIQUE (comparison_id, labeller)
);
CREATE INDEX IF NOT EXISTS labels_by_labeller ON labels (labeller, comparison_id);
)sql";

std::string UtcNowIso8601() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", text, static_cast<int>(millis));
}

bool IsChoice(const std::string& choice) {
  return choice == "left" || choice == "right" || choice == "tie" || choice == "skip";
}

// Checks a comparison's fields and payload against the layout in label_queue.h.
void CheckComparison(const Comparison& c, const fs::path& path) {
  RLAB_CHECK(!c.id.empty(), "{}: cannot queue a comparison with an empty id", path.string());
  const std::string where = fmt::format("{}: comparison '{}'", path.string(), c.id);
  RLAB_CHECK(c.payload.is_object(), "{}: payload must be a JSON object, got {}", where,
             c.payload.type_name());
  if (c.kind == "text") {
    for (const char* field : {"prompt", "left", "right"}) {
      RLAB_CHECK(c.payload.contains(field) && c.payload[field].is_string(),
                 "{}: payload field '{}' must be a string (text comparisons hold prompt, left "
                 "and right)",
                 where, field);
    }
  } else if (c.kind == "segments") {
    for (const char* field : {"left", "right"}) {
      RLAB_CHECK(c.payload.contains(field) && c.payload[field].is_object(),
                 "{}: payload field '{}' must be an object with \"observations\" and "
                 "\"actions\"",
                 where, field);
    }
    for (const char* field : {"first_segment", "second_segment"}) {
      RLAB_CHECK(c.payload.contains(field) && c.payload[field].is_number_integer(),
                 "{}: payload field '{}' must be the segment's id (a whole number)", where, field);
    }
  } else {
    RLAB_FAIL("{}: kind '{}' is not one of text, segments", where, c.kind);
  }
}

}  // namespace

namespace {

// Runs SQL without results; a failure names the database and what failed.
void Exec(sqlite3* db, const fs::path& path, const char* sql, const std::string& what) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    RLAB_FAIL("{}: {}: {}", path.string(), what, text);
  }
}

// A prepared statement, finalized on scope exit; its errors name the database and the action.
class Statement {
 public:
  Statement(sqlite3* db, const fs::path& path, const char* sql, std::string what)
      : db_(db), path_(path), what_(std::move(what)) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) Fail();
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, const std::string& text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
      Fail();
    }
    return *this;
  }
  // True while a row is available; false when done.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail();
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text != nullptr ? std::string(text, sqlite3_column_bytes(stmt_, column)) : "";
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  [[noreturn]] void Fail() const {
    RLAB_FAIL("{}: {}: {}", path_.string(), what_, sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  const fs::path& path_;
  std::string what_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Rolls back an open transaction unless it was committed.
class Transaction {
 public:
  Transaction(sqlite3* db, const fs::path& path, const std::string& what)
      : db_(db), path_(path), what_(what) {
    // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so two processes
    // never both read and then fail to upgrade.
    Exec(db_, path_, "BEGIN IMMEDIATE", "cannot start a transaction to " + what_);
  }
  ~Transaction() {
    if (!committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void Commit() {
    Exec(db_, path_, "COMMIT", "cannot commit (" + what_ + ")");
    committed_ = true;
  }

 private:
  sqlite3* db_;
  const fs::path& path_;
  std::string what_;
  bool committed_ = false;
};

Comparison ReadComparison(const Statement& s, const fs::path& path) {
  Comparison c;
  c.id = s.Text(0);
  c.kind = s.Text(1);
  try {
    c.payload = nlohmann::json::parse(s.Text(2));
  } catch (const nlohmann::json::exception& e) {
    RLAB_FAIL("{}: comparison '{}': stored payload is not JSON ({})", path.string(), c.id,
              e.what());
  }
  c.source = s.Text(3);
  return c;
}

HumanLabel ReadLabel(const Statement& s) {
  return HumanLabel{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)};
}

}  // namespace

// One connection, used by one thread at a time (the server answers from several threads).
struct LabelQueue::Db {
  sqlite3* handle = nullptr;
  std::mutex mutex;
  ~Db() {
    if (handle != nullptr) sqlite3_close_v2(handle);
  }
};

LabelQueue::LabelQueue(const fs::path& path) : path_(path), db_(std::make_unique<Db>()) {
  RLAB_CHECK(!fs::is_directory(path), "{}: is a directory; give the label database's file path",
             path.string());
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_->handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message =
        db_->handle != nullptr ? sqlite3_errmsg(db_->handle) : sqlite3_errstr(rc);
    RLAB_FAIL("{}: cannot open the label database: {} (check that its folder exists and is "
              "writable)",
              path.string(), message);
  }
  sqlite3_busy_timeout(db_->handle, kBusyTimeoutMs);
  // WAL lets readers (the page) go on while a writer (a PbRL run) commits; synchronous=FULL
  // syncs the log at every commit, so an acknowledged label survives a crash or power loss.
  Exec(db_->handle, path_, "PRAGMA journal_mode=WAL", "cannot switch to the WAL journal");
  Exec(db_->handle, path_, "PRAGMA synchronous=FULL", "cannot set synchronous=FULL");
  Exec(db_->handle, path_, "PRAGMA foreign_keys=ON", "cannot enable foreign keys");
  int64_t version = 0;
  {
    Statement s(db_->handle, path_, "PRAGMA user_version", "cannot read the schema version");
    if (s.Step()) version = s.Int(0);
  }
  RLAB_CHECK(version <= kSchemaVersion,
             "{}: label database schema version {} is newer than this rlab's ({}); open it with "
             "a newer rlab",
             path.string(), version, kSchemaVersion);
  if (version < kSchemaVersion) {
    Transaction t(db_->handle, path_, "create the label tables");
    Exec(db_->handle, path_, kSchema,
         "cannot create the label tables (is this an rlab label database?)");
    Exec(db_->handle, path_, fmt::format("PRAGMA user_version={}", kSchemaVersion).c_str(),
         "cannot write the schema version");
    t.Commit();
  }
}

LabelQueue::~LabelQueue() = default;

int64_t LabelQueue::Enqueue(const std::vector<Comparison>& items) {
  for (const Comparison& c : items) CheckComparison(c, path_);
  std::lock_guard lock(db_->mutex);
  Transaction t(db_->handle, path_, "queue comparisons");
  Statement insert(db_->handle, path_,
                   "INSERT OR IGNORE INTO comparisons (id, kind, payload, source, queued) "
                   "VALUES (?, ?, ?, ?, ?)",
                   "cannot queue a comparison");
  const std::string now = UtcNowIso8601();
  int64_t added = 0;
  for (const Comparison& c : items) {
    insert.Bind(1, c.id).Bind(2, c.kind).Bind(3, c.payload.dump()).Bind(4, c.source).Bind(5, now);
    insert.Step();
    added += sqlite3_changes(db_->handle);
    insert.Reset();
  }
  t.Commit();
  return added;
}

std::optional<Comparison> LabelQueue::NextFor(const std::string& labeller) const {
  std::lock_guard lock(db_->mutex);
  Statement s(db_->handle, path_,
              "SELECT id, kind, payload, source FROM comparisons c WHERE NOT EXISTS (SELECT 1 "
              "FROM labels l WHERE l.comparison_id = c.id AND l.labeller = ?) ORDER BY c.seq "
              "LIMIT 1",
              "cannot read the next comparison");
  s.Bind(1, labeller);
  if (!s.Step()) return std::nullopt;
  return ReadComparison(s, path_);
}

std::optional<Comparison> LabelQueue::Find(const std::string& id) const {
  std::lock_guard lock(db_->mutex);
  Statement s(db_->handle, path_, "SELECT id, kind, payload, source FROM comparisons WHERE id = ?",
              "cannot read a comparison");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadComparison(s, path_);
}

std::vector<Comparison> LabelQueue::Comparisons() const {
  std::lock_guard lock(db_->mutex);
  Statement s(db_->handle, path_, "SELECT id, kind, payload, source FROM comparisons ORDER BY seq",
              "cannot read the comparisons");
  std::vector<Comparison> out;
  while (s.Step()) out.push_back(ReadComparison(s, path_));
  return out;
}

HumanLabel LabelQueue::Record(const std::string& comparison_id, const std::string& labeller,
                              const std::string& choice) {
  RLAB_CHECK(IsChoice(choice), "{}: choice '{}' is not one of left, right, tie, skip",
             path_.string(), choice);
  RLAB_CHECK(!labeller.empty(), "{}: a label needs the labeller's name", path_.string());
  std::lock_guard lock(db_->mutex);
  Transaction t(db_->handle, path_, "record a label");
  {
    Statement known(db_->handle, path_, "SELECT 1 FROM comparisons WHERE id = ?",
                    "cannot look up a comparison");
    known.Bind(1, comparison_id);
    RLAB_CHECK(known.Step(), "{}: no comparison with id '{}' is queued", path_.string(),
               comparison_id);
  }
  // Deleting and inserting (not updating) gives a replaced answer its new place in arrival order.
  Statement remove(db_->handle, path_,
                   "DELETE FROM labels WHERE comparison_id = ? AND labeller = ?",
                   "cannot replace an earlier label");
  remove.Bind(1, comparison_id).Bind(2, labeller);
  remove.Step();
  HumanLabel label{0, comparison_id, labeller, choice, UtcNowIso8601()};
  Statement insert(db_->handle, path_,
                   "INSERT INTO labels (comparison_id, labeller, choice, time) VALUES (?, ?, ?, ?)",
                   "cannot record a label");
  insert.Bind(1, label.comparison_id).Bind(2, label.labeller).Bind(3, label.choice);
  insert.Bind(4, label.time);
  insert.Step();
  label.seq = sqlite3_last_insert_rowid(db_->handle);
  t.Commit();
  return label;
}

std::vector<HumanLabel> LabelQueue::Labels(const std::string& comparison_id) const {
  std::lock_guard lock(db_->mutex);
  Statement s(db_->handle, path_,
              comparison_id.empty()
                  ? "SELECT seq, comparison_id, labeller, choice, time FROM labels ORDER BY seq"
                  : "SELECT seq, comparison_id, labeller, choice, time FROM labels WHERE "
                    "comparison_id = ? ORDER BY seq",
              "cannot read the labels");
  if (!comparison_id.empty()) s.Bind(1, comparison_id);
  std::vector<HumanLabel> out;
  while (s.Step()) out.push_back(ReadLabel(s));
  return out;
}

QueueCounts LabelQueue::Counts() const {
  std::lock_guard lock(db_->mutex);
  Statement s(db_->handle, path_,
              "SELECT (SELECT COUNT(*) FROM comparisons), (SELECT COUNT(DISTINCT comparison_id) "
              "FROM labels WHERE choice != 'skip'), (SELECT COUNT(*) FROM labels)",
              "cannot count the queue");
  QueueCounts counts;
  if (s.Step()) counts = QueueCounts{s.Int(0), s.Int(1), s.Int(2)};
  return counts;
}

}  // namespace rlab::feedback
