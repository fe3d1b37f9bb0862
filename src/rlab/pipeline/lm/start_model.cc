#include "rlab/pipeline/lm/start_model.h"

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/text/tokenizer/named_tokenizer.h"

namespace rlab::pipeline {

models::LanguageModel OpenStartModel(const std::string& start, const std::string& tokenizer,
                                     uint64_t seed) {
  models::LanguageModel lm =
      models::OpenLanguageModel(start, DeriveSeed(seed, "init"),
                                tokenizer.empty() ? nullptr : models::OpenTokenizer(tokenizer));
  RLAB_CHECK(lm.tokenizer != nullptr,
             "{} has no tokenizer files; name one with tokenizer=byte|gpt2|PATH", start);
  return lm;
}

}  // namespace rlab::pipeline
