// `modelcard import` (generator/importer/hf_import.h): each committed Hugging Face fixture imports
// to a spec that parses with zero diagnostics and whose analytic parameter count equals the
// tensors in its model.safetensors; published configs give the published counts; exact errors.
#include "generator/importer/hf_import.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/count.h"
#include "generator/spec/spec_parser.h"
#include "tests/test_files.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kFixtures = std::string(MODELCARD_TEST_DATA) + "/data/hf_reference";

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parameters stored in a safetensors file, read from its header (8-byte little-endian length,
// then JSON: name -> {dtype, shape, data_offsets}). Not parameters: `__metadata__`, GPT-2's
// causal-mask buffers and rotary inv_freq; a tied lm_head saved beside the embedding counts once.
int64_t CheckpointParameters(const std::string& path, bool tied) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  unsigned char len[8];
  in.read(reinterpret_cast<char*>(len), 8);
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | len[i];
  REQUIRE(header_bytes < (1u << 24));
  std::string header(header_bytes, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_bytes));
  REQUIRE(in);
  int64_t total = 0;
  const Json tensors = Json::parse(header);
  for (const auto& [name, tensor] : tensors.items()) {
    if (name == "__metadata__") continue;
    if (EndsWith(name, ".attn.bias") || EndsWith(name, ".attn.masked_bias") || EndsWith(name, "rotary_emb.inv_freq") ||
        EndsWith(name, ".running_mean") || EndsWith(name, ".running_var") ||
        EndsWith(name, ".num_batches_tracked") ||  // batch-norm statistics: buffers, not parameters
        EndsWith(name, ".attention.bias") || EndsWith(name, ".attention.masked_bias") ||  // GPT-NeoX's mask buffers
        EndsWith(name, ".e_score_correction_bias"))  // DeepSeek-V3's router correction: a buffer in transformers
      continue;
    if (tied && name == "lm_head.weight") continue;
    int64_t elements = 1;
    for (const auto& dim : tensor.at("shape")) elements *= dim.get<int64_t>();
    total += elements;
  }
  return total;
}

// Imports `dir`; REQUIREs success and a spec that parses cleanly with one size.
spec::Spec ImportAndParse(const std::string& dir, const std::string& display, importer::ImportResult* result) {
  engine::Status s = importer::ImportHfConfig(dir, display, result);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  spec::ParseResult parsed = spec::ParseSpecText(result->spec_text, result->slug + ".yaml");
  std::string errors;
  for (const auto& d : parsed.errors) errors += d.ToString() + "\n";
  CHECK_MESSAGE(parsed.ok(), errors);
  REQUIRE(parsed.spec.architecture.sizes.size() == 1);
  return parsed.spec;
}

// A scratch directory whose Config(name, text) writes `<dir>/<name>/config.json`.
struct TempDir : testing_files::TempDir {
  TempDir() : testing_files::TempDir("modelcard-import-test") {}
  // Writes `<path>/<name>/config.json` and returns the directory.
  std::string Config(const std::string& name, const std::string& text) const {
    Write(name + "/config.json", text);
    return (path / name).string();
  }
};

// Imports a config given as JSON text; REQUIREs success and a clean parse; the one size's config.
engine::ModelConfig ImportConfig(const TempDir& tmp, const std::string& name, const Json& config,
                                 std::string* spec_text = nullptr) {
  importer::ImportResult result;
  spec::Spec spec = ImportAndParse(tmp.Config(name, config.dump(2)), "ckpt/" + name, &result);
  if (spec_text) *spec_text = result.spec_text;
  return spec.architecture.sizes.front().config;
}

// The message of a failed import of `config_text` written as `<tmp>/<name>/config.json`.
std::string ImportError(const TempDir& tmp, const std::string& name, const std::string& config_text) {
  importer::ImportResult result;
  engine::Status s = importer::ImportHfConfig(tmp.Config(name, config_text), "ckpt/" + name, &result);
  CHECK_FALSE(s.ok());
  return s.message();
}

// Published configs (Hugging Face hub, config.json of each repository).
Json Mixtral8x7B() {
  return Json::parse(R"({
    "architectures": ["MixtralForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 1,
    "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
    "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mixtral",
    "num_attention_heads": 32, "num_experts_per_tok": 2, "num_hidden_layers": 32,
    "num_key_value_heads": 8, "num_local_experts": 8, "output_router_logits": false,
    "rms_norm_eps": 1e-05, "rope_theta": 1e6, "router_aux_loss_coef": 0.02, "sliding_window": null,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.36.0.dev0",
    "use_cache": true, "vocab_size": 32000})");
}
// mistralai/Mistral-7B-Instruct-v0.2 (v0.1 is the same but for rope_theta 10000 and a 4,096 window).
Json Mistral7B() {
  return Json::parse(R"({
    "architectures": ["MistralForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 1,
    "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
    "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
    "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
    "rms_norm_eps": 1e-05, "rope_theta": 1000000.0, "sliding_window": null,
    "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.36.0",
    "use_cache": true, "vocab_size": 32000})");
}
// google-bert/bert-base-uncased
Json BertBase() {
  return Json::parse(R"({
    "architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1,
    "gradient_checkpointing": false, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
    "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-12,
    "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
    "num_hidden_layers": 12, "pad_token_id": 0, "position_embedding_type": "absolute",
    "transformers_version": "4.6.0.dev0", "type_vocab_size": 2, "use_cache": true, "vocab_size": 30522})");
}
// google/vit-base-patch16-224 (id2label: the 1,000 ImageNet classes)
Json VitBase() {
  Json j = Json::parse(R"({
    "architectures": ["ViTForImageClassification"], "attention_probs_dropout_prob": 0.0,
    "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": 768, "image_size": 224,
    "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-12, "model_type": "vit",
    "num_attention_heads": 12, "num_channels": 3, "num_hidden_layers": 12, "patch_size": 16,
    "qkv_bias": true, "transformers_version": "4.13.0.dev0"})");
  for (int i = 0; i < 1000; ++i) j["id2label"][std::to_string(i)] = "class " + std::to_string(i);
  return j;
}

