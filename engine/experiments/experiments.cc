// The eight optimization experiments (see experiments.h). Each one builds its models from the
// same seed, feeds them the same input, and times baseline and variants back to back with the
// measurement conventions of the forward scenario (warm-up, then at least N iterations and T
// seconds). Accuracy is always against one reference: the float32 eager model (ATen linears,
// no packed weights, explicit matmul-softmax-matmul attention) on the same input.
#include "engine/torch_error.h"
#include "engine/experiments/experiments.h"

#include <torch/torch.h>

#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/count.h"
#include "engine/layers/attention_kernel.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/measure/latency.h"
#include "engine/measure/scenario_memory.h"
#include "engine/measure/threads.h"
#include "engine/models/common.h"
#include "engine/models/family.h"
#include "engine/scenario_util.h"
#include "engine/train_step.h"
#include "engine/weights/load.h"

namespace engine {
namespace {

using Clock = std::chrono::steady_clock;
using ModelPtr = std::unique_ptr<FamilyModel>;

double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool HasAttention(const ModelConfig& c) { return TraitsOf(c).attention; }
// Whether the model's attention can run as one fused SDPA kernel: attention-logit soft-capping
// (Gemma 2) has no fused kernel, so such a model always takes the explicit path (attention.cc).
bool HasFusedAttention(const ModelConfig& c) { return HasAttention(c) && !(c.attn_logit_softcap > 0); }

// The families whose blocks go through RunBlock (engine/layers/checkpoint.h).
bool Checkpointable(const ModelConfig& c) { return HasAttention(c); }

int64_t ParameterBytes(FamilyModel& m) {
  int64_t bytes = 0;
  for (const auto& p : m.module().parameters()) bytes += p.numel() * p.element_size();
  return bytes;
}

std::string ThreadsText(int64_t n) { return std::to_string(n) + (n == 1 ? " thread" : " threads"); }

class Study {
 public:
  Study(const ModelConfig& c, const ExperimentOptions& o, const Environment& env)
      : c_(c),
        o_(o),
        env_(env),
        device_(DeviceOf(o.device)),
        tokens_(UsesSequenceLength(c)),
        seq_(tokens_ ? o.sequence_length : 0),
        sync_(DeviceSync(o.device)) {
    timing_.warmup = std::max<int64_t>(1, o.warmup);
    timing_.min_iterations = o.min_iterations;
    timing_.min_seconds = o.min_seconds;
  }

  Status Run(std::vector<Experiment>* out) {
    const int64_t threads_before = at::get_num_threads();
    c10::InferenceMode inference;
    RETURN_IF_ERROR(Build(torch::kFloat32, /*prepared=*/false, &reference_model_));
    {
      ScopedAttentionKernel explicit_kernel(AttentionKernel::kExplicit);
      reference_ = reference_model_->Forward(Input(*reference_model_, torch::kFloat32, o_.batch)).to(torch::kFloat32);
    }
    for (const std::string& id : ExperimentIds()) {
      if (!o_.only.empty() && std::find(o_.only.begin(), o_.only.end(), id) == o_.only.end()) continue;
      Progress(id);
      Experiment e;
      e.id = id;
      // One experiment that fails on this machine (an operator the CPU cannot run, an allocation)
      // is reported with its reason; the others still run.
      Status ran;
      try {
        ran = RunOne(id, &e);
      } catch (...) {
        ran = StatusFromCurrentException();
      }
      if (!ran.ok()) {
        std::string failed = ran.message();
        if (const size_t end = failed.find('\n'); end != std::string::npos) failed.resize(end);
        e.variants.clear();
        NotApplicable(&e, "failed on this machine: " + failed);
      }
      at::set_num_threads(static_cast<int>(threads_before));
      SetSpeedups(&e);
      Remember(e);
      out->push_back(std::move(e));
    }
    return Status::OK();
  }

