// Tests of the spec parser: exact diagnostics (text and file:line:column) for every kind of
// mistake, defaults, the bundled specs, slugs, SHA-256, suggestions and a mutation fuzz.
#include "generator/spec/spec_parser.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/config.h"
#include "generator/spec/diagnostic.h"
#include "generator/spec/sha256.h"
#include "generator/spec/suggest.h"

namespace {

// Lines, each ending in '\n' (strings, so that doctest prints a failed comparison).
std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// Every diagnostic of `text` (read as "t.yaml"), one line each.
std::string Errors(const std::string& text) {
  std::vector<std::string> lines;
  for (const auto& d : spec::ParseSpecText(text, "t.yaml").errors) lines.push_back(d.ToString());
  return Lines(lines);
}

// A complete minimal spec; `size_line` is line 7, `extra` starts at line 8.
std::string Minimal(const std::string& size_line, const std::string& extra = "") {
  return "schema: 1\n"                                        // 1
         "name: Test Model\n"                                 // 2
         "architecture:\n"                                    // 3
         "  family: decoder\n"                                // 4
         "  config: {vocab_size: 256, context_length: 64}\n"  // 5
         "  sizes:\n"                                         // 6
         + ("    " + size_line + "\n")                        // 7
         + extra;                                             // 8...
}

const char* kSmall = "small: {num_layers: 2, embedding_dim: 64, num_heads: 4}";

std::string Bundled(const std::string& name) { return std::string(MODELCARD_SOURCE_DIR_FOR_TESTS) + "/specs/" + name; }
std::string Fixture(const std::string& name) {
  return std::string(MODELCARD_SOURCE_DIR_FOR_TESTS) + "/tests/data/specs/" + name;
}

}  // namespace

TEST_CASE("Diagnostic::ToString formats one compiler-style line") {
  spec::Diagnostic d{"specs/gpt2.yaml", 14, 5, "unknown key 'num_head'", "did you mean 'num_heads'?"};
  CHECK(d.ToString() == "specs/gpt2.yaml:14:5: unknown key 'num_head' (did you mean 'num_heads'?)");
  d.hint = "expected one of: a, b";
  CHECK(d.ToString() == "specs/gpt2.yaml:14:5: unknown key 'num_head' (expected one of: a, b)");
  d.hint = "add a 'slug' key";
  CHECK(d.ToString() == "specs/gpt2.yaml:14:5: unknown key 'num_head'; hint: add a 'slug' key");
  spec::Diagnostic whole{"x.yaml", 0, 0, "cannot read file: Permission denied", ""};
  CHECK(whole.ToString() == "x.yaml: cannot read file: Permission denied");
  spec::Diagnostic multi{"x.yaml", 2, 1, "two\nlines", "and\nmore"};
  CHECK(multi.ToString() == "x.yaml:2:1: two lines; hint: and more");
}

TEST_CASE("a minimal spec parses and every default is resolved") {
  auto r = spec::ParseSpecText(Minimal(kSmall), "t.yaml");
  REQUIRE(r.errors.empty());
  const spec::Spec& s = r.spec;
  CHECK(s.path == "t.yaml");
  CHECK(s.name == "Test Model");
  CHECK(s.slug == "test-model");
  CHECK(s.architecture.family == engine::Family::kDecoder);
  CHECK(Lines(s.architecture.config_keys) == Lines({"vocab_size", "context_length"}));
  REQUIRE(s.architecture.sizes.size() == 1);
  const engine::ModelConfig& c = s.architecture.sizes[0].config;
  CHECK(c.family == engine::Family::kDecoder);
  CHECK(c.vocab_size == 256);
  CHECK(c.context_length == 64);
  CHECK(c.num_layers == 2);
  CHECK(c.embedding_dim == 64);
  CHECK(c.num_heads == 4);
  CHECK(c.num_kv_heads == 4);  // = num_heads
  CHECK(c.head_dim == 16);     // = embedding_dim / num_heads
  CHECK(c.hidden_dim == 256);  // = 4 * embedding_dim
  CHECK(c.norm == engine::Norm::kLayerNorm);
  CHECK(c.norm_eps == 1e-5);
  CHECK(c.activation == engine::Activation::kGELU);
  CHECK(c.position == engine::Position::kLearned);
  CHECK(c.rope_theta == 10000.0);
  CHECK(c.bias);
  CHECK(c.qkv_bias);
  CHECK(c.tie_embeddings);
  CHECK_FALSE(s.has_training);
  CHECK_FALSE(s.has_blog);
  // Profile defaults: the first size; lengths clamped to fit context_length 64.
  CHECK(Lines(s.profile.sizes) == Lines({"small"}));
  CHECK(Lines(s.profile.dtypes) == Lines({"float32", "bfloat16"}));
  CHECK(s.profile.batch_sizes == std::vector<int64_t>{1});
  CHECK(s.profile.sequence_lengths == std::vector<int64_t>{64});
  CHECK(Lines(s.profile.devices) == Lines({"cpu"}));
  CHECK(s.profile.generation_enabled);
  CHECK(s.profile.generation.prompt_tokens == 32);
  CHECK(s.profile.generation.new_tokens == 32);
  CHECK(s.profile.warmup == 2);
  CHECK(s.profile.min_iterations == 10);
  CHECK(s.profile.min_seconds == 1.0);
}

TEST_CASE("a size overrides the shared config; qkv_bias follows bias unless given") {
  auto r = spec::ParseSpecText(
      "schema: 1\nname: T\narchitecture:\n  family: decoder\n"
      "  config: {vocab_size: 256, context_length: 64, bias: false, norm: rmsnorm}\n"
      "  sizes:\n"
      "    a: {num_layers: 2, embedding_dim: 64, num_heads: 4, vocab_size: 512}\n"
      "    b: {num_layers: 2, embedding_dim: 64, num_heads: 4, head_dim: 32, qkv_bias: true}\n",
      "t.yaml");
  REQUIRE(r.ok());
  const auto& sizes = r.spec.architecture.sizes;
  REQUIRE(sizes.size() == 2);
  CHECK(sizes[0].config.vocab_size == 512);
  CHECK_FALSE(sizes[0].config.qkv_bias);
  CHECK(sizes[0].config.norm == engine::Norm::kRMSNorm);
  CHECK(sizes[1].config.vocab_size == 256);
  CHECK(sizes[1].config.head_dim == 32);
  CHECK(sizes[1].config.qkv_bias);
  CHECK_FALSE(sizes[1].config.bias);
}

TEST_CASE("a misspelled key names the closest allowed key") {
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, num_kv_head: 2}")) ==
        Lines({"t.yaml:7:61: unknown key 'num_kv_head' (did you mean 'num_kv_heads'?)"}));
  // Nothing close: the allowed keys are listed.
  CHECK(Errors(Minimal(kSmall, "deployment: {zzz: 1}\n")) ==
        Lines({"t.yaml:8:14: unknown key 'zzz' (expected one of: techniques, platforms, "
               "horizontal_scaling, vertical_scaling)"}));
}

TEST_CASE("a misspelled required key also reports the key as missing") {
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_head: 4}")) ==
        Lines({"t.yaml:7:5: size 'small' is missing 'num_heads'",
               "t.yaml:7:47: unknown key 'num_head' (did you mean 'num_heads'?)"}));
}

