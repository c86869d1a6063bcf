// Report <-> results JSON with nlohmann::ordered_json (insertion order = the fixed key order).
// Reading walks the document with the key path in hand, so every error names where it is.
#include "generator/results/results_json.h"

#include <cstdint>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "generator/results/config_features.h"

namespace results {
namespace {

using Json = nlohmann::ordered_json;
using engine::Status;

// ---- writing -----------------------------------------------------------------

Json CountsToJson(const engine::NamedCounts& counts) {
  Json j = Json::object();
  for (const auto& [name, n] : counts) j[name] = n;
  return j;
}

Json RatesToJson(const engine::NamedRates& rates) {
  Json j = Json::object();
  for (const auto& [name, x] : rates) j[name] = x;
  return j;
}

Json LatencyToJson(const engine::LatencyStats& l) {
  Json j = Json::object();
  j["mean"] = l.mean;
  j["p50"] = l.p50;
  j["p90"] = l.p90;
  j["p99"] = l.p99;
  j["stdev"] = l.stdev;
  j["cv"] = l.cv;
  j["count"] = l.count;
  j["total"] = l.total;
  return j;
}

Json ConfigToJson(const engine::ModelConfig& c) {
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
  WriteDecoderFeatures(c, &j);  // only the issue-16 fields that differ from their defaults
  return j;
}

Json RunToJson(const engine::Run& r) {
  const bool generate = r.scenario == "generate";
  const bool train = r.scenario == "train";
  Json j = Json::object();
  j["scenario"] = r.scenario;
  j["device"] = r.device;
  j["dtype"] = r.dtype;
  j["batch"] = r.batch;
  j["sequence_length"] = r.sequence_length;
  j["threads"] = r.threads;
  if (generate) {
    j["prompt_tokens"] = r.prompt_tokens;
    j["new_tokens"] = r.new_tokens;
    j["prefill_s"] = LatencyToJson(r.prefill_s);
  }
  j["latency_s"] = LatencyToJson(r.latency_s);
  j["throughput"] = RatesToJson(r.throughput);
  j["memory"] = Json::object();
  j["memory"]["peak_bytes"] = r.peak_bytes;
  j["memory"]["weights_bytes"] = r.weights_bytes;
  if (train) {
    j["memory"]["gradients_bytes"] = r.gradients_bytes;
    j["memory"]["optimizer_bytes"] = r.optimizer_bytes;
    j["memory"]["activations_bytes"] = r.activations_bytes;
  }
  j["flops"] = r.flops;
  j["achieved_flops_per_s"] = r.achieved_flops_per_s;
  j["mfu"] = r.mfu;
  if (generate) {
    j["bytes_moved"] = r.bytes_moved;
    j["achieved_bytes_per_s"] = r.achieved_bytes_per_s;
    j["bandwidth_utilization"] = r.bandwidth_utilization;
  }
  return j;
}

Json VariantToJson(const engine::ExperimentVariant& v) {
  Json j = Json::object();
  j["name"] = v.name;
  j["baseline"] = v.baseline;
  j["value"] = v.value;
  j["latency_s"] = LatencyToJson(v.latency_s);
  j["first_call_s"] = v.first_call_s;
  j["speedup"] = v.speedup;
  j["throughput"] = RatesToJson(v.throughput);
  j["memory"] = Json::object();
  j["memory"]["peak_bytes"] = v.peak_bytes;
  j["memory"]["weights_bytes"] = v.weights_bytes;
  if (v.activations_bytes > 0) j["memory"]["activations_bytes"] = v.activations_bytes;
  j["flops"] = v.flops;
  j["mfu"] = v.mfu;
  if (v.has_accuracy) {
    Json& a = j["accuracy"] = Json::object();
    a["max_abs_error"] = v.max_abs_error;
    a["max_rel_error"] = v.max_rel_error;
    a["top1_agreement"] = v.top1_agreement;
  } else {
    j["accuracy"] = nullptr;
  }
  return j;
}

Json ExperimentToJson(const engine::Experiment& e) {
  Json j = Json::object();
  j["id"] = e.id;
  j["title"] = e.title;
  j["description"] = e.description;
  j["setup"] = e.setup;
  j["unit"] = e.unit;
  j["applicable"] = e.applicable;
  j["reason"] = e.reason;
  Json variants = Json::array();
  for (const auto& v : e.variants) variants.push_back(VariantToJson(v));
  j["variants"] = std::move(variants);
  j["latency_budget_s"] = e.latency_budget_s;
  j["best_batch"] = e.best_batch;
  return j;
}

Json SizeToJson(const engine::SizeReport& s) {
  Json j = Json::object();
  j["name"] = s.name;
  Json& p = j["parameters"] = Json::object();
  p["total"] = s.parameters.total;
  p["trainable"] = s.parameters.trainable;
  p["embedding"] = s.parameters.embedding;
  p["non_embedding"] = s.parameters.non_embedding;
  p["active"] = s.parameters.active;
  p["by_component"] = CountsToJson(s.parameters.by_component);
  Json& f = j["flops"] = Json::object();
  f["batch"] = s.flops.batch;
  f["sequence_length"] = s.flops.sequence_length;
  f["forward"] = s.flops.forward;
  f["forward_macs"] = s.flops.forward_macs;
  f["input"] = s.flops.input;
  f["by_component"] = CountsToJson(s.flops.by_component);
  f["elementwise"] = CountsToJson(s.flops.elementwise);
  Json runs = Json::array();
  for (const auto& r : s.runs) runs.push_back(RunToJson(r));
  j["runs"] = std::move(runs);
  if (!s.failures.empty()) {
    Json failures = Json::array();
    for (const auto& f : s.failures)
      failures.push_back({{"scenario", f.scenario},
                          {"device", f.device},
                          {"dtype", f.dtype},
                          {"batch", f.batch},
                          {"sequence_length", f.sequence_length},
                          {"reason", f.reason}});
    j["failures"] = std::move(failures);
  }
  if (!s.experiments.empty()) {
    Json experiments = Json::array();
    for (const auto& e : s.experiments) experiments.push_back(ExperimentToJson(e));
    j["experiments"] = std::move(experiments);
  }
  if (!s.weights_load.weights.empty()) {
    Json& w = j["weights_load"] = Json::object();
    w["weights"] = s.weights_load.weights;
    w["layout"] = s.weights_load.layout;
    w["tensors"] = s.weights_load.tensors;
    w["bytes_read"] = s.weights_load.bytes_read;
    w["load_s"] = s.weights_load.load_s;
  }
  if (!s.evaluations.empty()) {
    Json list = Json::array();
    for (const auto& e : s.evaluations) {
      Json x = Json::object();
      x["metric"] = e.metric;
      x["dataset"] = e.dataset;
      x["tokens"] = e.tokens;
      if (e.samples > 0) x["samples"] = e.samples;
      if (!e.tokenizer.empty()) x["tokenizer"] = e.tokenizer;
      x["value"] = e.value;
      x["dtype"] = e.dtype;
      x["weights"] = e.weights;
      x["date"] = e.date;
      list.push_back(std::move(x));
    }
    j["evaluations"] = std::move(list);
  }
  j["config"] = ConfigToJson(s.config);
  return j;
}

Json EnvironmentToJson(const engine::Environment& e) {
  Json j = Json::object();
  j["device"] = e.device;
  j["cpu_model"] = e.cpu_model;
  j["cores"] = e.cores;
  j["threads"] = e.threads;
  j["memory_bytes"] = e.memory_bytes;
  j["os"] = e.os;
  j["compiler"] = e.compiler;
  j["libtorch"] = e.libtorch;
  j["cuda"] = e.cuda.empty() ? Json(nullptr) : Json(e.cuda);
  j["gpu"] = e.gpu;
  j["blas"] = e.blas;
  if (!e.cpu_features.empty()) j["cpu_features"] = e.cpu_features;
  j["date"] = e.date;
  j["tool_version"] = e.tool_version;
  Json peaks = Json::object();
  for (const auto& [dtype, x] : e.peak_flops_per_s) peaks[dtype] = x;  // std::map: sorted
  j["peak_flops_per_s"] = std::move(peaks);
  j["memory_bandwidth_bytes_per_s"] = e.memory_bandwidth_bytes_per_s;
  return j;
}

// ---- reading -----------------------------------------------------------------

std::string Join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

Status Error(const std::string& path, const std::string& problem) {
  return Status::InvalidArgument(path + ": " + problem);
}

// `obj` is an object (checked by the caller); finds `key` or reports it missing.
Status Field(const Json& obj, const std::string& path, const std::string& key, const Json** out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Error(Join(path, key), "missing");
  *out = &*it;
  return Status::OK();
}

Status AsInt(const Json& v, const std::string& path, int64_t* out) {
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()))) {
    return Error(path, "expected an integer");
  }
  *out = v.get<int64_t>();
  return Status::OK();
}