 private:
  Status RunOne(const std::string& id, Experiment* e) {
    if (id == "fused_attention") return FusedAttention(e);
    if (id == "mixed_precision") return MixedPrecision(e);
    if (id == "kv_cache") return KVCache(e);
    if (id == "int8_weights") return Int8Weights(e);
    if (id == "batch_scaling") return BatchScaling(e);
    if (id == "thread_scaling") return ThreadScaling(e);
    if (id == "activation_checkpointing") return ActivationCheckpointing(e);
    if (id == "combined") return Combined(e);
    return Status::InvalidArgument("unknown experiment '" + id + "'");
  }

  void Progress(const std::string& line) const {
    if (o_.progress) o_.progress("experiment " + line);
  }

  std::string ShapeText(int64_t batch) const {
    std::string text = "batch " + std::to_string(batch);
    if (seq_ > 0) text += " x " + std::to_string(seq_) + " tokens";
    return text;
  }

  std::string Setup(const std::string& dtype, int64_t batch, int64_t threads) const {
    return dtype + ", " + ShapeText(batch) + ", " + ThreadsText(threads) + ", " + o_.device;
  }

  // Same seed, same weights, whatever the dtype (InitRandomWeights draws in float32).
  Status Build(torch::ScalarType dtype, bool prepared, ModelPtr* out) const {
    torch::manual_seed(o_.seed);
    ModelPtr m = BuildFamilyModel(c_, torch::TensorOptions().dtype(dtype).device(device_));
    m->module().eval();
    RETURN_IF_ERROR(InitOrLoadWeights(m.get(), o_.seed, o_.weights_path));
    if (prepared) m->PackForInference();
    *out = std::move(m);
    return Status::OK();
  }

  // The same input for every model: drawn in float32 from one seed, then cast.
  torch::Tensor Input(FamilyModel& m, torch::ScalarType dtype, int64_t batch) const {
    torch::manual_seed(o_.seed + 1);
    torch::Tensor x = m.ExampleInput(batch, seq_, device_, torch::kFloat32);
    return x.is_floating_point() ? x.to(dtype) : x;
  }

  double Mfu(int64_t flops, double mean_s, const std::string& dtype) const {
    auto peak = env_.peak_flops_per_s.find(dtype);
    if (peak == env_.peak_flops_per_s.end() || peak->second <= 0 || mean_s <= 0) return 0;
    return flops / mean_s / peak->second;
  }

  // Times `body` (one unit of work) with the scenario conventions; the peak memory is that of
  // its warm-up and timed iterations above the level when it started.
  Status Time(const std::function<void()>& body, const std::string& label, ExperimentVariant* v) const {
    ScenarioMemory memory(o_.device);
    memory.Start();
    std::vector<double> samples;
    Status s = TimeIterations(
        body, sync_, timing_, [&](int64_t done) { Progress(label + ": iteration " + std::to_string(done)); }, &samples);
    RETURN_IF_ERROR(s);
    v->peak_bytes = memory.PeakAboveStart();
    v->latency_s = SummarizeLatencies(samples);
    return Status::OK();
  }

  // One forward pass of `m` on `x` as the variant *v; *output gets the last output.
  Status Forward(FamilyModel& m, const torch::Tensor& x, const std::string& name, const std::string& dtype,
                 ExperimentVariant* out, torch::Tensor* output = nullptr) const {
    ExperimentVariant v;
    v.name = name;
    torch::Tensor y;
    RETURN_IF_ERROR(Time([&] { y = m.Forward(x); }, name, &v));
    const int64_t batch = x.size(0);
    v.weights_bytes = ParameterBytes(m);
    v.flops = AnalyticForwardFlops(c_, batch, seq_).forward;
    const auto [unit, per_sample] = WorkUnit(c_, seq_);
    v.throughput = {{unit, batch * per_sample / v.latency_s.mean}};
    v.mfu = Mfu(v.flops, v.latency_s.mean, dtype);
    if (output) *output = y;
    *out = v;
    return Status::OK();
  }