// issue 16: the published config.json of each model (Hugging Face Hub, the keys that matter),
// as transformers 4.57 builds them: AutoModelForCausalLM.from_config on the meta device gives the
// parameter counts the tests state.
// meta-llama/Llama-3.1-8B
Json Llama31_8B() {
  return Json::parse(R"({"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
    "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096,
    "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 131072,
    "mlp_bias": false, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32,
    "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 8.0,
    "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192,
    "rope_type": "llama3"}, "rope_theta": 500000.0, "tie_word_embeddings": false,
    "torch_dtype": "bfloat16", "use_cache": true, "vocab_size": 128256})");
}
// meta-llama/Llama-3.1-70B
Json Llama31_70B() {
  return Json::parse(R"({"architectures": ["LlamaForCausalLM"], "attention_bias": false, "hidden_act": "silu",
    "hidden_size": 8192, "intermediate_size": 28672, "max_position_embeddings": 131072,
    "mlp_bias": false, "model_type": "llama", "num_attention_heads": 64, "num_hidden_layers": 80,
    "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 8.0,
    "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192,
    "rope_type": "llama3"}, "rope_theta": 500000.0, "tie_word_embeddings": false, "vocab_size": 128256})");
}
// meta-llama/Llama-3.2-1B
Json Llama32_1B() {
  return Json::parse(R"({"architectures": ["LlamaForCausalLM"], "attention_bias": false, "head_dim": 64,
    "hidden_act": "silu", "hidden_size": 2048, "intermediate_size": 8192,
    "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
    "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
    "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
    "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "rope_theta": 500000.0,
    "tie_word_embeddings": true, "vocab_size": 128256})");
}
// mistralai/Mistral-7B-v0.1
Json Mistral7Bv01() {
  return Json::parse(R"({"architectures": ["MistralForCausalLM"], "hidden_act": "silu", "hidden_size": 4096,
    "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
    "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05,
    "rope_theta": 10000.0, "sliding_window": 4096, "tie_word_embeddings": false, "vocab_size": 32000})");
}
// google/gemma-2-2b
Json Gemma2_2B() {
  return Json::parse(
      R"({"architectures": ["Gemma2ForCausalLM"], "attention_bias": false, "attn_logit_softcapping": 50.0,
    "cache_implementation": "hybrid", "final_logit_softcapping": 30.0, "head_dim": 256,
    "hidden_act": "gelu_pytorch_tanh", "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 2304,
    "intermediate_size": 9216, "max_position_embeddings": 8192, "model_type": "gemma2",
    "num_attention_heads": 8, "num_hidden_layers": 26, "num_key_value_heads": 4,
    "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "sliding_window": 4096,
    "vocab_size": 256000})");
}
// microsoft/Phi-3-mini-4k-instruct
Json Phi3Mini4k() {
  return Json::parse(R"({"architectures": ["Phi3ForCausalLM"], "attention_bias": false, "hidden_act": "silu",
    "hidden_size": 3072, "intermediate_size": 8192, "max_position_embeddings": 4096,
    "model_type": "phi3", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
    "original_max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "rope_scaling": null,
    "rope_theta": 10000.0, "sliding_window": 2047, "tie_word_embeddings": false, "vocab_size": 32064})");
}
// Qwen/Qwen3-0.6B
Json Qwen3_0_6B() {
  return Json::parse(R"({"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "head_dim": 128,
    "hidden_act": "silu", "hidden_size": 1024, "intermediate_size": 3072,
    "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
    "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06,
    "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null, "tie_word_embeddings": true,
    "use_sliding_window": false, "vocab_size": 151936})");
}
// Qwen/Qwen3-30B-A3B
Json Qwen3_30B_A3B() {
  return Json::parse(R"({"architectures": ["Qwen3MoeForCausalLM"], "attention_bias": false, "decoder_sparse_step": 1,
    "head_dim": 128, "hidden_act": "silu", "hidden_size": 2048, "intermediate_size": 6144,
    "max_position_embeddings": 40960, "max_window_layers": 48, "mlp_only_layers": [],
    "model_type": "qwen3_moe", "moe_intermediate_size": 768, "norm_topk_prob": true,
    "num_attention_heads": 32, "num_experts": 128, "num_experts_per_tok": 8, "num_hidden_layers": 48,
    "num_key_value_heads": 4, "output_router_logits": false, "rms_norm_eps": 1e-06, "rope_scaling": null,
    "rope_theta": 1000000.0, "router_aux_loss_coef": 0.001, "sliding_window": null,
    "tie_word_embeddings": false, "use_sliding_window": false, "vocab_size": 151936})");
}
// EleutherAI/pythia-1.4b
Json Pythia1_4B() {
  return Json::parse(
      R"({"architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "gelu",
    "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192, "layer_norm_eps": 1e-05,
    "max_position_embeddings": 2048, "model_type": "gpt_neox", "num_attention_heads": 16,
    "num_hidden_layers": 24, "rotary_emb_base": 10000, "rotary_pct": 0.25, "tie_word_embeddings": false,
    "use_cache": true, "use_parallel_residual": true, "vocab_size": 50304})");
}
// deepseek-ai/DeepSeek-V3
Json DeepSeekV3() {
  return Json::parse(
      R"({"architectures": ["DeepseekV3ForCausalLM"], "attention_bias": false, "first_k_dense_replace": 3,
    "hidden_act": "silu", "hidden_size": 7168, "intermediate_size": 18432, "kv_lora_rank": 512,
    "max_position_embeddings": 163840, "model_type": "deepseek_v3", "moe_intermediate_size": 2048,
    "moe_layer_freq": 1, "n_group": 8, "n_routed_experts": 256, "n_shared_experts": 1,
    "norm_topk_prob": true, "num_attention_heads": 128, "num_experts_per_tok": 8,
    "num_hidden_layers": 61, "num_key_value_heads": 128, "num_nextn_predict_layers": 1,
    "q_lora_rank": 1536, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "rms_norm_eps": 1e-06,
    "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0, "mscale_all_dim": 1.0,
    "original_max_position_embeddings": 4096, "type": "yarn"}, "rope_theta": 10000,
    "routed_scaling_factor": 2.5, "scoring_func": "sigmoid", "tie_word_embeddings": false,
    "topk_group": 4, "topk_method": "noaux_tc", "v_head_dim": 128, "vocab_size": 129280})");
}

}  // namespace

TEST_CASE("import: each committed fixture's analytic count equals its safetensors tensors") {
  // torchvision's ResNets have no config.json: their spec comes from the tensor shapes.
  for (const std::string name : {"gpt2", "llama", "qwen2", "mistral", "mixtral", "bert", "bert_cls", "vit", "gpt2_bpe",
                                 "resnet_basic", "resnet_bottleneck"}) {
    CAPTURE(name);
    const std::string dir = kFixtures + "/" + name;
    importer::ImportResult result;
    spec::Spec spec = ImportAndParse(dir, "hf_reference/" + name, &result);
    const spec::Size& size = spec.architecture.sizes.front();
    const std::string slug = spec::SlugFromName(name);  // "gpt2_bpe" -> "gpt2-bpe"
    CHECK(result.slug == slug);
    CHECK(size.name == slug);
    CHECK(size.weights == "hf_reference/" + name);
    CHECK(spec.profile.sizes == std::vector<std::string>{slug});
    CHECK(spec.profile.dtypes == std::vector<std::string>{"float32"});
    CHECK(spec.profile.batch_sizes == std::vector<int64_t>{1});
    if (name == "vit" || name.rfind("resnet", 0) == 0)
      CHECK(spec.profile.sequence_lengths == std::vector<int64_t>{128});  // not written: the default, unused
    else
      CHECK(spec.profile.sequence_lengths == std::vector<int64_t>{name == "gpt2_bpe" ? 64 : 32});  // min(128, context)
    const int64_t stored = CheckpointParameters(dir + "/model.safetensors", size.config.tie_embeddings);
    CHECK(engine::AnalyticParameters(size.config).total == stored);
  }
}

TEST_CASE("import: issue 16's fixtures import, and count their safetensors tensors") {
  // tests/data/hf_reference/<name> of the issue-16 model types (written by make_fixtures.py); each
  // imports, and its count equals the checkpoint's parameters.
  for (const std::string name :
       {"llama3", "llama_linear", "llama_dynamic", "llama_yarn", "gemma", "gemma2", "phi3", "qwen3", "gpt_neox",
        "mistral_window", "qwen3_moe", "deepseek_v3", "deepseek_v3_nolora"}) {
    const std::string dir = kFixtures + "/" + name;
    CAPTURE(name);
    REQUIRE(fs::exists(dir + "/config.json"));
    REQUIRE(fs::exists(dir + "/model.safetensors"));
    importer::ImportResult result;
    spec::Spec spec = ImportAndParse(dir, "hf_reference/" + name, &result);
    const spec::Size& size = spec.architecture.sizes.front();
    const int64_t stored = CheckpointParameters(dir + "/model.safetensors", size.config.tie_embeddings);
    CHECK(engine::AnalyticParameters(size.config).total == stored);
  }
}

