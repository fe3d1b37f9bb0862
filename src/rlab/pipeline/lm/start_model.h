// The starting policy of a language-model stage that trains from its own samples (rl,
// online-po): the model directory or preset `start` (after the stage's SFT warm start, if any)
// with its tokenizer, or the one `tokenizer` names; an error when neither has one.
#pragma once

#include <cstdint>
#include <string>

#include "rlab/models/transformer/language_model.h"

namespace rlab::pipeline {

// Opened with the run's "init" seed, so every copy (policy, reference) starts alike.
models::LanguageModel OpenStartModel(const std::string& start, const std::string& tokenizer,
                                     uint64_t seed);

}  // namespace rlab::pipeline
