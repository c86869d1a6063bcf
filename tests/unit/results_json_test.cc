// Results JSON: exact round trip, fixed key order, and error messages that name the key path.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/count.h"
#include "generator/results/results_json.h"

namespace {

engine::Report SampleReport() {
  engine::Report r;
  r.model = "GPT-2";
  r.slug = "gpt2";
  r.spec_sha256 = "0123abcd";
  engine::SizeReport s;
  s.name = "small";
  s.config.vocab_size = 50257;
  s.config.context_length = 1024;
  s.config.num_layers = 12;
  s.config.embedding_dim = 768;
  s.config.num_heads = 12;
  s.config.num_kv_heads = 12;
  s.config.head_dim = 64;
  s.config.hidden_dim = 3072;
  s.config.norm = engine::Norm::kRMSNorm;
  s.config.norm_eps = 1e-5;
  s.config.activation = engine::Activation::kSwiGLU;
  s.config.position = engine::Position::kRoPE;
  s.config.rope_theta = 500000.0;
  s.config.qkv_bias = false;
  s.parameters = {124439808, 124439808, 39383808,
                  85056000,  124439808, {{"embedding", 39383808}, {"attention", 28348416}}};
  s.flops = {1, 1024, 291648307200, 145824153600, "1 × 1024 tokens", {{"mlp", 3}, {"lm_head", 4}}, {{"norm", 5}}};
  engine::Run fwd;
  fwd.scenario = "forward";
  fwd.device = "cpu";
  fwd.dtype = "float32";
  fwd.batch = 1;
  fwd.sequence_length = 128;
  fwd.threads = 2;
  fwd.latency_s = {0.1, 1.0 / 3.0, 0.123456789012345678, 5e-324, 1e-300, 0.07, 10, 1.2345};
  fwd.throughput = {{"tokens_per_s", 1234.5678901234567}};
  fwd.peak_bytes = 123456789;
  fwd.weights_bytes = 497759232;
  fwd.flops = 36453335040;
  fwd.achieved_flops_per_s = 2.9164830720000003e11;
  fwd.mfu = 0.7840000000000001;
  engine::Run gen = fwd;
  gen.scenario = "generate";
  gen.sequence_length = 64;
  gen.prompt_tokens = 32;
  gen.new_tokens = 32;
  gen.prefill_s = {0.02, 0.021, 0.022, 0.023, 0.001, 0.05, 12, 0.24};
  gen.throughput = {{"prefill_tokens_per_s", 1600.0}, {"decode_tokens_per_s", 55.5}};
  s.runs = {fwd, gen};
  r.sizes = {s};
  r.environment.device = "cpu";
  r.environment.cpu_model = "Intel(R) Xeon(R) \"quoted\" CPU";
  r.environment.cores = 2;
  r.environment.threads = 2;
  r.environment.memory_bytes = 25769803776;
  r.environment.libtorch = "2.15.0";
  r.environment.blas = "OpenBLAS, oneDNN";
  r.environment.date = "2026-01-02";
  r.environment.tool_version = "0.1.0";
  r.environment.peak_flops_per_s = {{"float32", 2.9e11}, {"bfloat16", 1.3e12}};
  r.environment.memory_bandwidth_bytes_per_s = 1.7e10;
  return r;
}

// Replaces the first occurrence of `from` (which must exist) in `s`.
std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

std::string ErrorOf(const std::string& json) {
  engine::Report r;
  engine::Status s = results::ReportFromJson(json, &r);
  return s.ok() ? "OK" : s.message();
}

}  // namespace

