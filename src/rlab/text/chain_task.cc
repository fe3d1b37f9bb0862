#include "rlab/text/chain_task.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>

#include "rlab/core/check.h"

namespace rlab::data {

namespace {

// Values may not grow past this (the widest chain of products), so that they fit a long long.
constexpr long double kMaxValue = 1e15L;
// A wrong step of the demonstrator or of SampleResponse is off by 1 to this much.
constexpr int kMaxOffset = 3;

// Operands are drawn from [0, this).
long long OperandLimit(int digits) { return std::llround(std::pow(10.0, digits)); }

long long Apply(long long a, char op, long long b) {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    default: return a * b;
  }
}

// The largest |value| a step can reach (with a wrong step's offset), step by step: [steps + 1].
std::vector<long double> ValueBounds(const ChainOptions& o) {
  const long double operand = static_cast<long double>(OperandLimit(o.digits) - 1);
  const bool has_product = o.ops.find('*') != std::string::npos;
  std::vector<long double> bounds{operand};
  for (int k = 0; k < o.steps; ++k) {
    const long double v = bounds.back();
    bounds.push_back((has_product ? std::max(v + operand, v * operand) : v + operand) + kMaxOffset);
  }
  return bounds;
}

// Decimal digits of a bound, plus one for a sign.
int64_t Chars(long double bound) {
  int64_t digits = 1;
  for (long double p = 10; p <= bound; p *= 10) ++digits;
  return digits + 1;
}

std::string RemoveSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') out += c;
  }
  return out;
}

// A step as the task writes it: "v<op>b=result".
std::string StepText(long long value, char op, long long operand, long long result) {
  return fmt::format("{}{}{}={}", value, op, operand, result);
}

long long SmallOffset(Rng& rng) {
  const long long size = 1 + rng.UniformInt(kMaxOffset);
  return rng.UniformInt(2) == 0 ? -size : size;
}

uint64_t Mix(uint64_t z) {  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Where each step of `completion` begins and ends: the pieces of its first line between
// delimiters, without a last piece that is blank (a trailing delimiter or spaces).
std::vector<std::pair<std::size_t, std::size_t>> StepSpans(std::string_view completion,
                                                           char delimiter) {
  const std::size_t line_end = std::min(completion.find('\n'), completion.size());
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t begin = 0;
  while (true) {
    const std::size_t found = completion.substr(0, line_end).find(delimiter, begin);
    const std::size_t end = found == std::string_view::npos ? line_end : found;
    spans.emplace_back(begin, end);
    if (found == std::string_view::npos) break;
    begin = found + 1;
  }
  const auto [b, e] = spans.back();
  if (RemoveSpaces(completion.substr(b, e - b)).empty()) spans.pop_back();
  return spans;
}

}  // namespace

void ChainOptions::Validate() const {
  RLAB_CHECK(steps >= 1 && steps <= 10, "chain: steps must be in 1..10, got {}", steps);
  RLAB_CHECK(digits >= 1 && digits <= 6, "chain: digits must be in 1..6, got {}", digits);
  RLAB_CHECK(!ops.empty(), "chain: ops must name at least one of + - *");
  for (char op : ops) {
    RLAB_CHECK(op == '+' || op == '-' || op == '*',
               "chain: unknown operator '{}' in ops '{}'; use any of + - *", op, ops);
  }
  RLAB_CHECK(test_share_percent >= 1 && test_share_percent <= 50,
             "chain: test_share_percent must be in 1..50, got {}", test_share_percent);
  RLAB_CHECK(demo_step_error_percent >= 0 && demo_step_error_percent <= 100,
             "chain: demo_step_error_percent must be in 0..100, got {}", demo_step_error_percent);
  RLAB_CHECK(ValueBounds(*this).back() < kMaxValue,
             "chain: with steps={}, digits={} and ops={} values could pass 10^15; use fewer "
             "steps or digits, or no '*'",
             steps, digits, ops);
}

