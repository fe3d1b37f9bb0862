// Deterministic fuzzing of parsers. A Mutator turns valid inputs into broken ones from a fixed
// seed (truncations, flipped and inserted bytes, huge numbers, deep nesting, overlong strings,
// invalid UTF-8, spliced inputs); Fuzz() feeds a fixed number of mutants to a parse function in
// a forked child with bounded memory and time, and reports every mutant that made the parser
// throw anything but rlab::Error, crash, hang or allocate past the budget.
//
// The number of mutants is multiplied by $RLAB_FUZZ_SCALE (bench/fuzz_long.sh sets 100).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cxxabi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab::testing {

// Text spliced into inputs by every fuzzer: structure of the formats rewardlab reads (JSON,
// YAML, specs), numbers at the edges of the integer and floating types, and control bytes.
inline constexpr std::array<std::string_view, 44> kFuzzTokens{"{",
                                                              "}",
                                                              "[",
                                                              "]",
                                                              ",",
                                                              ":",
                                                              "\"",
                                                              "\\",
                                                              "'",
                                                              "(",
                                                              ")",
                                                              "=",
                                                              "null",
                                                              "true",
                                                              "-",
                                                              "- ",
                                                              ": ",
                                                              "#",
                                                              "&a ",
                                                              "*a",
                                                              "!!",
                                                              "<<: ",
                                                              "\n",
                                                              "\r\n",
                                                              "\t",
                                                              "\\u0000",
                                                              "-1",
                                                              "0",
                                                              "-0",
                                                              "1.5",
                                                              "1e400",
                                                              "-1e400",
                                                              "nan",
                                                              "inf",
                                                              "4294967296",
                                                              "9223372036854775807",
                                                              "9223372036854775808",
                                                              "-9223372036854775809",
                                                              "18446744073709551616",
                                                              "99999999999999999999999",
                                                              "0x10",
                                                              "1e-400",
                                                              "\"\"",
                                                              "{}"};

// Byte sequences that are not UTF-8: a stray continuation byte, an overlong encoding, a
// surrogate, a code point past U+10FFFF, a truncated sequence, and a NUL.
inline constexpr std::array<std::string_view, 6> kInvalidUtf8{
    "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", std::string_view("\0", 1)};

class Mutator {
 public:
  // `seeds`: valid inputs; `dictionary`: tokens of the format (field names, keywords) spliced
  // in beside kFuzzTokens; `openers`: what opens one level of nesting ("[", "{\"a\":", "- ").
  Mutator(uint64_t seed, std::vector<std::string> seeds, std::vector<std::string> dictionary,
          std::vector<std::string> openers)
      : rng_(seed),
        seeds_(std::move(seeds)),
        dictionary_(std::move(dictionary)),
        openers_(std::move(openers)) {
    if (openers_.empty()) openers_ = {"[", "{\"a\":"};
  }

  // A mutant of a randomly chosen seed: one to three edits.
  std::string Next() {
    std::string text = seeds_[Index(seeds_.size())];
    for (int64_t edits = 1 + rng_.UniformInt(3); edits > 0; --edits) Edit(text);
    return text;
  }

