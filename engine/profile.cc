// Measurement scenarios (DESIGN.md "Measurement conventions"):
//   forward  - one forward pass of (batch, T) tokens, logits at every position;
//   generate - prefill of the prompt, then decode one token per step with the KV cache.
// Weights are random (GPT-2 initialisation): speed and memory do not depend on their values.
#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <sstream>

#include "engine/torch_error.h"
#include "engine/count.h"
#include "engine/count_memory.h"
#include "engine/engine.h"
#include "engine/measure/cpu_kernels.h"
#include "engine/measure/memory_limit.h"
#include "engine/measure/scenario_memory.h"
#include "engine/measure/latency.h"
#include "engine/models/decoder.h"
#include "engine/models/family.h"
#include "engine/preprocess/audio.h"
#include "engine/preprocess/image.h"
#include "engine/scenario_util.h"
#include "engine/train_step.h"
#include "engine/weights/load.h"

namespace engine {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Scenario {
  const ModelConfig& config;
  const ProfileOptions& options;
  const Environment& env;
  FamilyModel& model;
  std::string dtype;
  int64_t weights_bytes;

  void Progress(const std::string& line) const {
    if (options.progress) options.progress(line);
  }

  Run NewRun(const std::string& scenario, int64_t batch, int64_t seq) const {
    Run r;
    r.scenario = scenario;
    r.device = options.device;
    r.dtype = dtype;
    r.batch = batch;
    r.sequence_length = seq;
    r.threads = at::get_num_threads();
    r.weights_bytes = weights_bytes;
    return r;
  }

  void FinishRates(Run* r) const {
    r->achieved_flops_per_s = r->latency_s.mean > 0 ? r->flops / r->latency_s.mean : 0;
    auto peak = env.peak_flops_per_s.find(dtype);
    r->mfu = (peak != env.peak_flops_per_s.end() && peak->second > 0) ? r->achieved_flops_per_s / peak->second : 0;
  }

  Status Forward(int64_t batch, int64_t seq, Run* out) const {
    Run r = NewRun("forward", batch, seq);
    torch::ScalarType st = torch::kFloat32;
    DtypeFromName(dtype, &st);
    const auto input = model.ExampleInput(batch, seq, DeviceOf(options.device), st);
    auto sync = DeviceSync(options.device);
    ScenarioMemory memory(options.device);
    memory.Start();
    std::ostringstream label;
    label << dtype << " forward b" << batch;
    if (seq > 0) label << " t" << seq;
    TimingOptions timing;
    timing.warmup = std::max<int64_t>(1, options.warmup);  // >= 1: the peak memory is taken from it too
    timing.min_iterations = options.min_iterations;
    timing.min_seconds = options.min_seconds;
    std::vector<double> samples;
    Status s =
        TimeIterations([&] { model.Forward(input); }, sync, timing,
                       [&](int64_t done) { Progress(label.str() + ": iteration " + std::to_string(done)); }, &samples);
    if (!s.ok()) return s;
    r.peak_bytes = memory.PeakAboveStart();
    r.latency_s = SummarizeLatencies(samples);
    r.flops = AnalyticForwardFlops(config, batch, seq).forward;
    const auto [unit, per_sample] = WorkUnit(config, seq);
    r.throughput = {{unit, batch * per_sample / r.latency_s.mean}};
    FinishRates(&r);
    *out = r;
    return Status::OK();
  }