Status AsDouble(const Json& v, const std::string& path, double* out) {
  if (!v.is_number()) return Error(path, "expected a number");
  *out = v.get<double>();
  return Status::OK();
}

Status GetObject(const Json& obj, const std::string& path, const std::string& key, const Json** out) {
  RETURN_IF_ERROR(Field(obj, path, key, out));
  if (!(*out)->is_object()) return Error(Join(path, key), "expected an object");
  return Status::OK();
}

Status GetInt(const Json& obj, const std::string& path, const std::string& key, int64_t* out) {
  const Json* v = nullptr;
  RETURN_IF_ERROR(Field(obj, path, key, &v));
  return AsInt(*v, Join(path, key), out);
}

Status GetDouble(const Json& obj, const std::string& path, const std::string& key, double* out) {
  const Json* v = nullptr;
  RETURN_IF_ERROR(Field(obj, path, key, &v));
  return AsDouble(*v, Join(path, key), out);
}

Status GetString(const Json& obj, const std::string& path, const std::string& key, std::string* out) {
  const Json* v = nullptr;
  RETURN_IF_ERROR(Field(obj, path, key, &v));
  if (!v->is_string()) return Error(Join(path, key), "expected a string");
  *out = v->get<std::string>();
  return Status::OK();
}

Status GetBool(const Json& obj, const std::string& path, const std::string& key, bool* out) {
  const Json* v = nullptr;
  RETURN_IF_ERROR(Field(obj, path, key, &v));
  if (!v->is_boolean()) return Error(Join(path, key), "expected true or false");
  *out = v->get<bool>();
  return Status::OK();
}