ChainTask::ChainTask(ChainOptions options) : options_(std::move(options)) { options_.Validate(); }

ChainProblem ChainTask::Parse(std::string_view prompt) const {
  const auto bad = [&] {
    return fmt::format(
        "chain: prompt '{}' is not of the form A<op>B<op>C...= with non-negative integers and "
        "operators + - *",
        prompt);
  };
  RLAB_CHECK(prompt.size() >= 2 && prompt.back() == '=', "{}", bad());
  const char* p = prompt.data();
  const char* end = prompt.data() + prompt.size() - 1;
  const auto number = [&](long long& value) {
    const auto [next, ec] = std::from_chars(p, end, value);
    RLAB_CHECK(ec == std::errc() && next > p && value >= 0 && *p != '-', "{}", bad());
    p = next;
  };
  ChainProblem problem;
  number(problem.first);
  while (p < end) {
    const char op = *p++;
    RLAB_CHECK(op == '+' || op == '-' || op == '*', "{}", bad());
    problem.ops.push_back(op);
    number(problem.operands.emplace_back());
  }
  RLAB_CHECK(!problem.ops.empty(), "{}", bad());
  return problem;
}

std::vector<long long> ChainTask::Values(const ChainProblem& problem) {
  std::vector<long long> values{problem.first};
  for (std::size_t k = 0; k < problem.ops.size(); ++k) {
    values.push_back(Apply(values.back(), problem.ops[k], problem.operands[k]));
  }
  return values;
}

bool ChainTask::InTestSplit(const ChainProblem& problem) const {
  // A fixed mix of the operands and operators, so the split is the same everywhere.
  uint64_t z = Mix(static_cast<uint64_t>(problem.first) * 0x9E3779B97F4A7C15ULL);
  for (std::size_t k = 0; k < problem.ops.size(); ++k) {
    z = Mix(z ^ (static_cast<uint64_t>(problem.operands[k]) * 0x9E3779B97F4A7C15ULL +
                 static_cast<uint64_t>(problem.ops[k])));
  }
  return static_cast<int>(z % 100) < options_.test_share_percent;
}

template <typename ErrorAt>
std::string ChainTask::Solve(const ChainProblem& problem, ErrorAt error_at) {
  std::string text;
  long long value = problem.first;
  for (std::size_t k = 0; k < problem.ops.size(); ++k) {
    const long long result =
        Apply(value, problem.ops[k], problem.operands[k]) + error_at(static_cast<int>(k));
    if (k > 0) text += ';';
    text += StepText(value, problem.ops[k], problem.operands[k], result);
    value = result;
  }
  return text;
}

ChainProblem ChainTask::Draw(Rng& rng, TaskSplit split) const {
  const long long n = OperandLimit(options_.digits);
  const auto num_ops = static_cast<int64_t>(options_.ops.size());
  // Rejection sampling: the test split holds test_share_percent of all problems.
  while (true) {
    ChainProblem problem;
    problem.first = rng.UniformInt(n);
    for (int k = 0; k < options_.steps; ++k) {
      problem.ops.push_back(options_.ops[rng.UniformInt(num_ops)]);
      problem.operands.push_back(rng.UniformInt(n));
    }
    if (InTestSplit(problem) == (split == TaskSplit::kTest)) return problem;
  }
}

TaskExample ChainTask::Sample(Rng& rng, TaskSplit split) const {
  const ChainProblem problem = Draw(rng, split);
  std::string prompt = fmt::format("{}", problem.first);
  for (std::size_t k = 0; k < problem.ops.size(); ++k) {
    prompt += fmt::format("{}{}", problem.ops[k], problem.operands[k]);
  }
  prompt += '=';
  return {std::move(prompt), Solve(problem, [](int) { return 0LL; })};
}

