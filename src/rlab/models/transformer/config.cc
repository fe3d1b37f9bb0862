#include "rlab/models/transformer/config.h"

#include "rlab/core/check.h"
#include "rlab/core/io.h"

namespace rlab::models {
namespace {

using nlohmann::json;

// A required integer field.
int64_t IntField(const json& doc, std::string_view source, const char* key) {
  RLAB_CHECK(doc.contains(key) && !doc.at(key).is_null(),
             "{}: field '{}' is missing; a {} config needs it", source, key,
             doc.value("model_type", std::string("transformer")));
  const json& value = doc.at(key);
  RLAB_CHECK(value.is_number_integer(), "{}: field '{}' must be an integer, not {}", source, key,
             value.dump());
  const int64_t v = value.get<int64_t>();
  RLAB_CHECK(v > 0, "{}: field '{}' must be positive, not {}", source, key, v);
  return v;
}

int64_t IntFieldOr(const json& doc, std::string_view source, const char* key, int64_t fallback) {
  if (!doc.contains(key) || doc.at(key).is_null()) return fallback;
  return IntField(doc, source, key);
}

double NumberFieldOr(const json& doc, std::string_view source, const char* key, double fallback) {
  if (!doc.contains(key) || doc.at(key).is_null()) return fallback;
  const json& value = doc.at(key);
  RLAB_CHECK(value.is_number(), "{}: field '{}' must be a number, not {}", source, key,
             value.dump());
  return value.get<double>();
}

bool BoolFieldOr(const json& doc, std::string_view source, const char* key, bool fallback) {
  if (!doc.contains(key) || doc.at(key).is_null()) return fallback;
  const json& value = doc.at(key);
  RLAB_CHECK(value.is_boolean(), "{}: field '{}' must be true or false, not {}", source, key,
             value.dump());
  return value.get<bool>();
}

std::string StringFieldOr(const json& doc, std::string_view source, const char* key,
                          const std::string& fallback) {
  if (!doc.contains(key) || doc.at(key).is_null()) return fallback;
  const json& value = doc.at(key);
  RLAB_CHECK(value.is_string(), "{}: field '{}' must be a string, not {}", source, key,
             value.dump());
  return value.get<std::string>();
}

TransformerConfig ParseGpt2(const json& doc, std::string_view source) {
  TransformerConfig c;
  c.arch = TransformerArch::kGpt2;
  c.vocab_size = IntField(doc, source, "vocab_size");
  c.hidden_size = IntField(doc, source, "n_embd");
  c.num_layers = IntField(doc, source, "n_layer");
  c.num_heads = IntField(doc, source, "n_head");
  c.num_kv_heads = c.num_heads;
  c.max_positions = IntField(doc, source, "n_positions");
  c.intermediate_size = IntFieldOr(doc, source, "n_inner", 4 * c.hidden_size);
  c.norm_eps = NumberFieldOr(doc, source, "layer_norm_epsilon", 1e-5);
  c.tie_word_embeddings = true;
  const std::string act = StringFieldOr(doc, source, "activation_function", "gelu_new");
  RLAB_CHECK(act == "gelu_new" || act == "gelu_pytorch_tanh",
             "{}: field 'activation_function' is '{}'; only the tanh-approximated GELU "
             "('gelu_new' or 'gelu_pytorch_tanh') is supported",
             source, act);
  return c;
}

TransformerConfig ParseLlama(const json& doc, std::string_view source) {
  TransformerConfig c;
  c.arch = TransformerArch::kLlama;
  c.vocab_size = IntField(doc, source, "vocab_size");
  c.hidden_size = IntField(doc, source, "hidden_size");
  c.num_layers = IntField(doc, source, "num_hidden_layers");
  c.num_heads = IntField(doc, source, "num_attention_heads");
  c.num_kv_heads = IntFieldOr(doc, source, "num_key_value_heads", c.num_heads);
  c.intermediate_size = IntField(doc, source, "intermediate_size");
  c.max_positions = IntFieldOr(doc, source, "max_position_embeddings", 2048);
  // Hugging Face's LlamaConfig defaults.
  c.norm_eps = NumberFieldOr(doc, source, "rms_norm_eps", 1e-6);
  c.rope_theta = NumberFieldOr(doc, source, "rope_theta", 10000.0);
  c.tie_word_embeddings = BoolFieldOr(doc, source, "tie_word_embeddings", false);
  const std::string act = StringFieldOr(doc, source, "hidden_act", "silu");
  RLAB_CHECK(act == "silu", "{}: field 'hidden_act' is '{}'; only 'silu' (SwiGLU) is supported",
             source, act);
  RLAB_CHECK(!doc.contains("rope_scaling") || doc.at("rope_scaling").is_null(),
             "{}: field 'rope_scaling' is set ({}); scaled rotary embeddings are not supported",
             source, doc.contains("rope_scaling") ? doc.at("rope_scaling").dump() : "");
  RLAB_CHECK(!BoolFieldOr(doc, source, "attention_bias", false),
             "{}: field 'attention_bias' is true; Llama attention with biases is not supported",
             source);
  RLAB_CHECK(!BoolFieldOr(doc, source, "mlp_bias", false),
             "{}: field 'mlp_bias' is true; a Llama MLP with biases is not supported", source);
  if (doc.contains("head_dim") && !doc.at("head_dim").is_null()) {
    const int64_t head_dim = IntField(doc, source, "head_dim");
    RLAB_CHECK(head_dim * c.num_heads == c.hidden_size,
               "{}: field 'head_dim' is {} but hidden_size / num_attention_heads is {}; a head "
               "width other than that is not supported",
               source, head_dim, c.hidden_size / c.num_heads);
  }
  return c;
}

}  // namespace

std::string_view ArchName(TransformerArch arch) {
  return arch == TransformerArch::kGpt2 ? "gpt2" : "llama";
}

void TransformerConfig::Validate() const {
  RLAB_CHECK(vocab_size > 0 && hidden_size > 0 && num_layers > 0 && num_heads > 0 &&
                 num_kv_heads > 0 && intermediate_size > 0 && max_positions > 0,
             "transformer config: vocab_size, hidden_size, num_layers, num_heads, num_kv_heads, "
             "intermediate_size and max_positions must all be positive");
  RLAB_CHECK(hidden_size % num_heads == 0,
             "transformer config: hidden_size {} is not divisible by num_heads {}", hidden_size,
             num_heads);
  RLAB_CHECK(num_heads % num_kv_heads == 0,
             "transformer config: num_heads {} is not a multiple of num_kv_heads {}", num_heads,
             num_kv_heads);
  RLAB_CHECK(arch == TransformerArch::kLlama || num_kv_heads == num_heads,
             "transformer config: GPT-2 has one key/value head per query head (num_kv_heads {} "
             "!= num_heads {})",
             num_kv_heads, num_heads);
  RLAB_CHECK(arch == TransformerArch::kLlama || tie_word_embeddings,
             "transformer config: GPT-2 always ties its output layer to the token embedding");
  RLAB_CHECK(arch == TransformerArch::kGpt2 || head_dim() % 2 == 0,
             "transformer config: rotary embeddings need an even head width, not {}", head_dim());
  RLAB_CHECK(norm_eps > 0, "transformer config: norm_eps must be positive, not {}", norm_eps);
  RLAB_CHECK(rope_theta > 0, "transformer config: rope_theta must be positive, not {}", rope_theta);
}

TransformerConfig ParseTransformerConfig(const nlohmann::json& json, std::string_view source) {
  RLAB_CHECK(json.is_object(), "{}: a config.json must hold a JSON object", source);
  RLAB_CHECK(json.contains("model_type") && json.at("model_type").is_string(),
             "{}: field 'model_type' is missing; it must be \"gpt2\" or \"llama\"", source);
  const std::string type = json.at("model_type").get<std::string>();
  TransformerConfig config;
  if (type == "gpt2") {
    config = ParseGpt2(json, source);
  } else if (type == "llama") {
    config = ParseLlama(json, source);
  } else {
    RLAB_FAIL("{}: field 'model_type' is \"{}\"; supported: \"gpt2\", \"llama\"", source, type);
  }
  try {
    config.Validate();
  } catch (const Error& e) {
    RLAB_FAIL("{}: {}", source, e.what());
  }
  return config;
}

TransformerConfig ReadTransformerConfig(const std::filesystem::path& path) {
  return ParseTransformerConfig(ReadJsonFile(path), path.string());
}

nlohmann::json TransformerConfigToJson(const TransformerConfig& c) {
  nlohmann::json doc;
  doc["model_type"] = std::string(ArchName(c.arch));
  doc["vocab_size"] = c.vocab_size;
  if (c.arch == TransformerArch::kGpt2) {
    doc["architectures"] = nlohmann::json::array({"GPT2LMHeadModel"});
    doc["n_embd"] = c.hidden_size;
    doc["n_layer"] = c.num_layers;
    doc["n_head"] = c.num_heads;
    doc["n_positions"] = c.max_positions;
    doc["n_inner"] = c.intermediate_size;
    doc["layer_norm_epsilon"] = c.norm_eps;
    doc["activation_function"] = "gelu_new";
  } else {
    doc["architectures"] = nlohmann::json::array({"LlamaForCausalLM"});
    doc["hidden_size"] = c.hidden_size;
    doc["num_hidden_layers"] = c.num_layers;
    doc["num_attention_heads"] = c.num_heads;
    doc["num_key_value_heads"] = c.num_kv_heads;
    doc["intermediate_size"] = c.intermediate_size;
    doc["max_position_embeddings"] = c.max_positions;
    doc["rms_norm_eps"] = c.norm_eps;
    doc["rope_theta"] = c.rope_theta;
    doc["hidden_act"] = "silu";
    doc["tie_word_embeddings"] = c.tie_word_embeddings;
  }
  doc["torch_dtype"] = "float32";
  return doc;
}

}  // namespace rlab::models