// Like GetInt / GetDouble, but an absent key leaves *out at its default.
Status OptionalInt(const Json& obj, const std::string& path, const std::string& key, int64_t* out) {
  if (!obj.contains(key)) return Status::OK();
  return GetInt(obj, path, key, out);
}

Status OptionalDouble(const Json& obj, const std::string& path, const std::string& key, double* out) {
  if (!obj.contains(key)) return Status::OK();
  return GetDouble(obj, path, key, out);
}

Status GetCounts(const Json& obj, const std::string& path, const std::string& key, engine::NamedCounts* out) {
  const Json* o = nullptr;
  RETURN_IF_ERROR(GetObject(obj, path, key, &o));
  out->clear();
  for (auto it = o->begin(); it != o->end(); ++it) {
    int64_t n = 0;
    RETURN_IF_ERROR(AsInt(it.value(), Join(Join(path, key), it.key()), &n));
    out->emplace_back(it.key(), n);
  }
  return Status::OK();
}

Status GetRates(const Json& obj, const std::string& path, const std::string& key, engine::NamedRates* out) {
  const Json* o = nullptr;
  RETURN_IF_ERROR(GetObject(obj, path, key, &o));
  out->clear();
  for (auto it = o->begin(); it != o->end(); ++it) {
    double x = 0;
    RETURN_IF_ERROR(AsDouble(it.value(), Join(Join(path, key), it.key()), &x));
    out->emplace_back(it.key(), x);
  }
  return Status::OK();
}

// An enum field spelled by name; `from_name` is one of engine::*FromName.
template <typename E>
Status GetEnum(const Json& obj, const std::string& path, const std::string& key,
               bool (*from_name)(const std::string&, E*), const char* expected, E* out) {
  std::string name;
  RETURN_IF_ERROR(GetString(obj, path, key, &name));
  if (!from_name(name, out)) return Error(Join(path, key), "unknown value '" + name + "' (expected " + expected + ")");
  return Status::OK();
}