TEST_CASE("a report round-trips through JSON exactly") {
  const engine::Report in = SampleReport();
  const std::string json = results::ReportToJson(in);
  engine::Report out;
  REQUIRE(results::ReportFromJson(json, &out).ok());
  CHECK(results::ReportToJson(out) == json);

  const engine::Run& run = out.sizes[0].runs[0];
  CHECK(run.latency_s.p50 == 1.0 / 3.0);  // bit-exact doubles
  CHECK(run.latency_s.p90 == 0.123456789012345678);
  CHECK(run.latency_s.p99 == 5e-324);
  CHECK(run.throughput[0].second == 1234.5678901234567);
  CHECK(run.mfu == 0.7840000000000001);
  CHECK(out.sizes[0].config.norm == engine::Norm::kRMSNorm);
  CHECK(out.sizes[0].config.activation == engine::Activation::kSwiGLU);
  CHECK(out.sizes[0].config.position == engine::Position::kRoPE);
  CHECK(out.sizes[0].config.rope_theta == 500000.0);
  CHECK_FALSE(out.sizes[0].config.qkv_bias);
  CHECK(out.sizes[0].runs[1].prefill_s.count == 12);
  CHECK(out.sizes[0].runs[1].throughput[1].first == "decode_tokens_per_s");
  CHECK(out.environment.cpu_model == "Intel(R) Xeon(R) \"quoted\" CPU");
  CHECK(out.environment.cuda.empty());
  CHECK(out.environment.peak_flops_per_s.at("bfloat16") == 1.3e12);
}

TEST_CASE("a preprocessing run round-trips, an unknown scenario is an error") {
  engine::Report in = SampleReport();
  engine::Run pre = in.sizes[0].runs[0];
  pre.scenario = "preprocess";
  pre.throughput = {{"images_per_s", 123.5}};
  pre.flops = 0;
  in.sizes[0].runs.push_back(pre);
  engine::Report out;
  REQUIRE(results::ReportFromJson(results::ReportToJson(in), &out).ok());
  CHECK(results::ReportToJson(out) == results::ReportToJson(in));
  CHECK(out.sizes[0].runs.back().scenario == "preprocess");
  std::string json = results::ReportToJson(in);
  json.replace(json.find("\"preprocess\""), 12, "\"train_step\"");
  const engine::Status st = results::ReportFromJson(json, &out);
  CHECK_FALSE(st.ok());
  CHECK(st.message() ==
        "sizes[0].runs[2].scenario: unknown value 'train_step' (expected forward | generate | "
        "train | preprocess)");
}

namespace {

// SampleReport() plus what the experiments README reads: a train run with its memory split,
// the generate run's roofline, and two experiments (one not applicable).
engine::Report ReportWithExperiments() {
  engine::Report r = SampleReport();
  engine::SizeReport& s = r.sizes[0];
  s.runs[1].bytes_moved = 497807360;
  s.runs[1].achieved_bytes_per_s = 1.0 / 7.0 * 1e11;
  s.runs[1].bandwidth_utilization = 0.8403361344537815;
  engine::Run train = s.runs[0];
  train.scenario = "train";
  train.gradients_bytes = 497759232;
  train.optimizer_bytes = 995518592;
  train.activations_bytes = 1234567;
  s.runs.push_back(train);

  engine::Experiment mp;
  mp.id = "mixed_precision";
  mp.title = "Mixed precision";
  mp.description = "the forward pass in bfloat16";
  mp.setup = "batch 1 × 128 tokens, 2 threads";
  mp.unit = "forward pass";
  engine::ExperimentVariant base;
  base.name = "float32";
  base.baseline = true;
  base.latency_s = {0.1, 0.09, 0.11, 0.12, 0.01, 0.1, 10, 1.0};
  base.speedup = 1;
  base.throughput = {{"tokens_per_s", 1280.0}};
  base.peak_bytes = 1000;
  base.weights_bytes = 497759232;
  base.flops = 36453335040;
  base.mfu = 0.25;
  engine::ExperimentVariant bf16 = base;
  bf16.name = "bfloat16";
  bf16.baseline = false;
  bf16.latency_s.mean = 1.0 / 41.0;
  bf16.first_call_s = 0.3;
  bf16.speedup = 4.1;
  bf16.weights_bytes = 248879616;
  bf16.has_accuracy = true;
  bf16.max_abs_error = 0.03125;
  bf16.max_rel_error = 1.0 / 3.0;
  bf16.top1_agreement = 0.9921875;
  mp.variants = {base, bf16};
  engine::Experiment batch;
  batch.id = "batch_scaling";
  batch.title = "Batch scaling";
  batch.applicable = false;
  batch.reason = "one sample only";
  batch.latency_budget_s = 0.1;
  batch.best_batch = 8;
  s.experiments = {mp, batch};
  return r;
}

}  // namespace

