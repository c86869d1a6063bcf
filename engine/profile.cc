// Measurement scenarios (DESIGN.md "Measurement conventions"):
//   forward  - one forward pass of (batch, T) tokens, logits at every position;
//   generate - prefill of the prompt, then decode one token per step with the KV cache.
// Weights are random (GPT-2 initialisation): speed and memory do not depend on their values.
#include <torch/torch.h>

#include <chrono>
#include <sstream>

#include "engine/count.h"
#include "engine/engine.h"
#include "engine/measure/cpu_memory.h"
#include "engine/measure/cuda_memory.h"
#include "engine/measure/latency.h"
#include "engine/models/decoder.h"
#include "engine/models/family.h"
#include "engine/preprocess/audio.h"
#include "engine/preprocess/image.h"

namespace engine {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool DtypeFromName(const std::string& name, torch::ScalarType* out) {
  if (name == "float32") *out = torch::kFloat32;
  else if (name == "bfloat16") *out = torch::kBFloat16;
  else if (name == "float16") *out = torch::kFloat16;
  else return false;
  return true;
}

// Tensor bytes allocated on `device` now / at peak since the last reset.
class ScenarioMemory {
 public:
  explicit ScenarioMemory(const std::string& device) : cuda_(device == "cuda") {
    if (!cuda_) cpu_ = &PeakMemoryTracker::Install();
  }
  void Start() {
    if (cuda_) {
      torch::cuda::synchronize();
      ResetCudaPeak(0);
      baseline_ = CudaPeakBytes(0);
    } else {
      cpu_->ResetPeak();
      baseline_ = cpu_->current_bytes();
    }
  }
  // Peak bytes above the level at Start(): activations, outputs, caches; not the weights.
  int64_t PeakAboveStart() const {
    const int64_t peak = cuda_ ? CudaPeakBytes(0) : cpu_->peak_bytes();
    return std::max<int64_t>(0, peak - baseline_);
  }

 private:
  bool cuda_;
  PeakMemoryTracker* cpu_ = nullptr;
  int64_t baseline_ = 0;
};

torch::Device DeviceOf(const std::string& device) { return device == "cuda" ? torch::kCUDA : torch::kCPU; }

// Whether a forward pass takes a sequence length (token families; audio with a text decoder).
bool UsesSequenceLength(const ModelConfig& c) {
  return c.family == "decoder" || c.family == "moe" || c.family == "encoder" || c.family == "recurrent" ||
         (c.family == "audio" && c.decoder_layers > 0);
}

// The throughput key and the work of one sample: tokens, images, or seconds of audio.
std::pair<std::string, double> WorkUnit(const ModelConfig& c, int64_t seq) {
  if (c.family == "vit" || c.family == "resnet") return {"images_per_s", 1.0};
  if (c.family == "audio") return {"audio_seconds_per_s", c.chunk_seconds};
  return {"tokens_per_s", static_cast<double>(seq)};
}

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
    Status s = TimeIterations([&] { model.Forward(input); }, sync, timing,
                              [&](int64_t done) { Progress(label.str() + ": iteration " + std::to_string(done)); },
                              &samples);
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
    const bool audio = config.family == "audio";
    torch::Tensor raw = audio ? torch::randn({batch, static_cast<int64_t>(config.chunk_seconds * config.sample_rate)}) * 0.1
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
        [] {}, timing, [&](int64_t done) { Progress("preprocess b" + std::to_string(batch) + ": iteration " + std::to_string(done)); },
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