Status ReadLatency(const Json& obj, const std::string& path, const std::string& key, engine::LatencyStats* l) {
  const Json* j = nullptr;
  RETURN_IF_ERROR(GetObject(obj, path, key, &j));
  const std::string p = Join(path, key);
  RETURN_IF_ERROR(GetDouble(*j, p, "mean", &l->mean));
  RETURN_IF_ERROR(GetDouble(*j, p, "p50", &l->p50));
  RETURN_IF_ERROR(GetDouble(*j, p, "p90", &l->p90));
  RETURN_IF_ERROR(GetDouble(*j, p, "p99", &l->p99));
  RETURN_IF_ERROR(GetDouble(*j, p, "stdev", &l->stdev));
  RETURN_IF_ERROR(GetDouble(*j, p, "cv", &l->cv));
  RETURN_IF_ERROR(GetInt(*j, p, "count", &l->count));
  RETURN_IF_ERROR(GetDouble(*j, p, "total", &l->total));
  return Status::OK();
}

Status ReadConfig(const Json& obj, const std::string& path, engine::ModelConfig* c) {
  const Json* j = nullptr;
  RETURN_IF_ERROR(GetObject(obj, path, "config", &j));
  const std::string p = Join(path, "config");
  RETURN_IF_ERROR(GetEnum(*j, p, "family", engine::FamilyFromName, "a family of engine/config.h", &c->family));
  RETURN_IF_ERROR(GetInt(*j, p, "vocab_size", &c->vocab_size));
  RETURN_IF_ERROR(GetInt(*j, p, "context_length", &c->context_length));
  RETURN_IF_ERROR(GetInt(*j, p, "num_layers", &c->num_layers));
  RETURN_IF_ERROR(GetInt(*j, p, "embedding_dim", &c->embedding_dim));
  RETURN_IF_ERROR(GetInt(*j, p, "num_heads", &c->num_heads));
  RETURN_IF_ERROR(GetInt(*j, p, "num_kv_heads", &c->num_kv_heads));
  RETURN_IF_ERROR(GetInt(*j, p, "head_dim", &c->head_dim));
  RETURN_IF_ERROR(GetInt(*j, p, "hidden_dim", &c->hidden_dim));
  RETURN_IF_ERROR(GetEnum(*j, p, "norm", engine::NormFromName, "layernorm | rmsnorm", &c->norm));
  RETURN_IF_ERROR(GetDouble(*j, p, "norm_eps", &c->norm_eps));
  RETURN_IF_ERROR(GetEnum(*j, p, "activation", engine::ActivationFromName,
                          "gelu | gelu_tanh | relu | silu | swiglu | geglu | geglu_tanh", &c->activation));
  RETURN_IF_ERROR(
      GetEnum(*j, p, "position", engine::PositionFromName, "learned | sinusoidal | rope | alibi | none", &c->position));
  RETURN_IF_ERROR(GetDouble(*j, p, "rope_theta", &c->rope_theta));
  RETURN_IF_ERROR(GetBool(*j, p, "bias", &c->bias));
  RETURN_IF_ERROR(GetBool(*j, p, "qkv_bias", &c->qkv_bias));
  RETURN_IF_ERROR(GetBool(*j, p, "tie_embeddings", &c->tie_embeddings));
  // Optional: the issue-16 fields, written only where they differ from the defaults.
  if (std::string problem = ReadDecoderFeatures(*j, c); !problem.empty()) return Error(p, problem);
  return Status::OK();
}

