// Lets fmt (and so RLAB_CHECK messages) print tensor shapes: fmt::format("{}", t.sizes())
// gives "[4, 3]".
#pragma once

#include <c10/util/ArrayRef.h>
#include <fmt/format.h>

template <>
struct fmt::formatter<c10::IntArrayRef> : fmt::formatter<std::string> {
  template <class Context>
  auto format(c10::IntArrayRef shape, Context& ctx) const {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return fmt::formatter<std::string>::format(text + "]", ctx);
  }
};