  // Forward, appended to e's variants.
  Status AddForward(Experiment* e, FamilyModel& m, const torch::Tensor& x, const std::string& name,
                    const std::string& dtype, torch::Tensor* output = nullptr) const {
    ExperimentVariant v;
    RETURN_IF_ERROR(Forward(m, x, name, dtype, &v, output));
    e->variants.push_back(std::move(v));
    return Status::OK();
  }

  // max |y - ref|, that over max |ref|, and the share of positions whose argmax agrees.
  static void SetAccuracy(const torch::Tensor& y, const torch::Tensor& ref, ExperimentVariant* v) {
    const torch::Tensor a = y.to(torch::kFloat32).cpu(), b = ref.to(torch::kFloat32).cpu();
    v->max_abs_error = (a - b).abs().max().item<double>();
    const double ref_max = b.abs().max().item<double>();
    v->max_rel_error = ref_max > 0 ? v->max_abs_error / ref_max : 0;
    v->top1_agreement = a.argmax(-1).eq(b.argmax(-1)).to(torch::kFloat32).mean().item<double>();
    v->has_accuracy = true;
  }

  static void SetSpeedups(Experiment* e) {
    const ExperimentVariant* base = nullptr;
    for (const auto& v : e->variants)
      if (v.baseline) base = &v;
    if (base == nullptr) return;
    const double base_mean = base->latency_s.mean;
    for (auto& v : e->variants) v.speedup = v.latency_s.mean > 0 ? base_mean / v.latency_s.mean : 0;
    if (e->id == "batch_scaling")  // per-sample speedup: throughput over the baseline's
      for (auto& v : e->variants)
        v.speedup = base->throughput.empty() || base->throughput.front().second <= 0 || v.throughput.empty()
                        ? 0
                        : v.throughput.front().second / base->throughput.front().second;
  }

  static Status NotApplicable(Experiment* e, const std::string& reason) {
    e->applicable = false;
    e->reason = reason;
    return Status::OK();
  }

  // ---- 1. fused attention -------------------------------------------------------------------
  Status FusedAttention(Experiment* e) {
    e->title = "Fused attention";
    e->description =
        "the same model with attention computed by at::scaled_dot_product_attention (one fused kernel) "
        "instead of explicit matmul, mask, softmax and matmul over a materialized score matrix";
    e->unit = "forward pass";
    if (!HasAttention(c_))
      return NotApplicable(e, "the " + std::string(FamilyName(c_.family)) + " family has no attention");
    if (!HasFusedAttention(c_))
      return NotApplicable(e,
                           "attention-logit soft-capping has no fused kernel (at::scaled_dot_product_attention "
                           "takes no soft-cap), so this model always computes attention explicitly");
    e->setup = Setup("float32", o_.batch, at::get_num_threads()) + ", oneDNN-packed weights";
    ModelPtr m;
    RETURN_IF_ERROR(Build(torch::kFloat32, true, &m));
    const torch::Tensor x = Input(*m, torch::kFloat32, o_.batch);
    torch::Tensor y;
    {
      ScopedAttentionKernel explicit_kernel(AttentionKernel::kExplicit);
      RETURN_IF_ERROR(AddForward(e, *m, x, "explicit attention (matmul, softmax, matmul)", "float32", &y));
    }
    e->variants.back().baseline = true;
    SetAccuracy(y, reference_, &e->variants.back());
    RETURN_IF_ERROR(AddForward(e, *m, x, "fused attention (SDPA)", "float32", &y));
    SetAccuracy(y, reference_, &e->variants.back());
    return Status::OK();
  }

