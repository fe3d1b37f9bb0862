#include "rlab/core/export/tensorboard_event.h"

#include <bit>

#include "rlab/core/export/little_endian.h"

namespace rlab::tensorboard {
namespace {

// Protocol buffer wire types.
constexpr uint32_t kVarint = 0;
constexpr uint32_t kFixed64 = 1;
constexpr uint32_t kLengthDelimited = 2;
constexpr uint32_t kFixed32 = 5;

// Field numbers (see the header).
constexpr uint32_t kEventWallTime = 1;
constexpr uint32_t kEventStep = 2;
constexpr uint32_t kEventFileVersion = 3;
constexpr uint32_t kEventSummary = 5;
constexpr uint32_t kSummaryValue = 1;
constexpr uint32_t kValueTag = 1;
constexpr uint32_t kValueSimpleValue = 2;

void AppendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void AppendKey(std::string& out, uint32_t field, uint32_t wire_type) {
  AppendVarint(out, (static_cast<uint64_t>(field) << 3) | wire_type);
}

void AppendBytes(std::string& out, uint32_t field, std::string_view bytes) {
  AppendKey(out, field, kLengthDelimited);
  AppendVarint(out, bytes.size());
  out.append(bytes);
}

std::string EventHeader(double wall_time) {
  std::string event;
  AppendKey(event, kEventWallTime, kFixed64);
  AppendLittleEndian(event, std::bit_cast<uint64_t>(wall_time));
  return event;
}

}  // namespace

std::string FileVersionEvent(double wall_time) {
  std::string event = EventHeader(wall_time);
  AppendBytes(event, kEventFileVersion, kFileVersion);
  return event;
}

std::string ScalarsEvent(double wall_time, int64_t step,
                         const std::map<std::string, double>& scalars) {
  std::string summary;
  for (const auto& [tag, value] : scalars) {
    std::string entry;
    AppendBytes(entry, kValueTag, tag);
    AppendKey(entry, kValueSimpleValue, kFixed32);
    AppendLittleEndian(entry, std::bit_cast<uint32_t>(static_cast<float>(value)));
    AppendBytes(summary, kSummaryValue, entry);
  }
  std::string event = EventHeader(wall_time);
  AppendKey(event, kEventStep, kVarint);
  AppendVarint(event, static_cast<uint64_t>(step));  // negative steps: ten bytes, as protobuf does
  AppendBytes(event, kEventSummary, summary);
  return event;
}

std::optional<double> WallTimeOf(std::string_view event) {
  constexpr char kWallTimeKey = static_cast<char>((kEventWallTime << 3) | kFixed64);
  if (event.size() < 9 || event[0] != kWallTimeKey) return std::nullopt;
  return std::bit_cast<double>(ReadLittleEndian<uint64_t>(event.substr(1)));
}

}  // namespace rlab::tensorboard
