// best_of_n(n): PRM best-of-N (Lightman et al., "Let's Verify Step by Step", arXiv:2305.20050):
// n completions per prompt at the sampling temperature; the answer is the one whose weakest step
// the step scorer rates highest (min aggregation; the first drawn on ties; a completion without
// steps rates -inf). The baseline ReST-MCTS* and Value Augmented Sampling claim to beat at equal
// compute.
#include <algorithm>
#include <limits>

#include "rlab/core/check.h"
#include "rlab/search/search_decoder.h"

namespace rlab::search {

namespace {

class BestOfN : public SearchDecoder {
 public:
  BestOfN(const SearchContext& context, int64_t n) : context_(context), n_(n) {
    RLAB_CHECK(n >= 1, "best_of_n: n must be >= 1, got {}", n);
    RLAB_CHECK(context.scorer && context.task->Steps(),
               "best_of_n: needs a step scorer (a process reward source) and a task with steps");
  }
  SearchOutput Decode(const std::vector<std::string>& prompts,
                      at::Generator& generator) const override {
    SearchOutput out;
    const std::vector<std::string> none(prompts.size());
    const Continuations samples =
        SampleContinuations(context_, prompts, none, n_, {}, generator, &out.policy_tokens);
    std::vector<std::string> repeated;
    for (const std::string& p : prompts) repeated.insert(repeated.end(), n_, p);
    const auto scores = ScoreSteps(context_, repeated, samples.texts);
    out.scored = static_cast<int64_t>(samples.texts.size());
    for (std::size_t p = 0; p < prompts.size(); ++p) {
      std::size_t best = p * n_;
      double best_score = -std::numeric_limits<double>::infinity();
      for (std::size_t i = p * n_; i < (p + 1) * n_; ++i) {
        const auto& s = scores[i];
        const double weakest = s.empty() ? -std::numeric_limits<double>::infinity()
                                         : *std::min_element(s.begin(), s.end());
        if (weakest > best_score) best = i, best_score = weakest;
      }
      out.completions.push_back(samples.texts[best]);
    }
    return out;
  }
  std::string Describe() const override { return fmt::format("best_of_n(n={})", n_); }

 private:
  SearchContext context_;
  std::size_t n_;
};

}  // namespace

SearchDecoderRegistry::Entry BestOfNDecoder() {
  return {"best_of_n",
          "n samples per prompt, the one whose weakest step the step scorer rates highest",
          {{"n", "8", "completions sampled per prompt"}},
          [](const SpecArgs& args, const SearchContext& context) {
            return std::make_unique<BestOfN>(context, args.Get<int64_t>("n"));
          }};
}

}  // namespace rlab::search