TaskExample ChainTask::SampleDemonstration(Rng& rng, TaskSplit split) const {
  TaskExample e = Sample(rng, split);
  // No extra draw without the flaw: clean demonstrations are the same stream as Sample's.
  if (options_.demo_step_error_percent > 0) {
    e.completion = Solve(Parse(e.prompt), [&](int) {
      return rng.UniformInt(100) < options_.demo_step_error_percent ? SmallOffset(rng) : 0LL;
    });
  }
  return e;
}

std::string ChainTask::SampleResponse(std::string_view prompt, Rng& rng) const {
  const ChainProblem problem = Parse(prompt);
  if (rng.Uniform() < 0.5) return Solve(problem, [](int) { return 0LL; });
  const auto first_error =
      static_cast<int>(rng.UniformInt(static_cast<int64_t>(problem.ops.size())));
  return Solve(problem, [&](int k) {
    if (k < first_error) return 0LL;
    if (k == first_error || rng.Uniform() < 0.25) return SmallOffset(rng);
    return 0LL;
  });
}

double ChainTask::GoldReward(std::string_view prompt, std::string_view completion) const {
  const long long answer = Values(Parse(prompt)).back();
  const std::vector<std::string> steps = SplitSteps(completion);
  if (steps.empty()) return 0.0;
  const std::string last = RemoveSpaces(steps.back());
  const std::size_t equals = last.rfind('=');
  const std::string final_answer = equals == std::string::npos ? last : last.substr(equals + 1);
  return final_answer == fmt::format("{}", answer) ? 1.0 : 0.0;
}

int64_t ChainTask::MaxCompletionChars() const {
  const std::vector<long double> bounds = ValueBounds(options_);
  int64_t chars = options_.steps - 1;  // the delimiters
  for (int k = 0; k < options_.steps; ++k) {
    chars += Chars(bounds[k]) + 1 + options_.digits + 1 + Chars(bounds[k + 1]);
  }
  return chars;
}

std::string ChainTask::Describe() const {
  const std::string flaw =
      options_.demo_step_error_percent > 0
          ? fmt::format(", demo_step_error_percent={}", options_.demo_step_error_percent)
          : "";
  return fmt::format("chain(steps={}, digits={}, ops={}, test_share_percent={}{})", options_.steps,
                     options_.digits, options_.ops, options_.test_share_percent, flaw);
}

std::vector<std::string> ChainTask::SplitSteps(std::string_view completion) const {
  std::vector<std::string> steps;
  for (const auto& [begin, end] : StepSpans(completion, Delimiter()[0])) {
    steps.emplace_back(completion.substr(begin, end - begin));
  }
  return steps;
}

std::vector<std::size_t> ChainTask::StepEnds(std::string_view completion) const {
  std::vector<std::size_t> ends;
  for (const auto& span : StepSpans(completion, Delimiter()[0])) ends.push_back(span.second);
  return ends;
}

std::vector<bool> ChainTask::StepLabels(std::string_view prompt,
                                        std::string_view completion) const {
  const ChainProblem problem = Parse(prompt);
  const std::vector<long long> values = Values(problem);
  std::vector<bool> labels;
  bool right = true;
  for (const std::string& step : SplitSteps(completion)) {
    const std::size_t k = labels.size();
    right = right && k < problem.ops.size() &&
            RemoveSpaces(step) ==
                StepText(values[k], problem.ops[k], problem.operands[k], values[k + 1]);
    labels.push_back(right);
  }
  return labels;
}

bool ChainTask::WellFormed(std::string_view step) const {
  const std::string s = RemoveSpaces(step);
  const char* p = s.data();
  const char* end = s.data() + s.size();
  long long value = 0;
  const auto number = [&] {
    const auto [next, ec] = std::from_chars(p, end, value);
    if (ec != std::errc() || next == p) return false;
    p = next;
    return true;
  };
  if (!number() || p == end || (*p != '+' && *p != '-' && *p != '*')) return false;
  ++p;
  if (!number() || p == end || *p != '=') return false;
  ++p;
  return number() && p == end;
}

}  // namespace rlab::data