Status ReadRun(const Json& j, const std::string& p, engine::Run* r) {
  if (!j.is_object()) return Error(p, "expected an object");
  RETURN_IF_ERROR(GetString(j, p, "scenario", &r->scenario));
  if (r->scenario != "forward" && r->scenario != "generate" && r->scenario != "train" && r->scenario != "preprocess")
    return Error(Join(p, "scenario"),
                 "unknown value '" + r->scenario + "' (expected forward | generate | train | preprocess)");
  RETURN_IF_ERROR(GetString(j, p, "device", &r->device));
  RETURN_IF_ERROR(GetString(j, p, "dtype", &r->dtype));
  RETURN_IF_ERROR(GetInt(j, p, "batch", &r->batch));
  RETURN_IF_ERROR(GetInt(j, p, "sequence_length", &r->sequence_length));
  RETURN_IF_ERROR(GetInt(j, p, "threads", &r->threads));
  if (r->scenario == "generate") {
    RETURN_IF_ERROR(GetInt(j, p, "prompt_tokens", &r->prompt_tokens));
    RETURN_IF_ERROR(GetInt(j, p, "new_tokens", &r->new_tokens));
    RETURN_IF_ERROR(ReadLatency(j, p, "prefill_s", &r->prefill_s));
  }
  RETURN_IF_ERROR(ReadLatency(j, p, "latency_s", &r->latency_s));
  RETURN_IF_ERROR(GetRates(j, p, "throughput", &r->throughput));
  const Json* m = nullptr;
  RETURN_IF_ERROR(GetObject(j, p, "memory", &m));
  RETURN_IF_ERROR(GetInt(*m, Join(p, "memory"), "peak_bytes", &r->peak_bytes));
  RETURN_IF_ERROR(GetInt(*m, Join(p, "memory"), "weights_bytes", &r->weights_bytes));
  if (r->scenario == "train") {  // optional: results written before the split existed
    RETURN_IF_ERROR(OptionalInt(*m, Join(p, "memory"), "gradients_bytes", &r->gradients_bytes));
    RETURN_IF_ERROR(OptionalInt(*m, Join(p, "memory"), "optimizer_bytes", &r->optimizer_bytes));
    RETURN_IF_ERROR(OptionalInt(*m, Join(p, "memory"), "activations_bytes", &r->activations_bytes));
  }
  RETURN_IF_ERROR(GetInt(j, p, "flops", &r->flops));
  RETURN_IF_ERROR(GetDouble(j, p, "achieved_flops_per_s", &r->achieved_flops_per_s));
  RETURN_IF_ERROR(GetDouble(j, p, "mfu", &r->mfu));
  if (r->scenario == "generate") {  // optional: results written before the roofline existed
    RETURN_IF_ERROR(OptionalInt(j, p, "bytes_moved", &r->bytes_moved));
    RETURN_IF_ERROR(OptionalDouble(j, p, "achieved_bytes_per_s", &r->achieved_bytes_per_s));
    RETURN_IF_ERROR(OptionalDouble(j, p, "bandwidth_utilization", &r->bandwidth_utilization));
  }
  return Status::OK();
}

Status ReadVariant(const Json& j, const std::string& p, engine::ExperimentVariant* v) {
  if (!j.is_object()) return Error(p, "expected an object");
  RETURN_IF_ERROR(GetString(j, p, "name", &v->name));
  RETURN_IF_ERROR(GetBool(j, p, "baseline", &v->baseline));
  RETURN_IF_ERROR(GetInt(j, p, "value", &v->value));
  RETURN_IF_ERROR(ReadLatency(j, p, "latency_s", &v->latency_s));
  RETURN_IF_ERROR(GetDouble(j, p, "first_call_s", &v->first_call_s));
  RETURN_IF_ERROR(GetDouble(j, p, "speedup", &v->speedup));
  RETURN_IF_ERROR(GetRates(j, p, "throughput", &v->throughput));
  const Json* m = nullptr;
  RETURN_IF_ERROR(GetObject(j, p, "memory", &m));
  RETURN_IF_ERROR(GetInt(*m, Join(p, "memory"), "peak_bytes", &v->peak_bytes));
  RETURN_IF_ERROR(GetInt(*m, Join(p, "memory"), "weights_bytes", &v->weights_bytes));
  if (m->contains("activations_bytes"))
    RETURN_IF_ERROR(GetInt(*m, Join(p, "memory"), "activations_bytes", &v->activations_bytes));
  RETURN_IF_ERROR(GetInt(j, p, "flops", &v->flops));
  RETURN_IF_ERROR(GetDouble(j, p, "mfu", &v->mfu));
  const Json* a = nullptr;
  RETURN_IF_ERROR(Field(j, p, "accuracy", &a));
  v->has_accuracy = !a->is_null();
  if (v->has_accuracy) {
    if (!a->is_object()) return Error(Join(p, "accuracy"), "expected an object or null");
    const std::string ap = Join(p, "accuracy");
    RETURN_IF_ERROR(GetDouble(*a, ap, "max_abs_error", &v->max_abs_error));
    RETURN_IF_ERROR(GetDouble(*a, ap, "max_rel_error", &v->max_rel_error));
    RETURN_IF_ERROR(GetDouble(*a, ap, "top1_agreement", &v->top1_agreement));
  }
  return Status::OK();
}