  // ---- 2. mixed precision -------------------------------------------------------------------
  Status MixedPrecision(Experiment* e) {
    e->title = "Mixed precision";
    e->description = "the model's weights and activations in bfloat16" +
                     std::string(o_.device == "cuda" ? " and float16" : "") +
                     " instead of float32 (float32 softmax statistics; same kernels otherwise)";
    e->unit = "forward pass";
    e->setup = ShapeText(o_.batch) + ", " + ThreadsText(at::get_num_threads()) + ", " + o_.device;
    if (o_.device == "cpu")  // which GEMM each arm runs on this CPU (bfloat16 is emulated on AVX2-only CPUs)
      e->setup += "; float32: " + GemmPath("float32") + "; bfloat16: " + GemmPath("bfloat16");
    if (HasAttention(c_)) e->setup += HasFusedAttention(c_) ? "; fused attention" : "; explicit attention (soft-capped)";
    std::vector<std::pair<std::string, torch::ScalarType>> arms = {{"float32", torch::kFloat32},
                                                                   {"bfloat16", torch::kBFloat16}};
    if (o_.device == "cuda") arms.push_back({"float16", torch::kFloat16});
    for (const auto& [name, dtype] : arms) {
      ModelPtr m;
      RETURN_IF_ERROR(Build(dtype, true, &m));
      torch::Tensor y;
      RETURN_IF_ERROR(AddForward(e, *m, Input(*m, dtype, o_.batch), name, name, &y));
      e->variants.back().baseline = dtype == torch::kFloat32;
      SetAccuracy(y, reference_, &e->variants.back());
    }
    return Status::OK();
  }

  // ---- 3. KV cache ----------------------------------------------------------------------------
  Status KVCache(Experiment* e) {
    e->title = c_.family == Family::kRecurrent ? "Carried state vs recomputation" : "KV cache";
    e->unit = "generation";
    ModelPtr m;
    RETURN_IF_ERROR(Build(torch::kFloat32, true, &m));
    if (m->NewGenerator(1, 1) == nullptr) {
      e->description = "generating tokens with cached keys and values instead of re-running the whole prefix";
      return NotApplicable(e, "the " + std::string(FamilyName(c_.family)) + " family does not generate token by token");
    }
    if (IsCausalLM(c_) && TraitsOf(c_).attention && !TraitsOf(c_).kv_cache) {  // audio's text decoder
      e->description = "generating tokens with cached keys and values instead of re-running the whole prefix";
      return NotApplicable(e,
                           "the audio family's text decoder has no KV cache yet: every step decodes the whole prefix");
    }
    int64_t P = o_.prompt_tokens, N = o_.new_tokens;
    if (TraitsOf(c_).positions_bounded) {
      P = std::max<int64_t>(1, std::min(P, c_.context_length / 2));
      N = std::max<int64_t>(1, std::min(N, c_.context_length - P));
    }
    const bool recurrent = c_.family == Family::kRecurrent;
    e->description = recurrent ? "generating tokens by carrying the LSTM/GRU state from step to step instead of "
                                 "re-running the whole prefix for every new token"
                               : "generating tokens with each layer's keys and values cached instead of re-running "
                                 "the whole prefix for every new token";
    e->setup = "float32, batch " + std::to_string(o_.batch) + ", " + std::to_string(P) + "-token prompt + " +
               std::to_string(N) + " new tokens (greedy), " + ThreadsText(at::get_num_threads()) + ", " + o_.device;
    torch::manual_seed(o_.seed + 2);
    const torch::Tensor prompt =
        torch::randint(c_.vocab_size, {o_.batch, P}, torch::TensorOptions().dtype(torch::kLong).device(device_));
    std::vector<torch::Tensor> recompute_logits, cached_logits;
    auto recompute = [&] {
      recompute_logits.clear();
      torch::Tensor ids = prompt;
      for (int64_t i = 0; i < N; ++i) {
        torch::Tensor logits = m->Forward(ids).select(1, ids.size(1) - 1);  // (B, V)
        recompute_logits.push_back(logits);
        ids = torch::cat({ids, logits.argmax(-1, true)}, 1);
      }
    };
    auto cached = [&] {
      cached_logits.clear();
      std::unique_ptr<TokenGenerator> g = m->NewGenerator(o_.batch, P + N);
      torch::Tensor logits = g->Prefill(prompt);
      cached_logits.push_back(logits);
      for (int64_t i = 1; i < N; ++i) {
        logits = g->Step(logits.argmax(-1, true));
        cached_logits.push_back(logits);
      }
    };
    // Recompute: a forward over P .. P + N - 1 tokens; cached: the prefill, then decode steps over
    // contexts P + 2 .. P + N. Checked sums (engine/count.h): an error past int64, never wrapped.
    int64_t recompute_flops = 0, cached_flops = 0, steps = 0;
    FlopCount prefill;
    Status counted = CountForwardFlops(c_, o_.batch, P, &prefill);
    if (counted.ok()) counted = SumForwardFlops(c_, o_.batch, P, P + N - 1, &recompute_flops);
    if (counted.ok()) counted = SumDecodeStepFlops(c_, o_.batch, P + 2, P + N, &steps);
    if (counted.ok() && __builtin_add_overflow(prefill.forward, steps, &cached_flops))
      counted = Status::InvalidArgument("generation FLOPs (prefill + decode steps) exceed int64");
    RETURN_IF_ERROR(counted);
    auto arm = [&](const std::string& name, const std::function<void()>& body, int64_t flops) {
      ExperimentVariant v;
      v.name = name;
      RETURN_IF_ERROR(Time(body, name, &v));
      v.weights_bytes = ParameterBytes(*m);
      v.flops = flops;
      v.throughput = {{"tokens_per_s", o_.batch * N / v.latency_s.mean}};
      v.mfu = Mfu(flops, v.latency_s.mean, "float32");
      e->variants.push_back(std::move(v));
      return Status::OK();
    };
    RETURN_IF_ERROR(arm("full recomputation", recompute, recompute_flops));
    e->variants.back().baseline = true;
    RETURN_IF_ERROR(arm(recurrent ? "carried state" : "KV cache", cached, cached_flops));
    // Accuracy: the cached arm's tokens and logits against full recomputation (float32 eager).
    ExperimentVariant& v = e->variants.back();
    SetAccuracy(torch::stack(cached_logits), torch::stack(recompute_logits), &v);
    e->variants.front().has_accuracy = true;
    e->variants.front().top1_agreement = 1.0;
    return Status::OK();
  }

