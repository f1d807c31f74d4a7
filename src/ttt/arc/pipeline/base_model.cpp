#include "ttt/arc/pipeline/base_model.h"

#include <filesystem>

#include "ttt/arc/grid_tokens.h"
#include "ttt/models/weights.h"
#include "ttt/util/error.h"

namespace ttt::arc {

std::vector<std::string> arc_model_sizes() { return {"tiny", "small", "base"}; }

models::ModelConfig arc_model_config(const std::string& size, const std::string& layer_type, std::int64_t context) {
  struct Size {
    const char* name;
    std::int64_t hidden, layers, heads, intermediate;
  };
  static const Size sizes[] = {{"tiny", 64, 4, 4, 176}, {"small", 128, 6, 4, 344}, {"base", 256, 6, 8, 688}};
  const Size* found = nullptr;
  for (const auto& s : sizes)
    if (size == s.name) found = &s;
  TTT_CHECK(found, "[arc model] unknown size '", size, "' (known: tiny, small, base)");
  TTT_CHECK(layer_type == "attention" || layer_type == "linear", "[arc model] layer type '", layer_type,
            "' is not one of attention, linear");
  models::ModelConfig c;
  c.vocab_size = kGridVocabSize;
  c.hidden_size = found->hidden;
  c.num_hidden_layers = found->layers;
  c.num_attention_heads = found->heads;
  c.intermediate_size = found->intermediate;
  c.max_position_embeddings = context;
  c.tie_word_embeddings = false;
  c.ttt_layer_type = layer_type;
  c.bos_token_id = kTokenBos;
  c.eos_token_id = kTokenEos;
  c.use_gate = c.share_qk = c.pre_conv = false;  // Transformer backbone
  c.validate(str("arc model ", size));
  return c;
}

models::CausalLM load_arc_model(const std::string& dir) {
  namespace fs = std::filesystem;
  const auto config = (fs::path(dir) / "config.json").string();
  const auto weights = (fs::path(dir) / "model.safetensors").string();
  TTT_CHECK(fs::is_directory(dir), "[arc model] '", dir, "' is not a model folder (config.json + model.safetensors)");
  TTT_CHECK(fs::exists(config), "[arc model] ", dir, ": no config.json");
  TTT_CHECK(fs::exists(weights), "[arc model] ", dir, ": no model.safetensors");
  auto model = models::load_model(config, weights);
  TTT_CHECK(model->config().vocab_size == kGridVocabSize, "[arc model] ", config, ": vocab_size ",
            model->config().vocab_size, " is not the grid vocabulary's ", kGridVocabSize,
            " (this is not an ARC model)");
  return model;
}

}  // namespace ttt::arc
