// Peak GEMM FLOP/s and copy bandwidth, measured with the same timing loop as the scenarios
// (fastest run counts: a peak is what the hardware can reach), and their JSON cache.
#include "engine/torch_error.h"
#include "engine/measure/calibration.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/layers/linear.h"
#include "engine/measure/latency.h"

namespace engine {
namespace {

using Json = nlohmann::json;

constexpr int kCacheSchema = 2;  // 2: CPU peaks include the packed oneDNN path
constexpr char kGemmMeasure[] = "gemm_flops_per_s";
constexpr char kCopyMeasure[] = "copy_bytes_per_s";

Status CheckDevice(const std::string& device) {
  if (device == "cpu") return Status::OK();
  if (device != "cuda") return Status::InvalidArgument("unknown device '" + device + "' (expected cpu or cuda)");
  if (!torch::cuda::is_available())
    return Status::Unavailable("device cuda requested but LibTorch sees no CUDA device");
  return Status::OK();
}

// Fastest of >= min_iterations runs and >= 0.25 s of `body`, after one warm-up run.
Status FastestSeconds(const std::function<void()>& body, const std::string& device, int64_t min_iterations,
                      double* fastest_s) {
  TimingOptions timing;
  timing.warmup = 2;
  timing.min_iterations = min_iterations;
  timing.min_seconds = 0.4;
  std::vector<double> samples_s;
  Status s = TimeIterations(body, DeviceSync(device), timing, nullptr, &samples_s);
  if (!s.ok()) return s;
  *fastest_s = *std::min_element(samples_s.begin(), samples_s.end());
  return Status::OK();
}

std::string Rate(double value, const char* unit) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << value / 1e9 << " G" << unit;
  return out.str();
}

// --- cache --------------------------------------------------------------------------------
// {"schema": 1, "entries": [{"cpu_model": "...", "threads": 2, "libtorch": "2.15.0",
//   "device": "cpu", "measure": "gemm_flops_per_s", "dtype": "float32", "value": 1.5e11}, ...]}
// Copy bandwidth entries have "measure": "copy_bytes_per_s" and "dtype": "".

Json ReadCache(const std::string& path) {
  Json empty = {{"schema", kCacheSchema}, {"entries", Json::array()}};
  std::ifstream in(path);
  if (!in) return empty;
  Json cache = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!cache.is_object() || cache.find("schema") == cache.end() || cache["schema"] != kCacheSchema ||
      cache.find("entries") == cache.end() || !cache["entries"].is_array())
    return empty;
  return cache;
}

Json EntryId(const CalibrationKey& key, const std::string& measure, const std::string& dtype) {
  return {{"cpu_model", key.cpu_model}, {"threads", key.threads}, {"libtorch", key.libtorch},
          {"device", key.device},       {"measure", measure},     {"dtype", dtype}};
}

bool HasId(const Json& entry, const Json& id) {
  if (!entry.is_object()) return false;
  for (const auto& [field, want] : id.items()) {
    auto it = entry.find(field);
    if (it == entry.end() || *it != want) return false;
  }
  return true;
}

// The cached positive, finite value for `id`, or 0.
double CachedValue(const Json& cache, const Json& id) {
  for (const Json& entry : cache.at("entries")) {
    if (!HasId(entry, id)) continue;
    auto it = entry.find("value");
    if (it == entry.end() || !it->is_number()) continue;
    const double value = it->get<double>();
    if (std::isfinite(value) && value > 0) return value;
  }
  return 0;
}

void StoreValue(Json* cache, const Json& id, double value) {
  Json& entries = (*cache)["entries"];
  entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const Json& e) { return HasId(e, id); }),
                entries.end());
  Json entry = id;
  entry["value"] = value;
  entries.push_back(entry);
}

// Writes `cache` to `path` through a temporary file and a rename, creating parent folders.
Status WriteCache(const std::string& path, const Json& cache) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return Status::IOError(path + ": cannot create folder: " + ec.message());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << cache.dump(2) << "\n";
    if (!out.flush()) return Status::IOError(tmp + ": cannot write calibration cache");
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError(path + ": cannot write calibration cache: " + ec.message());
  return Status::OK();
}

}  // namespace