  // Preprocessing of `batch` raw inputs into model inputs, on the CPU: images (480 x 640 x 3
  // uint8, resize + center crop + normalize) or chunk_seconds of 16-bit-range audio (log-mel).
  Status Preprocess(int64_t batch, Run* out) const {
    Run r = NewRun("preprocess", batch, 0);
    r.device = "cpu";
    r.dtype = "float32";
    r.weights_bytes = 0;
    const bool audio = TraitsOf(config).audio_input;
    torch::Tensor raw =
        audio ? torch::randn({batch, static_cast<int64_t>(config.chunk_seconds * config.sample_rate)}) * 0.1
              : torch::randint(0, 256, {batch, 480, 640, 3}, torch::kUInt8);
    ImageTransform transform;
    transform.crop = config.image_size;
    transform.resize = config.image_size * 256 / 224;
    ScenarioMemory memory("cpu");
    memory.Start();
    TimingOptions timing;
    timing.warmup = std::max<int64_t>(1, options.warmup);
    timing.min_iterations = options.min_iterations;
    timing.min_seconds = options.min_seconds;
    std::vector<double> samples;
    Status s = TimeIterations(
        [&] {
          for (int64_t b = 0; b < batch; ++b) {
            if (audio)
              AudioChunkFeatures(raw[b], config);
            else
              PreprocessImage(raw[b], transform);
          }
        },
        [] {}, timing,
        [&](int64_t done) { Progress("preprocess b" + std::to_string(batch) + ": iteration " + std::to_string(done)); },
        &samples);
    if (!s.ok()) return s;
    r.peak_bytes = memory.PeakAboveStart();
    r.latency_s = SummarizeLatencies(samples);
    r.flops = 0;  // no matmuls: MFU does not apply
    r.throughput = {{audio ? "audio_seconds_per_s" : "images_per_s",
                     batch * (audio ? config.chunk_seconds : 1.0) / r.latency_s.mean}};
    *out = r;
    return Status::OK();
  }

  // The least a decode step must read from memory, mean over the N steps after a P-token
  // prompt: every weight it uses once (moe: only the experts the batch's tokens can reach,
  // min(E, B k) of E) + the KV cache over the context so far (decoder, moe).
  int64_t DecodeStepBytes(int64_t batch, int64_t P, int64_t N) const {
    int64_t expert_bytes = 0;
    for (const auto& item : model.module().named_parameters())
      if (item.key().find(".mlp.experts.") != std::string::npos)
        expert_bytes += item.value().numel() * item.value().element_size();
    int64_t bytes = weights_bytes;
    if (TraitsOf(config).experts && config.num_experts > 0) {
      const int64_t reachable = std::min<int64_t>(config.num_experts, batch * config.experts_per_token);
      bytes -= expert_bytes - expert_bytes / config.num_experts * reachable;
    }
    if (model.decoder() != nullptr) {
      // The cache each step reads: min(tokens, window) positions on a local layer (a rolling
      // buffer), every position on a global one, MLA's latent per position (CountKVCacheBytes).
      int64_t cache = 0;
      for (int64_t i = 0; i < N; ++i) cache += KVCacheBytes(config, P + i + 1, DtypeBytes(dtype)) * batch;
      bytes += cache / std::max<int64_t>(1, N);
    }
    return bytes;
  }

