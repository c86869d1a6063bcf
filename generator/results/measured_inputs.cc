// Canonical serialization of a spec's measured inputs (see measured_inputs.h).
#include "generator/results/measured_inputs.h"

#include <nlohmann/json.hpp>

#include "generator/results/config_features.h"
#include "generator/spec/sha256.h"

namespace results {
namespace {

using Json = nlohmann::json;  // std::map-backed: object keys are always sorted

// Every field of engine::ModelConfig (add new fields here: a config change must re-measure).
Json ConfigJson(const engine::ModelConfig& c) {
  Json j = Json::object();
  j["family"] = engine::FamilyName(c.family);
  j["vocab_size"] = c.vocab_size;
  j["context_length"] = c.context_length;
  j["num_layers"] = c.num_layers;
  j["embedding_dim"] = c.embedding_dim;
  j["num_heads"] = c.num_heads;
  j["num_kv_heads"] = c.num_kv_heads;
  j["head_dim"] = c.head_dim;
  j["hidden_dim"] = c.hidden_dim;
  j["norm"] = engine::NormName(c.norm);
  j["norm_eps"] = c.norm_eps;
  j["activation"] = engine::ActivationName(c.activation);
  j["position"] = engine::PositionName(c.position);
  j["rope_theta"] = c.rope_theta;
  j["bias"] = c.bias;
  j["qkv_bias"] = c.qkv_bias;
  j["tie_embeddings"] = c.tie_embeddings;
  j["type_vocab_size"] = c.type_vocab_size;
  j["pooler"] = c.pooler;
  j["norm_position"] = c.norm_position;
  j["head"] = c.head;
  j["num_classes"] = c.num_classes;
  j["image_size"] = c.image_size;
  j["patch_size"] = c.patch_size;
  j["channels"] = c.channels;
  j["pool"] = c.pool;
  j["block"] = c.block;
  j["stages"] = c.stages;
  j["base_width"] = c.base_width;
  j["groups"] = c.groups;
  j["width_per_group"] = c.width_per_group;
  j["sample_rate"] = c.sample_rate;
  j["n_mels"] = c.n_mels;
  j["n_fft"] = c.n_fft;
  j["hop_length"] = c.hop_length;
  j["chunk_seconds"] = c.chunk_seconds;
  j["decoder_layers"] = c.decoder_layers;
  j["num_experts"] = c.num_experts;
  j["experts_per_token"] = c.experts_per_token;
  j["cell"] = c.cell;
  // The issue-16 fields only where they differ from their defaults: every config without them
  // keeps the fingerprint it had.
  WriteDecoderFeatures(c, &j);
  return j;
}

Json ProfileJson(const spec::Profile& p) {
  Json j = Json::object();
  j["sizes"] = p.sizes;
  j["dtypes"] = p.dtypes;
  j["batch_sizes"] = p.batch_sizes;
  j["sequence_lengths"] = p.sequence_lengths;
  j["devices"] = p.devices;
  j["generation_enabled"] = p.generation_enabled;
  j["prompt_tokens"] = p.generation.prompt_tokens;
  j["new_tokens"] = p.generation.new_tokens;
  j["preprocess"] = p.preprocess;
  j["train_enabled"] = p.train_enabled;
  j["train_batch_sizes"] = p.train_batch_sizes;
  j["threads"] = p.threads;
  j["warmup"] = p.warmup;
  j["min_iterations"] = p.min_iterations;
  j["min_seconds"] = p.min_seconds;
  return j;
}

Json ExperimentsJson(const spec::Experiments& x) {
  Json j = Json::object();
  j["enabled"] = x.enabled;
  j["batch"] = x.batch;
  j["sequence_length"] = x.sequence_length;
  j["batch_sizes"] = x.batch_sizes;
  j["latency_budget_ms"] = x.latency_budget_ms;
  j["new_tokens"] = x.new_tokens;
  return j;
}

}  // namespace

std::string MeasuredInputsJson(const spec::Spec& s) {
  Json j = Json::object();
  j["version"] = 1;  // of this serialization: bump it when a measured input is added
  Json sizes = Json::array();
  for (const spec::Size& size : s.architecture.sizes) {
    Json x = Json::object();
    x["name"] = size.name;
    x["config"] = ConfigJson(size.config);
    x["weights"] = size.weights;
    sizes.push_back(std::move(x));
  }
  j["sizes"] = std::move(sizes);
  j["profile"] = ProfileJson(s.profile);
  j["experiments"] = ExperimentsJson(s.experiments);
  Json measure = Json::array();
  for (const spec::MeasuredDataset& m : s.evaluation.measure) {
    Json x = Json::object();
    x["data"] = m.data;
    x["name"] = m.name;
    x["size"] = m.size;
    x["dtype"] = m.dtype;
    x["window"] = m.window;
    measure.push_back(std::move(x));
  }
  j["evaluation_measure"] = std::move(measure);
  // Invalid UTF-8 in a string (a spec is read as bytes) is replaced rather than thrown on.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string MeasuredInputsSha256(const spec::Spec& s) { return spec::Sha256Hex(MeasuredInputsJson(s)); }

}  // namespace results