  // ---- 4. int8 weights ------------------------------------------------------------------------
  Status Int8Weights(Experiment* e) {
    e->title = "Int8 weight quantization";
    e->description =
        "every linear layer's weight quantized to int8 per output channel (symmetric) and run through "
        "FBGEMM's int8 GEMM with activations quantized on the fly (PyTorch's dynamic quantization)";
    e->unit = "forward pass";
    if (o_.device != "cpu") return NotApplicable(e, "FBGEMM's dynamic int8 linear runs on the CPU only");
    e->setup = Setup("float32", o_.batch, at::get_num_threads()) +
               (Int8NeedsReducedRange() ? ", 7-bit activations (no AVX512-VNNI: FBGEMM's int16 sums would saturate "
                                          "at 8 bits)"
                                        : ", 8-bit activations (AVX512-VNNI int32 accumulation)");
    ModelPtr base;
    RETURN_IF_ERROR(Build(torch::kFloat32, true, &base));
    const torch::Tensor x = Input(*base, torch::kFloat32, o_.batch);
    torch::Tensor y;
    RETURN_IF_ERROR(AddForward(e, *base, x, "float32 (oneDNN-packed)", "float32", &y));
    e->variants.back().baseline = true;
    SetAccuracy(y, reference_, &e->variants.back());
    base.reset();
    ModelPtr q;
    RETURN_IF_ERROR(Build(torch::kFloat32, false, &q));
    const int64_t int8_bytes = QuantizeLinearsInt8(*q);
    if (int8_bytes == 0) {
      e->variants.clear();
      return NotApplicable(e, "this LibTorch has no quantized::linear_prepack (FBGEMM) operator");
    }
    RETURN_IF_ERROR(AddForward(e, *q, x, "int8 weights (dynamic quantization)", "float32", &y));
    e->variants.back().weights_bytes = int8_bytes;
    SetAccuracy(y, reference_, &e->variants.back());
    return Status::OK();
  }

