// Training step: forward + loss + backward + AdamW, timed, memory split (see train_step.h).
#include "engine/torch_error.h"
#include "engine/train_step.h"

#include <torch/torch.h>

#include <ATen/autocast_mode.h>

#include "engine/count.h"
#include "engine/layers/checkpoint.h"
#include "engine/measure/scenario_memory.h"
#include "engine/models/family.h"
#include "engine/scenario_util.h"
#include "engine/weights/load.h"

namespace engine {
namespace {

// Autocast on `device` to `dtype` for its lifetime (torch.autocast's enter / exit).
class AutocastGuard {
 public:
  AutocastGuard(torch::DeviceType device, torch::ScalarType dtype, bool enabled) : device_(device), enabled_(enabled) {
    if (!enabled_) return;
    previous_enabled_ = at::autocast::is_autocast_enabled(device_);
    previous_dtype_ = at::autocast::get_autocast_dtype(device_);
    at::autocast::set_autocast_enabled(device_, true);
    at::autocast::set_autocast_dtype(device_, dtype);
    at::autocast::increment_nesting();
  }
  ~AutocastGuard() {
    if (!enabled_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_autocast_enabled(device_, previous_enabled_);
    at::autocast::set_autocast_dtype(device_, previous_dtype_);
  }

 private:
  torch::DeviceType device_;
  bool enabled_;
  bool previous_enabled_ = false;
  torch::ScalarType previous_dtype_ = torch::kFloat32;
};

// The loss of `output` against random `targets` (see TrainingObjective), in float32.
torch::Tensor Loss(const ModelConfig& c, const torch::Tensor& output, const torch::Tensor& targets) {
  const auto y = output.to(torch::kFloat32);
  if (output.dim() == 3) return torch::nn::functional::cross_entropy(y.flatten(0, 1), targets.flatten());
  if (HasClassifierHead(c)) return torch::nn::functional::cross_entropy(y, targets);
  return y.pow(2).mean() * 0.5;
}

int64_t StateBytes(torch::optim::AdamW& optimizer) {
  int64_t bytes = 0;
  for (const auto& [key, state] : optimizer.state()) {
    const auto& s = static_cast<const torch::optim::AdamWParamState&>(*state);
    for (const torch::Tensor* t : {&s.exp_avg(), &s.exp_avg_sq(), &s.max_exp_avg_sq()})
      if (t->defined()) bytes += t->numel() * t->element_size();
    bytes += sizeof(int64_t);  // the step count
  }
  return bytes;
}

}  // namespace

std::string TrainingObjective(const ModelConfig& c) {
  if (IsCausalLM(c)) return "next-token cross-entropy over the vocabulary";
  if (c.family == Family::kEncoder && c.head == "mlm")
    return "masked-LM cross-entropy over the vocabulary (every position)";
  if (HasClassifierHead(c)) return "cross-entropy over the classes";
  return "mean squared output (a stand-in objective: the model has no head to train)";
}

Status MeasureTrainStep(const ModelConfig& c, const TrainStepOptions& o, const Environment& env, Run* out) {
  if (std::string err = ValidateConfig(c); !err.empty()) return Status::InvalidArgument(err);
  torch::ScalarType compute;
  if (!DtypeFromName(o.dtype, &compute)) return Status::InvalidArgument("unknown dtype '" + o.dtype + "'");
  try {
    c10::InferenceMode no_inference_mode(false);  // callers may be inside InferenceMode
    torch::AutoGradMode grad(true);
    const torch::Device device = DeviceOf(o.device);
    torch::manual_seed(o.seed);
    std::unique_ptr<FamilyModel> model =
        BuildFamilyModel(c, torch::TensorOptions().dtype(torch::kFloat32).device(device));
    if (Status s = InitOrLoadWeights(model.get(), o.seed, o.weights_path); !s.ok()) return s;
    model->module().train();
    ScopedActivationCheckpointing checkpointing(o.activation_checkpointing);
    const bool tokens = UsesSequenceLength(c);
    const int64_t seq = tokens ? o.sequence_length : 0;
    const torch::Tensor input = model->ExampleInput(o.batch, seq, device, torch::kFloat32);
    std::vector<torch::Tensor> params = model->module().parameters();
    torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-4).weight_decay(0.01));
    torch::Tensor targets;  // drawn on the first forward, from the output's shape
    const bool mixed = compute != torch::kFloat32;
    auto step = [&](ScenarioMemory* memory, int64_t* activations) {
      optimizer.zero_grad(/*set_to_none=*/true);
      if (memory) memory->Start();
      torch::Tensor loss;
      {
        AutocastGuard autocast(device.type(), compute, mixed);
        torch::Tensor output = model->Forward(input);
        if (!targets.defined()) {
          const int64_t classes = output.size(-1);
          auto shape = output.sizes().vec();
          shape.pop_back();
          targets = output.dim() >= 2
                        ? torch::randint(classes, shape, torch::TensorOptions().dtype(torch::kLong).device(device))
                        : torch::Tensor();
        }
        loss = Loss(c, output, targets);
      }
      if (activations) *activations = memory->CurrentAboveStart();
      loss.backward();
      optimizer.step();
    };
    auto sync = DeviceSync(o.device);
    std::vector<double> samples;
    TimingOptions timing = o.timing;
    timing.warmup = std::max<int64_t>(1, timing.warmup);  // the first step allocates the optimizer state
    const std::string label =
        o.dtype + " train b" + std::to_string(o.batch) + (seq > 0 ? " t" + std::to_string(seq) : "");
    Status s = TimeIterations([&] { step(nullptr, nullptr); }, sync, timing,
                              [&](int64_t done) {
                                if (o.progress) o.progress(label + ": step " + std::to_string(done));
                              },
                              &samples);
    if (!s.ok()) return s;

    Run r;
    r.scenario = "train";
    r.device = o.device;
    r.dtype = o.dtype;
    r.batch = o.batch;
    r.sequence_length = seq;
    r.threads = at::get_num_threads();
    for (const auto& p : params) r.weights_bytes += p.numel() * p.element_size();
    // One instrumented step: gradients freed, then forward (what it keeps is the activations),
    // backward (gradients), step.
    ScenarioMemory memory(o.device);
    int64_t activations = 0;
    step(&memory, &activations);
    sync();
    r.peak_bytes = memory.PeakAboveStart();
    r.activations_bytes = std::max<int64_t>(0, activations);
    for (const auto& p : params)
      if (p.grad().defined()) r.gradients_bytes += p.grad().numel() * p.grad().element_size();
    r.optimizer_bytes = StateBytes(optimizer);
    r.latency_s = SummarizeLatencies(samples);
    if (Status st = CountTrainingFlops(c, o.batch, seq, &r.flops); !st.ok()) return st;  // checked, never wrapped
    const auto [unit, per_sample] = WorkUnit(c, seq);
    r.throughput = {{unit, o.batch * per_sample / r.latency_s.mean}};
    r.achieved_flops_per_s = r.latency_s.mean > 0 ? r.flops / r.latency_s.mean : 0;
    auto peak = env.peak_flops_per_s.find(o.dtype);
    r.mfu = (peak != env.peak_flops_per_s.end() && peak->second > 0) ? r.achieved_flops_per_s / peak->second : 0;
    *out = r;
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace engine
