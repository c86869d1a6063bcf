// `modelcard import` (generator/importer/hf_import.h): each committed Hugging Face fixture imports
// to a spec that parses with zero diagnostics and whose analytic parameter count equals the
// tensors in its model.safetensors; published configs give the published counts; exact errors.
#include "generator/importer/hf_import.h"

#include <doctest/doctest.h>
#include <unistd.h>

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
        EndsWith(name, ".num_batches_tracked"))  // batch-norm statistics: buffers, not parameters
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

TEST_CASE("import: errors name the file, the key and the value") {
  TempDir tmp;
  const std::string supported =
      "(supported: GPT2LMHeadModel, LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
      "MixtralForCausalLM, BertModel, BertForMaskedLM, BertForSequenceClassification, ViTForImageClassification)";
  CHECK(ImportError(tmp, "falcon", R"({"architectures": ["FalconForCausalLM"], "model_type": "falcon"})") ==
        "ckpt/falcon/config.json: architecture 'FalconForCausalLM' is not supported " + supported);
  CHECK(ImportError(tmp, "vitmodel", R"({"architectures": ["ViTModel"]})") ==
        "ckpt/vitmodel/config.json: architecture 'ViTModel' is not supported: its pooler (dense + tanh over the "
        "[CLS] token) is not part of the vit family " +
            supported);
  CHECK(ImportError(tmp, "typeless", R"({"model_type": "falcon"})") ==
        "ckpt/typeless/config.json: model_type 'falcon' is not supported "
        "(supported: bert, gpt2, llama, mistral, mixtral, qwen2, vit)");
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
      "rope_scaling": {"factor": 8.0, "rope_type": "llama3"}})");
  CHECK(ImportError(tmp, "llama31", llama.dump()) ==
        "ckpt/llama31/config.json: 'rope_scaling' = {\"factor\":8.0,\"rope_type\":\"llama3\"} is not supported: "
        "the engine implements unscaled RoPE only");
  llama.erase("rope_scaling");
  llama["rope_parameters"] = {{"rope_type", "yarn"}, {"rope_theta", 500000.0}, {"factor", 4.0}};
  CHECK(ImportError(tmp, "yarn", llama.dump()) ==
        "ckpt/yarn/config.json: 'rope_parameters' = {\"factor\":4.0,\"rope_theta\":500000.0,\"rope_type\":\"yarn\"} "
        "is not supported: the engine implements unscaled RoPE only (rope_type 'default')");
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
  mistral["sliding_window"] = 4096;  // Mistral-7B-v0.1
  CHECK(ImportError(tmp, "window", mistral.dump()) ==
        "ckpt/window/config.json: 'sliding_window' = 4096 is not supported: the engine attends over the whole "
        "context (max_position_embeddings 32768)");
  mistral.erase("sliding_window");  // absent: MistralConfig's default of 4096
  CHECK(ImportError(tmp, "default-window", mistral.dump()) ==
        "ckpt/default-window/config.json: missing 'sliding_window' means MistralConfig's default window of 4096, "
        "which is not supported: the engine attends over the whole context (max_position_embeddings 32768)");

  Json qwen2 = Json::parse(R"({"architectures": ["Qwen2ForCausalLM"], "vocab_size": 97, "hidden_size": 32,
      "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 48,
      "max_position_embeddings": 32, "use_sliding_window": true, "sliding_window": 16})");
  CHECK(ImportError(tmp, "qwen-window", qwen2.dump()) ==
        "ckpt/qwen-window/config.json: 'use_sliding_window' = true is not supported: the engine attends over the "
        "whole context");

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