TEST_CASE("import: the GPT-2 fixture's spec, exact text") {
  importer::ImportResult result;
  REQUIRE(importer::ImportHfConfig(kFixtures + "/gpt2", "../checkpoints/gpt2", &result).ok());
  CHECK(result.architecture == "GPT2LMHeadModel");
  CHECK(result.family == engine::Family::kDecoder);
  CHECK(result.spec_text ==
        "# Written by `modelcard import` from a Hugging Face config.json: the architecture only.\n"
        "# Add the card's other sections (training, evaluation, ...) by hand; see DESIGN.md \"Spec format\".\n"
        "schema: 1\n"
        "name: gpt2\n"
        "slug: gpt2\n"
        "tagline: Imported from a Hugging Face config.json (GPT2LMHeadModel)\n"
        "summary: The GPT2LMHeadModel (model_type gpt2) architecture read from ../checkpoints/gpt2/config.json by "
        "modelcard import.\n"
        "architecture:\n"
        "  family: decoder\n"
        "  base: Transformer\n"
        "  config:\n"
        "    vocab_size: 97\n"
        "    context_length: 32\n"
        "    norm: layernorm\n"
        "    norm_eps: 1e-05\n"
        "    activation: gelu_tanh\n"
        "    position: learned\n"
        "    bias: true\n"
        "    tie_embeddings: true\n"
        "  sizes:\n"
        "    gpt2:\n"
        "      num_layers: 2\n"
        "      embedding_dim: 32\n"
        "      num_heads: 4\n"
        "      hidden_dim: 128\n"
        "      weights: ../checkpoints/gpt2\n"
        "profile:\n"
        "  sizes: [gpt2]\n"
        "  dtypes: [float32]\n"
        "  batch_sizes: [1]\n"
        "  sequence_lengths: [32]\n");
}

TEST_CASE("import: Llama and Qwen2 fixtures map GQA, head_dim, RoPE, biases and tying") {
  importer::ImportResult result;
  engine::ModelConfig llama = ImportAndParse(kFixtures + "/llama", "llama", &result).architecture.sizes[0].config;
  CHECK(llama.family == engine::Family::kDecoder);
  CHECK(llama.norm == engine::Norm::kRMSNorm);
  CHECK(llama.norm_eps == 1e-6);
  CHECK(llama.activation == engine::Activation::kSwiGLU);
  CHECK(llama.position == engine::Position::kRoPE);
  CHECK(llama.rope_theta == 10000.0);  // from rope_parameters (transformers 5)
  CHECK(llama.num_heads == 4);
  CHECK(llama.num_kv_heads == 2);
  CHECK(llama.head_dim == 16);
  CHECK(llama.hidden_dim == 96);
  CHECK_FALSE(llama.bias);
  CHECK_FALSE(llama.qkv_bias);
  CHECK_FALSE(llama.tie_embeddings);

  engine::ModelConfig qwen2 = ImportAndParse(kFixtures + "/qwen2", "qwen2", &result).architecture.sizes[0].config;
  CHECK_FALSE(qwen2.bias);
  CHECK(qwen2.qkv_bias);
  CHECK(qwen2.tie_embeddings);
  CHECK(qwen2.num_kv_heads == 2);
}

TEST_CASE("import: published Mixtral, Mistral, BERT and ViT configs give the published counts") {
  TempDir tmp;
  SUBCASE("Mixtral-8x7B") {
    std::string text;
    engine::ModelConfig c = ImportConfig(tmp, "Mixtral-8x7B-v0.1", Mixtral8x7B(), &text);
    CHECK(c.family == engine::Family::kMoe);
    CHECK(c.num_experts == 8);
    CHECK(c.experts_per_token == 2);
    CHECK(c.num_kv_heads == 8);
    CHECK(c.hidden_dim == 14336);
    CHECK(c.rope_theta == 1e6);
    CHECK(c.context_length == 32768);
    CHECK(engine::AnalyticParameters(c).total == 46702792704);
    // Mixtral experts load (engine/weights/hf_names.cc), but this directory holds only config.json:
    // the size names no checkpoint (a comment says why).
    CHECK(text.find("\n      weights: ") == std::string::npos);
    CHECK(text.find("      # no weights: the checkpoint directory holds no model.safetensors") != std::string::npos);
    CHECK(text.find("    mixtral-8x7b-v0-1:\n") != std::string::npos);
    CHECK(text.find("name: Mixtral-8x7B-v0.1\n") != std::string::npos);
    CHECK(text.find("  sequence_lengths: [128]\n") != std::string::npos);
  }
  SUBCASE("Mistral-7B") {
    engine::ModelConfig c = ImportConfig(tmp, "mistral", Mistral7B());
    CHECK(c.family == engine::Family::kDecoder);
    CHECK(c.activation == engine::Activation::kSwiGLU);
    CHECK(c.norm_eps == 1e-5);
    CHECK(c.rope_theta == 1e6);
    CHECK(c.num_kv_heads == 8);
    CHECK_FALSE(c.tie_embeddings);
    CHECK(engine::AnalyticParameters(c).total == 7241732096);
  }
  SUBCASE("Mistral with a window as long as the context") {
    Json j = Mistral7B();
    j["sliding_window"] = 32768;
    CHECK(ImportConfig(tmp, "mistral", j).context_length == 32768);
  }
  SUBCASE("BERT-base: BertForMaskedLM, BertModel, BertForSequenceClassification") {
    engine::ModelConfig mlm = ImportConfig(tmp, "bert-mlm", BertBase());
    CHECK(mlm.family == engine::Family::kEncoder);
    CHECK(mlm.head == "mlm");
    CHECK_FALSE(mlm.pooler);
    CHECK(mlm.norm_position == "post");
    CHECK(mlm.norm_eps == 1e-12);
    CHECK(mlm.activation == engine::Activation::kGELU);
    CHECK(mlm.type_vocab_size == 2);
    CHECK(mlm.context_length == 512);
    CHECK(engine::AnalyticParameters(mlm).total == 109514298);  // transformers' BertForMaskedLM

    Json base = BertBase();
    base["architectures"] = {"BertModel"};
    engine::ModelConfig model = ImportConfig(tmp, "bert-model", base);
    CHECK(model.head == "none");
    CHECK(model.pooler);
    CHECK(engine::AnalyticParameters(model).total == 109482240);  // BERT-base, 110M

    Json cls = BertBase();
    cls["architectures"] = {"BertForSequenceClassification"};
    cls["id2label"] = {{"0", "negative"}, {"1", "neutral"}, {"2", "positive"}};
    engine::ModelConfig classifier = ImportConfig(tmp, "bert-cls", cls);
    CHECK(classifier.head == "classifier");
    CHECK(classifier.num_classes == 3);
    CHECK(engine::AnalyticParameters(classifier).total == 109482240 + 768 * 3 + 3);
  }
  SUBCASE("ViT-B/16") {
    std::string text;
    engine::ModelConfig c = ImportConfig(tmp, "vit-base-patch16-224", VitBase(), &text);
    CHECK(c.family == engine::Family::kVit);
    CHECK(c.image_size == 224);
    CHECK(c.patch_size == 16);
    CHECK(c.channels == 3);
    CHECK(c.num_classes == 1000);
    CHECK(c.pool == "cls");
    CHECK(c.qkv_bias);
    CHECK(c.hidden_dim == 3072);
    CHECK(engine::AnalyticParameters(c).total == 86567656);     // transformers' ViTForImageClassification
    CHECK(text.find("sequence_lengths") == std::string::npos);  // images, not sequences
  }
  SUBCASE("model_type alone, _name_or_path and license") {
    Json j = Mistral7B();
    j.erase("architectures");
    j["_name_or_path"] = "mistralai/Mistral-7B-Instruct-v0.2";
    j["license"] = "apache-2.0";
    importer::ImportResult result;
    spec::Spec spec = ImportAndParse(tmp.Config("m", j.dump()), "ckpt/m", &result);
    CHECK(result.architecture == "MistralForCausalLM");
    CHECK(spec.name == "Mistral-7B-Instruct-v0.2");
    CHECK(spec.slug == "mistral-7b-instruct-v0-2");
    CHECK(spec.license == "apache-2.0");
    CHECK(spec.architecture.sizes[0].name == "m");
  }
  SUBCASE("strings that YAML would misread are quoted") {
    Json j = Mistral7B();
    j["_name_or_path"] = "true";
    j["license"] = "other: see LICENSE # not a comment";
    importer::ImportResult result;
    const std::string dir = tmp.Config("1.5", j.dump());
    std::ofstream(fs::path(dir) / "model.safetensors");  // only its presence matters to import
    spec::Spec spec = ImportAndParse(dir, "dir: with #colon", &result);
    CHECK(spec.name == "true");
    CHECK(spec.license == "other: see LICENSE # not a comment");
    CHECK(spec.architecture.sizes[0].name == "1-5");
    CHECK(spec.architecture.sizes[0].weights == "dir: with #colon");
    CHECK(result.spec_text.find("name: \"true\"\n") != std::string::npos);
  }
}

