// The Unicode category table behind \p{L} and \p{N}: sorted, disjoint, inclusive code-point
// ranges, generated into unicode_table.cc by gen_unicode_table.py. Use unicode.h, not this.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rlab::models::unicode_table {

enum CategoryClass : uint8_t { kLetter = 1, kNumber = 2 };

struct CategoryRange {
  uint32_t first;
  uint32_t last;
  CategoryClass cls;
};

extern const char kUnicodeVersion[];
extern const CategoryRange kCategoryRanges[];
extern const std::size_t kCategoryRangeCount;

}  // namespace rlab::models::unicode_table