Status ReadExperiment(const Json& j, const std::string& p, engine::Experiment* e) {
  if (!j.is_object()) return Error(p, "expected an object");
  RETURN_IF_ERROR(GetString(j, p, "id", &e->id));
  RETURN_IF_ERROR(GetString(j, p, "title", &e->title));
  RETURN_IF_ERROR(GetString(j, p, "description", &e->description));
  RETURN_IF_ERROR(GetString(j, p, "setup", &e->setup));
  RETURN_IF_ERROR(GetString(j, p, "unit", &e->unit));
  RETURN_IF_ERROR(GetBool(j, p, "applicable", &e->applicable));
  RETURN_IF_ERROR(GetString(j, p, "reason", &e->reason));
  const Json* variants = nullptr;
  RETURN_IF_ERROR(Field(j, p, "variants", &variants));
  if (!variants->is_array()) return Error(Join(p, "variants"), "expected an array");
  e->variants.assign(variants->size(), engine::ExperimentVariant());
  for (size_t i = 0; i < variants->size(); ++i) {
    RETURN_IF_ERROR(ReadVariant((*variants)[i], Join(p, "variants") + "[" + std::to_string(i) + "]", &e->variants[i]));
  }
  RETURN_IF_ERROR(GetDouble(j, p, "latency_budget_s", &e->latency_budget_s));
  RETURN_IF_ERROR(GetInt(j, p, "best_batch", &e->best_batch));
  return Status::OK();
}