TEST_CASE("import: issue 16's published configs give transformers' parameter counts") {
  TempDir tmp;
  struct Case {
    const char* name;
    Json config;
    int64_t total;
    const char* layout;  // the checkpoint_layout the spec writes ("" = none, inferred)
  };
  for (const Case& k : std::vector<Case>{{"Llama-3.1-8B", Llama31_8B(), 8030261248, ""},
                                         {"Llama-3.1-70B", Llama31_70B(), 70553706496, ""},
                                         {"Llama-3.2-1B", Llama32_1B(), 1235814400, ""},
                                         {"Mistral-7B-v0.1", Mistral7Bv01(), 7241732096, ""},
                                         {"gemma-2-2b", Gemma2_2B(), 2614341888, "gemma2"},
                                         {"Phi-3-mini-4k-instruct", Phi3Mini4k(), 3821079552, "phi3"},
                                         {"Qwen3-0.6B", Qwen3_0_6B(), 596049920, "qwen3"},
                                         {"Qwen3-30B-A3B", Qwen3_30B_A3B(), 30532122624, "qwen3_moe"},
                                         {"pythia-1.4b", Pythia1_4B(), 1414647808, "gpt_neox"},
                                         {"DeepSeek-V3", DeepSeekV3(), 671026404352, "deepseek_v3"}}) {
    CAPTURE(k.name);
    std::string text;
    const engine::ModelConfig c = ImportConfig(tmp, k.name, k.config, &text);
    CHECK(engine::AnalyticParameters(c).total == k.total);
    CHECK(c.checkpoint_layout == k.layout);
    if (*k.layout) CHECK(text.find(std::string("    checkpoint_layout: ") + k.layout + "\n") != std::string::npos);
  }

  SUBCASE("Llama 3.1: llama3 rope scaling") {
    const engine::ModelConfig c = ImportConfig(tmp, "llama31", Llama31_8B());
    CHECK(c.rope_scaling == engine::RopeScaling::kLlama3);
    CHECK(c.rope_scaling_factor == 8);
    CHECK(c.rope_original_context == 8192);
    CHECK(c.rope_low_freq_factor == 1);
    CHECK(c.rope_high_freq_factor == 4);
    CHECK(c.rope_theta == 500000);
  }
  SUBCASE("Llama: linear, dynamic and yarn rope scaling, and transformers 5's rope_parameters") {
    Json j = Llama31_8B();
    j["rope_scaling"] = {{"rope_type", "linear"}, {"factor", 2.0}};
    engine::ModelConfig c = ImportConfig(tmp, "linear", j);
    CHECK(c.rope_scaling == engine::RopeScaling::kLinear);
    CHECK(c.rope_scaling_factor == 2);
    CHECK(c.rope_original_context == 0);  // the context itself
    j["rope_scaling"] = {{"type", "dynamic"}, {"factor", 4.0}, {"original_max_position_embeddings", 4096}};
    c = ImportConfig(tmp, "dynamic", j);
    CHECK(c.rope_scaling == engine::RopeScaling::kDynamic);
    // transformers' dynamic NTK grows theta past max_position_embeddings: that is the original
    // context, and the spec allows factor x it.
    CHECK(c.rope_original_context == j["max_position_embeddings"].get<int64_t>());
    CHECK(c.context_length == 4 * j["max_position_embeddings"].get<int64_t>());
    j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0},    {"original_max_position_embeddings", 32768},
                         {"beta_fast", 16.0},   {"beta_slow", 2.0}, {"attention_factor", 1.25}};
    c = ImportConfig(tmp, "yarn", j);
    CHECK(c.rope_scaling == engine::RopeScaling::kYarn);
    CHECK(c.rope_beta_fast == 16);
    CHECK(c.rope_beta_slow == 2);
    CHECK(c.rope_attention_factor == 1.25);
    CHECK(c.rope_mscale_all_dim == 0);
    // mscale and mscale_all_dim give a Llama's attention_factor only (no softmax scale, unlike DeepSeek-V3).
    j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}, {"mscale", 1.0}, {"mscale_all_dim", 0.5}};
    c = ImportConfig(tmp, "yarn-mscale", j);
    CHECK(c.rope_attention_factor == (0.1 * std::log(4.0) + 1) / (0.1 * 0.5 * std::log(4.0) + 1));
    CHECK(c.rope_mscale_all_dim == 0);
    j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
    CHECK(ImportConfig(tmp, "yarn-default", j).rope_attention_factor == 0);  // 0.1 ln(factor) + 1, the default
    j.erase("rope_scaling");
    j.erase("rope_theta");
    j["rope_parameters"] = {
        {"rope_type", "llama3"}, {"rope_theta", 500000.0}, {"factor", 8.0}, {"original_max_position_embeddings", 8192}};
    c = ImportConfig(tmp, "rope-parameters", j);
    CHECK(c.rope_scaling == engine::RopeScaling::kLlama3);
    CHECK(c.rope_theta == 500000);
    CHECK(c.rope_original_context == 8192);
  }
  SUBCASE("Mistral v0.1: one window for every layer; absent means MistralConfig's 4096, null none") {
    engine::ModelConfig c = ImportConfig(tmp, "mistral01", Mistral7Bv01());
    CHECK(c.sliding_window == 4096);
    CHECK(c.sliding_window_pattern == 1);
    Json j = Mistral7Bv01();
    j.erase("sliding_window");
    CHECK(ImportConfig(tmp, "mistral-default", j).sliding_window == 4096);
    j["sliding_window"] = nullptr;
    CHECK(ImportConfig(tmp, "mistral-null", j).sliding_window == 0);
  }
  SUBCASE("Gemma 2: alternating windows, sandwich norms, soft-caps, GeGLU-tanh, embedding scale") {
    const engine::ModelConfig c = ImportConfig(tmp, "gemma2", Gemma2_2B());
    CHECK(c.sliding_window == 4096);
    CHECK(c.sliding_window_pattern == 2);
    CHECK(engine::LayerIsLocal(c, 0));
    CHECK_FALSE(engine::LayerIsLocal(c, 1));
    CHECK(c.sandwich_norm);
    CHECK(c.embedding_scale);
    CHECK(c.attn_logit_softcap == 50);
    CHECK(c.final_logit_softcap == 30);
    CHECK(c.query_pre_attn_scalar == 256);
    CHECK(c.activation == engine::Activation::kGeGLUTanh);
    CHECK(c.head_dim == 256);
    CHECK(c.tie_embeddings);
    Json j = Gemma2_2B();  // absent caps: Gemma2Config's 50 and 30; null: none
    j.erase("attn_logit_softcapping");
    j["final_logit_softcapping"] = nullptr;
    const engine::ModelConfig d = ImportConfig(tmp, "gemma2-caps", j);
    CHECK(d.attn_logit_softcap == 50);
    CHECK(d.final_logit_softcap == 0);
  }
  SUBCASE("Phi-3: a window, rope_scaling null; longrope names the key") {
    const engine::ModelConfig c = ImportConfig(tmp, "phi3", Phi3Mini4k());
    CHECK(c.sliding_window == 2047);
    CHECK(c.rope_scaling == engine::RopeScaling::kNone);
    Json j = Phi3Mini4k();
    j["rope_scaling"] = {{"type", "longrope"}, {"long_factor", {1.0}}, {"short_factor", {1.0}}};
    CHECK(ImportError(tmp, "phi3-long", j.dump()) ==
          "ckpt/phi3-long/config.json: 'rope_scaling' = {\"long_factor\":[1.0],\"short_factor\":[1.0],\"type\":"
          "\"longrope\"} is not supported: only null (no scaling) is supported for this model type (rope type "
          "'longrope' is not implemented)");
    j["rope_scaling"] = nullptr;
    j["partial_rotary_factor"] = 0.5;
    CHECK(ImportConfig(tmp, "phi3-partial", j).rotary_dim == 48);  // int(96 x 0.5)
  }
  SUBCASE("Qwen3 and Qwen3-MoE: QK-norm; MoE experts at moe_intermediate_size") {
    CHECK(ImportConfig(tmp, "qwen3", Qwen3_0_6B()).qk_norm);
    const engine::ModelConfig c = ImportConfig(tmp, "qwen3moe", Qwen3_30B_A3B());
    CHECK(c.family == engine::Family::kMoe);
    CHECK(c.qk_norm);
    CHECK(c.num_experts == 128);
    CHECK(c.experts_per_token == 8);
    CHECK(c.moe_hidden_dim == 768);
    CHECK(c.router_renormalize);
    CHECK(engine::AnalyticParameters(c).active == 3353032704);
    Json j = Qwen3_30B_A3B();
    j["mlp_only_layers"] = {0, 47};
    CHECK(ImportError(tmp, "qwen3moe-dense", j.dump()) ==
          "ckpt/qwen3moe-dense/config.json: 'mlp_only_layers' = [0,47] is not supported: only an empty list (every "
          "layer a mixture of experts)");
    j["mlp_only_layers"] = Json::array();
    j["decoder_sparse_step"] = 2;
    CHECK(ImportError(tmp, "qwen3moe-step", j.dump()) ==
          "ckpt/qwen3moe-step/config.json: 'decoder_sparse_step' = 2 is not supported: every layer must be a mixture "
          "of experts (decoder_sparse_step 1)");
  }
  SUBCASE("Pythia: partial rotary, parallel residual, LayerNorm with biases") {
    const engine::ModelConfig c = ImportConfig(tmp, "pythia", Pythia1_4B());
    CHECK(c.rotary_dim == 32);  // rotary_pct 0.25 of 128
    CHECK(c.parallel_residual);
    CHECK(c.bias);
    CHECK(c.qkv_bias);
    CHECK(c.norm == engine::Norm::kLayerNorm);
    CHECK(c.activation == engine::Activation::kGELU);
    CHECK_FALSE(c.tie_embeddings);
    Json j = Pythia1_4B();
    j["attention_bias"] = false;
    CHECK(ImportError(tmp, "pythia-nobias", j.dump()) ==
          "ckpt/pythia-nobias/config.json: 'attention_bias' = false is not supported: GPT-NeoX checkpoints without "
          "attention biases are not mapped");
  }
  SUBCASE("DeepSeek-V3: MLA, yarn with mscale, sigmoid group-limited routing, shared experts, dense first layers") {
    const engine::ModelConfig c = ImportConfig(tmp, "dsv3", DeepSeekV3());
    CHECK(c.family == engine::Family::kMoe);
    CHECK(c.q_lora_rank == 1536);
    CHECK(c.kv_lora_rank == 512);
    CHECK(c.qk_nope_head_dim == 128);
    CHECK(c.qk_rope_head_dim == 64);
    CHECK(c.v_head_dim == 128);
    CHECK(c.rope_scaling == engine::RopeScaling::kYarn);
    CHECK(c.rope_scaling_factor == 40);
    CHECK(c.rope_original_context == 4096);
    // transformers: attention_factor = get_mscale(40, 1.0) / get_mscale(40, 1.0) = 1.
    CHECK(c.rope_attention_factor == 1.0);
    CHECK(c.rope_mscale_all_dim == 1.0);
    CHECK(c.num_experts == 256);
    CHECK(c.experts_per_token == 8);
    CHECK(c.moe_hidden_dim == 2048);
    CHECK(c.hidden_dim == 18432);
    CHECK(c.num_shared_experts == 1);
    CHECK(c.first_dense_layers == 3);
    CHECK(c.router_scoring == engine::RouterScoring::kSigmoid);
    CHECK(c.router_bias);
    CHECK(c.router_groups == 8);
    CHECK(c.router_topk_groups == 4);
    CHECK(c.routed_scaling_factor == 2.5);
    CHECK(c.router_renormalize);
    CHECK(engine::AnalyticParameters(c).active == 37552282624);
    // mscale and mscale_all_dim apart: transformers' ratio of the two get_mscale values.
    Json j = DeepSeekV3();
    j["rope_scaling"]["mscale"] = 0.707;
    const double expected = (0.1 * 0.707 * std::log(40.0) + 1) / (0.1 * 1.0 * std::log(40.0) + 1);
    CHECK(ImportConfig(tmp, "dsv3-mscale", j).rope_attention_factor == doctest::Approx(expected).epsilon(1e-15));
    // Absent keys: DeepseekV3Config's defaults, DeepSeek-V3's own; q_lora_rank null: a full q projection.
    j = DeepSeekV3();
    for (const char* key :
         {"n_routed_experts", "num_experts_per_tok", "moe_intermediate_size", "n_shared_experts",
          "first_k_dense_replace", "n_group", "topk_group", "routed_scaling_factor", "q_lora_rank", "kv_lora_rank",
          "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim", "scoring_func", "topk_method", "norm_topk_prob"})
      j.erase(key);
    CHECK(engine::AnalyticParameters(ImportConfig(tmp, "dsv3-defaults", j)).total == 671026404352);
    j["q_lora_rank"] = nullptr;
    CHECK(ImportConfig(tmp, "dsv3-nolora", j).q_lora_rank == 0);
    j = DeepSeekV3();
    j["scoring_func"] = "softmax";
    CHECK(ImportError(tmp, "dsv3-softmax", j.dump()) ==
          "ckpt/dsv3-softmax/config.json: 'scoring_func' = \"softmax\" is not supported (supported: sigmoid, what "
          "transformers' DeepseekV3TopkRouter computes)");
    j = DeepSeekV3();
    j["topk_method"] = "greedy";
    CHECK(ImportError(tmp, "dsv3-greedy", j.dump()) ==
          "ckpt/dsv3-greedy/config.json: 'topk_method' = \"greedy\" is not supported (supported: noaux_tc, the "
          "group-limited choice with a correction bias)");
  }
}