  // ---- 5. batch size scaling ------------------------------------------------------------------
  Status BatchScaling(Experiment* e) {
    e->title = "Batch size scaling";
    e->description =
        "the same forward pass at growing batch sizes: throughput against latency, and the largest "
        "throughput whose mean latency fits the latency budget";
    e->unit = "forward pass";
    e->setup = "float32, " + (seq_ > 0 ? std::to_string(seq_) + " tokens per sequence, " : std::string()) +
               ThreadsText(at::get_num_threads()) + ", " + o_.device + ", oneDNN-packed weights";
    e->latency_budget_s = o_.latency_budget_s;
    ModelPtr m;
    RETURN_IF_ERROR(Build(torch::kFloat32, true, &m));
    double best_rate = 0;
    for (int64_t batch : o_.batch_sizes) {
      ExperimentVariant v;
      RETURN_IF_ERROR(Forward(*m, Input(*m, torch::kFloat32, batch), "batch " + std::to_string(batch), "float32", &v));
      v.value = batch;
      v.baseline = e->variants.empty();
      const double rate = v.throughput.front().second;
      if (v.latency_s.mean <= o_.latency_budget_s && rate > best_rate) {
        best_rate = rate;
        e->best_batch = batch;
      }
      e->variants.push_back(v);
    }
    return Status::OK();
  }

  // ---- 6. thread scaling (CPU) / CUDA graphs (CUDA) -------------------------------------------
  Status ThreadScaling(Experiment* e) {
    if (o_.device == "cuda") return CudaGraphs(e);
    e->title = "Thread scaling";
    e->description = "the same forward pass with LibTorch's intra-op thread pool set to each thread count";
    e->unit = "forward pass";
    e->setup = "float32, " + ShapeText(o_.batch) + ", cpu (" + std::to_string(AvailableCores()) +
               " cores available), oneDNN-packed weights";
    std::vector<int64_t> counts = o_.thread_counts;
    if (counts.empty()) {
      for (int64_t t = 1; t < AvailableCores(); t *= 2) counts.push_back(t);
      counts.push_back(AvailableCores());
    }
    ModelPtr m;
    RETURN_IF_ERROR(Build(torch::kFloat32, true, &m));
    const torch::Tensor x = Input(*m, torch::kFloat32, o_.batch);
    for (int64_t t : counts) {
      at::set_num_threads(static_cast<int>(t));
      ExperimentVariant v;
      RETURN_IF_ERROR(Forward(*m, x, ThreadsText(t), "float32", &v));
      v.value = t;
      v.baseline = e->variants.empty();
      e->variants.push_back(v);
    }
    return Status::OK();
  }

  // The forward pass captured once as a CUDA graph and replayed (one launch for every kernel).
  // Compiled in every build; it runs only where a GPU is present.
  Status CudaGraphs(Experiment* e) {
    e->title = "CUDA graphs";
    e->description =
        "the forward pass captured once into a CUDA graph and replayed, instead of launching every "
        "kernel from the CPU on each call";
    e->unit = "forward pass";
    e->setup = Setup("float32", o_.batch, at::get_num_threads());
    ModelPtr m;
    RETURN_IF_ERROR(Build(torch::kFloat32, true, &m));
    const torch::Tensor x = Input(*m, torch::kFloat32, o_.batch);
    torch::Tensor y;
    RETURN_IF_ERROR(AddForward(e, *m, x, "eager kernel launches", "float32", &y));
    e->variants.back().baseline = true;
    SetAccuracy(y, reference_, &e->variants.back());
    at::cuda::CUDAGraph graph;
    c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool();
    {
      c10::cuda::CUDAStreamGuard guard(stream);
      for (int i = 0; i < 3; ++i) m->Forward(x);  // warm up on the capture stream
      stream.synchronize();
      graph.capture_begin();
      y = m->Forward(x);
      graph.capture_end();
    }
    ExperimentVariant v;
    v.name = "CUDA graph replay";
    RETURN_IF_ERROR(Time([&] { graph.replay(); }, v.name, &v));
    v.weights_bytes = ParameterBytes(*m);
    v.flops = AnalyticForwardFlops(c_, o_.batch, seq_).forward;
    const auto [unit, per_sample] = WorkUnit(c_, seq_);
    v.throughput = {{unit, o_.batch * per_sample / v.latency_s.mean}};
    v.mfu = Mfu(v.flops, v.latency_s.mean, "float32");
    SetAccuracy(y, reference_, &v);
    e->variants.push_back(v);
    return Status::OK();
  }

