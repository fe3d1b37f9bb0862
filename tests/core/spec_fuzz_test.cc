// Fuzzing spec strings (`name(key=value, ...)`) and the value parsers behind every config
// field: each mutant parses or fails with an rlab::Error, and what parses reads back the same
// after formatting.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "fuzz_support.h"
#include "rlab/core/spec.h"
#include "rlab/core/value_parse.h"

namespace rlab {
namespace {

using testing::Fuzz;
using testing::FuzzOptions;

TEST(SpecFuzz, MutatedSpecsParseOrFailCleanlyAndReadBack) {
  FuzzOptions options{
      .name = "spec",
      .seeds = {"file(path=labels.jsonl)", "bradley-terry(beta=1.0, noise=0.1)", "scripted",
                "ensemble(members=3, base=mlp(hidden=[64, 64]))", "task:keywords",
                "remote(url=\"http://h:1/x\", timeout=2)", "a( k = 'v, w' )"},
      .dictionary = {"path", "beta", "members", "=", "(", ")", "[", "]", "'", "\""},
      .openers = {"(", "a(k=", "[", "f(x=g("},
      .cases = 3000};
  testing::ExpectNoFaults(Fuzz(options, [](const std::string& text) {
    const Spec spec = Spec::Parse(text);
    const std::string written = spec.ToString();
    const Spec again = Spec::Parse(written);
    if (again.name != spec.name || again.args != spec.args) {
      throw std::logic_error("'" + written +
                             "' does not read back as the spec it was written from");
    }
  }));
}

TEST(ValueParseFuzz, MutatedValuesParseOrFailCleanlyAndReadBack) {
  FuzzOptions options{.name = "value-parse",
                      .seeds = {"1", "-42", "3.5e-4", "1e6", "true", "off", ".inf", "-.inf",
                                "18446744073709551615", "9007199254740991", "0.1"},
                      .openers = {"-", "+"},
                      .cases = 3000};
  testing::ExpectNoFaults(Fuzz(options, [](const std::string& text) {
    int parsed = 0;
    const auto read_back = [&](auto value, auto parse, auto format) {
      if (parse(format(value)) != value) {
        throw std::logic_error("'" + text + "' does not read back after formatting");
      }
      ++parsed;
    };
    using namespace std::string_literals;
    const auto attempt = [&](auto fn) {
      try {
        fn();
      } catch (const Error&) {
      }
    };
    attempt([&] {
      read_back(
          ValueCodec<int64_t>::Parse(text, "k"),
          [](const std::string& t) { return ValueCodec<int64_t>::Parse(t, "k"); },
          ValueCodec<int64_t>::Format);
    });
    attempt([&] {
      read_back(
          ValueCodec<int>::Parse(text, "k"),
          [](const std::string& t) { return ValueCodec<int>::Parse(t, "k"); },
          ValueCodec<int>::Format);
    });
    attempt([&] {
      read_back(
          ValueCodec<uint64_t>::Parse(text, "k"),
          [](const std::string& t) { return ValueCodec<uint64_t>::Parse(t, "k"); },
          ValueCodec<uint64_t>::Format);
    });
    attempt([&] {
      read_back(
          ValueCodec<double>::Parse(text, "k"),
          [](const std::string& t) { return ValueCodec<double>::Parse(t, "k"); },
          ValueCodec<double>::Format);
    });
    attempt([&] {
      read_back(
          ValueCodec<bool>::Parse(text, "k"),
          [](const std::string& t) { return ValueCodec<bool>::Parse(t, "k"); },
          ValueCodec<bool>::Format);
    });
    if (parsed == 0) RLAB_FAIL("no type reads '{}'", text);
  }));
}

}  // namespace
}  // namespace rlab