// The shapes of the tiny reference fixtures of issue 16 (tests/data/hf_reference/<name>/config.json:
// windows shorter than the test sequence, rope scaling with a short original context), inline.
Json Tiny_llama3() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": false, "architectures": ["LlamaForCausalLM"],
      "model_type": "llama", "rope_theta": 10000.0,
      "rope_scaling": {"rope_type": "llama3", "factor": 4.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                       "original_max_position_embeddings": 16}})");
}
Json Tiny_gemma() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": true, "architectures": ["GemmaForCausalLM"],
      "model_type": "gemma", "head_dim": 16, "hidden_act": "gelu_pytorch_tanh"})");
}
Json Tiny_gemma2() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 4, "num_attention_heads": 4,
      "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": true, "architectures": ["Gemma2ForCausalLM"],
      "model_type": "gemma2", "head_dim": 16, "hidden_activation": "gelu_pytorch_tanh",
      "sliding_window": 8, "query_pre_attn_scalar": 16, "attn_logit_softcapping": 50.0,
      "final_logit_softcapping": 30.0})");
}
Json Tiny_phi3() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": false, "architectures": ["Phi3ForCausalLM"],
      "model_type": "phi3", "sliding_window": 7, "partial_rotary_factor": 0.5,
      "rope_scaling": null, "pad_token_id": null})");
}
Json Tiny_qwen3() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": true, "architectures": ["Qwen3ForCausalLM"],
      "model_type": "qwen3", "head_dim": 16, "use_sliding_window": false})");
}
Json Tiny_gpt_neox() {
  return Json::parse(R"({"architectures": ["GPTNeoXForCausalLM"], "model_type": "gpt_neox", "vocab_size": 97,
      "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "intermediate_size": 128, "max_position_embeddings": 64, "rotary_pct": 0.25,
      "rotary_emb_base": 10000, "use_parallel_residual": true, "hidden_act": "gelu",
      "layer_norm_eps": 1e-05, "tie_word_embeddings": false})");
}
Json Tiny_mistral_window() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": false, "architectures": ["MistralForCausalLM"],
      "model_type": "mistral", "sliding_window": 6, "rope_theta": 10000.0})");
}
Json Tiny_qwen3_moe() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "num_key_value_heads": 2, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": false,
      "architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "head_dim": 16,
      "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 24,
      "norm_topk_prob": true, "decoder_sparse_step": 1, "mlp_only_layers": []})");
}
Json Tiny_deepseek_v3() {
  return Json::parse(R"({"vocab_size": 97, "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4,
      "num_key_value_heads": 4, "intermediate_size": 48, "max_position_embeddings": 64,
      "rms_norm_eps": 1e-06, "tie_word_embeddings": false,
      "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "q_lora_rank": 16,
      "kv_lora_rank": 12, "qk_nope_head_dim": 8, "qk_rope_head_dim": 4, "v_head_dim": 8,
      "n_routed_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 16,
      "n_shared_experts": 1, "first_k_dense_replace": 1, "n_group": 4, "topk_group": 2,
      "routed_scaling_factor": 2.5, "norm_topk_prob": true, "scoring_func": "sigmoid",
      "topk_method": "noaux_tc",
      "rope_scaling": {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 16, "beta_fast": 32,
                       "beta_slow": 1, "mscale": 1.0, "mscale_all_dim": 1.0}})");
}