  // Rounds of (prefill prompt, decode new_tokens greedily) until both minimums are met.
  Status Generate(int64_t batch, Run* out) const {
    const int64_t P = options.prompt_tokens, N = options.new_tokens;
    Run r = NewRun("generate", batch, P + N);
    r.prompt_tokens = P;
    r.new_tokens = N;
    if (model.NewGenerator(batch, P + N) == nullptr)
      return Status::InvalidArgument("the " + std::string(FamilyName(config.family)) +
                                     " family does not generate token by token");
    auto prompt = torch::randint(0, config.vocab_size, {batch, P},
                                 torch::TensorOptions().dtype(torch::kLong).device(DeviceOf(options.device)));
    auto sync = DeviceSync(options.device);
    ScenarioMemory memory(options.device);
    memory.Start();
    std::vector<double> prefill_s, decode_s;
    const int64_t rounds_min = std::max<int64_t>(1, options.min_iterations);
    auto t_start = Clock::now();
    try {
      for (int64_t round = -options.warmup;; ++round) {
        const bool timed = round >= 0;
        if (timed && round >= rounds_min && SecondsSince(t_start) >= options.min_seconds) break;
        if (round == 0) t_start = Clock::now();
        std::unique_ptr<TokenGenerator> generator = model.NewGenerator(batch, P + N);
        auto t0 = Clock::now();
        auto logits = generator->Prefill(prompt);  // (B, V)
        sync();
        if (timed) prefill_s.push_back(SecondsSince(t0));
        for (int64_t i = 0; i < N; ++i) {
          auto t1 = Clock::now();
          auto next = logits.argmax(-1, /*keepdim=*/true);  // (B, 1) greedy
          logits = generator->Step(next);
          sync();
          if (timed) decode_s.push_back(SecondsSince(t1));
        }
        Progress(dtype + " generate b" + std::to_string(batch) + ": round " + std::to_string(round + 1));
      }
    } catch (...) {
      return StatusFromCurrentException();
    }
    r.peak_bytes = memory.PeakAboveStart();
    r.prefill_s = SummarizeLatencies(prefill_s);
    r.latency_s = SummarizeLatencies(decode_s);
    int64_t decode_flops = 0;  // the N steps over contexts P + 1 .. P + N, summed checked (engine/count.h)
    if (Status st = SumDecodeStepFlops(config, batch, P + 1, P + N, &decode_flops); !st.ok()) return st;
    r.flops = decode_flops / N;  // mean matmul FLOPs of one decode step
    r.throughput = {{"prefill_tokens_per_s", batch * P / r.prefill_s.mean},
                    {"decode_tokens_per_s", batch / r.latency_s.mean}};
    FinishRates(&r);
    r.bytes_moved = DecodeStepBytes(batch, P, N);
    r.achieved_bytes_per_s = r.latency_s.mean > 0 ? r.bytes_moved / r.latency_s.mean : 0;
    r.bandwidth_utilization =
        env.memory_bandwidth_bytes_per_s > 0 ? r.achieved_bytes_per_s / env.memory_bandwidth_bytes_per_s : 0;
    *out = r;
    return Status::OK();
  }
};

}  // namespace

namespace {

std::string OneLine(std::string text) {
  const size_t end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  return text;
}

// The memory guard's view of the scenarios Profile runs (count_memory.h, memory_limit.h).
struct MemoryGuard {
  const ModelConfig& config;
  const ProfileOptions& options;
  MemoryLimit limit;

  MemoryGuard(const ModelConfig& c, const ProfileOptions& o) : config(c), options(o) {
    if (o.max_memory_bytes > 0) {
      limit.bytes = o.max_memory_bytes;
      limit.source = "set by --max-memory";
    } else {
      limit = DetectMemoryLimit(o.device);
    }
  }

  MemoryShape Shape(const std::string& scenario, const std::string& dtype, int64_t batch, int64_t seq) const {
    MemoryShape m;
    m.scenario = scenario;
    m.dtype = dtype;
    m.batch = batch;
    m.sequence_length = seq;
    m.prompt_tokens = options.prompt_tokens;
    m.new_tokens = options.new_tokens;
    m.packed = options.device == "cpu" && PackedLinearSupported(dtype);
    return m;
  }

  // "the float32 forward pass (batch 512 × 1,024 tokens)"
  static std::string Describe(const MemoryShape& m) {
    const std::string tokens = m.sequence_length > 0 ? " × " + std::to_string(m.sequence_length) + " tokens" : "";
    const std::string batch = "batch " + std::to_string(m.batch);
    if (m.scenario == "build") return "building the " + m.dtype + " model";
    if (m.scenario == "forward") return "the " + m.dtype + " forward pass (" + batch + tokens + ")";
    if (m.scenario == "generate")
      return "the " + m.dtype + " generation (" + batch + ", " + std::to_string(m.prompt_tokens) + " + " +
             std::to_string(m.new_tokens) + " tokens)";
    if (m.scenario == "train") return "the " + m.dtype + " training step (" + batch + tokens + ")";
    return "the " + m.scenario + " scenario (" + batch + ")";
  }