TEST_CASE("wrong types name the key and show the value") {
  CHECK(Errors(Minimal("small: {num_layers: twelve, embedding_dim: 64, num_heads: 4}")) ==
        Lines({"t.yaml:7:25: 'num_layers' must be an integer, got 'twelve'"}));
  CHECK(Errors(Minimal(kSmall, "tags: text-generation\n")) ==
        Lines({"t.yaml:8:7: 'tags' must be a list of strings, got 'text-generation'"}));
  CHECK(Errors(Minimal(kSmall, "tags: [a, [b]]\n")) ==
        Lines({"t.yaml:8:11: 'tags' must be a list of strings, got a list"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, bias: yes please}")) ==
        Lines({"t.yaml:7:67: 'bias' must be true or false, got 'yes please'"}));
  CHECK(Errors("schema: 1\nname: T\narchitecture: [decoder]\n") ==
        Lines({"t.yaml:3:15: 'architecture' must be a mapping, got a list"}));
  CHECK(Errors(Minimal(kSmall, "training: {tokens: lots}\n")) ==
        Lines({"t.yaml:8:20: 'tokens' must be a number, got 'lots'"}));
  CHECK(Errors(Minimal(kSmall, "tagline:\n")) == Lines({"t.yaml:8:1: 'tagline' has no value"}));
}

TEST_CASE("a YAML syntax error gives one diagnostic with yaml-cpp's position") {
  CHECK(Errors("schema: 1\nname: [a, b\n") == Lines({"t.yaml:3:1: YAML syntax error: end of sequence flow not found"}));
  CHECK(Errors("schema: 1\ntagline: GPT-2: Language Models\n") ==
        Lines({"t.yaml:2:15: YAML syntax error: illegal map value"}));
}

TEST_CASE("head counts must divide") {
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 770, num_heads: 12}")) ==
        Lines({"t.yaml:7:59: embedding_dim (770) must be divisible by num_heads (12)"}));
  // An explicit head_dim lifts the embedding_dim constraint.
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 770, num_heads: 12, head_dim: 64}")).empty());
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 768, num_heads: 12, num_kv_heads: 5}")) ==
        Lines({"t.yaml:7:77: num_heads (12) must be divisible by num_kv_heads (5)"}));
}

TEST_CASE("the engine's own config check is reported at the size") {
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 60, num_heads: 4, position: rope}")) ==
        Lines({"t.yaml:7:5: size 'small': head_dim (15) must be even for rope positions"}));
}