TEST_CASE("import: tiny configs of each issue-16 model type give transformers' counts") {
  // Total and active parameters as transformers 4.57 builds each config on the meta device
  // (active: the total less (E - k) / E of the parameters under .mlp.experts.).
  TempDir tmp;
  struct Case {
    const char* name;
    Json config;
    int64_t total, active;
  };
  const std::vector<Case> cases = {{"llama3", Tiny_llama3(), 29472, 29472},
                                   {"gemma", Tiny_gemma(), 35584, 35584},
                                   {"gemma2", Tiny_gemma2(), 46656, 46656},
                                   {"phi3", Tiny_phi3(), 29472, 29472},
                                   {"qwen3", Tiny_qwen3(), 35680, 35680},
                                   {"gpt_neox", Tiny_gpt_neox(), 44384, 44384},
                                   {"mistral_window", Tiny_mistral_window(), 29472, 29472},
                                   {"qwen3_moe", Tiny_qwen3_moe(), 81024, 39552},
                                   {"deepseek_v3", Tiny_deepseek_v3(), 50036, 31604}};
  for (const Case& k : cases) {
    CAPTURE(k.name);
    const engine::ModelConfig c = ImportConfig(tmp, k.name, k.config);
    const engine::ParameterCount p = engine::AnalyticParameters(c);
    CHECK(p.total == k.total);
    CHECK(p.active == k.active);
  }
}

