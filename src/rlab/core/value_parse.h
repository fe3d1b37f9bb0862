// Strict text -> value parsing shared by specs (`name(k=v)`), config files and command-line
// overrides, so that "1e-3", "true" or "64" mean the same thing everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rlab {

// Each function throws rlab::Error naming `what` (for example "key 'train.lr'") when the
// whole of `text` is not a valid value of the type.
bool ParseBool(std::string_view text, std::string_view what);
int64_t ParseInt(std::string_view text, std::string_view what);
uint64_t ParseUnsigned(std::string_view text, std::string_view what);
double ParseDouble(std::string_view text, std::string_view what);

// Type-directed parsing and formatting: ValueCodec<T>::Parse / Format / kTypeName.
template <class T>
struct ValueCodec;

template <>
struct ValueCodec<bool> {
  static constexpr const char* kTypeName = "bool";
  static bool Parse(std::string_view t, std::string_view w) { return ParseBool(t, w); }
  static std::string Format(bool v) { return v ? "true" : "false"; }
};
template <>
struct ValueCodec<int> {
  static constexpr const char* kTypeName = "int";
  static int Parse(std::string_view t, std::string_view w);
  static std::string Format(int v) { return std::to_string(v); }
};
template <>
struct ValueCodec<int64_t> {
  static constexpr const char* kTypeName = "int";
  static int64_t Parse(std::string_view t, std::string_view w) { return ParseInt(t, w); }
  static std::string Format(int64_t v) { return std::to_string(v); }
};
template <>
struct ValueCodec<uint64_t> {
  static constexpr const char* kTypeName = "uint";
  static uint64_t Parse(std::string_view t, std::string_view w) { return ParseUnsigned(t, w); }
  static std::string Format(uint64_t v) { return std::to_string(v); }
};
template <>
struct ValueCodec<double> {
  static constexpr const char* kTypeName = "float";
  static double Parse(std::string_view t, std::string_view w) { return ParseDouble(t, w); }
  static std::string Format(double v);
};
template <>
struct ValueCodec<float> {
  static constexpr const char* kTypeName = "float";
  static float Parse(std::string_view t, std::string_view w) {
    return static_cast<float>(ParseDouble(t, w));
  }
  static std::string Format(float v) { return ValueCodec<double>::Format(v); }
};
template <>
struct ValueCodec<std::string> {
  static constexpr const char* kTypeName = "string";
  static std::string Parse(std::string_view t, std::string_view) { return std::string(t); }
  static std::string Format(const std::string& v) { return v; }
};

// An optional setting: "auto" leaves it unset, so that the code using it chooses a default
// that depends on other settings (PPO's defaults differ between discrete and continuous
// action spaces, for example).
template <class T>
struct ValueCodec<std::optional<T>> {
  static constexpr const char* kTypeName = ValueCodec<T>::kTypeName;
  static std::optional<T> Parse(std::string_view t, std::string_view w) {
    if (t == "auto") return std::nullopt;
    return ValueCodec<T>::Parse(t, w);
  }
  static std::string Format(const std::optional<T>& v) {
    return v ? ValueCodec<T>::Format(*v) : std::string("auto");
  }
};

}  // namespace rlab
