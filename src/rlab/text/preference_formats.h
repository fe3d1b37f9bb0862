// The source layouts `rlab data convert --from` reads (registered in preference_convert.cc):
//   pairwise-annotated  instruction/input + two responses + annotator labels (PandaLM, LLMBar)
//   sharegpt            ShareGPT conversations with chosen/rejected turns (LLaMA-Factory)
//   columns             any column names mapped to prompt/chosen/rejected/subset
// and the small helpers they share.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/text/preference_convert.h"

namespace rlab::data {

std::unique_ptr<PreferenceFormat> MakePairwiseAnnotatedFormat();
std::unique_ptr<PreferenceFormat> MakeShareGptFormat();
std::unique_ptr<PreferenceFormat> MakeColumnsFormat(const SpecArgs& args);

// The string `key` of `object`; an error naming `where` and the field when it is missing or
// not a string. `parent` is the path of `object` in the record ("chosen", "conversations[2]").
std::string StringField(const nlohmann::json& object, std::string_view key,
                        const std::string& where, std::string_view parent = "");

// Copies the input's "idx" (else "id") to the output's "id", and the first of
// `subset_fields` that the input has as a string to "subset".
void CopyIdAndSubset(const nlohmann::json& in, std::initializer_list<const char*> subset_fields,
                     nlohmann::ordered_json& out);

}  // namespace rlab::data