Status ReadSize(const Json& j, const std::string& p, engine::SizeReport* s) {
  if (!j.is_object()) return Error(p, "expected an object");
  RETURN_IF_ERROR(GetString(j, p, "name", &s->name));

  const Json* params = nullptr;
  RETURN_IF_ERROR(GetObject(j, p, "parameters", &params));
  const std::string pp = Join(p, "parameters");
  RETURN_IF_ERROR(GetInt(*params, pp, "total", &s->parameters.total));
  RETURN_IF_ERROR(GetInt(*params, pp, "trainable", &s->parameters.trainable));
  RETURN_IF_ERROR(GetInt(*params, pp, "embedding", &s->parameters.embedding));
  RETURN_IF_ERROR(GetInt(*params, pp, "non_embedding", &s->parameters.non_embedding));
  s->parameters.active = s->parameters.total;  // results written before "active" existed: dense
  if (params->contains("active")) RETURN_IF_ERROR(GetInt(*params, pp, "active", &s->parameters.active));
  RETURN_IF_ERROR(GetCounts(*params, pp, "by_component", &s->parameters.by_component));

  const Json* flops = nullptr;
  RETURN_IF_ERROR(GetObject(j, p, "flops", &flops));
  const std::string fp = Join(p, "flops");
  RETURN_IF_ERROR(GetInt(*flops, fp, "batch", &s->flops.batch));
  RETURN_IF_ERROR(GetInt(*flops, fp, "sequence_length", &s->flops.sequence_length));
  RETURN_IF_ERROR(GetInt(*flops, fp, "forward", &s->flops.forward));
  RETURN_IF_ERROR(GetInt(*flops, fp, "forward_macs", &s->flops.forward_macs));
  if (flops->contains("input")) RETURN_IF_ERROR(GetString(*flops, fp, "input", &s->flops.input));
  RETURN_IF_ERROR(GetCounts(*flops, fp, "by_component", &s->flops.by_component));
  RETURN_IF_ERROR(GetCounts(*flops, fp, "elementwise", &s->flops.elementwise));

  const Json* runs = nullptr;
  RETURN_IF_ERROR(Field(j, p, "runs", &runs));
  if (!runs->is_array()) return Error(Join(p, "runs"), "expected an array");
  s->runs.assign(runs->size(), engine::Run());
  for (size_t i = 0; i < runs->size(); ++i) {
    RETURN_IF_ERROR(ReadRun((*runs)[i], Join(p, "runs") + "[" + std::to_string(i) + "]", &s->runs[i]));
  }
  s->failures.clear();  // optional: only sizes with a scenario that could not run have it
  if (auto it = j.find("failures"); it != j.end()) {
    if (!it->is_array()) return Error(Join(p, "failures"), "expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& f = (*it)[i];
      const std::string fp = Join(p, "failures") + "[" + std::to_string(i) + "]";
      if (!f.is_object()) return Error(fp, "expected an object");
      engine::RunFailure rf;
      RETURN_IF_ERROR(GetString(f, fp, "scenario", &rf.scenario));
      RETURN_IF_ERROR(GetString(f, fp, "device", &rf.device));
      RETURN_IF_ERROR(GetString(f, fp, "dtype", &rf.dtype));
      RETURN_IF_ERROR(GetInt(f, fp, "batch", &rf.batch));
      RETURN_IF_ERROR(GetInt(f, fp, "sequence_length", &rf.sequence_length));
      RETURN_IF_ERROR(GetString(f, fp, "reason", &rf.reason));
      s->failures.push_back(rf);
    }
  }
  s->experiments.clear();  // optional: results written before the experiments existed
  if (auto it = j.find("experiments"); it != j.end()) {
    const Json& experiments = *it;
    if (!experiments.is_array()) return Error(Join(p, "experiments"), "expected an array");
    s->experiments.assign(experiments.size(), engine::Experiment());
    for (size_t i = 0; i < experiments.size(); ++i) {
      RETURN_IF_ERROR(
          ReadExperiment(experiments[i], Join(p, "experiments") + "[" + std::to_string(i) + "]", &s->experiments[i]));
    }
  }
  s->weights_load = engine::WeightsLoad();  // optional: only sizes measured on loaded weights have it
  if (j.contains("weights_load")) {
    const Json* w = nullptr;
    RETURN_IF_ERROR(GetObject(j, p, "weights_load", &w));
    const std::string wp = Join(p, "weights_load");
    RETURN_IF_ERROR(GetString(*w, wp, "weights", &s->weights_load.weights));
    RETURN_IF_ERROR(GetString(*w, wp, "layout", &s->weights_load.layout));
    RETURN_IF_ERROR(GetInt(*w, wp, "tensors", &s->weights_load.tensors));
    RETURN_IF_ERROR(GetInt(*w, wp, "bytes_read", &s->weights_load.bytes_read));
    RETURN_IF_ERROR(GetDouble(*w, wp, "load_s", &s->weights_load.load_s));
  }
  s->evaluations.clear();  // optional: `modelcard eval` adds them
  if (auto it = j.find("evaluations"); it != j.end()) {
    if (!it->is_array()) return Error(Join(p, "evaluations"), "expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string ep = Join(p, "evaluations") + "[" + std::to_string(i) + "]";
      const Json& x = (*it)[i];
      if (!x.is_object()) return Error(ep, "expected an object");
      // A value stored as null (a NaN or infinity that older versions wrote) was never measured:
      // the row is left out, so the documents show no number rather than failing to render.
      if (auto value = x.find("value"); value != x.end() && value->is_null()) continue;
      engine::MeasuredEvaluation e;
      RETURN_IF_ERROR(GetString(x, ep, "metric", &e.metric));
      RETURN_IF_ERROR(GetString(x, ep, "dataset", &e.dataset));
      RETURN_IF_ERROR(GetInt(x, ep, "tokens", &e.tokens));
      if (x.contains("samples")) RETURN_IF_ERROR(GetInt(x, ep, "samples", &e.samples));
      if (x.contains("tokenizer")) RETURN_IF_ERROR(GetString(x, ep, "tokenizer", &e.tokenizer));
      RETURN_IF_ERROR(GetDouble(x, ep, "value", &e.value));
      RETURN_IF_ERROR(GetString(x, ep, "dtype", &e.dtype));
      RETURN_IF_ERROR(GetString(x, ep, "weights", &e.weights));
      RETURN_IF_ERROR(GetString(x, ep, "date", &e.date));
      s->evaluations.push_back(std::move(e));
    }
  }
  return ReadConfig(j, p, &s->config);
}