Status MeasurePeakGemmFlops(const std::string& dtype, const std::string& device, double* flops_per_s) {
  torch::ScalarType type;
  if (dtype == "float32")
    type = torch::kFloat32;
  else if (dtype == "bfloat16")
    type = torch::kBFloat16;
  else if (dtype == "float16")
    type = torch::kFloat16;
  else
    return Status::InvalidArgument("unknown dtype '" + dtype + "' (expected float32, bfloat16 or float16)");
  if (Status s = CheckDevice(device); !s.ok()) return s;
  const bool cuda = device == "cuda";
  struct Shape {
    int64_t m, n, k;
  };
  const std::vector<Shape> shapes =
      cuda ? std::vector<Shape>{{4096, 4096, 4096}, {8192, 8192, 8192}, {8192, 8192, 4096}}
           : std::vector<Shape>{{1024, 1024, 1024}, {2048, 2048, 2048}, {2048, 4096, 1024}};
  try {
    torch::NoGradGuard no_grad;
    const auto options = torch::TensorOptions().dtype(type).device(cuda ? torch::kCUDA : torch::kCPU);
    double best = 0;
    // Two passes over the shapes: the first call of a GEMM in a process (JIT kernels, thread
    // pool start, first-touch page faults, clock ramp-up) is slower than steady state.
    std::vector<Shape> sweep = shapes;
    sweep.insert(sweep.end(), shapes.begin(), shapes.end());
    for (const Shape& shape : sweep) {
      const torch::Tensor x = torch::randn({shape.m, shape.k}, options);
      const torch::Tensor w = torch::randn({shape.n, shape.k}, options);
      double fastest_s = 0;
      Status s = FastestSeconds([&] { torch::linear(x, w); }, device, cuda ? 10 : 3, &fastest_s);
      if (!s.ok()) return s;
      best = std::max(best, 2.0 * shape.m * shape.n * shape.k / fastest_s);
      // The oneDNN packed-weight path models use for inference on CPU: the peak is the best
      // of both, so MFU is never measured against a slower GEMM than the model itself uses.
      Linear packed(w);
      packed->PackForInference();
      if (packed->packed()) {
        s = FastestSeconds([&] { packed(x); }, device, 3, &fastest_s);
        if (!s.ok()) return s;
        best = std::max(best, 2.0 * shape.m * shape.n * shape.k / fastest_s);
      }
    }
    *flops_per_s = best;
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

Status MeasureMemoryBandwidth(const std::string& device, double* bytes_per_s) {
  if (Status s = CheckDevice(device); !s.ok()) return s;
  const bool cuda = device == "cuda";
  const int64_t bytes = (cuda ? 1024 : 256) * (int64_t{1} << 20);
  try {
    torch::NoGradGuard no_grad;
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(cuda ? torch::kCUDA : torch::kCPU);
    const torch::Tensor src = torch::ones({bytes / 4}, options);  // filled: every page is touched
    torch::Tensor dst = torch::zeros({bytes / 4}, options);
    double fastest_s = 0;
    Status s = FastestSeconds([&] { dst.copy_(src); }, device, cuda ? 10 : 5, &fastest_s);
    if (!s.ok()) return s;
    *bytes_per_s = 2.0 * static_cast<double>(bytes) / fastest_s;
    return Status::OK();
  } catch (...) {
    return StatusFromCurrentException();
  }
}

Status LoadOrMeasurePeaks(const CalibrationKey& key, const std::string& device, const std::vector<std::string>& dtypes,
                          const std::string& cache_path, bool recalibrate, const ProgressFn& progress,
                          MeasuredPeaks* peaks, std::vector<std::string>* measured) {
  auto report = [&](const std::string& line) {
    if (progress) progress(line);
  };
  Json cache = cache_path.empty() ? Json{{"schema", kCacheSchema}, {"entries", Json::array()}} : ReadCache(cache_path);
  const std::string source = " (cached in " + cache_path + ")";
  MeasuredPeaks result;
  std::vector<std::string> done;

  for (const std::string& dtype : dtypes) {
    const Json id = EntryId(key, kGemmMeasure, dtype);
    double value = recalibrate ? 0 : CachedValue(cache, id);
    if (value > 0) {
      report(dtype + " GEMM peak: " + Rate(value, "FLOP/s") + source);
    } else {
      report("calibrating " + dtype + " GEMM peak on " + device);
      if (Status s = MeasurePeakGemmFlops(dtype, device, &value); !s.ok()) {
        if (!s.IsInternal()) return s;
        // This dtype's GEMM fails on this machine: its runs will say so themselves (Profile's
        // failures); without a peak their MFU is left out rather than the whole build lost.
        report(dtype + " GEMM peak: not measured (" + s.message() + ")");
        continue;
      }
      report(dtype + " GEMM peak: " + Rate(value, "FLOP/s") + " (measured)");
      StoreValue(&cache, id, value);
      done.push_back("gemm " + dtype);
    }
    result.gemm_flops_per_s[dtype] = value;
  }

  const Json id = EntryId(key, kCopyMeasure, "");
  double value = recalibrate ? 0 : CachedValue(cache, id);
  if (value > 0) {
    report("memory copy bandwidth: " + Rate(value, "B/s") + source);
  } else {
    report("calibrating memory copy bandwidth on " + device);
    if (Status s = MeasureMemoryBandwidth(device, &value); !s.ok()) return s;
    report("memory copy bandwidth: " + Rate(value, "B/s") + " (measured)");
    StoreValue(&cache, id, value);
    done.push_back("copy");
  }
  result.copy_bytes_per_s = value;

  if (!cache_path.empty() && !done.empty())
    if (Status s = WriteCache(cache_path, cache); !s.ok()) return s;
  *peaks = result;
  if (measured != nullptr) *measured = done;
  return Status::OK();
}

}  // namespace engine
