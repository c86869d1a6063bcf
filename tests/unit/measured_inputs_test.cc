// results::MeasuredInputsSha256 and StaleReason: stored results are stale when what a measurement
// reads changes (sizes, config, weights, profile, experiments, evaluation.measure), never when only
// the spec's prose changes.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "generator/results/measured_inputs.h"
#include "generator/results/results_json.h"
#include "generator/results/results_store.h"
#include "generator/spec/spec_parser.h"

namespace {

std::string TinyText() {
  std::ifstream in(std::string(MODELCARD_SOURCE_DIR_FOR_TESTS) + "/specs/tiny.yaml", std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// `text` with the one occurrence of `from` replaced by `to` (a test setup error otherwise).
std::string Edit(const std::string& text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "specs/tiny.yaml lacks [" << from << "]");
  REQUIRE_MESSAGE(text.find(from, at + 1) == std::string::npos, "specs/tiny.yaml has [" << from << "] twice");
  return text.substr(0, at) + to + text.substr(at + from.size());
}

std::string HashOf(const std::string& text) {
  const spec::ParseResult r = spec::ParseSpecText(text, "specs/tiny.yaml");
  std::string errors;
  for (const auto& d : r.errors) errors += d.ToString() + "\n";
  REQUIRE_MESSAGE(r.ok(), errors);
  return results::MeasuredInputsSha256(r.spec);
}

struct Case {
  std::string what;
  std::string from;
  std::string to;
};

}  // namespace

TEST_CASE("a prose edit of a spec leaves its measured inputs (and stored results) current") {
  const std::string base = TinyText();
  const std::string hash = HashOf(base);
  CHECK(hash.size() == 64);
  CHECK(HashOf(base) == hash);  // deterministic
  engine::Report stored;
  stored.measured_inputs_sha256 = hash;
  stored.engine_version = engine::kEngineVersion;
  const std::vector<Case> prose = {
      {"name", "name: Tiny GPT\n", "name: Tiny GPT Renamed\n"},
      {"tagline", "tagline: A two-layer GPT-style decoder for fast end-to-end tests",
       "tagline: A two-layer decoder for tests"},
      {"summary", "  whole pipeline (build, count, profile, render) runs in seconds.",
       "  whole pipeline runs in seconds (a typo fixed)."},
      {"license", "license: mit", "license: apache-2.0"},
      {"tags", "tags: [text-generation, transformer, test-fixture]", "tags: [text-generation]"},
      {"a comment", "# It exercises every section", "# It still exercises every section"},
      {"architecture prose", "base: Transformer", "base: Transformer decoder"},
      {"training", "    optimizer: none (the model is not trained)", "    optimizer: none"},
      {"blog introduction", "  introduction: Tiny GPT is a two-layer decoder",
       "  introduction: Tiny GPT, a two-layer decoder,"},
      {"a default written explicitly", "    norm: layernorm\n", "    norm: layernorm\n    norm_eps: 1.0e-5\n"},
      {"the same config in another order", "    norm: layernorm\n    activation: gelu\n",
       "    activation: gelu\n    norm: layernorm\n"},
      {"an evaluation citation", "evaluation:\n  secondary:\n",
       "evaluation:\n  primary: [{metric: perplexity, dataset: none, value: 1.0, source: made up}]\n  secondary:\n"},
      {"an evaluation source", "      source: measured by modelcard count", "      source: counted by modelcard"},
  };
  for (const Case& c : prose) {
    CAPTURE(c.what);
    const std::string edited = HashOf(Edit(base, c.from, c.to));
    CHECK(edited == hash);
    CHECK(results::StaleReason(stored, edited).empty());
  }
}

TEST_CASE("an edit of a measured input makes the stored results stale") {
  const std::string base = TinyText();
  const std::string hash = HashOf(base);
  engine::Report stored;
  stored.measured_inputs_sha256 = hash;
  stored.engine_version = engine::kEngineVersion;
  const std::vector<Case> measured = {
      {"a size's width", "embedding_dim: 64,", "embedding_dim: 128,"},
      {"a size added", "    tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4}\n",
       "    tiny: {num_layers: 2, embedding_dim: 64, num_heads: 4}\n"
       "    wide: {num_layers: 2, embedding_dim: 128, num_heads: 4}\n"},
      {"the family's config", "    activation: gelu\n", "    activation: relu\n"},
      {"a non-default float", "    norm: layernorm\n", "    norm: layernorm\n    norm_eps: 1.0e-6\n"},
      {"the vocabulary", "vocab_size: 256", "vocab_size: 512"},
      {"the weights", "num_heads: 4}\n", "num_heads: 4, weights: ckpt/model.safetensors}\n"},
      {"profile.dtypes", "  dtypes: [float32]\n", "  dtypes: [float32, bfloat16]\n"},
      {"profile.sequence_lengths", "  sequence_lengths: [16]", "  sequence_lengths: [8]"},
      {"profile.generation", "prompt_tokens: 4,", "prompt_tokens: 8,"},
      {"profile.min_iterations", "  min_iterations: 3", "  min_iterations: 4"},
      {"profile.min_seconds", "  min_seconds: 0\n", "  min_seconds: 0.5\n"},
      {"profile.train", "  min_seconds: 0\n", "  min_seconds: 0\n  train: false\n"},
      {"experiments", "profile:\n", "experiments: {batch_sizes: [1, 2]}\nprofile:\n"},
  };
  for (const Case& c : measured) {
    CAPTURE(c.what);
    const std::string edited = HashOf(Edit(base, c.from, c.to));
    CHECK(edited != hash);
    CHECK(results::StaleReason(stored, edited) == "measured inputs changed");
  }
  // evaluation.measure: a data set to evaluate the checkpoint on, then a change to it.
  const std::string with_weights = Edit(base, "num_heads: 4}\n", "num_heads: 4, weights: ckpt/model.safetensors}\n");
  const std::string measure = Edit(with_weights, "evaluation:\n  secondary:\n",
                                   "evaluation:\n  measure: [{data: data/val.bin}]\n  secondary:\n");
  const std::string h_weights = HashOf(with_weights), h_measure = HashOf(measure);
  CHECK(h_measure != h_weights);
  CHECK(HashOf(Edit(measure, "{data: data/val.bin}", "{data: data/test.bin}")) != h_measure);
  CHECK(HashOf(Edit(measure, "{data: data/val.bin}", "{data: data/val.bin, dtype: bfloat16}")) != h_measure);
  CHECK(HashOf(Edit(measure, "{data: data/val.bin}", "{data: data/val.bin, window: 16}")) != h_measure);
  CHECK(HashOf(Edit(measure, "{data: data/val.bin}", "{data: data/val.bin, name: Val}")) != h_measure);
}

TEST_CASE("stored results without measured inputs (an older modelcard) are stale and need a build") {
  const std::string hash = HashOf(TinyText());
  // A results file as written before measured_inputs_sha256 existed: it loads (render works from
  // it) but counts as stale.
  std::ifstream in(std::string(MODELCARD_TEST_DATA) + "/data/results/tiny.json", std::ios::binary);
  const std::string old_json{std::istreambuf_iterator<char>(in), {}};
  REQUIRE(old_json.find("\"spec_sha256\"") != std::string::npos);
  REQUIRE(old_json.find("measured_inputs_sha256") == std::string::npos);
  engine::Report old;
  const engine::Status st = results::ReportFromJson(old_json, &old);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(old.measured_inputs_sha256.empty());
  CHECK(results::StaleReason(old, hash).rfind("it records no measured inputs", 0) == 0);
  // Written and read back, the field survives; then the same spec is current.
  old.measured_inputs_sha256 = hash;
  const std::string json = results::ReportToJson(old);
  CHECK(json.find("\"measured_inputs_sha256\": \"" + hash + "\"") != std::string::npos);
  engine::Report back;
  REQUIRE(results::ReportFromJson(json, &back).ok());
  CHECK(back.measured_inputs_sha256 == hash);
  back.engine_version = engine::kEngineVersion;
  CHECK(results::StaleReason(back, hash).empty());
  back.engine_version = "0";
  CHECK(results::StaleReason(back, hash).find("engine version 0") != std::string::npos);
}

TEST_CASE("issue 16: a decoder feature is a measured input; stating its default changes nothing") {
  const std::string base = TinyText();
  const std::string hash = HashOf(base);
  for (const char* feature :
       {"sliding_window: 8", "sliding_window_pattern: 2\n    sliding_window: 8", "qk_norm: true", "sandwich_norm: true",
        "attn_logit_softcap: 50", "parallel_residual: true", "checkpoint_layout: gpt2"}) {
    CAPTURE(feature);
    CHECK(HashOf(Edit(base, "    activation: gelu\n", std::string("    activation: gelu\n    ") + feature + "\n")) !=
          hash);
  }
  for (const char* same : {"sliding_window: 0", "sliding_window_pattern: 1", "qk_norm: false", "rope_beta_fast: 32"}) {
    CAPTURE(same);
    CHECK(HashOf(Edit(base, "    activation: gelu\n", std::string("    activation: gelu\n    ") + same + "\n")) ==
          hash);
  }
}