TEST_CASE("import: errors name the file, the key and the value") {
  TempDir tmp;
  const std::string supported =
      "(supported: GPT2LMHeadModel, LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
      "MixtralForCausalLM, GemmaForCausalLM, Gemma2ForCausalLM, Phi3ForCausalLM, Qwen3ForCausalLM, "
      "Qwen3MoeForCausalLM, DeepseekV3ForCausalLM, GPTNeoXForCausalLM, BertModel, BertForMaskedLM, "
      "BertForSequenceClassification, ViTForImageClassification)";
  CHECK(ImportError(tmp, "falcon", R"({"architectures": ["FalconForCausalLM"], "model_type": "falcon"})") ==
        "ckpt/falcon/config.json: architecture 'FalconForCausalLM' is not supported " + supported);
  CHECK(ImportError(tmp, "vitmodel", R"({"architectures": ["ViTModel"]})") ==
        "ckpt/vitmodel/config.json: architecture 'ViTModel' is not supported: its pooler (dense + tanh over the "
        "[CLS] token) is not part of the vit family " +
            supported);
  CHECK(ImportError(tmp, "typeless", R"({"model_type": "falcon"})") ==
        "ckpt/typeless/config.json: model_type 'falcon' is not supported "
        "(supported: bert, deepseek_v3, gemma, gemma2, gpt2, gpt_neox, llama, mistral, mixtral, phi3, qwen2, qwen3, "
        "qwen3_moe, vit)");
  CHECK(ImportError(tmp, "empty", "{}") ==
        "ckpt/empty/config.json: neither 'architectures' nor 'model_type' names the architecture");

  Json gpt2 = Json::parse(R"({"architectures": ["GPT2LMHeadModel"], "vocab_size": 97, "n_positions": 32,
                              "n_layer": 2, "n_embd": 32, "n_head": 4, "n_inner": null,
                              "activation_function": "gelu_fast"})");
  CHECK(ImportError(tmp, "act", gpt2.dump()) ==
        "ckpt/act/config.json: 'activation_function' = \"gelu_fast\" is not supported "
        "(supported: gelu, gelu_new, gelu_pytorch_tanh, relu, silu, swish)");
  gpt2["activation_function"] = "gelu_new";
  gpt2["n_embd"] = 32.5;
  CHECK(ImportError(tmp, "width", gpt2.dump()) ==
        "ckpt/width/config.json: 'n_embd' must be a positive integer, got 32.5");
  gpt2.erase("n_embd");
  CHECK(ImportError(tmp, "nowidth", gpt2.dump()) == "ckpt/nowidth/config.json: missing 'n_embd'");
  gpt2["n_embd"] = 30;  // not divisible by 4 heads: the spec check reports it in our key names
  CHECK(ImportError(tmp, "heads", gpt2.dump()) ==
        "ckpt/heads/config.json: embedding_dim (30) must be divisible by num_heads (4)");

  Json llama = Json::parse(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 128256, "hidden_size": 4096,
      "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
      "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "hidden_act": "silu",
      "rope_scaling": {"factor": 8.0, "rope_type": "longrope"}})");
  CHECK(ImportError(tmp, "longrope", llama.dump()) ==
        "ckpt/longrope/config.json: 'rope_scaling' = {\"factor\":8.0,\"rope_type\":\"longrope\"} is not supported "
        "(rope type 'longrope'; supported: default, linear, dynamic, yarn, llama3)");
  llama["rope_scaling"] = {{"factor", 8.0}, {"rope_type", "llama3"}};
  CHECK(ImportError(tmp, "llama3-original", llama.dump()) ==
        "ckpt/llama3-original/config.json: missing 'rope_scaling.original_max_position_embeddings'");
  llama.erase("rope_scaling");
  llama["rope_parameters"] = {{"rope_type", "su"}, {"rope_theta", 500000.0}, {"factor", 4.0}};
  CHECK(ImportError(tmp, "su", llama.dump()) ==
        "ckpt/su/config.json: 'rope_parameters' = {\"factor\":4.0,\"rope_theta\":500000.0,\"rope_type\":\"su\"} "
        "is not supported (rope type 'su'; supported: default, linear, dynamic, yarn, llama3)");
  llama.erase("rope_parameters");
  llama["attention_bias"] = true;
  CHECK(ImportError(tmp, "bias", llama.dump()) ==
        "ckpt/bias/config.json: 'attention_bias' = true is not supported without 'mlp_bias': the engine has "
        "biases in every linear layer or in none (besides q/k/v)");
  llama["attention_bias"] = false;
  llama["hidden_act"] = "gelu_pytorch_tanh";
  CHECK(ImportError(tmp, "gatedact", llama.dump()) ==
        "ckpt/gatedact/config.json: 'hidden_act' = \"gelu_pytorch_tanh\" is not supported "
        "(supported for gated MLPs: silu, swish, gelu)");

  Json mistral = Mistral7B();
  mistral["layer_types"] = Json::array();
  for (int i = 0; i < 32; ++i) mistral["layer_types"].push_back(i == 5 ? "sliding_attention" : "full_attention");
  CHECK(ImportError(tmp, "layer-types", mistral.dump())
            .find("ckpt/layer-types/config.json: 'layer_types' = [\"full_attention\"") == 0);
  CHECK(ImportError(tmp, "layer-types", mistral.dump())
            .find("is not supported: layer 5 would be \"full_attention\" (only one window for every layer, or local "
                  "and global layers alternating with a period, are supported)") != std::string::npos);

  Json qwen2 = Json::parse(R"({"architectures": ["Qwen2ForCausalLM"], "vocab_size": 97, "hidden_size": 32,
      "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 48,
      "max_position_embeddings": 32, "use_sliding_window": true, "sliding_window": 16})");
  CHECK(ImportError(tmp, "qwen-window", qwen2.dump()) ==
        "ckpt/qwen-window/config.json: 'use_sliding_window' = true is not supported: Qwen2's windows on the layers "
        "past max_window_layers are not supported");

  Json bert = BertBase();
  bert["position_embedding_type"] = "relative_key";
  CHECK(ImportError(tmp, "relative", bert.dump()) ==
        "ckpt/relative/config.json: 'position_embedding_type' = \"relative_key\" is not supported: the encoder "
        "family has absolute position embeddings only");

  CHECK(ImportError(tmp, "malformed", "{\"architectures\": [\"GPT2LMHeadModel\",]}") ==
        "ckpt/malformed/config.json: invalid JSON: parse error at line 1, column 38: syntax error while parsing "
        "value - unexpected ']'; expected '[', '{', or a literal");
  CHECK(ImportError(tmp, "list", "[1, 2]") == "ckpt/list/config.json: expected a JSON object at the top level");

  importer::ImportResult result;
  engine::Status missing = importer::ImportHfConfig((tmp.path / "nowhere").string(), "ckpt/nowhere", &result);
  CHECK(missing.ToString() == "not found: ckpt/nowhere/config.json: cannot read file: No such file or directory");
  CHECK(result.spec_text.empty());  // untouched on failure
}

