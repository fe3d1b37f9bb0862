// sample: one completion per prompt at the context's sampling temperature, the baseline every
// other decoder spends more compute to beat.
#include "rlab/search/search_decoder.h"

namespace rlab::search {

namespace {

class Sample : public SearchDecoder {
 public:
  explicit Sample(const SearchContext& context) : context_(context) {}
  SearchOutput Decode(const std::vector<std::string>& prompts,
                      at::Generator& generator) const override {
    SearchOutput out;
    const std::vector<std::string> none(prompts.size());
    out.completions =
        SampleContinuations(context_, prompts, none, 1, {}, generator, &out.policy_tokens).texts;
    return out;
  }
  std::string Describe() const override { return "sample"; }

 private:
  SearchContext context_;
};

}  // namespace

SearchDecoderRegistry::Entry SampleDecoder() {
  return {"sample",
          "one completion per prompt at the sampling temperature",
          {},
          [](const SpecArgs&, const SearchContext& context) {
            return std::make_unique<Sample>(context);
          }};
}

}  // namespace rlab::search
