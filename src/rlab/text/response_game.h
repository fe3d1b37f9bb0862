// A task whose judge compares response TYPES rather than scoring completions: each completion
// is one of K types (or of none: invalid text), and the judge prefers type i to type j with a
// fixed probability, whatever the prompt. Such a judge need not be transitive (rock, paper,
// scissors), so no scalar reward explains it; evaluation then measures a policy by its mix of
// types against the game's mixed Nash equilibrium (eval/response_game_eval.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rlab::data {

class ResponseGame {
 public:
  static constexpr int64_t kNoType = -1;
  virtual ~ResponseGame() = default;
  // The K types, in the order of TypePreference's rows.
  virtual std::vector<std::string> TypeNames() const = 0;
  // [K][K] P(type i > type j); P + P^T = 1, 1/2 on the diagonal. Text of no type loses to
  // every typed completion and ties with other text of no type.
  virtual std::vector<std::vector<double>> TypePreference() const = 0;
  // The index of `completion`'s type in TypeNames(), or kNoType.
  virtual int64_t TypeOf(std::string_view completion) const = 0;
};

}  // namespace rlab::data