TEST_CASE("train memory, the decode roofline and experiments round-trip exactly") {
  const engine::Report in = ReportWithExperiments();
  const std::string json = results::ReportToJson(in);
  engine::Report out;
  REQUIRE(results::ReportFromJson(json, &out).ok());
  CHECK(results::ReportToJson(out) == json);

  const engine::SizeReport& s = out.sizes[0];
  REQUIRE(s.runs.size() == 3);
  CHECK(s.runs[1].bytes_moved == 497807360);
  CHECK(s.runs[1].achieved_bytes_per_s == 1.0 / 7.0 * 1e11);
  CHECK(s.runs[1].bandwidth_utilization == 0.8403361344537815);
  CHECK(s.runs[2].scenario == "train");
  CHECK(s.runs[2].gradients_bytes == 497759232);
  CHECK(s.runs[2].optimizer_bytes == 995518592);
  CHECK(s.runs[2].activations_bytes == 1234567);

  REQUIRE(s.experiments.size() == 2);
  const engine::Experiment& mp = s.experiments[0];
  CHECK(mp.id == "mixed_precision");
  CHECK(mp.title == "Mixed precision");
  CHECK(mp.description == "the forward pass in bfloat16");
  CHECK(mp.setup == "batch 1 × 128 tokens, 2 threads");
  CHECK(mp.unit == "forward pass");
  CHECK(mp.applicable);
  REQUIRE(mp.variants.size() == 2);
  CHECK(mp.variants[0].baseline);
  CHECK_FALSE(mp.variants[0].has_accuracy);
  const engine::ExperimentVariant& v = mp.variants[1];
  CHECK(v.name == "bfloat16");
  CHECK_FALSE(v.baseline);
  CHECK(v.latency_s.mean == 1.0 / 41.0);
  CHECK(v.latency_s.count == 10);
  CHECK(v.first_call_s == 0.3);
  CHECK(v.speedup == 4.1);
  CHECK(v.throughput == engine::NamedRates{{"tokens_per_s", 1280.0}});
  CHECK(v.peak_bytes == 1000);
  CHECK(v.weights_bytes == 248879616);
  CHECK(v.flops == 36453335040);
  CHECK(v.mfu == 0.25);
  CHECK(v.has_accuracy);
  CHECK(v.max_abs_error == 0.03125);
  CHECK(v.max_rel_error == 1.0 / 3.0);
  CHECK(v.top1_agreement == 0.9921875);
  const engine::Experiment& batch = s.experiments[1];
  CHECK_FALSE(batch.applicable);
  CHECK(batch.reason == "one sample only");
  CHECK(batch.variants.empty());
  CHECK(batch.latency_budget_s == 0.1);
  CHECK(batch.best_batch == 8);

  // Only train runs carry the memory split, only generate runs the roofline.
  const size_t forward = json.find("\"scenario\": \"forward\""), generate = json.find("\"scenario\": \"generate\""),
               train = json.find("\"scenario\": \"train\"");
  CHECK(json.find("\"bytes_moved\"") > generate);
  CHECK(json.find("\"bytes_moved\"") < train);
  CHECK(json.find("\"gradients_bytes\"") > train);
  CHECK(forward < generate);
  CHECK(json.find("\"experiments\"") > train);
  CHECK(json.find("\"experiments\"") < json.find("\"config\""));
}

