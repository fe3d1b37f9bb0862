#include "rlab/core/suggest.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace rlab {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

size_t TypoDistanceFor(std::string_view typed) { return std::max<size_t>(2, typed.size() / 2); }

std::vector<std::string> ClosestNames(std::string_view typed, const std::vector<std::string>& names,
                                      size_t near_enough, NameDistance distance) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const std::string& name : names) scored.emplace_back(distance(typed, name), name);
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> closest;
  for (const auto& [d, name] : scored) {
    if (d > near_enough || d > scored.front().first) break;
    if (std::find(closest.begin(), closest.end(), name) == closest.end()) closest.push_back(name);
  }
  return closest;
}

namespace {
// "train.lr" -> {"train.", "lr"}
std::pair<std::string_view, std::string_view> SplitKey(std::string_view key) {
  const size_t dot = key.rfind('.');
  if (dot == std::string_view::npos) return {std::string_view(), key};
  return {key.substr(0, dot + 1), key.substr(dot + 1)};
}
}  // namespace

size_t KeyDistance(std::string_view typed, std::string_view key) {
  const auto [typed_section, typed_leaf] = SplitKey(typed);
  const auto [section, leaf] = SplitKey(key);
  const bool part_of = typed_section == section && typed_leaf.size() >= 3 &&
                       leaf.find(typed_leaf) != std::string_view::npos;
  return part_of ? std::min<size_t>(1, EditDistance(typed, key)) : EditDistance(typed, key);
}

std::string DidYouMeanKey(std::string_view typed, const std::vector<std::string>& keys) {
  // A typo is judged by the key's last part: a long section name does not make any key near.
  const size_t near_enough = TypoDistanceFor(SplitKey(typed).second);
  const std::vector<std::string> closest = ClosestNames(typed, keys, near_enough, KeyDistance);
  if (closest.empty()) return "";
  std::string text = " (did you mean ";
  for (size_t i = 0; i < closest.size(); ++i) {
    text += fmt::format("{}'{}'", i == 0 ? "" : " or ", closest[i]);
  }
  return text + "?)";
}

}  // namespace rlab
