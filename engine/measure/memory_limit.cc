// The memory guard's limit (memory_limit.h): /proc/meminfo, the cgroup limit, free CUDA memory.
#include "engine/measure/memory_limit.h"

#include <c10/cuda/CUDACachingAllocator.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace engine {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A non-negative integer at the start of `text` (after spaces), or -1.
int64_t LeadingInteger(const std::string& text) {
  size_t i = text.find_first_not_of(" \t");
  if (i == std::string::npos || !std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
  int64_t v = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (v > (INT64_MAX - 9) / 10) return INT64_MAX;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// This process's cgroup path under the v2 hierarchy ("0::/a/b" -> "/a/b") or the v1 memory
// controller ("4:memory:/a/b"), from /proc/self/cgroup; "" when not listed.
std::string CgroupPath(const std::string& self_cgroup, bool v2) {
  std::istringstream lines(self_cgroup);
  for (std::string line; std::getline(lines, line);) {
    const size_t a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1);
    if (v2 ? (line.compare(0, a, "0") == 0 && controllers.empty()) : controllers.find("memory") != std::string::npos)
      return line.substr(b + 1);
  }
  return "";
}

}  // namespace

MemoryLimit CpuMemoryLimit(const std::string& meminfo, const std::string& cgroup_limit,
                           const std::string& cgroup_usage) {
  MemoryLimit out;
  const size_t at = meminfo.find("MemAvailable:");
  if (at != std::string::npos) {
    const int64_t kib = LeadingInteger(meminfo.substr(at + 13));
    if (kib >= 0 && kib < INT64_MAX / 1024) {
      out.bytes = kib * 1024;
      out.source = "MemAvailable in /proc/meminfo";
    }
  }
  const int64_t limit = LeadingInteger(cgroup_limit), usage = std::max<int64_t>(0, LeadingInteger(cgroup_usage));
  if (limit > 0 && limit < (int64_t{1} << 60)) {  // "max" and the v1 "no limit" value are skipped
    const int64_t room = std::max<int64_t>(0, limit - usage);
    if (out.bytes == 0 || room < out.bytes) {
      out.bytes = room;
      out.source =
          "left under the cgroup memory limit of " + MemoryBytesText(limit) + ", " + MemoryBytesText(usage) + " in use";
    }
  }
  return out;
}

MemoryLimit DetectMemoryLimit(const std::string& device) {
  if (device == "cuda") {
    MemoryLimit out;
    try {
      size_t free = 0, total = 0;
      if (cudaMemGetInfo(&free, &total) != cudaSuccess) return out;
      const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(c10::cuda::current_device());
      const auto aggregate = static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE);
      const int64_t cached = stats.reserved_bytes[aggregate].current - stats.allocated_bytes[aggregate].current;
      out.bytes = static_cast<int64_t>(free) + std::max<int64_t>(0, cached);
      out.source = "free CUDA memory";
    } catch (const c10::Error&) {
    }
    return out;
  }
  const std::string self = ReadText("/proc/self/cgroup");
  std::string limit, usage;
  const std::string v2 = "/sys/fs/cgroup" + CgroupPath(self, true);
  if (!(limit = ReadText(v2 + "/memory.max")).empty()) {
    usage = ReadText(v2 + "/memory.current");
  } else {
    // v1: the memory controller's directory of this process when mounted as seen from the host,
    // else the mount's root (a container sees its own cgroup there).
    for (const std::string& dir :
         {"/sys/fs/cgroup/memory" + CgroupPath(self, false), std::string("/sys/fs/cgroup/memory")}) {
      limit = ReadText(dir + "/memory.limit_in_bytes");
      if (limit.empty()) continue;
      usage = ReadText(dir + "/memory.usage_in_bytes");
      break;
    }
  }
  return CpuMemoryLimit(ReadText("/proc/meminfo"), limit, usage);
}

Status CheckMemory(const std::string& what, const Status& estimate_status, const MemoryEstimate& estimate,
                   const MemoryLimit& limit) {
  const std::string hint =
      "; hint: measure a smaller size, batch or sequence length (or bfloat16), or pass --max-memory to override "
      "the limit";
  if (!estimate_status.ok()) return Status::Unavailable(what + " cannot run: " + estimate_status.message() + hint);
  if (limit.bytes <= 0 || estimate.total <= limit.bytes) return Status::OK();
  return Status::Unavailable(what + " needs an estimated " + MemoryBytesText(estimate.total) + " (" +
                             DescribeMemoryEstimate(estimate) + "), more than the " + MemoryBytesText(limit.bytes) +
                             " " + (limit.source.empty() ? "available" : limit.source) + hint);
}

}  // namespace engine
