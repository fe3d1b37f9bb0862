#include "rlab/text/invalid_utf8.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>

#include "rlab/text/tokenizer/unicode.h"

namespace rlab::data {

namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Calls `fn(offset)` for every ill-formed byte, in order, until it returns false. The text is
// decoded in chunks (DecodeUtf8 holds 12 bytes per byte) cut where no valid sequence can
// cross: before a byte that is not a continuation byte, or after four continuation bytes in a
// row (a sequence has a lead and at most three of them).
void ForEachInvalidByte(std::string_view text, const std::function<bool(std::size_t)>& fn) {
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.size(), start + kChunk);
    if (end < text.size()) {
      std::size_t cut = end;
      while (cut > start && cut + 3 > end && IsContinuation(text[cut])) --cut;
      if (cut > start && !IsContinuation(text[cut])) end = cut;
    }
    for (const models::CodePoint& cp : models::DecodeUtf8(text.substr(start, end - start))) {
      if (cp.value >= models::kInvalidByte && !fn(start + cp.offset)) return;
    }
    start = end;
  }
}

// A code point that appears nowhere in `text`, neither as UTF-8 nor as a \u escape: it stands
// in for the ill-formed byte, so the parsed document shows which string held it.
std::string PickMarker(std::string_view text) {
  for (char32_t cp = 0xE000; cp < 0xF900; ++cp) {  // the Private Use Area
    std::string utf8;
    models::AppendUtf8(cp, utf8);
    if (text.find(utf8) == std::string_view::npos &&
        text.find(fmt::format("\\u{:04x}", static_cast<uint32_t>(cp))) == std::string_view::npos &&
        text.find(fmt::format("\\u{:04X}", static_cast<uint32_t>(cp))) == std::string_view::npos) {
      return utf8;
    }
  }
  return "";
}

// Finds `marker` in the strings of `value`, writing the path ("a.b[2]") into `out`.
bool FindMarker(const nlohmann::ordered_json& value, const std::string& marker,
                const std::string& path, InvalidUtf8Location& out) {
  if (value.is_string()) {
    const std::size_t at = value.get_ref<const std::string&>().find(marker);
    if (at == std::string::npos) return false;
    out.field = path;
    out.field_offset = at;
    return true;
  }
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (FindMarker(value[i], marker, fmt::format("{}[{}]", path, i), out)) return true;
    }
    return false;
  }
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (key.find(marker) != std::string::npos) {
        out.field = path;
        out.field_offset = key.find(marker);
        out.in_key = true;
        return true;
      }
      if (FindMarker(child, marker, path.empty() ? key : path + "." + key, out)) return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::size_t> FirstInvalidUtf8(std::string_view text) {
  std::optional<std::size_t> first;
  ForEachInvalidByte(text, [&](std::size_t offset) {
    first = offset;
    return false;
  });
  return first;
}

std::optional<InvalidUtf8Location> LocateInvalidUtf8(std::string_view json_text) {
  const std::optional<std::size_t> first = FirstInvalidUtf8(json_text);
  if (!first) return std::nullopt;
  InvalidUtf8Location loc;
  loc.byte = static_cast<unsigned char>(json_text[*first]);
  const std::string_view before = json_text.substr(0, *first);
  loc.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n');
  loc.column = *first - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;

  // Repair the text (the first bad byte becomes the marker, later ones U+FFFD) and parse it.
  const std::string marker = PickMarker(json_text);
  if (marker.empty()) return loc;
  std::string repaired;
  repaired.reserve(json_text.size() + 8);
  std::size_t copied = 0;
  ForEachInvalidByte(json_text, [&](std::size_t offset) {
    repaired.append(json_text.substr(copied, offset - copied));
    repaired += offset == *first ? marker : std::string("\xEF\xBF\xBD");
    copied = offset + 1;
    return true;
  });
  repaired.append(json_text.substr(copied));
  const auto doc = nlohmann::ordered_json::parse(repaired, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return loc;  // the byte sits outside any string
  if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      if (FindMarker(doc[i], marker, "", loc)) {
        loc.record = i;
        break;
      }
    }
  } else {
    FindMarker(doc, marker, "", loc);
  }
  return loc;
}

std::string DescribeInvalidUtf8(const InvalidUtf8Location& where, bool with_line) {
  if (where.field && where.in_key) {
    const std::string owner = where.field->empty()
                                  ? "a field name"
                                  : fmt::format("a key inside field '{}'", *where.field);
    return fmt::format("{} is not valid UTF-8 (byte 0x{:02x} at offset {})", owner, where.byte,
                       where.field_offset);
  }
  if (where.field) {
    return fmt::format("field '{}' is not valid UTF-8 (byte 0x{:02x} at offset {})", *where.field,
                       where.byte, where.field_offset);
  }
  if (with_line) {
    return fmt::format("byte 0x{:02x} at line {}, column {} is not valid UTF-8", where.byte,
                       where.line, where.column);
  }
  return fmt::format("byte 0x{:02x} at column {} is not valid UTF-8", where.byte, where.column);
}

}  // namespace rlab::data
