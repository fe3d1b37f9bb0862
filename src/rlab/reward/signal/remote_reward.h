// Rewards from a server over HTTP with OpenRLHF's remote reward-model interface, the reward
// source remote(url=..., timeout=30, retries=3, backoff=0.5) of the rl pipeline's `reward` list
// (text_reward_source.h). Each batch is one request
//   POST URL  {"query": [prompt + completion, ...], "prompts": [prompt, ...]
//              (, "labels": [reference answer, ...] when every prompt has one)}
// answered by {"rewards": [r, ...]}: the query is the whole text, prompt and completion
// concatenated, as OpenRLHF sends it; `rlab serve-rm` is such a server. A URL without a path
// (or "/") posts to /get_reward. A failed connection, a timeout, a 429 or a 5xx answer is
// retried up to `retries` times, waiting backoff, 2 x backoff, 4 x backoff ... seconds; any
// other failure, and rewards that are not one finite number per completion, are errors that
// name the URL.
#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rlab {
struct Spec;
}

namespace rlab::reward {

// The reward-source spec's name: remote(url=...).
inline constexpr std::string_view kRemoteRewardSpec = "remote";

struct RemoteRewardOptions {
  std::string url;       // http://HOST[:PORT][/PATH] or https://...
  double timeout = 30;   // seconds per request (connect, read and write each)
  int64_t retries = 3;   // further tries after a failed one
  double backoff = 0.5;  // seconds before the first retry, doubling after each
};

// The parts of an http(s) URL. Anything else (no scheme, another scheme, an empty host, a
// port that is not a number in 1..65535) is an error naming the URL.
struct ParsedUrl {
  std::string scheme;  // "http" or "https"
  std::string host;
  int port = 0;      // the scheme's default when the URL gives none
  std::string path;  // from the first '/', "/get_reward" when absent or "/"
};
ParsedUrl ParseRewardUrl(const std::string& url);

class RemoteReward {
 public:
  explicit RemoteReward(RemoteRewardOptions options);
  // From the spec remote(url=..., timeout=..., retries=..., backoff=...).
  static std::unique_ptr<RemoteReward> FromSpec(const Spec& spec);
  ~RemoteReward();

  // One request for the batch; the rewards [N] float32. `answers` empty or one per prompt.
  torch::Tensor Score(const std::vector<std::string>& prompts,
                      const std::vector<std::string>& completions,
                      const std::vector<std::optional<std::string>>& answers = {}) const;
  std::string Describe() const;  // remote(url=...)

 private:
  struct Client;
  RemoteRewardOptions options_;
  ParsedUrl url_;
  std::unique_ptr<Client> client_;
};

}  // namespace rlab::reward