  Status Check(const std::string& scenario, const std::string& dtype, int64_t batch, int64_t seq) const {
    const MemoryShape m = Shape(scenario, dtype, batch, seq);
    MemoryEstimate e;
    const Status st = EstimateMemory(config, m, &e);
    return CheckMemory(Describe(m), st, e, limit);
  }
};

// True when the model's raw input (images, audio) is preprocessed into its input.
bool Preprocesses(const ModelConfig& c) { return TraitsOf(c).image_input || TraitsOf(c).audio_input; }

// Runs one scenario. A failure (Status or exception) is returned as a Status; with `failures`
// it is recorded there instead and the caller goes on with the next scenario.
Status RunScenario(const std::function<Status(Run*)>& body, const RunFailure& what, std::vector<Run>* runs,
                   std::vector<RunFailure>* failures) {
  Run run;
  Status s;
  try {
    s = body(&run);
  } catch (...) {
    s = StatusFromCurrentException();
  }
  if (s.ok()) {
    runs->push_back(run);
    return s;
  }
  if (failures == nullptr) return s;
  RunFailure f = what;
  f.reason = OneLine(s.message());
  failures->push_back(f);
  return Status::OK();
}

}  // namespace

Status CheckProfileMemory(const ModelConfig& c, const ProfileOptions& options) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  if (options.device == "cuda" && !CudaAvailable())
    return Status::Unavailable("no CUDA device is available to this process");
  const MemoryGuard guard(c, options);
  const std::vector<int64_t> lengths = UsesSequenceLength(c) ? options.sequence_lengths : std::vector<int64_t>{0};
  for (const std::string& dtype : options.dtypes) {
    if (Status s = guard.Check("build", dtype, 1, 0); !s.ok()) return s;
    for (int64_t batch : options.batch_sizes) {
      if (options.forward)
        for (int64_t seq : lengths)
          if (Status s = guard.Check("forward", dtype, batch, seq); !s.ok()) return s;
      if (options.preprocess && dtype == options.dtypes.front() && Preprocesses(c))
        if (Status s = guard.Check("preprocess", "float32", batch, 0); !s.ok()) return s;
      if (options.generate && IsCausalLM(c))
        if (Status s = guard.Check("generate", dtype, batch, 0); !s.ok()) return s;
    }
    if (options.train)
      for (int64_t batch : options.train_batch_sizes)
        for (int64_t seq : lengths)
          if (Status s = guard.Check("train", dtype, batch, seq); !s.ok()) return s;
  }
  return Status::OK();
}