  // ---- 7. activation checkpointing ------------------------------------------------------------
  Status ActivationCheckpointing(Experiment* e) {
    e->title = "Activation checkpointing";
    e->description =
        "a training step (forward, backward, AdamW) where every block keeps only its input and is "
        "recomputed during backward, instead of keeping every intermediate activation";
    e->unit = "training step";
    if (!Checkpointable(c_))
      return NotApplicable(e, "the " + std::string(FamilyName(c_.family)) +
                                  " family's layers are not run through checkpointed blocks here");
    e->setup = Setup("float32", o_.batch, at::get_num_threads()) + ", AdamW";
    for (bool checkpointing : {false, true}) {
      TrainStepOptions t;
      t.device = o_.device;
      t.batch = o_.batch;
      t.sequence_length = seq_;
      t.activation_checkpointing = checkpointing;
      t.timing = timing_;
      t.seed = o_.seed;
      t.progress = [this](const std::string& line) { Progress(line); };
      engine::Run run;
      RETURN_IF_ERROR(MeasureTrainStep(c_, t, env_, &run));
      ExperimentVariant v;
      v.name = checkpointing ? "checkpoint every block" : "no checkpointing";
      v.baseline = !checkpointing;
      v.latency_s = run.latency_s;
      v.throughput = run.throughput;
      v.peak_bytes = run.peak_bytes;
      v.activations_bytes = run.activations_bytes;
      v.weights_bytes = run.weights_bytes;
      v.flops = run.flops;
      v.mfu = run.mfu;
      e->variants.push_back(v);
    }
    return Status::OK();
  }

  // ---- 8. combined ----------------------------------------------------------------------------
  // The fastest measured choices of experiments 2, 4 and 6 together (with fused attention and
  // packed weights) against the reference eager model; first call and steady state.
  Status Combined(Experiment* e) {
    e->title = "Combined optimizations";
    e->unit = "forward pass";
    const torch::Tensor x = Input(*reference_model_, torch::kFloat32, o_.batch);
    ExperimentVariant base;
    {
      ScopedAttentionKernel explicit_kernel(AttentionKernel::kExplicit);
      auto t0 = Clock::now();
      reference_model_->Forward(x);
      sync_();
      const double first = SecondsSince(t0);
      RETURN_IF_ERROR(
          Forward(*reference_model_, x,
                  HasAttention(c_) ? "baseline (float32 eager, explicit attention)" : "baseline (float32 eager)",
                  "float32", &base));
      base.first_call_s = first;
    }
    base.baseline = true;
    base.has_accuracy = true;
    base.top1_agreement = 1.0;
    e->variants.push_back(base);

    // Choices: the fastest dtype whose top-1 agreement stayed >= 99%, the fastest thread count.
    std::string dtype = "float32";
    double best = 0;
    for (const auto& [name, mean, agreement] : choices_)
      if (agreement >= 0.99 && (best == 0 || mean < best)) {
        best = mean;
        dtype = name;
      }
    const int64_t threads = best_threads_ > 0 ? best_threads_ : at::get_num_threads();
    at::set_num_threads(static_cast<int>(threads));
    torch::ScalarType st = torch::kFloat32;
    const bool int8 = dtype == "int8";
    if (!int8) DtypeFromName(dtype, &st);
    const std::string label =
        (int8 ? "int8 weights" : dtype) + (HasFusedAttention(c_) ? " + fused attention (SDPA)" : "") +
        (!int8 && o_.device == "cpu" && PackedLinearSupported(dtype) ? " + oneDNN-packed weights" : "") + ", " +
        ThreadsText(threads);
    e->description = "the fastest measured choices together (" + label +
                     ") against the float32 eager baseline; the first call includes preparing the weights";
    e->setup = ShapeText(o_.batch) + ", " + o_.device;
    ModelPtr m;
    RETURN_IF_ERROR(Build(st, false, &m));
    const torch::Tensor xo = Input(*m, st, o_.batch);
    auto t0 = Clock::now();
    int64_t int8_bytes = 0;
    if (int8)
      int8_bytes = QuantizeLinearsInt8(*m);
    else {  // the weights' preparation: initialised (or loaded) and packed
      RETURN_IF_ERROR(InitOrLoadWeights(m.get(), o_.seed, o_.weights_path));
      m->PackForInference();
    }
    torch::Tensor y = m->Forward(xo);
    sync_();
    const double first = SecondsSince(t0);
    ExperimentVariant v;
    RETURN_IF_ERROR(Forward(*m, xo, label, int8 ? "float32" : dtype, &v, &y));
    v.first_call_s = first;
    if (int8) v.weights_bytes = int8_bytes;
    SetAccuracy(y, reference_, &v);
    e->variants.push_back(v);
    return Status::OK();
  }