TEST_CASE("results written before the new keys existed still load, with defaults") {
  // SampleReport() has no train run, no roofline and no experiments: its JSON, with the
  // roofline keys removed, is what older builds wrote.
  std::string json = results::ReportToJson(SampleReport());
  CHECK(json.find("\"experiments\"") == std::string::npos);  // absent when there are none
  for (const char* key : {"bandwidth_utilization", "achieved_bytes_per_s", "bytes_moved"}) {  // last first
    const size_t at = json.find(std::string(",\n          \"") + key);
    REQUIRE(at != std::string::npos);
    json.erase(at, json.find('\n', at + 2) - at);
  }
  CHECK(json.find("bandwidth_utilization") == std::string::npos);
  engine::Report out;
  engine::Status st = results::ReportFromJson(json, &out);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(out.sizes[0].runs[1].bytes_moved == 0);
  CHECK(out.sizes[0].runs[1].bandwidth_utilization == 0);
  CHECK(out.sizes[0].experiments.empty());
}

TEST_CASE("experiment errors name the key path") {
  const std::string json = results::ReportToJson(ReportWithExperiments());
  CHECK(ErrorOf(Replace(json, "\"speedup\": 4.1", "\"speedup\": \"fast\"")) ==
        "sizes[0].experiments[0].variants[1].speedup: expected a number");
  CHECK(ErrorOf(Replace(json, "\"top1_agreement\": 0.9921875", "\"top1_agreement\": null")) ==
        "sizes[0].experiments[0].variants[1].accuracy.top1_agreement: expected a number");
  CHECK(ErrorOf(Replace(json, "\"applicable\": false", "\"applicable\": 0")) ==
        "sizes[0].experiments[1].applicable: expected true or false");
  CHECK(ErrorOf(Replace(json, "\"gradients_bytes\": 497759232", "\"gradients_bytes\": 1.5")) ==
        "sizes[0].runs[2].memory.gradients_bytes: expected an integer");
  CHECK(ErrorOf(Replace(json, "\"bytes_moved\": 497807360", "\"bytes_moved\": \"x\"")) ==
        "sizes[0].runs[1].bytes_moved: expected an integer");
  CHECK(ErrorOf(Replace(json, "\"experiments\": [", "\"experiments\": 3, \"later\": [")) ==
        "sizes[0].experiments: expected an array");
}

TEST_CASE("JSON keys come in the contract's fixed order") {
  const std::string json = results::ReportToJson(SampleReport());
  CHECK(json.rfind("{\n  \"schema\": 1,\n  \"model\": \"GPT-2\",\n  \"slug\": \"gpt2\",\n", 0) == 0);
  CHECK(json.back() == '\n');
  CHECK(json.find("\"cuda\": null") != std::string::npos);
  CHECK(json.find("\"norm\": \"rmsnorm\"") != std::string::npos);
  CHECK(json.find("\"position\": \"rope\"") != std::string::npos);
  const size_t params = json.find("\"parameters\""), flops = json.find("\"flops\": {"), runs = json.find("\"runs\""),
               config = json.find("\"config\""), env = json.find("\"environment\"");
  CHECK(params < flops);
  CHECK(flops < runs);
  CHECK(runs < config);
  CHECK(config < env);
  // Only the generate run carries prefill_s / prompt_tokens.
  const size_t second_run = json.find("\"scenario\": \"generate\"");
  CHECK(json.find("\"prefill_s\"") > second_run);
  CHECK(json.find("\"prompt_tokens\"") > second_run);
}

TEST_CASE("a cuda version is written as a string and read back") {
  engine::Report in = SampleReport();
  in.environment.cuda = "13.0";
  const std::string json = results::ReportToJson(in);
  CHECK(json.find("\"cuda\": \"13.0\"") != std::string::npos);
  engine::Report out;
  REQUIRE(results::ReportFromJson(json, &out).ok());
  CHECK(out.environment.cuda == "13.0");
}

