#include "rlab/models/safetensors/header.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "rlab/core/check.h"

namespace rlab::models {

namespace {

using Json = nlohmann::json;

constexpr const char* kMetadataKey = "__metadata__";
// The deepest container a header can hold is a shape or data_offsets array, inside a
// tensor's object, inside the header object: nlohmann reports its start at depth 2.
constexpr int kDeepestContainer = 2;
// No real checkpoint comes near this many dimensions; the bound keeps a hostile header from
// describing absurd tensors.
constexpr size_t kMaxRank = 64;
constexpr uint64_t kMaxInt64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// A short rendering of a JSON value for error messages.
std::string Brief(const Json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

// Parses the header text, refusing duplicate keys (nlohmann would keep the last silently) and
// nesting deeper than a header has.
Json ParseJson(std::string_view text, std::string_view source) {
  std::vector<std::set<std::string>> open_keys;  // one set per open object or array
  std::string tensor;                            // the top-level key being parsed
  Json::parser_callback_t check = [&](int depth, Json::parse_event_t event, Json& parsed) {
    using Event = Json::parse_event_t;
    if (event == Event::object_start || event == Event::array_start) {
      RLAB_CHECK(depth <= kDeepestContainer,
                 "{}: tensor '{}': the header nests deeper than a safetensors header can "
                 "(a tensor holds dtype, shape and data_offsets)",
                 source, tensor);
      open_keys.emplace_back();
    } else if (event == Event::object_end || event == Event::array_end) {
      open_keys.pop_back();
    } else if (event == Event::key) {
      const std::string key = parsed.get<std::string>();
      if (depth == 1) {
        tensor = key;
        RLAB_CHECK(open_keys.back().insert(key).second,
                   "{}: tensor '{}' appears twice in the header", source, key);
      } else {
        RLAB_CHECK(open_keys.back().insert(key).second, "{}: tensor '{}': field '{}' appears twice",
                   source, tensor, key);
      }
    }
    return true;
  };
  try {
    return Json::parse(text, check);
  } catch (const Json::parse_error& e) {
    const std::string what = e.what();
    RLAB_FAIL("{}: the header is not valid UTF-8 JSON (at byte {} of the header): {}", source,
              e.byte, what.substr(what.find(':') + 2));
  } catch (const Json::exception& e) {  // numbers out of range, for example "1e999"
    const std::string what = e.what();
    RLAB_FAIL("{}: the header is not valid UTF-8 JSON: {}", source,
              what.substr(what.find(']') + 2));
  }
}

// A JSON number that is an integer in [0, 2^63 - 1], or std::nullopt.
std::optional<uint64_t> NonNegativeInteger(const Json& value) {
  uint64_t number = 0;
  if (value.is_number_unsigned()) {
    number = value.get<uint64_t>();
  } else if (value.is_number_integer()) {
    const int64_t signed_number = value.get<int64_t>();
    if (signed_number < 0) return std::nullopt;
    number = static_cast<uint64_t>(signed_number);
  } else {
    return std::nullopt;
  }
  if (number > kMaxInt64) return std::nullopt;
  return number;
}

std::map<std::string, std::string> ParseMetadata(const Json& value, std::string_view source) {
  RLAB_CHECK(value.is_object(), "{}: {} must be an object of strings, got {}", source, kMetadataKey,
             Brief(value));
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    RLAB_CHECK(item.is_string(), "{}: {}: key '{}' holds {}; metadata values must be strings",
               source, kMetadataKey, key, Brief(item));
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

SafetensorsEntry ParseEntry(const std::string& name, const Json& value, uint64_t data_size,
                            std::string_view source) {
  const std::string where = fmt::format("{}: tensor '{}'", source, name);
  RLAB_CHECK(value.is_object(), "{}: expected an object with dtype, shape and data_offsets, got {}",
             where, Brief(value));
  for (const auto& [key, item] : value.items()) {
    RLAB_CHECK(key == "dtype" || key == "shape" || key == "data_offsets",
               "{}: unknown field '{}' (a tensor has dtype, shape and data_offsets)", where, key);
  }
  const auto field = [&](const char* key) -> const Json& {
    const auto it = value.find(key);
    RLAB_CHECK(it != value.end(), "{}: missing field '{}'", where, key);
    return *it;
  };
  SafetensorsEntry entry;
  entry.name = name;

  const Json& dtype = field("dtype");
  RLAB_CHECK(dtype.is_string(), "{}: dtype must be a string such as \"F32\", got {}", where,
             Brief(dtype));
  const auto parsed_dtype = ParseSafetensorsDtype(dtype.get<std::string>());
  RLAB_CHECK(parsed_dtype.has_value(), "{}: dtype {} is not a safetensors dtype (valid: {})", where,
             Brief(dtype), SafetensorsDtypeNames());
  entry.dtype = *parsed_dtype;

  const Json& shape = field("shape");
  RLAB_CHECK(shape.is_array(), "{}: shape must be an array of non-negative integers, got {}", where,
             Brief(shape));
  RLAB_CHECK(shape.size() <= kMaxRank, "{}: shape has {} dimensions; at most {} are supported",
             where, shape.size(), kMaxRank);
  uint64_t numel = 1;
  // The product of the non-zero extents bounds every stride, even of an empty tensor.
  uint64_t span = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    const auto extent = NonNegativeInteger(shape[i]);
    RLAB_CHECK(extent.has_value(),
               "{}: shape entry {} is {}; shape entries must be non-negative integers", where, i,
               Brief(shape[i]));
    entry.shape.push_back(static_cast<int64_t>(*extent));
    numel *= *extent;  // cannot overflow: numel <= span
    RLAB_CHECK(
        !__builtin_mul_overflow(span, std::max<uint64_t>(*extent, 1), &span) && span <= kMaxInt64,
        "{}: shape {} has more elements than a tensor can hold", where, Brief(shape));
  }
  const uint64_t element_size = static_cast<uint64_t>(SafetensorsDtypeSize(entry.dtype));
  uint64_t expected_bytes = 0;
  RLAB_CHECK(!__builtin_mul_overflow(numel, element_size, &expected_bytes),
             "{}: shape {} has more bytes than a file can hold", where, Brief(shape));

  const Json& offsets = field("data_offsets");
  RLAB_CHECK(offsets.is_array() && offsets.size() == 2,
             "{}: data_offsets must be [begin, end], got {}", where, Brief(offsets));
  const auto begin = NonNegativeInteger(offsets[0]);
  const auto end = NonNegativeInteger(offsets[1]);
  RLAB_CHECK(begin.has_value() && end.has_value(),
             "{}: data_offsets {} must be non-negative integers", where, Brief(offsets));
  entry.begin = *begin;
  entry.end = *end;
  RLAB_CHECK(entry.begin <= entry.end, "{}: data_offsets [{}, {}] end before they begin", where,
             entry.begin, entry.end);
  RLAB_CHECK(entry.end <= data_size,
             "{}: data_offsets [{}, {}] exceed the data section of {} bytes (is the file "
             "truncated?)",
             where, entry.begin, entry.end, data_size);
  RLAB_CHECK(entry.end - entry.begin == expected_bytes,
             "{}: data_offsets [{}, {}] span {} bytes, but dtype {} and shape [{}] need {}", where,
             entry.begin, entry.end, entry.end - entry.begin, SafetensorsDtypeName(entry.dtype),
             fmt::join(entry.shape, ", "), expected_bytes);
  return entry;
}

// The tensors must tile the data section: sorted by offset, each begins where the previous
// one ended, and the last ends at the end of the data.
void CheckTiling(std::vector<SafetensorsEntry>& entries, uint64_t data_size,
                 std::string_view source) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t covered = 0;
  const SafetensorsEntry* previous = nullptr;
  for (const SafetensorsEntry& entry : entries) {
    if (entry.begin < covered) {
      RLAB_FAIL("{}: tensor '{}': data_offsets [{}, {}] overlap tensor '{}' at [{}, {}]; each "
                "byte of the data section belongs to one tensor",
                source, entry.name, entry.begin, entry.end, previous->name, previous->begin,
                previous->end);
    }
    if (entry.begin > covered) {
      RLAB_FAIL("{}: tensor '{}': data_offsets [{}, {}] leave bytes [{}, {}) of the data section "
                "unused; tensors must cover it contiguously",
                source, entry.name, entry.begin, entry.end, covered, entry.begin);
    }
    covered = entry.end;
    previous = &entry;
  }
  RLAB_CHECK(covered == data_size,
             "{}: the data section holds {} bytes but the tensors' data_offsets cover only the "
             "first {}; the file has {} trailing bytes",
             source, data_size, covered, data_size - covered);
}

}  // namespace

int64_t SafetensorsEntry::numel() const {
  int64_t count = 1;
  for (const int64_t extent : shape) count *= extent;
  return count;
}

uint64_t ReadSafetensorsHeaderLength(std::string_view prefix, uint64_t file_size,
                                     std::string_view source) {
  RLAB_CHECK(file_size >= kSafetensorsLengthBytes,
             "{}: the file holds {} bytes, fewer than the 8-byte header length that opens a "
             "safetensors file (is it truncated?)",
             source, file_size);
  RLAB_CHECK(prefix.size() >= kSafetensorsLengthBytes,
             "{}: {} bytes given, fewer than the 8-byte header length", source, prefix.size());
  uint64_t length = 0;
  for (size_t i = 0; i < kSafetensorsLengthBytes; ++i) {
    length |= static_cast<uint64_t>(static_cast<unsigned char>(prefix[i])) << (8 * i);
  }
  RLAB_CHECK(length <= kSafetensorsMaxHeaderBytes,
             "{}: header length {} exceeds the limit of {} bytes (not a safetensors file, or a "
             "corrupt one)",
             source, length, kSafetensorsMaxHeaderBytes);
  RLAB_CHECK(length >= 2,
             "{}: header length {} is too short for a JSON object (not a safetensors file, or a "
             "corrupt one)",
             source, length);
  RLAB_CHECK(length <= file_size - kSafetensorsLengthBytes,
             "{}: header length {} runs past the end of the file ({} bytes): the file is "
             "truncated",
             source, length, file_size);
  return length;
}

SafetensorsHeader ParseSafetensorsHeader(std::string_view prefix, uint64_t file_size,
                                         std::string_view source) {
  const uint64_t length = ReadSafetensorsHeaderLength(prefix, file_size, source);
  RLAB_CHECK(prefix.size() >= kSafetensorsLengthBytes + length,
             "{}: {} bytes given, fewer than the {} that the header needs", source, prefix.size(),
             kSafetensorsLengthBytes + length);
  const std::string_view text = prefix.substr(kSafetensorsLengthBytes, length);
  RLAB_CHECK(text.front() == '{',
             "{}: the header does not start with '{{' (not a safetensors file, or a corrupt one)",
             source);
  const Json root = ParseJson(text, source);
  RLAB_CHECK(root.is_object(), "{}: the header must be a JSON object, got {}", source,
             root.type_name());

  SafetensorsHeader header;
  header.data_start = kSafetensorsLengthBytes + length;
  header.data_size = file_size - header.data_start;
  for (const auto& [key, value] : root.items()) {
    if (key == kMetadataKey) {
      header.metadata = ParseMetadata(value, source);
    } else {
      header.entries.push_back(ParseEntry(key, value, header.data_size, source));
    }
  }
  CheckTiling(header.entries, header.data_size, source);
  return header;
}

std::string EncodeSafetensorsHeader(const std::vector<SafetensorsEntry>& entries,
                                    const std::map<std::string, std::string>& metadata) {
  using Ordered = nlohmann::ordered_json;
  Ordered root = Ordered::object();
  if (!metadata.empty()) {
    Ordered items = Ordered::object();
    for (const auto& [key, value] : metadata) items[key] = value;
    root[kMetadataKey] = std::move(items);
  }
  std::vector<const SafetensorsEntry*> by_name;
  for (const SafetensorsEntry& entry : entries) by_name.push_back(&entry);
  std::sort(by_name.begin(), by_name.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  for (size_t i = 0; i < by_name.size(); ++i) {
    const SafetensorsEntry& entry = *by_name[i];
    RLAB_CHECK(entry.name != kMetadataKey,
               "cannot write a tensor named '{}': the name is reserved for metadata", kMetadataKey);
    RLAB_CHECK(i == 0 || by_name[i - 1]->name != entry.name, "cannot write two tensors named '{}'",
               entry.name);
    Ordered record = Ordered::object();
    record["dtype"] = SafetensorsDtypeName(entry.dtype);
    record["shape"] = entry.shape;
    record["data_offsets"] = Ordered::array({entry.begin, entry.end});
    root[entry.name] = std::move(record);
  }
  std::string text;
  try {
    text = root.dump();
  } catch (const Ordered::type_error& e) {
    RLAB_FAIL("cannot write a safetensors header: a tensor name or metadata string is not valid "
              "UTF-8 ({})",
              e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string encoded(kSafetensorsLengthBytes, '\0');
  const uint64_t length = text.size();
  for (size_t i = 0; i < kSafetensorsLengthBytes; ++i) {
    encoded[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  }
  return encoded + text;
}

}  // namespace rlab::models