Status Profile(const ModelConfig& c, const ProfileOptions& options, const Environment& env, std::vector<Run>* runs,
               WeightsLoad* load, std::vector<RunFailure>* failures) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  if (options.device == "cuda" && !CudaAvailable())
    return Status::Unavailable("no CUDA device is available to this process");
  if (options.device != "cpu" && options.device != "cuda")
    return Status::InvalidArgument("unknown device '" + options.device + "' (expected cpu or cuda)");
  // Token families run each sequence length; image and audio inputs are fixed by the config.
  const bool tokens = UsesSequenceLength(c);
  const std::vector<int64_t> lengths = tokens ? options.sequence_lengths : std::vector<int64_t>{0};
  for (int64_t seq : lengths)
    if (tokens && TraitsOf(c).positions_bounded && seq > c.context_length)
      return Status::InvalidArgument("sequence length " + std::to_string(seq) + " exceeds context_length " +
                                     std::to_string(c.context_length));
  const bool kv_generation = TraitsOf(c).kv_cache;  // bounded by the context
  if (options.generate && kv_generation && options.prompt_tokens + options.new_tokens > c.context_length)
    return Status::InvalidArgument("prompt_tokens + new_tokens exceeds context_length");
  auto failure = [&](const std::string& scenario, const std::string& dtype, int64_t batch, int64_t seq) {
    RunFailure f;
    f.scenario = scenario;
    f.device = options.device;
    f.dtype = dtype;
    f.batch = batch;
    f.sequence_length = seq;
    return f;
  };
  // Every scenario is checked against the memory it may use before it allocates anything.
  const MemoryGuard guard(c, options);
  try {
    c10::InferenceMode inference;
    for (const std::string& dtype : options.dtypes) {
      torch::ScalarType st;
      if (!DtypeFromName(dtype, &st)) return Status::InvalidArgument("unknown dtype '" + dtype + "'");
      if (options.progress) options.progress(dtype + ": building the model");
      torch::manual_seed(options.seed);
      std::unique_ptr<FamilyModel> model;
      int64_t weights_bytes = 0;
      // Building (and loading) the model of this dtype; a failure here fails its inference rows.
      auto build = [&](Run*) -> Status {
        if (Status s = guard.Check("build", dtype, 1, 0); !s.ok()) return s;
        model = BuildFamilyModel(c, torch::TensorOptions().dtype(st).device(DeviceOf(options.device)));
        model->module().eval();
        if (options.weights_path.empty()) {
          model->PrepareForInference(options.seed);
        } else {
          const auto t0 = Clock::now();
          WeightLoadStats stats;
          if (Status s = LoadHfWeights(options.weights_path, model.get(), &stats); !s.ok()) return s;
          const double load_s = SecondsSince(t0);
          if (load != nullptr && load->load_s == 0) {  // the first (coldest) load
            load->layout = stats.layout;
            load->tensors = stats.tensors;
            load->bytes_read = stats.bytes_read;
            load->load_s = load_s;
          }
          model->PackForInference();
        }
        for (const auto& p : model->module().parameters()) weights_bytes += p.numel() * p.element_size();
        return Status::OK();
      };
      std::vector<Run> no_runs;
      std::vector<RunFailure> build_failed;
      if (Status s = RunScenario([&](Run* r) { return build(r); }, failure("inference", dtype, 0, 0), &no_runs,
                                 failures == nullptr ? nullptr : &build_failed);
          !s.ok())
        return s;
      if (!build_failed.empty()) {
        std::string& reason = build_failed.back().reason;
        if (reason.rfind("building the ", 0) != 0) reason = "building the " + dtype + " model failed: " + reason;
        failures->push_back(build_failed.back());
        model.reset();
      }
      if (model != nullptr) {
        Scenario scenario{c, options, env, *model, dtype, weights_bytes};
        for (int64_t batch : options.batch_sizes) {
          if (options.forward) {
            for (int64_t seq : lengths) {
              Status s = RunScenario(
                  [&](Run* r) {
                    if (Status g = guard.Check("forward", dtype, batch, seq); !g.ok()) return g;
                    return scenario.Forward(batch, seq, r);
                  },
                  failure("forward", dtype, batch, seq), runs, failures);
              if (!s.ok()) return s;
            }
          }
          if (options.preprocess && dtype == options.dtypes.front() && Preprocesses(c)) {
            Status s = RunScenario(
                [&](Run* r) {
                  if (Status g = guard.Check("preprocess", "float32", batch, 0); !g.ok()) return g;
                  return scenario.Preprocess(batch, r);
                },
                failure("preprocess", "float32", batch, 0), runs, failures);
            if (!s.ok()) return s;
          }
          if (options.generate && model->NewGenerator(1, 1) != nullptr) {
            Status s = RunScenario(
                [&](Run* r) {
                  if (Status g = guard.Check("generate", dtype, batch, 0); !g.ok()) return g;
                  return scenario.Generate(batch, r);
                },
                failure("generate", dtype, batch, options.prompt_tokens + options.new_tokens), runs, failures);
            if (!s.ok()) return s;
          }
        }
      }
      // Training builds its own float32 model (master weights); the inference one goes first.
      model.reset();
      if (options.train) {
        for (int64_t batch : options.train_batch_sizes) {
          for (int64_t seq : lengths) {
            TrainStepOptions t;
            t.device = options.device;
            t.dtype = dtype;
            t.batch = batch;
            t.sequence_length = seq;
            t.timing.warmup = options.warmup;
            t.timing.min_iterations = options.min_iterations;
            t.timing.min_seconds = options.min_seconds;
            t.seed = options.seed;
            t.weights_path = options.weights_path;
            t.progress = options.progress;
            Status s = RunScenario(
                [&](Run* r) {
                  if (Status g = guard.Check("train", dtype, batch, seq); !g.ok()) return g;
                  return MeasureTrainStep(c, t, env, r);
                },
                failure("train", dtype, batch, seq), runs, failures);
            if (!s.ok()) return s;
          }
        }
      }
    }
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace engine