TEST_CASE("errors name the key path") {
  const std::string json = results::ReportToJson(SampleReport());
  CHECK(ErrorOf(Replace(json, "\"total\": 124439808", "\"total\": \"many\"")) ==
        "sizes[0].parameters.total: expected an integer");
  CHECK(ErrorOf(Replace(json, "\"total\": 124439808", "\"total\": 1.5")) ==
        "sizes[0].parameters.total: expected an integer");
  CHECK(ErrorOf(Replace(json, "\"p50\": 0.3333333333333333,", "")) == "sizes[0].runs[0].latency_s.p50: missing");
  CHECK(ErrorOf(Replace(json, "\"norm\": \"rmsnorm\"", "\"norm\": \"batchnorm\"")) ==
        "sizes[0].config.norm: unknown value 'batchnorm' (expected layernorm | rmsnorm)");
  CHECK(ErrorOf(Replace(json, "\"prompt_tokens\": 32", "\"prompt_tokens\": null")) ==
        "sizes[0].runs[1].prompt_tokens: expected an integer");
  CHECK(ErrorOf(Replace(json, "\"cuda\": null", "\"cuda\": 13")) == "environment.cuda: expected a string or null");
  CHECK(ErrorOf(Replace(json, "\"decode_tokens_per_s\": 55.5", "\"decode_tokens_per_s\": \"fast\"")) ==
        "sizes[0].runs[1].throughput.decode_tokens_per_s: expected a number");
  CHECK(ErrorOf(Replace(json, "\"schema\": 1", "\"schema\": 2")) == "schema: unsupported version 2 (expected 1)");
  CHECK(ErrorOf("[1, 2]") == "top level: expected an object");
  CHECK(ErrorOf("{\"schema\": 1,").rfind("invalid JSON: parse error at line 1, column 14", 0) == 0);
}

TEST_CASE("a failed parse leaves the output untouched") {
  engine::Report out;
  out.model = "kept";
  CHECK_FALSE(results::ReportFromJson("{\"schema\": 1}", &out).ok());
  CHECK(out.model == "kept");
}

TEST_CASE("unknown keys are ignored for forward compatibility") {
  const std::string json = results::ReportToJson(SampleReport());
  engine::Report out;
  CHECK(results::ReportFromJson(Replace(json, "\"schema\": 1,", "\"schema\": 1, \"extra\": [1],"), &out).ok());
}

TEST_CASE("the tiny results fixture is canonical JSON and agrees with the analytic counts") {
  const std::string path = std::string(MODELCARD_TEST_DATA) + "/data/results/tiny.json";
  std::ifstream in(path, std::ios::binary);
  const std::string json((std::istreambuf_iterator<char>(in)), {});
  engine::Report r;
  engine::Status s = results::ReportFromJson(json, &r);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(results::ReportToJson(r) == json);  // written exactly as the tool writes it

  REQUIRE(r.sizes.size() == 1);
  const engine::SizeReport& tiny = r.sizes[0];
  const engine::ParameterCount p = engine::AnalyticParameters(tiny.config);
  CHECK(tiny.parameters.total == p.total);
  CHECK(tiny.parameters.embedding == p.embedding);
  CHECK(tiny.parameters.by_component == p.by_component);
  const engine::FlopCount f = engine::AnalyticForwardFlops(tiny.config, 1, 64);
  CHECK(tiny.flops.forward == f.forward);
  CHECK(tiny.flops.by_component == f.by_component);
  CHECK(tiny.flops.elementwise == f.elementwise);
  for (const engine::Run& run : tiny.runs) {
    CHECK(run.weights_bytes == p.total * engine::DtypeBytes(run.dtype));
    if (run.scenario == "forward")
      CHECK(run.flops == engine::AnalyticForwardFlops(tiny.config, run.batch, run.sequence_length).forward);
  }
  CHECK(r.environment.cpu_model.find("fixture") != std::string::npos);
}