TEST_CASE("non-positive counts and numbers are rejected at the value") {
  CHECK(Errors(Minimal("small: {num_layers: 0, embedding_dim: 64, num_heads: 4}")) ==
        Lines({"t.yaml:7:25: num_layers must be a positive integer, got 0"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, norm_eps: -1}")) ==
        Lines({"t.yaml:7:71: norm_eps must be a positive number, got -1"}));
}

TEST_CASE("unknown enum values list the accepted ones, or suggest a close one") {
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, norm: batchnorm}")) ==
        Lines({"t.yaml:7:67: unknown norm 'batchnorm' (expected one of: layernorm, rmsnorm)"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, activation: swiglue}")) ==
        Lines({"t.yaml:7:73: unknown activation 'swiglue' (did you mean 'swiglu'?)"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, position: rotary}")) ==
        Lines({"t.yaml:7:71: unknown position 'rotary' (expected one of: learned, sinusoidal, rope, "
               "alibi, none)"}));
  CHECK(Errors("schema: 1\nname: T\narchitecture:\n  family: transformer\n"
               "  sizes: {s: {vocab_size: 8, context_length: 8, num_layers: 1, embedding_dim: 8, "
               "num_heads: 1}}\n") ==
        Lines({"t.yaml:4:11: unknown family 'transformer' (expected one of: decoder, encoder, vit, resnet, audio, "
               "moe, recurrent)"}));
}

// A spec of `family` with one size; the config keys are given inline.
std::string FamilySpec(const std::string& family, const std::string& size, const std::string& extra = "") {
  return "schema: 1\nname: T\narchitecture:\n  family: " + family + "\n  sizes:\n    s: {" + size + "}\n" + extra;
}

TEST_CASE("every family reads its own keys, with its defaults") {
  spec::ParseResult r =
      spec::ParseSpecText(FamilySpec("resnet", "block: bottleneck, stages: [3, 4, 6, 3], num_classes: 1000"), "t.yaml");
  REQUIRE_MESSAGE(r.ok(), (r.errors.empty() ? "" : r.errors[0].ToString()));
  const engine::ModelConfig& resnet = r.spec.architecture.sizes[0].config;
  CHECK(resnet.family == engine::Family::kResNet);
  CHECK(resnet.stages == std::vector<int64_t>{3, 4, 6, 3});  // a count may repeat in stages
  CHECK(resnet.base_width == 64);
  CHECK(resnet.image_size == 224);
  CHECK(resnet.num_classes == 1000);

  r = spec::ParseSpecText(FamilySpec("vit",
                                     "num_layers: 12, embedding_dim: 768, num_heads: 12, num_classes: 1000, "
                                     "norm_eps: 1.0e-6, pool: mean"),
                          "t.yaml");
  REQUIRE(r.ok());
  const engine::ModelConfig& vit = r.spec.architecture.sizes[0].config;
  CHECK(vit.patch_size == 16);
  CHECK(vit.head_dim == 64);
  CHECK(vit.hidden_dim == 3072);
  CHECK(vit.pool == "mean");
  CHECK_FALSE(r.spec.profile.generation_enabled);  // only decoders generate

  r = spec::ParseSpecText(FamilySpec("moe",
                                     "vocab_size: 32000, context_length: 4096, num_layers: 2, embedding_dim: 64, "
                                     "num_heads: 4, num_experts: 8, experts_per_token: 2"),
                          "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.architecture.sizes[0].config.num_experts == 8);
  CHECK(r.spec.profile.generation_enabled);

  r = spec::ParseSpecText(FamilySpec("recurrent",
                                     "cell: gru, vocab_size: 10000, num_layers: 2, embedding_dim: 650, "
                                     "hidden_dim: 650"),
                          "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.architecture.sizes[0].config.cell == "gru");

  r = spec::ParseSpecText(FamilySpec("audio",
                                     "num_layers: 4, embedding_dim: 384, num_heads: 6, decoder_layers: 4, "
                                     "vocab_size: 51865, context_length: 448"),
                          "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.architecture.sizes[0].config.n_mels == 80);
  CHECK(engine::AudioFrames(r.spec.architecture.sizes[0].config) == 3000);

  r = spec::ParseSpecText(FamilySpec("encoder",
                                     "vocab_size: 30522, context_length: 512, num_layers: 12, "
                                     "embedding_dim: 768, num_heads: 12, norm_eps: 1.0e-12"),
                          "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.architecture.sizes[0].config.norm_position == "post");
  CHECK(r.spec.architecture.sizes[0].config.pooler);
}

TEST_CASE("a key of another family, a missing family key or a bad family value is an error") {
  CHECK(Errors(FamilySpec("decoder",
                          "vocab_size: 8, context_length: 8, num_layers: 1, embedding_dim: 8, "
                          "num_heads: 1, patch_size: 4")) ==
        Lines({"t.yaml:6:90: 'patch_size' does not apply to family 'decoder'; hint: the keys of decoder are: "
               "num_layers, embedding_dim, num_heads, head_dim, hidden_dim, norm_eps, activation, bias, qkv_bias, "
               "vocab_size, context_length, num_kv_heads, norm, position, rope_theta, tie_embeddings, rope_scaling, "
               "rope_scaling_factor, rope_original_context, rope_low_freq_factor, rope_high_freq_factor, "
               "rope_beta_fast, rope_beta_slow, rope_attention_factor, rope_mscale_all_dim, rotary_dim, "
               "sliding_window, sliding_window_pattern, parallel_residual, qk_norm, sandwich_norm, embedding_scale, "
               "attn_logit_softcap, final_logit_softcap, query_pre_attn_scalar, q_lora_rank, kv_lora_rank, "
               "qk_nope_head_dim, qk_rope_head_dim, v_head_dim, checkpoint_layout"}));
  CHECK(Errors(FamilySpec("resnet", "block: basic")) == Lines({"t.yaml:6:5: size 's' is missing 'stages'"}));
  CHECK(Errors(FamilySpec("resnet", "stages: [2, 0]")) ==
        Lines({"t.yaml:6:21: 'stages' must be a list of positive integers, got '0'"}));
  CHECK(Errors(FamilySpec("resnet", "stages: [2, 2], block: wide")) ==
        Lines({"t.yaml:6:32: unknown block 'wide' (expected one of: basic, bottleneck)"}));
  CHECK(Errors(FamilySpec("moe",
                          "vocab_size: 8, context_length: 8, num_layers: 1, embedding_dim: 8, num_heads: 1, "
                          "num_experts: 4, experts_per_token: 5")) ==
        Lines({"t.yaml:6:5: size 's': experts_per_token must be between 1 and num_experts (4), got 5"}));
  CHECK(Errors(FamilySpec("audio", "num_layers: 1, embedding_dim: 9, num_heads: 1")) ==
        Lines({"t.yaml:6:5: size 's': embedding_dim (9) must be even and at least 4 for the sinusoidal positions"}));
  CHECK(Errors(FamilySpec("vit", "num_layers: 1, embedding_dim: 8, num_heads: 1, image_size: 30")) ==
        Lines({"t.yaml:6:5: size 's': image_size (30) must be divisible by patch_size (16)"}));
  CHECK(Errors(FamilySpec("decoder", "vocab_size: 8, context_length: 8, num_layers: 1, embedding_dim: 8, num_heads: 1",
                          "profile: {preprocess: true}\n")) ==
        Lines({"t.yaml:7:11: family 'decoder' has no preprocessing to measure; hint: profile.preprocess applies to "
               "vit, resnet and audio"}));
  CHECK(
      spec::ParseSpecText(
          FamilySpec("vit", "num_layers: 1, embedding_dim: 8, num_heads: 1", "profile: {preprocess: true}\n"), "t.yaml")
          .spec.profile.preprocess);
  CHECK(Errors(FamilySpec("vit", "num_layers: 1, embedding_dim: 8, num_heads: 1",
                          "profile: {generation: {prompt_tokens: 4, new_tokens: 4}}\n")) ==
        Lines({"t.yaml:7:11: family 'vit' does not generate token by token; hint: remove profile.generation (or "
               "set it to false)"}));
}

// Issue 13: dropping a foreign key used to copy-assign the kept entries over the old ones, and
// yaml-cpp's Node::operator= re-points the document's nodes, so every later key read the value of
// the key after it ("'norm_eps' must be a number, got 'post'").
TEST_CASE("a key foreign to the family leaves every later key its own value (block and flow, config and size)") {
  const std::string encoder_keys =
      "hint: the keys of encoder are: num_layers, embedding_dim, num_heads, head_dim, hidden_dim, norm_eps, "
      "activation, bias, qkv_bias, vocab_size, context_length, type_vocab_size, pooler, norm_position, head, "
      "num_classes";
  const std::string block_config_flow_size = Lines({
      "schema: 1",               // 1
      "name: T",                 // 2
      "architecture:",           // 3
      "  family: encoder",       // 4
      "  config:",               // 5
      "    vocab_size: 100",     // 6
      "    rope_theta: 10000",   // 7  foreign
      "    norm_eps: 1.0e-12",   // 8
      "    norm_position: pre",  // 9
      "    num_layers: 3",       // 10
      "    pooler: false",       // 11
      "    context_length: 64",  // 12
      "  sizes:",                // 13
      "    s: {embedding_dim: 32, patch_size: 4, num_heads: 4, head: mlm, hidden_dim: 48, type_vocab_size: 0}",
  });
  CHECK(Errors(block_config_flow_size) ==
        Lines({"t.yaml:7:5: 'rope_theta' does not apply to family 'encoder'; " + encoder_keys,
               "t.yaml:14:28: 'patch_size' does not apply to family 'encoder'; " + encoder_keys}));
  const std::string flow_config_block_size = Lines({
      "schema: 1",
      "name: T",
      "architecture:",
      "  family: encoder",
      "  config: {vocab_size: 100, rope_theta: 10000, norm_eps: 1.0e-12, norm_position: pre, num_layers: 3, "
      "pooler: false, context_length: 64}",
      "  sizes:",
      "    s:",
      "      embedding_dim: 32",
      "      patch_size: 4",
      "      num_heads: 4",
      "      head: mlm",
      "      hidden_dim: 48",
      "      type_vocab_size: 0",
  });
  CHECK(Errors(flow_config_block_size) ==
        Lines({"t.yaml:5:29: 'rope_theta' does not apply to family 'encoder'; " + encoder_keys,
               "t.yaml:9:7: 'patch_size' does not apply to family 'encoder'; " + encoder_keys}));
  for (const std::string& text : {block_config_flow_size, flow_config_block_size}) {
    const spec::ParseResult r = spec::ParseSpecText(text, "t.yaml");
    REQUIRE(r.spec.architecture.sizes.size() == 1);
    const engine::ModelConfig& c = r.spec.architecture.sizes[0].config;
    CHECK(c.vocab_size == 100);
    CHECK(c.norm_eps == 1.0e-12);
    CHECK(c.norm_position == "pre");
    CHECK(c.num_layers == 3);
    CHECK_FALSE(c.pooler);
    CHECK(c.context_length == 64);
    CHECK(c.embedding_dim == 32);
    CHECK(c.num_heads == 4);
    CHECK(c.head == "mlm");
    CHECK(c.hidden_dim == 48);
    CHECK(c.type_vocab_size == 0);
    CHECK(r.spec.architecture.config_keys == std::vector<std::string>{"vocab_size", "norm_eps", "norm_position",
                                                                      "num_layers", "pooler", "context_length"});
  }
}

TEST_CASE("a size whose counts pass int64 is an error at the key that makes them too large") {
  // 2^31-1 wide with a 2^31-1 vocabulary and an untied head: two (2^31-1)^2 tables overflow int64.
  // Bringing embedding_dim down alone makes every count fit: it is the key pointed at.
  const std::string big =
      "vocab_size: 2147483647, context_length: 8, num_layers: 1, embedding_dim: 2147483647, "
      "num_heads: 1, hidden_dim: 4, tie_embeddings: false";
  CHECK(Errors(FamilySpec("decoder", big)) ==
        Lines({"t.yaml:6:82: size 's': embedding_dim 2147483647: parameters 'attention' exceeds "
               "9,223,372,036,854,775,807 (int64 max, about 9.2e18); hint: every count modelcard states (parameters, "
               "FLOPs, bytes) must fit int64; lower embedding_dim"}));
}

TEST_CASE("a key the family's model fixes is accepted at its fixed value and an error at any other") {
  const std::string encoder = "vocab_size: 100, context_length: 64, num_layers: 1, embedding_dim: 8, num_heads: 1";
  auto r = spec::ParseSpecText(FamilySpec("encoder", encoder + ", norm: layernorm, position: learned, "
                                                               "tie_embeddings: True, norm_eps: 1.0e-12"),
                               "t.yaml");
  REQUIRE_MESSAGE(r.ok(), (r.errors.empty() ? "" : r.errors[0].ToString()));
  CHECK(r.spec.architecture.sizes[0].config.norm_eps == 1.0e-12);
  CHECK(Errors(FamilySpec("encoder", encoder + ", norm: rmsnorm, norm_eps: 1.0e-12")) ==
        Lines({"t.yaml:6:99: 'norm' is fixed to 'layernorm' in family 'encoder', got 'rmsnorm'; hint: remove it, "
               "or write 'norm: layernorm'"}));
  CHECK(Errors(FamilySpec("encoder", encoder + ", tie_embeddings: false")) ==
        Lines({"t.yaml:6:109: 'tie_embeddings' is fixed to 'true' in family 'encoder', got 'false'; hint: remove "
               "it, or write 'tie_embeddings: true'"}));
  CHECK(Errors(FamilySpec("vit", "num_layers: 1, embedding_dim: 8, num_heads: 1, position: rope")) ==
        Lines({"t.yaml:6:66: 'position' is fixed to 'learned' in family 'vit', got 'rope'; hint: remove it, or "
               "write 'position: learned'"}));
  CHECK(spec::ParseSpecText(FamilySpec("resnet", "stages: [2, 2], block: basic, activation: relu"), "t.yaml").ok());
  CHECK(Errors(FamilySpec("resnet", "stages: [2, 2], block: basic, activation: gelu")) ==
        Lines({"t.yaml:6:51: 'activation' is fixed to 'relu' in family 'resnet', got 'gelu'; hint: remove it, or "
               "write 'activation: relu'"}));
  r = spec::ParseSpecText(FamilySpec("recurrent",
                                     "vocab_size: 10, num_layers: 1, embedding_dim: 4, hidden_dim: 4, "
                                     "position: none, bias: true"),
                          "t.yaml");
  REQUIRE_MESSAGE(r.ok(), (r.errors.empty() ? "" : r.errors[0].ToString()));
  // Keys with no fixed value stay foreign: audio positions differ between its encoder and decoder.
  CHECK(Errors(FamilySpec("audio", "num_layers: 1, embedding_dim: 8, num_heads: 1, position: sinusoidal")) ==
        Lines({"t.yaml:6:56: 'position' does not apply to family 'audio'; hint: the keys of audio are: num_layers, "
               "embedding_dim, num_heads, head_dim, hidden_dim, norm_eps, activation, bias, qkv_bias, sample_rate, "
               "n_mels, n_fft, hop_length, chunk_seconds, decoder_layers, vocab_size, context_length"}));
}

TEST_CASE("every spelling the parser accepts is one the engine knows") {
  for (const char* name : {"gelu", "gelu_tanh", "relu", "silu", "swiglu", "geglu", "geglu_tanh"}) {
    auto r = spec::ParseSpecText(
        Minimal(std::string("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, activation: ") + name + "}"),
        "t.yaml");
    REQUIRE(r.ok());
    CHECK(std::string(engine::ActivationName(r.spec.architecture.sizes[0].config.activation)) == name);
  }
  for (const char* name : {"learned", "sinusoidal", "rope", "alibi", "none"}) {
    auto r = spec::ParseSpecText(
        Minimal(std::string("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, position: ") + name + "}"),
        "t.yaml");
    REQUIRE(r.ok());
    CHECK(std::string(engine::PositionName(r.spec.architecture.sizes[0].config.position)) == name);
  }
  auto r =
      spec::ParseSpecText(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, norm: rmsnorm}"), "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.architecture.sizes[0].config.norm == engine::Norm::kRMSNorm);
}

TEST_CASE("missing required keys are reported where they belong") {
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64}")) ==
        Lines({"t.yaml:7:5: size 'small' is missing 'num_heads'"}));
  CHECK(Errors("schema: 1\narchitecture:\n  family: decoder\n"
               "  sizes: {s: {vocab_size: 8, context_length: 8, num_layers: 1, embedding_dim: 8, "
               "num_heads: 1}}\n") == Lines({"t.yaml:1:1: missing required key 'name'"}));
  CHECK(Errors("schema: 1\nname: T\narchitecture:\n  family: decoder\n") ==
        Lines({"t.yaml:3:1: missing required key 'sizes' in 'architecture'"}));
  CHECK(Errors(Minimal(kSmall, "evaluation:\n  primary:\n    - {dataset: WikiText-103}\n")) ==
        Lines({"t.yaml:10:7: missing required key 'metric' in 'primary'"}));
}

TEST_CASE("profile sizes must be defined sizes") {
  CHECK(Errors(Minimal("tiny2: {num_layers: 2, embedding_dim: 64, num_heads: 4}", "profile:\n  sizes: [tiny]\n")) ==
        Lines({"t.yaml:9:11: unknown size 'tiny' in profile.sizes (did you mean 'tiny2'?)"}));
}

TEST_CASE("blog.size names the size the prose describes: a defined size, the first by default") {
  const std::string two =
      "small: {num_layers: 2, embedding_dim: 64, num_heads: 4}\n"
      "    big: {num_layers: 4, embedding_dim: 128, num_heads: 4}";
  auto r = spec::ParseSpecText(Minimal(two), "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.blog.size == "small");  // no blog section: still the first size
  r = spec::ParseSpecText(Minimal(two, "profile: {sizes: [big]}\nblog: {draft: true}\n"), "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.blog.size == "small");  // the first size, not the profiled one
  r = spec::ParseSpecText(Minimal(two, "blog: {size: big}\n"), "t.yaml");
  REQUIRE(r.ok());
  CHECK(r.spec.blog.size == "big");
  CHECK(Errors(Minimal(two, "blog:\n  size: bigg\n")) ==
        Lines({"t.yaml:10:9: unknown size 'bigg' in blog.size (the size the prose describes) (did you mean "
               "'big'?)"}));
}

TEST_CASE("profiled lengths must fit the context of every profiled size") {
  CHECK(Errors(Minimal(kSmall, "profile:\n  sequence_lengths: [32, 128]\n")) ==
        Lines({"t.yaml:9:26: sequence length 128 exceeds context_length (64) of size 'small'"}));
  CHECK(Errors(Minimal(kSmall, "profile:\n  generation: {prompt_tokens: 40, new_tokens: 40}\n")) ==
        Lines({"t.yaml:9:15: prompt_tokens + new_tokens (80) exceeds context_length (64) of size "
               "'small'"}));
  auto r = spec::ParseSpecText(Minimal(kSmall, "profile: {generation: false, threads: 2}\n"), "t.yaml");
  REQUIRE(r.ok());
  CHECK_FALSE(r.spec.profile.generation_enabled);
  CHECK(r.spec.profile.threads == 2);
  CHECK(Errors(Minimal(kSmall, "profile: {dtypes: [fp16], batch_sizes: [0]}\n")) ==
        Lines({"t.yaml:8:20: unknown dtype 'fp16' in profile.dtypes (expected one of: float32, "
               "bfloat16, float16)",
               "t.yaml:8:41: 'batch_sizes' must be a list of positive integers, got '0'"}));
}

TEST_CASE("duplicate keys are reported at the repeat") {
  CHECK(Errors(Minimal(kSmall, "name: Again\n")) ==
        Lines({"t.yaml:8:1: duplicate key 'name' (first given on line 2)"}));
}

TEST_CASE("slugs: derived from the name, or given and checked") {
  CHECK(spec::SlugFromName("GPT-2") == "gpt-2");
  CHECK(spec::SlugFromName("Llama 2 (70B)") == "llama-2-70b");
  CHECK(spec::SlugFromName("  Tiny__GPT!! ") == "tiny-gpt");
  CHECK(spec::SlugFromName("!!!").empty());
  CHECK(spec::IsValidSlug("gpt2"));
  CHECK(spec::IsValidSlug("llama-2-7b"));
  CHECK_FALSE(spec::IsValidSlug("GPT2"));
  CHECK_FALSE(spec::IsValidSlug("a--b"));
  CHECK_FALSE(spec::IsValidSlug("-a"));
  CHECK_FALSE(spec::IsValidSlug(""));
  CHECK(Errors(Minimal(kSmall, "slug: GPT_2\n")) ==
        Lines({"t.yaml:8:7: invalid slug 'GPT_2'; hint: use lowercase letters and digits separated "
               "by single '-', e.g. 'gpt-2'"}));
  CHECK(Errors("schema: 1\nname: '!!!'\narchitecture:\n  family: decoder\n"
               "  sizes: {s: {vocab_size: 8, context_length: 8, num_layers: 1, embedding_dim: 8, "
               "num_heads: 1}}\n") ==
        Lines({"t.yaml:2:7: cannot derive a slug from name '!!!'; hint: add a 'slug' key"}));
}

TEST_CASE("every problem in a file is reported, in file order") {
  const std::string text =
      "schema: 2\n"                                                         // 1
      "name: Broken\n"                                                      // 2
      "licence: mit\n"                                                      // 3
      "architecture:\n"                                                     // 4
      "  family: decoder\n"                                                 // 5
      "  config: {vocab_size: 256, context_length: 64, norm: batchnorm}\n"  // 6
      "  sizes:\n"                                                          // 7
      "    a: {num_layers: two, embedding_dim: 64, num_heads: 4}\n"         // 8
      "    b: {num_layers: 2, embedding_dim: 770, num_heads: 12}\n"         // 9
      "profile:\n"                                                          // 10
      "  sizes: [c]\n";                                                     // 11
  CHECK(Errors(text) == Lines({"t.yaml:1:9: unsupported schema 2 (expected 1)",
                               "t.yaml:3:1: unknown key 'licence' (did you mean 'license'?)",
                               "t.yaml:6:55: unknown norm 'batchnorm' (expected one of: layernorm, rmsnorm)",
                               "t.yaml:8:21: 'num_layers' must be an integer, got 'two'",
                               "t.yaml:9:55: embedding_dim (770) must be divisible by num_heads (12)",
                               "t.yaml:11:11: unknown size 'c' in profile.sizes (expected one of: a, b)"}));
}

TEST_CASE("empty, non-mapping and multi-document files") {
  CHECK(Errors("") == Lines({"t.yaml:1:1: the spec is empty; hint: a spec is a mapping with at "
                             "least 'schema: 1', 'name' and 'architecture'"}));
  CHECK(Errors("- a\n- b\n") == Lines({"t.yaml:1:1: the spec must be a mapping of keys, got a list"}));
  CHECK(Errors(Minimal(kSmall, "---\nschema: 1\n")) == "t.yaml:8:1: a spec file holds one YAML document\n");
}

TEST_CASE("a stray ',' is a syntax error, not an endless parse or a silently empty spec") {
  // yaml-cpp 0.7 alone never gets past these: LoadAll loops, Load drops the rest of the file.
  CHECK(Errors(",") == "t.yaml:1:1: YAML syntax error: unexpected ','\n");
  CHECK(Errors(", # comment\n" + Minimal(kSmall)) == "t.yaml:1:1: YAML syntax error: unexpected ','\n");
  CHECK(Errors("- a\n,\n") == "t.yaml:2:1: YAML syntax error: unexpected ','\n");
}

TEST_CASE("an unreadable file is one diagnostic without a position") {
  auto r = spec::ParseSpecFile("/nonexistent/spec.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].ToString() == "/nonexistent/spec.yaml: cannot read file: No such file or directory");
}

TEST_CASE("the bundled specs parse without diagnostics") {
  for (const char* name : {"gpt2.yaml", "llama2.yaml", "tiny.yaml"}) {
    auto r = spec::ParseSpecFile(Bundled(name));
    INFO(name);
    for (const auto& d : r.errors) INFO(d.ToString());
    CHECK(r.errors.empty());
    CHECK(r.spec.has_training);
    CHECK(r.spec.has_evaluation);
    CHECK(r.spec.has_deployment);
    CHECK(r.spec.has_maintenance);
    CHECK(r.spec.has_blog);
    CHECK(r.spec.sha256.size() == 64);
  }
}

TEST_CASE("gpt2.yaml resolves to the published GPT-2 configurations") {
  auto r = spec::ParseSpecFile(Bundled("gpt2.yaml"));
  REQUIRE(r.ok());
  const spec::Spec& s = r.spec;
  CHECK(s.slug == "gpt2");
  const spec::Size* small = s.FindSize("small");
  REQUIRE(small);
  CHECK(small->config.head_dim == 64);
  CHECK(small->config.hidden_dim == 3072);
  CHECK(small->config.activation == engine::Activation::kGELUTanh);
  CHECK(small->hf_repo == "openai-community/gpt2");
  const spec::Size* xl = s.FindSize("xl");
  REQUIRE(xl);
  CHECK(xl->config.num_layers == 48);
  CHECK(xl->config.head_dim == 64);
  CHECK(xl->config.hidden_dim == 6400);
  CHECK(Lines(s.architecture.config_keys) == Lines({"vocab_size", "context_length", "norm", "norm_eps", "activation",
                                                    "position", "bias", "tie_embeddings"}));
  REQUIRE(s.training.hyperparameters.size() == 5);
  CHECK(s.training.hyperparameters[1].key == "batch_size");
  CHECK(s.training.hyperparameters[1].value == "512");
  REQUIRE(s.evaluation.primary.size() == 8);
  CHECK(s.evaluation.primary[0].value == "37.50");  // as written in the paper's Table 3
  CHECK(Lines(s.profile.sizes) == Lines({"small"}));
  CHECK(s.profile.batch_sizes == std::vector<int64_t>{1, 8});
  CHECK(s.blog.date == "2026-11-22");
  CHECK_FALSE(s.blog.has_cover);  // no cover image ships with the bundled post
}

TEST_CASE("llama2.yaml resolves grouped-query attention and the mini size") {
  auto r = spec::ParseSpecFile(Bundled("llama2.yaml"));
  REQUIRE(r.ok());
  const spec::Size* big = r.spec.FindSize("70b");
  REQUIRE(big);
  CHECK(big->config.num_kv_heads == 8);
  CHECK(big->config.head_dim == 128);
  CHECK(big->config.hidden_dim == 28672);
  CHECK_FALSE(big->config.bias);
  CHECK_FALSE(big->config.qkv_bias);
  CHECK_FALSE(big->config.tie_embeddings);
  CHECK(big->config.position == engine::Position::kRoPE);
  CHECK(big->config.activation == engine::Activation::kSwiGLU);
  const spec::Size* mini = r.spec.FindSize("mini");
  REQUIRE(mini);
  CHECK(mini->config.context_length == 1024);
  CHECK(mini->config.num_kv_heads == 2);
  CHECK(mini->hf_repo.empty());
  CHECK(r.spec.training.tokens == 2.0e12);
  CHECK(Lines(r.spec.profile.sizes) == Lines({"mini"}));
}

TEST_CASE("tiny.yaml is the fast test model") {
  auto r = spec::ParseSpecFile(Bundled("tiny.yaml"));
  REQUIRE(r.ok());
  CHECK(r.spec.name == "Tiny GPT");
  const spec::Size* tiny = r.spec.FindSize("tiny");
  REQUIRE(tiny);
  CHECK(tiny->config.num_layers == 2);
  CHECK(tiny->config.embedding_dim == 64);
  CHECK(tiny->config.vocab_size == 256);
  CHECK(tiny->config.context_length == 64);
  const spec::Profile& p = r.spec.profile;
  CHECK(p.sequence_lengths == std::vector<int64_t>{16});
  CHECK(p.generation.prompt_tokens == 4);
  CHECK(p.generation.new_tokens == 4);
  CHECK(p.warmup == 1);
  CHECK(p.min_iterations == 3);
  CHECK(p.min_seconds == 0.0);
}

TEST_CASE("the bad-spec fixtures give one exact error each") {
  struct Case {
    const char* file;
    const char* error;
  };
  for (const Case& c :
       {Case{"misspelled_key.yaml", ":14:7: unknown key 'num_kv_head' (did you mean 'num_kv_heads'?)"},
        Case{"wrong_type.yaml", ":11:19: 'num_layers' must be an integer, got 'twelve'"},
        Case{"syntax_error.yaml", ":4:15: YAML syntax error: illegal map value"},
        Case{"indivisible_heads.yaml", ":13:18: embedding_dim (770) must be divisible by num_heads (12)"}}) {
    auto r = spec::ParseSpecFile(Fixture(c.file));
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].ToString() == Fixture(c.file) + c.error);
  }
}

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors") {
  CHECK(spec::Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(spec::Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // 56 bytes: the padding spills into a second block.
  CHECK(spec::Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(spec::Sha256Hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // The spec's hash is the hash of its exact bytes.
  CHECK(spec::ParseSpecText("x", "t.yaml").spec.sha256 == spec::Sha256Hex("x"));
}

TEST_CASE("suggestions: edit distance and the closeness threshold") {
  CHECK(spec::EditDistance("kitten", "sitting") == 3);
  CHECK(spec::EditDistance("", "abc") == 3);
  CHECK(spec::EditDistance("num_head", "num_heads") == 1);
  const std::vector<std::string> keys = {"num_heads", "num_kv_heads", "num_layers"};
  CHECK(spec::ClosestMatch("num_head", keys) == "num_heads");
  CHECK(spec::ClosestMatch("xyz", keys).empty());
  CHECK(spec::SuggestionHint("xyz", {"a", "b"}) == "expected one of: a, b");
  CHECK(spec::SuggestionHint("bb", {"a", "b"}) == "did you mean 'b'?");
}

TEST_CASE("mutated specs never crash and always give sound results") {
  const std::string alphabet = ":-[]{},#'\"&*!|>%@`? \t\n0123456789abcxyz";
  std::vector<std::string> sources;
  for (const char* name : {"gpt2.yaml", "llama2.yaml", "tiny.yaml"}) {
    std::FILE* f = std::fopen(Bundled(name).c_str(), "rb");
    REQUIRE(f);
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
    std::fclose(f);
    sources.push_back(text);
  }
  std::mt19937 rng(20261122);
  int ok_count = 0, error_count = 0;
  for (int iteration = 0; iteration < 600; ++iteration) {
    std::string text = sources[iteration % sources.size()];
    int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations && !text.empty(); ++m) {
      size_t at = rng() % text.size();
      switch (rng() % 5) {
        case 0: text.erase(at, 1 + rng() % 8); break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 3: text.resize(at); break;
        case 4: {  // duplicate the line containing `at`
          size_t begin = text.rfind('\n', at);
          begin = begin == std::string::npos ? 0 : begin + 1;
          size_t end = text.find('\n', at);
          end = end == std::string::npos ? text.size() : end + 1;
          text.insert(begin, text.substr(begin, end - begin));
          break;
        }
      }
    }
    spec::ParseResult r;
    REQUIRE_NOTHROW(r = spec::ParseSpecText(text, "fuzz.yaml"));
    if (r.ok()) {
      ++ok_count;
      // A spec without diagnostics is complete: every size valid, every profiled size defined.
      REQUIRE_FALSE(r.spec.architecture.sizes.empty());
      for (const auto& size : r.spec.architecture.sizes) CHECK(engine::ValidateConfig(size.config) == "");
      for (const auto& name : r.spec.profile.sizes) CHECK(r.spec.FindSize(name) != nullptr);
    } else {
      ++error_count;
      for (const auto& d : r.errors) {
        INFO(d.ToString());
        CHECK(d.file == "fuzz.yaml");
        CHECK(d.line >= 0);
        CHECK(d.ToString().find('\n') == std::string::npos);
        CHECK(d.message.rfind("internal error", 0) == std::string::npos);
      }
    }
  }
  // The mutations exercise both outcomes.
  CHECK(ok_count > 0);
  CHECK(error_count > 0);
}

TEST_CASE("weights: is accepted where a checkpoint layout exists, an error naming why elsewhere") {
  // A decoder (GPT-2 layout): resolved against the spec's directory.
  const spec::ParseResult ok = spec::ParseSpecText(
      Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, weights: ckpt/small}"), "specs/t.yaml");
  REQUIRE(ok.ok());
  CHECK(ok.spec.architecture.sizes[0].weights_path == "specs/ckpt/small");
  // A ViT with mean pooling has no Hugging Face layout; an LSTM has no mapping at all.
  const std::string vit =
      "schema: 1\nname: V\narchitecture:\n  family: vit\n"
      "  config: {image_size: 32, patch_size: 8, num_classes: 10, pool: mean}\n"
      "  sizes:\n    s: {num_layers: 2, embedding_dim: 32, num_heads: 4, weights: ckpt}\n";
  CHECK(
      Errors(vit) ==
      Lines({"t.yaml:7:57: size 's' cannot load weights: ViT checkpoints pool the [CLS] token; this config uses pool: "
             "mean; hint: remove 'weights:' (GPT-2, Llama, Mistral, Qwen2, Mixtral, BERT, ViT and torchvision ResNet "
             "checkpoints load)"}));
  std::string cls = vit;
  cls.replace(cls.find("pool: mean"), 10, "pool: cls");
  CHECK(Errors(cls).empty());
  const std::string lstm =
      "schema: 1\nname: L\narchitecture:\n  family: recurrent\n  config: {vocab_size: 256, context_length: 64}\n"
      "  sizes:\n    s: {num_layers: 1, embedding_dim: 32, hidden_dim: 64, weights: ckpt}\n";
  CHECK(Errors(lstm).find("size 's' cannot load weights: the recurrent family has no checkpoint mapping yet") !=
        std::string::npos);
}

TEST_CASE("evaluation.measure: data resolved against the spec, sizes with weights only, exact errors") {
  const std::string sizes =
      "small: {num_layers: 2, embedding_dim: 64, num_heads: 4, weights: ckpt}\n"
      "    big: {num_layers: 4, embedding_dim: 64, num_heads: 4}";
  const spec::ParseResult ok = spec::ParseSpecText(
      Minimal(sizes,
              "evaluation:\n  measure:\n    - {data: val.bin, name: val, dtype: bfloat16, window: 31}\n"
              "    - data: /data/test.txt\n"),
      "specs/t.yaml");
  REQUIRE_MESSAGE(ok.ok(), (ok.errors.empty() ? "" : ok.errors.front().ToString()));
  const auto& m = ok.spec.evaluation.measure;
  REQUIRE(m.size() == 2);
  CHECK(m[0].data_path == "specs/val.bin");
  CHECK(m[0].name == "val");
  CHECK(m[0].dtype == "bfloat16");
  CHECK(m[0].window == 31);
  CHECK(m[1].data_path == "/data/test.txt");
  CHECK(m[1].dtype == "float32");
  CHECK(Errors(Minimal(sizes, "evaluation:\n  measure:\n    - {data: v.bin, size: big, dtype: int8, window: 0}\n")) ==
        Lines({"t.yaml:11:27: size 'big' names no weights to evaluate; hint: add 'weights: <checkpoint>' to it",
               "t.yaml:11:39: unsupported evaluation dtype 'int8'; hint: use float32 or bfloat16",
               "t.yaml:11:53: 'window' must be positive, got 0"}));
  CHECK(Errors(Minimal(kSmall, "evaluation:\n  measure:\n    - {data: v.bin}\n")) ==
        Lines({"t.yaml:10:8: evaluation.measure needs a size with 'weights:' (random weights measure nothing); hint: "
               "add 'weights: <checkpoint>' to a size, or remove 'measure'"}));
  CHECK(Errors(Minimal(sizes, "evaluation:\n  measure:\n    - {name: x}\n")).find("missing required key 'data'") !=
        std::string::npos);
}

TEST_CASE("resnet groups and width_per_group: read per size, bottleneck only, errors at the key") {
  const std::string head =
      "schema: 1\nname: R\narchitecture:\n  family: resnet\n  config: {num_classes: 10}\n  sizes:\n";  // 1-6
  const spec::ParseResult ok = spec::ParseSpecText(
      head + "    x: {block: bottleneck, stages: [3, 4, 6, 3], groups: 32, width_per_group: 4}\n", "t.yaml");
  REQUIRE_MESSAGE(ok.ok(), (ok.errors.empty() ? "" : ok.errors.front().ToString()));
  CHECK(ok.spec.architecture.sizes[0].config.groups == 32);
  CHECK(ok.spec.architecture.sizes[0].config.width_per_group == 4);
  const spec::ParseResult plain =
      spec::ParseSpecText(head + "    x: {block: bottleneck, stages: [3, 4, 6, 3]}\n", "t.yaml");
  REQUIRE(plain.ok());
  CHECK(plain.spec.architecture.sizes[0].config.groups == 1);
  CHECK(plain.spec.architecture.sizes[0].config.width_per_group == 64);
  CHECK(Errors(head + "    x: {block: basic, stages: [2, 2, 2, 2], groups: 32}\n") ==
        Lines({"t.yaml:7:53: size 'x': groups 32 needs bottleneck blocks (torchvision's BasicBlock supports only "
               "groups 1 and width_per_group 64); hint: use block: bottleneck (ResNeXt, Wide ResNet), or remove "
               "'groups'"}));
  CHECK(Errors(head + "    x: {block: basic, stages: [2, 2, 2, 2], width_per_group: 128}\n") ==
        Lines({"t.yaml:7:62: size 'x': width_per_group 128 needs bottleneck blocks (torchvision's BasicBlock "
               "supports only groups 1 and width_per_group 64); hint: use block: bottleneck (ResNeXt, Wide ResNet), "
               "or remove 'width_per_group'"}));
  CHECK(Errors(head + "    x: {block: bottleneck, stages: [1], groups: 0}\n") ==
        Lines({"t.yaml:7:49: groups must be a positive integer, got 0"}));
  // A width_per_group that leaves no channel in a group.
  CHECK(Errors(head + "    x: {block: bottleneck, stages: [1], base_width: 8, width_per_group: 4}\n") ==
        Lines({"t.yaml:7:5: size 'x': width_per_group 4 leaves no channels in a group: base_width (8) x "
               "width_per_group / 64 must be at least 1"}));
  // Another family has no such keys.
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, groups: 2}"))
            .find("t.yaml:7:61: 'groups' does not apply to family 'decoder'") != std::string::npos);
}

TEST_CASE("weights: an existing path without safetensors is an error at the value") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("modelcard-weights-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "specs" / "bin-only");
  std::ofstream(dir / "specs" / "bin-only" / "pytorch_model.bin") << "x";
  std::ofstream(dir / "specs" / "model.pt") << "x";
  const std::string spec_path = (dir / "specs" / "t.yaml").string();
  auto errors = [&](const std::string& weights) {
    std::string out;
    for (const auto& d :
         spec::ParseSpecText(
             Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, weights: " + weights + "}"), spec_path)
             .errors)
      out += d.ToString() + "\n";
    return out;
  };
  CHECK(errors("bin-only") ==
        Lines({spec_path + ":7:70: size 'small' weights: 'bin-only' holds no model.safetensors (or "
                           "model.safetensors.index.json); hint: point weights: at a directory with safetensors "
                           "weights, or remove it (build then measures random weights)"}));
  CHECK(errors("model.pt") == Lines({spec_path + ":7:70: size 'small' weights: 'model.pt' is not a .safetensors "
                                                 "file; hint: point weights: at a .safetensors file or a directory "
                                                 "holding model.safetensors"}));
  std::ofstream(dir / "specs" / "bin-only" / "model.safetensors") << "x";  // its presence is what lint checks
  CHECK(errors("bin-only").empty());
  CHECK(errors("elsewhere").empty());  // not here: the checkpoint may live on the machine that builds
  fs::remove_all(dir);
}

TEST_CASE("profile.sequence_lengths is an error for image models, whose input fixes the length") {
  const std::string profile = "profile: {sizes: [s], sequence_lengths: [64]}\n";
  CHECK(Errors(FamilySpec("resnet", "block: basic, stages: [1, 1], num_classes: 10", profile)) ==
        Lines({"t.yaml:7:23: 'sequence_lengths' does not apply to family 'resnet': its input is an image of "
               "image_size pixels; hint: remove 'sequence_lengths' (the image size is "
               "architecture.config.image_size)"}));
  CHECK(Errors(FamilySpec("vit", "num_layers: 1, embedding_dim: 8, num_heads: 1, num_classes: 10", profile))
            .find("t.yaml:7:23: 'sequence_lengths' does not apply to family 'vit'") == 0);
  // A text model takes it as before.
  CHECK(Errors(FamilySpec("decoder",
                          "vocab_size: 8, context_length: 64, num_layers: 1, embedding_dim: 8, "
                          "num_heads: 1",
                          profile))
            .empty());
}

TEST_CASE("issue 16: the decoder features are spec keys with the ModelConfig defaults") {
  // Every default is ModelConfig's.
  auto plain = spec::ParseSpecText(Minimal(kSmall), "t.yaml");
  REQUIRE(plain.ok());
  const engine::ModelConfig& d = plain.spec.architecture.sizes[0].config;
  const engine::ModelConfig defaults;
  CHECK(d.rope_scaling == defaults.rope_scaling);
  CHECK(d.sliding_window == 0);
  CHECK(d.sliding_window_pattern == 1);
  CHECK(d.rope_high_freq_factor == defaults.rope_high_freq_factor);
  CHECK(d.rope_beta_fast == defaults.rope_beta_fast);
  CHECK_FALSE(d.qk_norm);
  CHECK(d.checkpoint_layout.empty());

  const std::string gemma2 =
      "small: {num_layers: 4, embedding_dim: 64, num_heads: 4, num_kv_heads: 2, head_dim: 32, position: rope, "
      "norm: rmsnorm, activation: geglu_tanh, sliding_window: 8, sliding_window_pattern: 2, sandwich_norm: true, "
      "embedding_scale: true, attn_logit_softcap: 50, final_logit_softcap: 30, query_pre_attn_scalar: 32, "
      "rope_scaling: llama3, rope_scaling_factor: 8, rope_original_context: 16, rope_low_freq_factor: 1, "
      "rope_high_freq_factor: 4, rotary_dim: 16, qk_norm: true, parallel_residual: true, "
      "checkpoint_layout: gemma2}";
  auto r = spec::ParseSpecText(Minimal(gemma2), "t.yaml");
  std::string errors;
  for (const auto& e : r.errors) errors += e.ToString() + "\n";
  REQUIRE_MESSAGE(r.ok(), errors);
  const engine::ModelConfig& c = r.spec.architecture.sizes[0].config;
  CHECK(c.activation == engine::Activation::kGeGLUTanh);
  CHECK(c.sliding_window == 8);
  CHECK(c.sliding_window_pattern == 2);
  CHECK(c.sandwich_norm);
  CHECK(c.embedding_scale);
  CHECK(c.attn_logit_softcap == 50);
  CHECK(c.final_logit_softcap == 30);
  CHECK(c.query_pre_attn_scalar == 32);
  CHECK(c.rope_scaling == engine::RopeScaling::kLlama3);
  CHECK(c.rope_scaling_factor == 8);
  CHECK(c.rope_original_context == 16);
  CHECK(c.rotary_dim == 16);
  CHECK(c.qk_norm);
  CHECK(c.parallel_residual);
  CHECK(c.checkpoint_layout == "gemma2");
}

TEST_CASE("issue 16: MLA keys for decoder and moe, MoE options for moe only") {
  const std::string moe =
      "schema: 1\nname: M\narchitecture:\n  family: moe\n"
      "  config: {vocab_size: 256, context_length: 64, position: rope, norm: rmsnorm, activation: swiglu}\n"
      "  sizes:\n"
      "    small: {num_layers: 3, embedding_dim: 64, num_heads: 4, num_experts: 8, experts_per_token: 2, "
      "q_lora_rank: 16, kv_lora_rank: 12, qk_nope_head_dim: 8, qk_rope_head_dim: 4, v_head_dim: 8, "
      "moe_hidden_dim: 24, num_shared_experts: 1, first_dense_layers: 1, router_renormalize: false, "
      "router_scoring: sigmoid, router_bias: true, router_groups: 4, router_topk_groups: 2, "
      "routed_scaling_factor: 2.5, rope_scaling: yarn, rope_scaling_factor: 4, rope_attention_factor: 1, "
      "rope_mscale_all_dim: 1, rope_beta_fast: 32, rope_beta_slow: 1}\n";
  auto r = spec::ParseSpecText(moe, "t.yaml");
  std::string errors;
  for (const auto& e : r.errors) errors += e.ToString() + "\n";
  REQUIRE_MESSAGE(r.ok(), errors);
  const engine::ModelConfig& c = r.spec.architecture.sizes[0].config;
  CHECK(c.kv_lora_rank == 12);
  CHECK(c.q_lora_rank == 16);
  CHECK(c.v_head_dim == 8);
  CHECK(c.moe_hidden_dim == 24);
  CHECK(c.num_shared_experts == 1);
  CHECK(c.first_dense_layers == 1);
  CHECK_FALSE(c.router_renormalize);
  CHECK(c.router_scoring == engine::RouterScoring::kSigmoid);
  CHECK(c.router_bias);
  CHECK(c.router_groups == 4);
  CHECK(c.router_topk_groups == 2);
  CHECK(c.routed_scaling_factor == 2.5);
  CHECK(c.rope_scaling == engine::RopeScaling::kYarn);
  CHECK(c.rope_attention_factor == 1);
  CHECK(c.rope_mscale_all_dim == 1);
  CHECK(c.head_dim == 16);  // MLA sizes keep the embedding_dim / num_heads default

  // MoE options are not decoder keys.
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, num_shared_experts: 1}"))
            .find("t.yaml:7:61: 'num_shared_experts' does not apply to family 'decoder'") == 0);
}

TEST_CASE("issue 16: wrong decoder-feature values name the key, its position and the accepted values") {
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, rope_scaling: ntk}")) ==
        Lines({"t.yaml:7:75: unknown rope_scaling 'ntk' (expected one of: none, linear, dynamic, yarn, llama3)"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, sliding_window: -1}")) ==
        Lines({"t.yaml:7:77: sliding_window must be a non-negative integer, got -1"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, attn_logit_softcap: -5}")) ==
        Lines({"t.yaml:7:81: attn_logit_softcap must be a non-negative number, got -5"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, checkpoint_layout: phi4}")) ==
        Lines({"t.yaml:7:80: unknown checkpoint_layout 'phi4' (did you mean 'phi3'?)"}));
  // ValidateConfig's structural rules are reported at the key they name.
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, position: rope, rotary_dim: 7}")) ==
        Lines({"t.yaml:7:89: size 'small': rotary_dim (7) must be even and at most head_dim (16); hint: change "
               "'rotary_dim' (README.md's spec key table and engine/config.h state its rule)"}));
  CHECK(Errors(Minimal("small: {num_layers: 2, embedding_dim: 64, num_heads: 4, rope_scaling: yarn}")) ==
        Lines({"t.yaml:7:75: size 'small': rope_scaling yarn needs position: rope; hint: change 'rope_scaling' "
               "(README.md's spec key table and engine/config.h state its rule)"}));
}