  // Filled as experiments 2, 4 and 6 finish, read by Combined.
  void Remember(const Experiment& e) {
    if (!e.applicable) return;
    if (e.id == "mixed_precision" || e.id == "int8_weights")
      for (const auto& v : e.variants) {
        if (v.baseline && e.id == "int8_weights") continue;
        const std::string name = e.id == "int8_weights" ? "int8" : v.name;
        choices_.push_back({name, v.latency_s.mean, v.top1_agreement});
      }
    if (e.id == "thread_scaling" && o_.device == "cpu") {
      double best = 0;
      for (const auto& v : e.variants)
        if (best == 0 || v.latency_s.mean < best) {
          best = v.latency_s.mean;
          best_threads_ = v.value;
        }
    }
  }

 private:
  const ModelConfig& c_;
  const ExperimentOptions& o_;
  const Environment& env_;
  torch::Device device_;
  bool tokens_;
  int64_t seq_;
  std::function<void()> sync_;
  TimingOptions timing_;
  ModelPtr reference_model_;
  torch::Tensor reference_;
  std::vector<std::tuple<std::string, double, double>> choices_;  // (dtype, mean s, top-1 agreement)
  int64_t best_threads_ = 0;
};

}  // namespace

const std::vector<std::string>& ExperimentIds() {
  static const std::vector<std::string> ids = {
      "fused_attention", "mixed_precision",          "kv_cache", "int8_weights", "batch_scaling",
      "thread_scaling",  "activation_checkpointing", "combined"};
  return ids;
}

Status RunExperiments(const ModelConfig& c, const ExperimentOptions& o, const Environment& env,
                      std::vector<Experiment>* out) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  if (o.device != "cpu" && o.device != "cuda")
    return Status::InvalidArgument("unknown device '" + o.device + "' (expected cpu or cuda)");
  if (o.device == "cuda" && !CudaAvailable()) return Status::Unavailable("no CUDA device is available to this process");
  if (o.batch < 1 || o.batch_sizes.empty() || o.min_iterations < 1)
    return Status::InvalidArgument("experiments need batch >= 1, at least one batch size and min_iterations >= 1");
  for (const std::string& id : o.only)
    if (std::find(ExperimentIds().begin(), ExperimentIds().end(), id) == ExperimentIds().end())
      return Status::InvalidArgument("unknown experiment '" + id + "'");
  if (UsesSequenceLength(c) && TraitsOf(c).positions_bounded && o.sequence_length > c.context_length)
    return Status::InvalidArgument("sequence length " + std::to_string(o.sequence_length) + " exceeds context_length " +
                                   std::to_string(c.context_length));
  const int64_t threads_before = at::get_num_threads();
  try {
    Study study(c, o, env);
    Status ran = study.Run(out);
    at::set_num_threads(static_cast<int>(threads_before));
    return ran;
  } catch (...) {
    at::set_num_threads(static_cast<int>(threads_before));
    return StatusFromCurrentException();
  }
}

}  // namespace engine
