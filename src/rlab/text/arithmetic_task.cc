#include "rlab/text/arithmetic_task.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>

#include "rlab/core/check.h"

namespace rlab::data {

namespace {

long long Power10(int digits) {
  long long p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

void ArithmeticOptions::Validate() const {
  RLAB_CHECK(digits >= 1 && digits <= 6, "arithmetic: digits must be in 1..6, got {}", digits);
  RLAB_CHECK(!ops.empty(), "arithmetic: ops must name at least one of + - *");
  for (char op : ops) {
    RLAB_CHECK(op == '+' || op == '-' || op == '*',
               "arithmetic: unknown operator '{}' in ops "
               "'{}'; use any of + - *",
               op, ops);
  }
  RLAB_CHECK(test_share_percent >= 1 && test_share_percent <= 50,
             "arithmetic: test_share_percent must be in 1..50, got {}", test_share_percent);
  RLAB_CHECK(demo_error_percent >= 0 && demo_error_percent <= 100,
             "arithmetic: demo_error_percent must be in 0..100, got {}", demo_error_percent);
}

ArithmeticTask::ArithmeticTask(ArithmeticOptions options) : options_(std::move(options)) {
  options_.Validate();
}

bool ArithmeticTask::InTestSplit(long long a, long long b, char op) const {
  // A fixed mix of the operands (splitmix64's finaliser), so the split is the same everywhere.
  uint64_t z = static_cast<uint64_t>(a) * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(b) +
               static_cast<uint64_t>(op) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<int>(z % 100) < options_.test_share_percent;
}

TaskExample ArithmeticTask::Sample(Rng& rng, TaskSplit split) const {
  const long long n = Power10(options_.digits);
  const bool want_test = split == TaskSplit::kTest;
  // Rejection sampling: the test split holds test_share_percent of all pairs.
  while (true) {
    const long long a = rng.UniformInt(n), b = rng.UniformInt(n);
    const char op = options_.ops[rng.UniformInt(static_cast<int64_t>(options_.ops.size()))];
    if (InTestSplit(a, b, op) != want_test) continue;
    const std::string prompt = fmt::format("{}{}{}=", a, op, b);
    return {prompt, fmt::format("{}", Answer(prompt))};
  }
}

TaskExample ArithmeticTask::SampleDemonstration(Rng& rng, TaskSplit split) const {
  TaskExample e = Sample(rng, split);
  // No extra draw without the flaw: clean demonstrations are the same stream as Sample's.
  if (options_.demo_error_percent > 0 && rng.UniformInt(100) < options_.demo_error_percent) {
    e.completion = fmt::format("{}", Answer(e.prompt) + 1);
  }
  return e;
}

std::string ArithmeticTask::SampleResponse(std::string_view prompt, Rng& rng) const {
  const long long answer = Answer(prompt);
  if (rng.Uniform() < 0.5) return fmt::format("{}", answer);
  const long long offset = 1 + rng.UniformInt(10);
  return fmt::format("{}", rng.Uniform() < 0.5 ? answer - offset : answer + offset);
}

long long ArithmeticTask::Answer(std::string_view prompt) const {
  const auto bad = [&] {
    return fmt::format("arithmetic: prompt '{}' is not of the form A+B=, A-B= or A*B=", prompt);
  };
  RLAB_CHECK(!prompt.empty() && prompt.back() == '=', "{}", bad());
  long long a = 0, b = 0;
  const char* begin = prompt.data();
  const char* end = prompt.data() + prompt.size() - 1;
  auto [p, ec] = std::from_chars(begin, end, a);
  RLAB_CHECK(ec == std::errc() && p < end && p > begin, "{}", bad());
  const char op = *p;
  auto [q, ec2] = std::from_chars(p + 1, end, b);
  RLAB_CHECK(ec2 == std::errc() && q == end && q > p + 1 && a >= 0 && b >= 0, "{}", bad());
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    default: RLAB_FAIL("{}", bad());
  }
}

double ArithmeticTask::GoldReward(std::string_view prompt, std::string_view completion) const {
  const long long answer = Answer(prompt);
  const std::size_t newline = completion.find('\n');
  if (newline != std::string_view::npos) completion = completion.substr(0, newline);
  return Trim(completion) == fmt::format("{}", answer) ? 1.0 : 0.0;
}

int64_t ArithmeticTask::MaxCompletionChars() const {
  // The widest result: a product has 2 * digits digits; a difference may carry a sign.
  const bool has_product = options_.ops.find('*') != std::string::npos;
  return (has_product ? 2 * options_.digits : options_.digits + 1) + 1;
}

std::string ArithmeticTask::Describe() const {
  const std::string flaw = options_.demo_error_percent > 0
                               ? fmt::format(", demo_error_percent={}", options_.demo_error_percent)
                               : "";
  return fmt::format("arithmetic(digits={}, ops={}, test_share_percent={}{})", options_.digits,
                     options_.ops, options_.test_share_percent, flaw);
}

}  // namespace rlab::data