 private:
  size_t Index(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_.UniformInt(n)); }
  size_t Position(const std::string& text) { return Index(text.size() + 1); }
  // Lengths spread over orders of magnitude, so both small and huge ones occur.
  size_t LogUniform(size_t max) {
    const double exponent = rng_.Uniform() * std::log2(static_cast<double>(max));
    return static_cast<size_t>(std::exp2(exponent));
  }
  std::string Token() {
    const size_t n = kFuzzTokens.size() + dictionary_.size();
    const size_t i = Index(n);
    return i < kFuzzTokens.size() ? std::string(kFuzzTokens[i])
                                  : dictionary_[i - kFuzzTokens.size()];
  }

  void Edit(std::string& text) {
    switch (rng_.UniformInt(13)) {
      case 0:  // flip a bit
        if (!text.empty()) text[Index(text.size())] ^= static_cast<char>(1 << rng_.UniformInt(8));
        break;
      case 1:  // overwrite a byte
        if (!text.empty()) text[Index(text.size())] = static_cast<char>(rng_.UniformInt(256));
        break;
      case 2:  // truncate
        text.resize(Index(text.size() + 1));
        break;
      case 3:  // delete a span
        text.erase(Position(text), 1 + Index(16));
        break;
      case 4:  // insert random bytes
        for (int64_t i = 1 + rng_.UniformInt(8); i > 0; --i) {
          text.insert(Position(text), 1, static_cast<char>(rng_.UniformInt(256)));
        }
        break;
      case 5: {  // copy a span elsewhere (repeated keys, lines, records)
        const std::string span = text.substr(Position(text), 1 + Index(80));
        text.insert(Position(text), span);
        break;
      }
      case 6:
      case 7:  // splice in a token
        text.insert(Position(text), Token());
        break;
      case 8: {  // replace a number with another token
        const size_t at = text.find_first_of("0123456789", Position(text));
        if (at == std::string::npos) break;
        const size_t stop = text.find_first_not_of("0123456789.eE+-", at);
        text.replace(at, (stop == std::string::npos ? text.size() : stop) - at, Token());
        break;
      }
      case 9: {  // deep nesting
        const std::string& opener = openers_[Index(openers_.size())];
        const size_t depth = LogUniform(size_t{1} << 17);
        std::string nest;
        nest.reserve(depth * opener.size());
        for (size_t i = 0; i < depth; ++i) nest += opener;
        text.insert(Position(text), nest);
        break;
      }
      case 10: {  // an overlong run of one character, inside a string or not
        const auto quote =
            std::find(text.begin() + static_cast<std::ptrdiff_t>(Position(text)), text.end(), '"');
        const size_t where =
            quote == text.end() ? Position(text) : static_cast<size_t>(quote - text.begin()) + 1;
        text.insert(where, LogUniform(size_t{1} << 18), static_cast<char>('a' + Index(3)));
        break;
      }
      case 11:  // invalid UTF-8
        text.insert(Position(text), kInvalidUtf8[Index(kInvalidUtf8.size())]);
        break;
      default: {  // this text's head on another seed's tail
        const std::string& other = seeds_[Index(seeds_.size())];
        text = text.substr(0, Position(text)) + other.substr(Position(other));
        break;
      }
    }
  }

  Rng rng_;
  std::vector<std::string> seeds_;
  std::vector<std::string> dictionary_;
  std::vector<std::string> openers_;
};

struct FuzzOptions {
  std::string name;                     // names the fuzzer in messages and failure files
  std::vector<std::string> seeds;       // valid inputs
  std::vector<std::string> dictionary;  // format tokens, see Mutator
  std::vector<std::string> openers;     // nesting, see Mutator
  int64_t cases = 1000;                 // times $RLAB_FUZZ_SCALE
  uint64_t seed = 20261207;
  int64_t memory_budget_mb = 1024;  // address space a case may add to the process's
  unsigned seconds_per_case = 10;
};

struct FuzzOutcome {
  int64_t cases = 0;
  int64_t accepted = 0;             // parsed without an error
  int64_t rejected = 0;             // threw rlab::Error
  std::vector<std::string> faults;  // anything else, one line each, with the case
};

inline int64_t FuzzScale() {
  const char* scale = std::getenv("RLAB_FUZZ_SCALE");
  return scale ? std::max<int64_t>(1, std::atoll(scale)) : 1;
}