TEST_CASE("the engine version, a checkpoint load and measured evaluations round-trip; old files lack them") {
  engine::Report in = SampleReport();
  in.engine_version = engine::kEngineVersion;
  in.sizes[0].weights_load = {"../ckpt/gpt2", "gpt2", 28, 118400, 0.000584};
  in.sizes[0].evaluations.push_back(
      {"perplexity", "val.bin", 11, 107.10530712, "float32", "../ckpt/gpt2", "2026-12-01"});
  in.sizes[0].evaluations.push_back(
      {"perplexity", "sample.txt", 640, 96.5, "float32", "../ckpt/gpt2", "2026-12-01", 0, "byte-level BPE"});
  in.sizes[0].evaluations.push_back(
      {"top-1 accuracy", "eval.safetensors", 0, 0.625, "float32", "../ckpt/vit", "2026-12-01", 32, ""});
  const std::string json = results::ReportToJson(in);
  CHECK(json.find(std::string("\"engine_version\": \"") + engine::kEngineVersion + "\"") != std::string::npos);
  engine::Report out;
  REQUIRE(results::ReportFromJson(json, &out).ok());
  CHECK(results::ReportToJson(out) == json);
  CHECK(out.engine_version == engine::kEngineVersion);
  CHECK(out.sizes[0].weights_load.tensors == 28);
  CHECK(out.sizes[0].weights_load.load_s == 0.000584);
  REQUIRE(out.sizes[0].evaluations.size() == 3);
  CHECK(out.sizes[0].evaluations[0].value == 107.10530712);
  CHECK(out.sizes[0].evaluations[0].dataset == "val.bin");
  CHECK(out.sizes[0].evaluations[0].samples == 0);
  CHECK(out.sizes[0].evaluations[1].tokenizer == "byte-level BPE");
  CHECK(out.sizes[0].evaluations[2].samples == 32);
  CHECK(out.sizes[0].evaluations[2].metric == "top-1 accuracy");
  CHECK(json.find("\"samples\": 32") != std::string::npos);
  // A file written before these keys existed still loads, with nothing loaded or evaluated.
  engine::Report old;
  REQUIRE(results::ReportFromJson(results::ReportToJson(SampleReport()), &old).ok());
  CHECK(old.engine_version.empty());
  CHECK(old.sizes[0].weights_load.weights.empty());
  CHECK(old.sizes[0].evaluations.empty());
}

TEST_CASE("scenarios that failed here and the CPU features round-trip; older files have neither") {
  engine::Report in = SampleReport();
  in.environment.cpu_features = "AVX2 (ATen AVX2) [forced: MODELCARD_CPU_ISA=avx2]";
  engine::RunFailure f;
  f.scenario = "forward";
  f.device = "cpu";
  f.dtype = "bfloat16";
  f.batch = 8;
  f.sequence_length = 128;
  f.reason = "DefaultCPUAllocator: not enough memory";
  in.sizes[0].failures = {f};
  const std::string json = results::ReportToJson(in);
  engine::Report out;
  REQUIRE(results::ReportFromJson(json, &out).ok());
  CHECK(results::ReportToJson(out) == json);
  CHECK(out.environment.cpu_features == in.environment.cpu_features);
  REQUIRE(out.sizes[0].failures.size() == 1);
  CHECK(out.sizes[0].failures[0].dtype == "bfloat16");
  CHECK(out.sizes[0].failures[0].batch == 8);
  CHECK(out.sizes[0].failures[0].reason == f.reason);
  CHECK(ErrorOf(Replace(json, "\"reason\": \"DefaultCPUAllocator", "\"reason\": 7, \"x\": \"")) ==
        "sizes[0].failures[0].reason: expected a string");
  // A file without them (written before they existed) loads with none.
  const std::string old = results::ReportToJson(SampleReport());
  CHECK(old.find("failures") == std::string::npos);
  CHECK(old.find("cpu_features") == std::string::npos);
  REQUIRE(results::ReportFromJson(old, &out).ok());
  CHECK(out.sizes[0].failures.empty());
  CHECK(out.environment.cpu_features.empty());
}