TEST_CASE("import: a torchvision ResNet's spec comes from its tensor shapes, with image_size flagged") {
  importer::ImportResult result;
  REQUIRE(importer::ImportHfConfig(kFixtures + "/resnet_bottleneck", "ckpt/resnet_bottleneck", &result).ok());
  CHECK(result.architecture == "torchvision.models.ResNet");
  CHECK(result.family == engine::Family::kResNet);
  CHECK(result.spec_text.find("# Written by `modelcard import` from the tensor shapes of a torchvision ResNet "
                              "checkpoint: the architecture only.\n") == 0);
  CHECK(result.spec_text.find("# image_size 224 is torchvision's ImageNet input: the checkpoint does not fix it") !=
        std::string::npos);
  CHECK(result.spec_text.find("    image_size: 224\n    channels: 3\n    base_width: 8\n    num_classes: 10\n") !=
        std::string::npos);
  CHECK(result.spec_text.find("      block: bottleneck\n      stages: [1, 1, 1, 1]\n      weights: "
                              "ckpt/resnet_bottleneck\n") != std::string::npos);
  importer::ImportResult basic;
  REQUIRE(importer::ImportHfConfig(kFixtures + "/resnet_basic", "", &basic).ok());
  CHECK(basic.spec_text.find("      block: basic\n      stages: [2, 1, 1, 1]\n") != std::string::npos);

  // A directory with a safetensors file that is not a torchvision ResNet, and no config.json.
  const fs::path tmp = fs::temp_directory_path() / ("modelcard-import-tv-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  fs::copy_file(kFixtures + "/gpt2/model.safetensors", tmp / "model.safetensors", fs::copy_options::overwrite_existing);
  importer::ImportResult none;
  const engine::Status s = importer::ImportHfConfig(tmp.string(), "ckpt/x", &none);
  CHECK(s.ToString() ==
        "invalid argument: ckpt/x: no config.json, and the checkpoint is not a torchvision ResNet "
        "(conv1.weight (W, C, 7, 7) and layer1.0.conv1.weight)");
  fs::remove_all(tmp);
}

namespace {

// A safetensors file holding `entries` ([name, shape] pairs, e.g. from resnet_names.json) with
// no data written: the header, then a sparse data section of the right length (F16; I64 for
// num_batches_tracked). Import reads only the shapes.
void WriteShapesOnly(const fs::path& file, const Json& entries) {
  Json header = Json::object();
  uint64_t offset = 0;
  for (const Json& entry : entries) {
    const std::string name = entry.at(0);
    uint64_t elements = 1;
    for (const Json& d : entry.at(1)) elements *= d.get<uint64_t>();
    const bool counter = EndsWith(name, "num_batches_tracked");
    const uint64_t bytes = elements * (counter ? 8 : 2);
    header[name] = {
        {"dtype", counter ? "I64" : "F16"}, {"shape", entry.at(1)}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  const std::string text = header.dump();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(static_cast<uint64_t>(text.size()) >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out << text;
  }
  fs::resize_file(file, 8 + text.size() + offset);
}

// tests/data/hf_reference/resnet_names.json: every [name, shape] of torchvision's resnet18,
// resnet50, resnext50_32x4d and wide_resnet50_2 (make_fixtures.py).
Json ResNetNames() {
  std::ifstream in(kFixtures + "/resnet_names.json");
  REQUIRE(in);
  return Json::parse(in);
}

}  // namespace

TEST_CASE("import: torchvision ResNeXt and Wide ResNet state dicts give groups and width_per_group") {
  const Json names = ResNetNames();
  TempDir tmp;
  struct Want {
    const char* model;
    int64_t groups, width_per_group, parameters;
    const char* keys;  // the size's keys after stages, as written
  };
  const Want wants[] = {{"resnext50_32x4d", 32, 4, 25028904, "      groups: 32\n      width_per_group: 4\n"},
                        {"wide_resnet50_2", 1, 128, 68883240, "      groups: 1\n      width_per_group: 128\n"},
                        {"resnet50", 1, 64, 25557032, ""},
                        {"resnet18", 1, 64, 11689512, ""}};
  for (const Want& want : wants) {
    CAPTURE(want.model);
    const fs::path dir = tmp.path / want.model;
    fs::create_directories(dir);
    WriteShapesOnly(dir / "model.safetensors", names.at(want.model));
    importer::ImportResult result;
    const spec::Spec spec = ImportAndParse(dir.string(), std::string("ckpt/") + want.model, &result);
    const engine::ModelConfig& c = spec.architecture.sizes.front().config;
    CHECK(c.groups == want.groups);
    CHECK(c.width_per_group == want.width_per_group);
    CHECK(c.stages == (std::string(want.model) == "resnet18" ? std::vector<int64_t>{2, 2, 2, 2}
                                                             : std::vector<int64_t>{3, 4, 6, 3}));
    CHECK(engine::AnalyticParameters(c).total == want.parameters);
    const size_t stages = result.spec_text.find("      stages: [");
    REQUIRE(stages != std::string::npos);
    const size_t after = result.spec_text.find('\n', stages) + 1;
    CHECK(result.spec_text.substr(after, result.spec_text.find("      weights: ", after) - after) == want.keys);
  }

  // A stage whose grouped convolution does not follow torchvision's widths is an error naming it.
  Json odd = names.at("resnext50_32x4d");
  for (Json& entry : odd)
    if (entry.at(0) == "layer3.0.conv2.weight") entry[1] = {512, 8, 3, 3};
  const fs::path dir = tmp.path / "odd";
  fs::create_directories(dir);
  WriteShapesOnly(dir / "model.safetensors", odd);
  importer::ImportResult result;
  CHECK(importer::ImportHfConfig(dir.string(), "ckpt/odd", &result).ToString() ==
        "invalid argument: ckpt/odd: layer3.0.conv2.weight (512, 8, 3, 3) does not follow torchvision's bottleneck "
        "widths: with groups 32 and width_per_group 4 (from layer1.0.conv2.weight) it would be (512, 16, 3, 3)");
}

TEST_CASE("import: architecture.base follows the family (CNN for a ResNet, Transformer otherwise)") {
  importer::ImportResult resnet, gpt2;
  REQUIRE(importer::ImportHfConfig(kFixtures + "/resnet_basic", "ckpt/r", &resnet).ok());
  CHECK(resnet.spec_text.find("  family: resnet\n  base: CNN\n") != std::string::npos);
  REQUIRE(importer::ImportHfConfig(kFixtures + "/gpt2", "ckpt/g", &gpt2).ok());
  CHECK(gpt2.spec_text.find("  family: decoder\n  base: Transformer\n") != std::string::npos);
}

TEST_CASE("import: a directory without safetensors gives a spec without weights:, and a note saying so") {
  TempDir tmp;
  Json gpt2;
  {
    std::ifstream in(kFixtures + "/gpt2/config.json");
    REQUIRE(in);
    gpt2 = Json::parse(in);
  }
  const std::string dir = tmp.Config("bin-only", gpt2.dump());
  std::ofstream(fs::path(dir) / "pytorch_model.bin") << "not loaded";
  importer::ImportResult result;
  const spec::Spec spec = ImportAndParse(dir, "ckpt/bin-only", &result);
  CHECK_FALSE(result.has_weights);
  CHECK(spec.architecture.sizes.front().weights.empty());
  CHECK(result.spec_text.find("\n      weights: ") == std::string::npos);
  CHECK(result.spec_text.find("      # no weights: the checkpoint directory holds no model.safetensors (or "
                              "model.safetensors.index.json);\n") != std::string::npos);
  CHECK(result.note ==
        "ckpt/bin-only/config.json: its directory holds no model.safetensors (or model.safetensors.index.json): the "
        "spec names no weights, so build measures random weights");
  // A sharded checkpoint (model.safetensors.index.json) counts as weights.
  std::ofstream(fs::path(dir) / "model.safetensors.index.json") << "{}";
  importer::ImportResult sharded;
  ImportAndParse(dir, "ckpt/bin-only", &sharded);
  CHECK(sharded.has_weights);
  CHECK(sharded.note.empty());
  CHECK(sharded.spec_text.find("      weights: ckpt/bin-only\n") != std::string::npos);
}

TEST_CASE("import: --name sets the name and slug; a Hugging Face cache snapshot is named after its repository") {
  TempDir tmp;
  Json gpt2;
  {
    std::ifstream in(kFixtures + "/gpt2/config.json");
    REQUIRE(in);
    gpt2 = Json::parse(in);
  }
  gpt2.erase("_name_or_path");
  const fs::path snapshot =
      tmp.path / "hub" / "models--openai-community--gpt2" / "snapshots" / "607a30d783dfa663caf39e06633721c8d4cfcd7e";
  fs::create_directories(snapshot);
  std::ofstream(snapshot / "config.json") << gpt2.dump();
  importer::ImportResult named_by_repo;
  const spec::Spec by_repo = ImportAndParse(snapshot.string(), "", &named_by_repo);
  CHECK(by_repo.name == "gpt2");
  CHECK(named_by_repo.slug == "gpt2");
  CHECK(named_by_repo.size_name == "gpt2");
  // A trailing slash names the same directory.
  importer::ImportResult slash;
  REQUIRE(importer::ImportHfConfig(snapshot.string() + "/", "", &slash).ok());
  CHECK(slash.slug == "gpt2");

  importer::ImportOptions options;
  options.name = "My GPT-2 (tiny)";
  importer::ImportResult named;
  REQUIRE(importer::ImportHfConfig(snapshot.string(), "", &named, options).ok());
  CHECK(named.spec_text.find("\nname: My GPT-2 (tiny)\nslug: my-gpt-2-tiny\n") != std::string::npos);
  CHECK(named.slug == "my-gpt-2-tiny");
  CHECK(named.size_name == "gpt2");
  // --name wins over config.json's _name_or_path, and names torchvision checkpoints too.
  gpt2["_name_or_path"] = "openai-community/gpt2-medium";
  importer::ImportResult over;
  REQUIRE(importer::ImportHfConfig(tmp.Config("x", gpt2.dump()), "", &over, options).ok());
  CHECK(over.slug == "my-gpt-2-tiny");
  importer::ImportResult resnet;
  options.name = "ResNet tiny";
  REQUIRE(importer::ImportHfConfig(kFixtures + "/resnet_basic", "", &resnet, options).ok());
  CHECK(resnet.spec_text.find("\nname: ResNet tiny\nslug: resnet-tiny\n") != std::string::npos);
  CHECK(resnet.size_name == "resnet-basic");

  options.name = "--";
  importer::ImportResult bad;
  CHECK(importer::ImportHfConfig(snapshot.string(), "", &bad, options).ToString() ==
        "invalid argument: --name '--' has no letter or digit to make the spec's slug from");
}