namespace fuzz_detail {

// The bytes of `text` as a C string literal, cut to `limit` characters.
inline std::string Escaped(std::string_view text, size_t limit = 160) {
  std::string out;
  for (const char c : text.substr(0, limit)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  if (text.size() > limit) out += "...(" + std::to_string(text.size()) + " bytes)";
  return out;
}

// Writes the mutant to <build>/test-scratch/fuzz-failures/ so that it can be replayed.
inline std::string SaveFailure(const std::string& name, int64_t index, const std::string& text) {
  const std::filesystem::path dir =
      std::filesystem::path(RLAB_BINARY_DIR) / "test-scratch" / "fuzz-failures";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / (name + "-case" + std::to_string(index));
  std::ofstream(file, std::ios::binary) << text;
  return file.string();
}

inline std::string TypeName(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
  return status == 0 && name ? name.get() : type.name();
}

inline void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

inline int64_t AddressSpaceBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0;
  statm >> pages;
  return pages * ::sysconf(_SC_PAGESIZE);
}

// The child: runs every case, writes "a <accepted> <rejected>" and one "f <message>" line per
// fault to `fd`, and keeps the index of the running case in `*current`.
[[noreturn]] inline void RunCases(const FuzzOptions& options, int64_t cases,
                                  const std::function<void(const std::string&)>& parse, int fd,
                                  volatile int64_t* current) {
  rlimit memory{};
  memory.rlim_cur = memory.rlim_max =
      static_cast<rlim_t>(AddressSpaceBytes() + (options.memory_budget_mb << 20));
  ::setrlimit(RLIMIT_AS, &memory);
  Mutator mutator(options.seed, options.seeds, options.dictionary, options.openers);
  int64_t accepted = 0, rejected = 0, faults = 0;
  for (int64_t i = 0; i < cases; ++i) {
    const std::string input = mutator.Next();
    *current = i;
    ::alarm(options.seconds_per_case);
    std::string fault;
    try {
      parse(input);
      ++accepted;
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      fault = "threw " + TypeName(typeid(e)) + " (not rlab::Error): " + e.what();
    } catch (...) {
      fault = "threw something that is not a std::exception";
    }
    if (!fault.empty() && ++faults <= 5) {
      for (char& c : fault) c = c == '\n' ? ' ' : c;
      WriteAll(fd, "f case " + std::to_string(i) + ": " + fault.substr(0, 600) + "; input \"" +
                       Escaped(input) + "\", saved as " + SaveFailure(options.name, i, input) +
                       "\n");
    }
  }
  ::alarm(0);
  WriteAll(fd, "a " + std::to_string(accepted) + " " + std::to_string(rejected) + "\n");
  ::_exit(0);
}

}  // namespace fuzz_detail

// Feeds options.cases mutants (times $RLAB_FUZZ_SCALE) to `parse`, which must return or throw
// rlab::Error. Runs them in a forked child so that a crash, a hang (seconds_per_case) or an
// allocation past memory_budget_mb is reported with the input that caused it.
inline FuzzOutcome Fuzz(const FuzzOptions& options,
                        const std::function<void(const std::string&)>& parse) {
  FuzzOutcome outcome;
  outcome.cases = options.cases * FuzzScale();
  void* shared =
      ::mmap(nullptr, sizeof(int64_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  auto* current = static_cast<volatile int64_t*>(shared);
  *current = -1;
  int fds[2];
  if (shared == MAP_FAILED || ::pipe(fds) != 0) {
    outcome.faults.push_back("cannot set up the fuzzing child");
    return outcome;
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    fuzz_detail::RunCases(options, outcome.cases, parse, fds[1], current);
  }
  ::close(fds[1]);
  std::string report;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) report.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const int64_t last = *current;
  ::munmap(shared, sizeof(int64_t));

  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("f ", 0) == 0) outcome.faults.push_back(line.substr(2));
    if (line.rfind("a ", 0) == 0)
      std::istringstream(line.substr(2)) >> outcome.accepted >> outcome.rejected;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // Replay the mutator to show the input the child died on.
    Mutator mutator(options.seed, options.seeds, options.dictionary, options.openers);
    std::string input;
    for (int64_t i = 0; i <= last; ++i) input = mutator.Next();
    const std::string how =
        WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM
            ? "took more than " + std::to_string(options.seconds_per_case) + " s"
            : (WIFSIGNALED(status)
                   ? "killed the process with signal " + std::to_string(WTERMSIG(status))
                   : "exited the process with status " + std::to_string(WEXITSTATUS(status)));
    outcome.faults.push_back("case " + std::to_string(last) + " " + how + "; input \"" +
                             fuzz_detail::Escaped(input) + "\", saved as " +
                             fuzz_detail::SaveFailure(options.name, last, input));
  }
  return outcome;
}

// Asserts that no case faulted and that the mutants exercised both outcomes: some parsed (so
// the parser was reached past its first check) and some were refused.
inline void ExpectNoFaults(const FuzzOutcome& outcome) {
  for (const std::string& fault : outcome.faults) ADD_FAILURE() << fault;
  EXPECT_GT(outcome.accepted, 0) << "no mutant parsed: the seeds may be invalid";
  EXPECT_GT(outcome.rejected, 0) << "no mutant was refused: the parser accepts anything";
}

}  // namespace rlab::testing