  // Rounds of (prefill prompt, decode new_tokens greedily) until both minimums are met.
  Status Generate(int64_t batch, Run* out) const {
    const int64_t P = options.prompt_tokens, N = options.new_tokens;
    Run r = NewRun("generate", batch, P + N);
    r.prompt_tokens = P;
    r.new_tokens = N;
    if (model.NewGenerator(batch, P + N) == nullptr)
      return Status::InvalidArgument("the " + config.family + " family does not generate token by token");
    auto prompt = torch::randint(0, config.vocab_size, {batch, P},
                                 torch::TensorOptions().dtype(torch::kLong).device(DeviceOf(options.device)));
    auto sync = DeviceSync(options.device);
    ScenarioMemory memory(options.device);
    memory.Start();
    std::vector<double> prefill_s, decode_s;
    const int64_t rounds_min = std::max<int64_t>(1, options.min_iterations);
    auto t_start = Clock::now();
    try {
      for (int64_t round = -options.warmup; ; ++round) {
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
    } catch (const c10::Error& e) {
      return Status::Internal(e.what_without_backtrace());
    }
    r.peak_bytes = memory.PeakAboveStart();
    r.prefill_s = SummarizeLatencies(prefill_s);
    r.latency_s = SummarizeLatencies(decode_s);
    int64_t decode_flops = 0;
    for (int64_t i = 0; i < N; ++i) decode_flops += AnalyticDecodeStepFlops(config, batch, P + i + 1);
    r.flops = decode_flops / N;  // mean matmul FLOPs of one decode step
    r.throughput = {{"prefill_tokens_per_s", batch * P / r.prefill_s.mean},
                    {"decode_tokens_per_s", batch / r.latency_s.mean}};
    FinishRates(&r);
    *out = r;
    return Status::OK();
  }
};

}  // namespace

Status Profile(const ModelConfig& c, const ProfileOptions& options, const Environment& env, std::vector<Run>* runs) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  if (options.device == "cuda" && !CudaAvailable())
    return Status::Unavailable("no CUDA device is available to this process");
  if (options.device != "cpu" && options.device != "cuda")
    return Status::InvalidArgument("unknown device '" + options.device + "' (expected cpu or cuda)");
  try {
    c10::InferenceMode inference;
    for (const std::string& dtype : options.dtypes) {
      torch::ScalarType st;
      if (!DtypeFromName(dtype, &st)) return Status::InvalidArgument("unknown dtype '" + dtype + "'");
      if (options.progress) options.progress(dtype + ": building the model");
      torch::manual_seed(options.seed);
      std::unique_ptr<FamilyModel> model =
          BuildFamilyModel(c, torch::TensorOptions().dtype(st).device(DeviceOf(options.device)));
      model->module().eval();
      model->PrepareForInference(options.seed);
      int64_t weights_bytes = 0;
      for (const auto& p : model->module().parameters()) weights_bytes += p.numel() * p.element_size();
      Scenario scenario{c, options, env, *model, dtype, weights_bytes};
      // Token families run each sequence length; image and audio inputs are fixed by the config.
      const bool tokens = UsesSequenceLength(c);
      const std::vector<int64_t> lengths = tokens ? options.sequence_lengths : std::vector<int64_t>{0};
      for (int64_t batch : options.batch_sizes) {
        if (options.forward) {
          for (int64_t seq : lengths) {
            if (tokens && c.family != "recurrent" && seq > c.context_length)
              return Status::InvalidArgument("sequence length " + std::to_string(seq) + " exceeds context_length " +
                                             std::to_string(c.context_length));
            Run run;
            if (Status s = scenario.Forward(batch, seq, &run); !s.ok()) return s;
            runs->push_back(run);
          }
        }
        if (options.preprocess && dtype == options.dtypes.front() &&
            (c.family == "vit" || c.family == "resnet" || c.family == "audio")) {
          Run run;
          if (Status s = scenario.Preprocess(batch, &run); !s.ok()) return s;
          runs->push_back(run);
        }
        if (options.generate && model->NewGenerator(1, 1) != nullptr) {
          if (c.family != "recurrent" && options.prompt_tokens + options.new_tokens > c.context_length)
            return Status::InvalidArgument("prompt_tokens + new_tokens exceeds context_length");
          Run run;
          if (Status s = scenario.Generate(batch, &run); !s.ok()) return s;
          runs->push_back(run);
        }
      }
    }
    return Status::OK();
  } catch (const c10::Error& e) {
    return Status::Internal(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
}

}  // namespace engine