Status ReadEnvironment(const Json& root, engine::Environment* e) {
  const Json* j = nullptr;
  RETURN_IF_ERROR(GetObject(root, "", "environment", &j));
  const std::string p = "environment";
  RETURN_IF_ERROR(GetString(*j, p, "device", &e->device));
  RETURN_IF_ERROR(GetString(*j, p, "cpu_model", &e->cpu_model));
  RETURN_IF_ERROR(GetInt(*j, p, "cores", &e->cores));
  RETURN_IF_ERROR(GetInt(*j, p, "threads", &e->threads));
  RETURN_IF_ERROR(GetInt(*j, p, "memory_bytes", &e->memory_bytes));
  RETURN_IF_ERROR(GetString(*j, p, "os", &e->os));
  RETURN_IF_ERROR(GetString(*j, p, "compiler", &e->compiler));
  RETURN_IF_ERROR(GetString(*j, p, "libtorch", &e->libtorch));
  const Json* cuda = nullptr;
  RETURN_IF_ERROR(Field(*j, p, "cuda", &cuda));
  if (cuda->is_null()) {
    e->cuda.clear();
  } else if (cuda->is_string()) {
    e->cuda = cuda->get<std::string>();
  } else {
    return Error("environment.cuda", "expected a string or null");
  }
  RETURN_IF_ERROR(GetString(*j, p, "gpu", &e->gpu));
  RETURN_IF_ERROR(GetString(*j, p, "blas", &e->blas));
  e->cpu_features.clear();  // optional: results written before the kernel choice was recorded
  if (j->contains("cpu_features")) RETURN_IF_ERROR(GetString(*j, p, "cpu_features", &e->cpu_features));
  RETURN_IF_ERROR(GetString(*j, p, "date", &e->date));
  RETURN_IF_ERROR(GetString(*j, p, "tool_version", &e->tool_version));
  engine::NamedRates peaks;
  RETURN_IF_ERROR(GetRates(*j, p, "peak_flops_per_s", &peaks));
  e->peak_flops_per_s.clear();
  for (const auto& [dtype, x] : peaks) e->peak_flops_per_s[dtype] = x;
  RETURN_IF_ERROR(GetDouble(*j, p, "memory_bandwidth_bytes_per_s", &e->memory_bandwidth_bytes_per_s));
  return Status::OK();
}

}  // namespace

std::string ReportToJson(const engine::Report& report) {
  Json j = Json::object();
  j["schema"] = report.schema;
  j["model"] = report.model;
  j["slug"] = report.slug;
  j["spec_sha256"] = report.spec_sha256;
  if (!report.measured_inputs_sha256.empty()) j["measured_inputs_sha256"] = report.measured_inputs_sha256;
  if (!report.measured_inputs_sha256.empty()) j["measured_inputs_sha256"] = report.measured_inputs_sha256;
  if (!report.engine_version.empty()) j["engine_version"] = report.engine_version;
  Json sizes = Json::array();
  for (const auto& s : report.sizes) sizes.push_back(SizeToJson(s));
  j["sizes"] = std::move(sizes);
  j["environment"] = EnvironmentToJson(report.environment);
  return j.dump(2) + "\n";
}

Status ReportFromJson(const std::string& json, engine::Report* out) {
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 14: ...".
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) what = what.substr(bracket + 2);
    return Status::InvalidArgument("invalid JSON: " + what);
  }
  if (!root.is_object()) return Status::InvalidArgument("top level: expected an object");

  engine::Report r;
  int64_t schema = 0;
  RETURN_IF_ERROR(GetInt(root, "", "schema", &schema));
  if (schema != 1) return Error("schema", "unsupported version " + std::to_string(schema) + " (expected 1)");
  r.schema = int(schema);
  RETURN_IF_ERROR(GetString(root, "", "model", &r.model));
  RETURN_IF_ERROR(GetString(root, "", "slug", &r.slug));
  RETURN_IF_ERROR(GetString(root, "", "spec_sha256", &r.spec_sha256));
  if (root.contains("measured_inputs_sha256"))
    RETURN_IF_ERROR(GetString(root, "", "measured_inputs_sha256", &r.measured_inputs_sha256));
  if (root.contains("measured_inputs_sha256"))
    RETURN_IF_ERROR(GetString(root, "", "measured_inputs_sha256", &r.measured_inputs_sha256));
  if (root.contains("engine_version")) RETURN_IF_ERROR(GetString(root, "", "engine_version", &r.engine_version));
  const Json* sizes = nullptr;
  RETURN_IF_ERROR(Field(root, "", "sizes", &sizes));
  if (!sizes->is_array()) return Error("sizes", "expected an array");
  r.sizes.assign(sizes->size(), engine::SizeReport());
  for (size_t i = 0; i < sizes->size(); ++i)
    RETURN_IF_ERROR(ReadSize((*sizes)[i], "sizes[" + std::to_string(i) + "]", &r.sizes[i]));
  RETURN_IF_ERROR(ReadEnvironment(root, &r.environment));
  *out = std::move(r);
  return Status::OK();
}

}  // namespace results