TEST_CASE("an evaluation stored with a null value (a NaN perplexity) loads as not measured") {
  // Issue 14: `eval` on NaN weights stored "value": null, and every later render failed reading
  // it. The row holds no measurement: it is left out, the others load.
  engine::Report in = SampleReport();
  in.sizes[0].evaluations.push_back(
      {"perplexity", "val.bin", 11, 107.10530712, "float32", "../ckpt/gpt2", "2026-12-01"});
  in.sizes[0].evaluations.push_back({"perplexity", "nan.bin", 11, 2.5, "float32", "../ckpt/gpt2", "2026-12-02"});
  const std::string json = Replace(results::ReportToJson(in), "\"value\": 2.5", "\"value\": null");
  engine::Report out;
  REQUIRE(ErrorOf(json) == "OK");
  REQUIRE(results::ReportFromJson(json, &out).ok());
  REQUIRE(out.sizes[0].evaluations.size() == 1);
  CHECK(out.sizes[0].evaluations[0].dataset == "val.bin");
  CHECK(out.sizes[0].evaluations[0].value == 107.10530712);
  // Any other non-number is still an error naming the key.
  CHECK(ErrorOf(Replace(results::ReportToJson(in), "\"value\": 2.5", "\"value\": \"nan\"")) ==
        "sizes[0].evaluations[1].value: expected a number");
}

TEST_CASE("issue 16: the decoder features round-trip, written only where they differ from the defaults") {
  engine::Report in = SampleReport();
  const std::string plain = results::ReportToJson(in);
  CHECK(plain.find("sliding_window") == std::string::npos);  // defaults: not written (committed results unchanged)
  CHECK(plain.find("checkpoint_layout") == std::string::npos);
  engine::ModelConfig& c = in.sizes[0].config;
  c.family = engine::Family::kMoe;
  c.rope_scaling = engine::RopeScaling::kYarn;
  c.rope_scaling_factor = 40;
  c.rope_original_context = 4096;
  c.rope_attention_factor = 0.1 * std::log(40.0) + 1;
  c.rope_mscale_all_dim = 1;
  c.rotary_dim = 32;
  c.sliding_window = 4096;
  c.sliding_window_pattern = 2;
  c.parallel_residual = c.qk_norm = c.sandwich_norm = c.embedding_scale = true;
  c.attn_logit_softcap = 50;
  c.final_logit_softcap = 30;
  c.query_pre_attn_scalar = 256;
  c.q_lora_rank = 1536;
  c.kv_lora_rank = 512;
  c.qk_nope_head_dim = 128;
  c.qk_rope_head_dim = 64;
  c.v_head_dim = 128;
  c.moe_hidden_dim = 2048;
  c.num_shared_experts = 1;
  c.first_dense_layers = 3;
  c.router_renormalize = false;
  c.router_scoring = engine::RouterScoring::kSigmoid;
  c.router_bias = true;
  c.router_groups = 8;
  c.router_topk_groups = 4;
  c.routed_scaling_factor = 2.5;
  c.checkpoint_layout = "deepseek_v3";
  const std::string json = results::ReportToJson(in);
  CHECK(json.find("\"rope_scaling\": \"yarn\"") != std::string::npos);
  CHECK(json.find("\"router_scoring\": \"sigmoid\"") != std::string::npos);
  CHECK(json.find("\"rope_beta_fast\"") == std::string::npos);  // still the default
  engine::Report out;
  REQUIRE(results::ReportFromJson(json, &out).ok());
  CHECK(results::ReportToJson(out) == json);
  const engine::ModelConfig& o = out.sizes[0].config;
  CHECK(o.rope_scaling == engine::RopeScaling::kYarn);
  CHECK(o.rope_attention_factor == c.rope_attention_factor);  // bit-exact
  CHECK(o.sliding_window_pattern == 2);
  CHECK(o.qk_norm);
  CHECK(o.kv_lora_rank == 512);
  CHECK_FALSE(o.router_renormalize);
  CHECK(o.router_scoring == engine::RouterScoring::kSigmoid);
  CHECK(o.routed_scaling_factor == 2.5);
  CHECK(o.checkpoint_layout == "deepseek_v3");

  CHECK(ErrorOf(Replace(json, "\"rope_scaling\": \"yarn\"", "\"rope_scaling\": \"ntk\"")) ==
        "sizes[0].config: rope_scaling: expected none | linear | dynamic | yarn | llama3");
  CHECK(ErrorOf(Replace(json, "\"sliding_window\": 4096", "\"sliding_window\": \"4096\"")) ==
        "sizes[0].config: sliding_window: expected an integer");
}
