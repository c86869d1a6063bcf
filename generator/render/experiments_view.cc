// AddExperimentsReadme: the exp_* keys of templates/experiments-readme.mustache, one
// AddExperiments<Section> function per README section over a shared ExperimentsContext. Tables
// are built here as Markdown (their columns depend on the experiment); every sentence about a
// result is worded from the measured numbers by the exp_insight functions; fixed sentences
// (weights, table notes, tradeoffs, acknowledgment frame) are the template's.
#include "generator/render/experiments_view.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/report.h"
#include "generator/publish/outputs.h"
#include "generator/render/family_facts.h"
#include "generator/render/format.h"
#include "generator/render/view_helpers.h"
#include "generator/text/strings.h"

namespace render {

using internal::Code;
using internal::Join;
using internal::N;
using internal::Plural;
using internal::View;

namespace {

constexpr const char* kExperimentsSource = "engine/experiments/experiments.cc";
constexpr const char* kExperimentsHeader = "engine/experiments/experiments.h";

// The experiments the engine runs, in its order: what a README says before (or without)
// measurements, the engine files that implement each, and the paper it rests on.
struct CatalogEntry {
  const char* id;
  const char* title;
  const char* description;
  const char* file;           // "" = only engine/experiments/experiments.cc
  spec::Reference reference;  // title "" = none
};

const std::vector<CatalogEntry>& Catalog() {
  static const std::vector<CatalogEntry> kCatalog = {
      {"fused_attention",
       "Fused attention",
       "attention as one fused kernel (scaled_dot_product_attention) instead of explicit matmul, "
       "softmax, matmul",
       "engine/layers/attention_kernel.cc",
       {"FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness", "Dao, Fu, Ermon, Rudra, Ré",
        2022, "https://arxiv.org/abs/2205.14135"}},
      {"mixed_precision",
       "Mixed precision",
       "the forward pass in bfloat16 (and float16 on CUDA) instead of float32",
       "",
       {"Mixed Precision Training", "Micikevicius et al.", 2018, "https://arxiv.org/abs/1710.03740"}},
      {"kv_cache",
       "KV cache",
       "generation that keeps each layer's keys and values (or the recurrent state) instead of "
       "recomputing the whole prefix for every new token",
       "",
       {"Efficiently Scaling Transformer Inference", "Pope et al.", 2022, "https://arxiv.org/abs/2211.05102"}},
      {"int8_weights",
       "Int8 weights",
       "linear layers with int8 weights and dynamic activation quantization",
       "engine/layers/linear.cc",
       {"Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only "
        "Inference",
        "Jacob et al.", 2018, "https://arxiv.org/abs/1712.05877"}},
      {"batch_scaling", "Batch scaling", "the same forward pass at growing batch sizes", "", {}},
      {"thread_scaling",
       "Thread scaling",
       "the same forward pass at growing intra-op thread counts",
       "engine/measure/threads.cc",
       {}},
      {"activation_checkpointing",
       "Activation checkpointing",
       "a training step that keeps only each block's input and recomputes the block in backward",
       "engine/layers/checkpoint.cc",
       {"Training Deep Nets with Sublinear Memory Cost", "Chen, Xu, Zhang, Guestrin", 2016,
        "https://arxiv.org/abs/1604.06174"}},
      {"combined",
       "Combined optimizations",
       "the best settings together against the float32 eager baseline, first call and steady state",
       "",
       {}},
  };
  return kCatalog;
}

const CatalogEntry* FindCatalog(const std::string& id) {
  for (const auto& c : Catalog())
    if (c.id == id) return &c;
  return nullptr;
}

std::string Ratio(double x) { return FormatFixed(x, x >= 10 ? 1 : 2) + "×"; }

const engine::ExperimentVariant* BaselineOf(const engine::Experiment& e) {
  for (const auto& v : e.variants)
    if (v.baseline) return &v;
  return e.variants.empty() ? nullptr : &e.variants.front();
}

// The recorded speedup; computed from the means when the engine left it 0.
double SpeedupOf(const engine::Experiment& e, const engine::ExperimentVariant& v) {
  if (v.speedup > 0) return v.speedup;
  const engine::ExperimentVariant* base = BaselineOf(e);
  if (base && v.latency_s.mean > 0) return base->latency_s.mean / v.latency_s.mean;
  return 0;
}

std::vector<const engine::ExperimentVariant*> Others(const engine::Experiment& e) {
  std::vector<const engine::ExperimentVariant*> out;
  const engine::ExperimentVariant* base = BaselineOf(e);
  for (const auto& v : e.variants)
    if (&v != base) out.push_back(&v);
  return out;
}

const engine::ExperimentVariant* Fastest(const engine::Experiment& e) {
  const engine::ExperimentVariant* best = nullptr;
  for (const auto* v : Others(e))
    if (!best || SpeedupOf(e, *v) > SpeedupOf(e, *best)) best = v;
  return best;
}

double FirstRate(const engine::ExperimentVariant& v) { return v.throughput.empty() ? 0 : v.throughput.front().second; }

std::string RateText(const engine::ExperimentVariant& v) {
  if (v.throughput.empty()) return "not recorded";
  return FormatRate(v.throughput.front().second, internal::RateUnit(v.throughput.front().first));
}

std::string MsText(double seconds) { return exp_insight::Milliseconds(seconds) + " ms"; }

std::string UnitText(const engine::Experiment& e) { return e.unit.empty() ? "iteration" : e.unit; }

// "Not applicable: reason." / "Not measured: no variants were recorded." or "" when usable.
std::string Unusable(const engine::Experiment& e) {
  if (!e.applicable)
    return "Not applicable: " + (e.reason.empty() ? std::string("the engine gave no reason") : e.reason) +
           (e.reason.empty() || e.reason.back() == '.' ? "" : ".");
  if (e.variants.size() < 2 || !BaselineOf(e) || BaselineOf(e)->latency_s.mean <= 0)
    return "Not measured: the results hold no baseline and variant for this experiment.";
  return "";
}

// "X is 4.10× faster than Y per forward pass (0.400 ms vs 1.64 ms mean)".
std::string Comparison(const engine::Experiment& e, const engine::ExperimentVariant& v,
                       const engine::ExperimentVariant& base) {
  return v.name + " is " + exp_insight::SpeedPhrase(SpeedupOf(e, v)) + " than " + base.name + " per " + UnitText(e) +
         " (" + MsText(v.latency_s.mean) + " vs " + MsText(base.latency_s.mean) + " mean)";
}

std::string Sentence(std::string s) {
  if (!s.empty() && s.back() != '.') s += '.';
  return s;
}

}  // namespace

// ---- insight wording -----------------------------------------------------------

namespace exp_insight {

std::string SpeedPhrase(double speedup) {
  if (!(speedup > 0)) return "of unknown speed";
  if (speedup >= 0.98 && speedup <= 1.02) return "as fast (" + Ratio(speedup) + ")";
  if (speedup > 1) return Ratio(speedup) + " faster";
  return Ratio(1.0 / speedup) + " slower";
}

std::string PeakMemoryPhrase(int64_t baseline_bytes, int64_t variant_bytes) {
  if (baseline_bytes == variant_bytes || baseline_bytes <= 0) {
    if (baseline_bytes == variant_bytes) return "needs the same peak memory";
    return "needs " + FormatBytes(variant_bytes) + " of peak memory";
  }
  const int64_t diff = variant_bytes - baseline_bytes;
  const double share = double(std::llabs(diff)) / double(baseline_bytes);
  if (diff < 0) return "saves " + FormatBytes(-diff) + " of peak memory (" + FormatPercent(share) + ")";
  return "needs " + FormatBytes(diff) + " more peak memory (+" + FormatPercent(share) + ")";
}

std::string ErrorValue(double x) {
  if (x == 0) return "0";
  const double a = std::fabs(x);
  if (a >= 1e-3) {
    const int digits = int(std::floor(std::log10(a)));
    return FormatFixed(x, std::max(0, 2 - digits));
  }
  int exponent = int(std::floor(std::log10(a)));
  double mantissa = x / std::pow(10.0, exponent);
  if (std::fabs(std::stod(FormatFixed(mantissa, 2))) >= 10) {  // 9.999e-5 rounds to 1.00e-04
    ++exponent;
    mantissa /= 10;
  }
  const int e = -exponent;
  return FormatFixed(mantissa, 2) + "e-" + (e < 10 ? "0" : "") + std::to_string(e);
}

std::string Milliseconds(double seconds) {
  const double ms = seconds * 1e3;
  if (!(ms > 0)) return "0";
  if (ms >= 100) return FormatThousands(std::llround(ms));
  const int digits = int(std::floor(std::log10(ms)));
  return FormatFixed(ms, std::min(6, std::max(0, 2 - digits)));
}

std::string AccuracyPhrase(const engine::ExperimentVariant& v) {
  if (!v.has_accuracy) return "";
  if (v.max_abs_error == 0 && v.top1_agreement == 1) return "identical outputs to float32 eager";
  return "a max abs error of " + ErrorValue(v.max_abs_error) + " (max rel error " + ErrorValue(v.max_rel_error) +
         ") and " + FormatPercent(v.top1_agreement) + " top-1 agreement with float32 eager";
}

namespace {

// The common shape: "<variant> is N× faster than <baseline> per <unit> (a vs b mean), it
// <memory phrase>, with <accuracy>." for each non-baseline variant.
std::string CompareEach(const engine::Experiment& e) {
  const std::string unusable = Unusable(e);
  if (!unusable.empty()) return unusable;
  const engine::ExperimentVariant& base = *BaselineOf(e);
  std::vector<std::string> parts;
  for (const auto* v : Others(e)) {
    std::string s = Comparison(e, *v, base) + " and " + PeakMemoryPhrase(base.peak_bytes, v->peak_bytes);
    const std::string acc = AccuracyPhrase(*v);
    if (!acc.empty()) s += ", with " + acc;
    parts.push_back(Sentence(s));
  }
  return Join(parts, " ");
}

}  // namespace

std::string FusedAttention(const engine::Experiment& e) { return CompareEach(e); }

std::string MixedPrecision(const engine::Experiment& e) { return CompareEach(e); }

std::string KvCache(const engine::Experiment& e) {
  const std::string unusable = Unusable(e);
  if (!unusable.empty()) return unusable;
  const engine::ExperimentVariant& base = *BaselineOf(e);
  std::vector<std::string> parts;
  for (const auto* v : Others(e)) {
    std::string s = v->name + " is " + SpeedPhrase(SpeedupOf(e, *v)) + " than " + base.name + " for " + UnitText(e) +
                    " (" + MsText(v->latency_s.mean) + " vs " + MsText(base.latency_s.mean) + ")";
    if (FirstRate(*v) > 0 && FirstRate(base) > 0) s += ", " + RateText(*v) + " vs " + RateText(base);
    s += ", and " + PeakMemoryPhrase(base.peak_bytes, v->peak_bytes);
    if (v->has_accuracy) s += "; " + FormatPercent(v->top1_agreement) + " of the generated tokens are the same";
    parts.push_back(Sentence(s));
  }
  return Join(parts, " ");
}

std::string Int8Weights(const engine::Experiment& e) {
  const std::string unusable = Unusable(e);
  if (!unusable.empty()) return unusable;
  const engine::ExperimentVariant& base = *BaselineOf(e);
  std::vector<std::string> parts;
  for (const auto* v : Others(e)) {
    std::string s = v->name + " store " + FormatBytes(v->weights_bytes) + " of weights instead of " +
                    FormatBytes(base.weights_bytes);
    if (v->weights_bytes > 0 && base.weights_bytes > 0) {
      const double ratio = double(base.weights_bytes) / double(v->weights_bytes);
      s += ratio >= 1 ? " (" + Ratio(ratio) + " smaller)" : " (" + Ratio(1 / ratio) + " larger)";
    }
    s += " and are " + SpeedPhrase(SpeedupOf(e, *v)) + " per " + UnitText(e) + " (" + MsText(v->latency_s.mean) +
         " vs " + MsText(base.latency_s.mean) + ")";
    const std::string acc = AccuracyPhrase(*v);
    if (!acc.empty()) s += ", with " + acc;
    parts.push_back(Sentence(s));
  }
  return Join(parts, " ");
}

std::string BatchScaling(const engine::Experiment& e) {
  const std::string unusable = Unusable(e);
  if (!unusable.empty()) return unusable;
  const engine::ExperimentVariant& base = *BaselineOf(e);
  const engine::ExperimentVariant* top = &base;  // highest throughput
  for (const auto& v : e.variants)
    if (FirstRate(v) > FirstRate(*top)) top = &v;
  std::string s;
  if (top == &base || FirstRate(base) <= 0) {
    s = "Throughput does not grow with the batch here: " + base.name + " gives the highest, " + RateText(base);
  } else {
    s = "Throughput grows from " + RateText(base) + " at " + base.name + " to " + RateText(*top) + " at " + top->name +
        " (" + Ratio(FirstRate(*top) / FirstRate(base)) + "), while the latency of one " + UnitText(e) + " goes from " +
        MsText(base.latency_s.mean) + " to " + MsText(top->latency_s.mean);
  }
  s = Sentence(s);
  if (e.latency_budget_s > 0) {
    const std::string budget = MsText(e.latency_budget_s);
    if (e.best_batch > 0) {
      std::string latency;
      for (const auto& v : e.variants)
        if (v.value == e.best_batch) latency = " (" + MsText(v.latency_s.mean) + " mean)";
      s += " The largest batch whose mean latency fits the " + budget + " budget is " + N(e.best_batch) + latency + ".";
    } else {
      s += " No measured batch fits the " + budget + " latency budget.";
    }
  }
  return s;
}

std::string ThreadScaling(const engine::Experiment& e) {
  const std::string unusable = Unusable(e);
  if (!unusable.empty()) return unusable;
  const engine::ExperimentVariant& base = *BaselineOf(e);
  const engine::ExperimentVariant* best = Fastest(e);
  const double speedup = SpeedupOf(e, *best);
  std::string s = best->name + " are " + SpeedPhrase(speedup) + " than " + base.name + " per " + UnitText(e) + " (" +
                  MsText(best->latency_s.mean) + " vs " + MsText(base.latency_s.mean) + ")";
  if (best->value > 0 && base.value > 0)
    s += ", a parallel efficiency of " + FormatPercent(speedup / (double(best->value) / double(base.value)));
  s = Sentence(s);
  const auto others = Others(e);
  if (others.size() > 1 && others.back() != best)
    s += " The largest count, " + others.back()->name + ", is " + SpeedPhrase(SpeedupOf(e, *others.back())) + " than " +
         base.name + ".";
  return s;
}

std::string ActivationCheckpointing(const engine::Experiment& e) {
  const std::string unusable = Unusable(e);
  if (!unusable.empty()) return unusable;
  const engine::ExperimentVariant& base = *BaselineOf(e);
  std::vector<std::string> parts;
  for (const auto* v : Others(e)) {
    const double speedup = SpeedupOf(e, *v);
    std::string s = internal::Capitalize(v->name) + " " + PeakMemoryPhrase(base.peak_bytes, v->peak_bytes) + " per " +
                    UnitText(e) + " (" + FormatBytes(v->peak_bytes) + " vs " + FormatBytes(base.peak_bytes) + ")";
    if (base.activations_bytes > 0 && v->activations_bytes > 0)
      s += ", keeps " + FormatBytes(v->activations_bytes) + " of activations for backward instead of " +
           FormatBytes(base.activations_bytes) + " (" +
           (v->activations_bytes < base.activations_bytes
                ? FormatPercent(1.0 - double(v->activations_bytes) / double(base.activations_bytes)) + " less"
                : "no less") +
           ")";
    if (speedup > 0 && speedup < 0.98)
      s += " and adds " + FormatPercent(1.0 / speedup - 1.0) + " to its time (" + MsText(v->latency_s.mean) + " vs " +
           MsText(base.latency_s.mean) + ")";
    else
      s += " and is " + SpeedPhrase(speedup) + " than " + base.name + " (" + MsText(v->latency_s.mean) + " vs " +
           MsText(base.latency_s.mean) + ")";
    parts.push_back(Sentence(s));
  }
  return Join(parts, " ");
}

std::string Combined(const engine::Experiment& e) {
  const std::string unusable = Unusable(e);
  if (!unusable.empty()) return unusable;
  const engine::ExperimentVariant& base = *BaselineOf(e);
  std::vector<std::string> parts;
  for (const auto* v : Others(e)) {
    std::string s = "In steady state, " + v->name + " is " + SpeedPhrase(SpeedupOf(e, *v)) + " than the " + base.name +
                    " (" + MsText(v->latency_s.mean) + " vs " + MsText(base.latency_s.mean) + " per " + UnitText(e) +
                    ")";
    const std::string acc = AccuracyPhrase(*v);
    if (!acc.empty()) s += ", with " + acc;
    s = Sentence(s);
    if (v->first_call_s > 0 && v->latency_s.mean > 0) {
      s += " Its first call after building takes " + MsText(v->first_call_s) + ", " +
           Ratio(v->first_call_s / v->latency_s.mean) + " its steady-state latency";
      if (base.first_call_s > 0) s += " (baseline first call: " + MsText(base.first_call_s) + ")";
      s += ".";
    }
    parts.push_back(s);
  }
  return Join(parts, " ");
}

std::string Insight(const engine::Experiment& e) {
  if (e.id == "fused_attention") return FusedAttention(e);
  if (e.id == "mixed_precision") return MixedPrecision(e);
  if (e.id == "kv_cache") return KvCache(e);
  if (e.id == "int8_weights") return Int8Weights(e);
  if (e.id == "batch_scaling") return BatchScaling(e);
  if (e.id == "thread_scaling") return ThreadScaling(e);
  if (e.id == "activation_checkpointing") return ActivationCheckpointing(e);
  if (e.id == "combined") return Combined(e);
  return CompareEach(e);
}

}  // namespace exp_insight

namespace {

// ---- tables ----------------------------------------------------------------------

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string Markdown() const {
    auto line = [](const std::vector<std::string>& cells) {
      std::string s = "|";
      for (const auto& c : cells) s += " " + TableCell(c) + " |";
      return s + "\n";
    };
    std::string out = line(header);
    out += "|";
    for (size_t i = 0; i < header.size(); ++i) out += " --- |";
    out += "\n";
    for (const auto& r : rows) out += line(r);
    return out;
  }
};

std::string PeakTotal(int64_t bytes) { return FormatBytes(bytes); }

std::string MfuText(double mfu) { return mfu > 0 ? FormatPercent(mfu) : "n/a"; }

bool AnyAccuracy(const engine::Experiment& e) {
  for (const auto& v : e.variants)
    if (v.has_accuracy) return true;
  return false;
}

std::string SpeedupCell(const engine::Experiment& e, const engine::ExperimentVariant& v) {
  if (&v == BaselineOf(e)) return "baseline";
  return Ratio(SpeedupOf(e, v));
}

void AccuracyCells(const engine::ExperimentVariant& v, std::vector<std::string>* row) {
  if (!v.has_accuracy) {
    row->insert(row->end(), {"—", "—", "—"});
    return;
  }
  row->push_back(exp_insight::ErrorValue(v.max_abs_error));
  row->push_back(exp_insight::ErrorValue(v.max_rel_error));
  row->push_back(FormatPercent(v.top1_agreement));
}

std::string ExperimentTable(const engine::Experiment& e) {
  const bool accuracy = AnyAccuracy(e);
  const engine::ExperimentVariant& base = *BaselineOf(e);
  Table t;
  if (e.id == "batch_scaling") {
    t.header = {"Batch", "Time (ms)", "Throughput", "Throughput vs baseline", "Peak memory", "MFU"};
    if (e.latency_budget_s > 0) t.header.push_back("Within " + MsText(e.latency_budget_s));
    for (const auto& v : e.variants) {
      std::vector<std::string> row = {v.value > 0 ? N(v.value) : v.name,
                                      exp_insight::Milliseconds(v.latency_s.mean),
                                      RateText(v),
                                      &v == &base           ? "baseline"
                                      : FirstRate(base) > 0 ? Ratio(FirstRate(v) / FirstRate(base))
                                                            : "—",
                                      PeakTotal(v.peak_bytes),
                                      MfuText(v.mfu)};
      if (e.latency_budget_s > 0) row.push_back(v.latency_s.mean <= e.latency_budget_s ? "yes" : "no");
      t.rows.push_back(row);
    }
    return t.Markdown();
  }
  if (e.id == "thread_scaling") {
    t.header = {"Threads", "Time (ms)", "Speedup", "Parallel efficiency", "Throughput", "MFU"};
    for (const auto& v : e.variants) {
      const double sp = SpeedupOf(e, v);
      t.rows.push_back(
          {v.value > 0 ? N(v.value) : v.name, exp_insight::Milliseconds(v.latency_s.mean), SpeedupCell(e, v),
           v.value > 0 && base.value > 0 ? FormatPercent(sp / (double(v.value) / double(base.value))) : "—",
           RateText(v), MfuText(v.mfu)});
    }
    return t.Markdown();
  }
  const bool combined = e.id == "combined";
  const bool weights = e.id == "int8_weights";
  const bool activations = e.id == "activation_checkpointing" &&
                           std::any_of(e.variants.begin(), e.variants.end(),
                                       [](const engine::ExperimentVariant& v) { return v.activations_bytes > 0; });
  t.header = {combined ? "Setup" : "Variant"};
  if (combined) t.header.push_back("First call (ms)");
  t.header.insert(t.header.end(),
                  {combined ? "Time (ms, steady state)" : "Time (ms)", "Speedup", "Throughput", "Peak memory"});
  if (weights) t.header.push_back("Weights");
  if (activations) t.header.push_back("Activations kept for backward");
  t.header.push_back("MFU");
  if (accuracy) t.header.insert(t.header.end(), {"Max abs error", "Max rel error", "Top-1 agreement"});
  for (const auto& v : e.variants) {
    std::vector<std::string> row = {v.name};
    if (combined) row.push_back(v.first_call_s > 0 ? exp_insight::Milliseconds(v.first_call_s) : "—");
    row.insert(row.end(),
               {exp_insight::Milliseconds(v.latency_s.mean), SpeedupCell(e, v), RateText(v), PeakTotal(v.peak_bytes)});
    if (weights) row.push_back(FormatBytes(v.weights_bytes));
    if (activations) row.push_back(FormatBytes(v.activations_bytes));
    row.push_back(MfuText(v.mfu));
    if (accuracy) AccuracyCells(v, &row);
    t.rows.push_back(row);
  }
  return t.Markdown();
}

// Summary columns.
std::string BestSpeedup(const engine::Experiment& e) {
  if (e.id == "batch_scaling") {
    const engine::ExperimentVariant& base = *BaselineOf(e);
    const engine::ExperimentVariant* top = &base;
    for (const auto& v : e.variants)
      if (FirstRate(v) > FirstRate(*top)) top = &v;
    if (top == &base || FirstRate(base) <= 0) return "none (batch 1 has the highest throughput)";
    return Ratio(FirstRate(*top) / FirstRate(base)) + " throughput (" + top->name + ")";
  }
  const engine::ExperimentVariant* best = Fastest(e);
  if (!best) return "—";
  const double sp = SpeedupOf(e, *best);
  return Ratio(sp) + (sp < 0.98 ? " (slower: " : " (") + best->name + ")";
}

std::string MemorySaving(const engine::Experiment& e) {
  const engine::ExperimentVariant& base = *BaselineOf(e);
  if (e.id == "batch_scaling") {
    const auto others = Others(e);
    const engine::ExperimentVariant* last = others.back();
    if (base.value <= 0 || last->value <= 0 || base.peak_bytes <= 0) return "—";
    return "per sample: " + FormatBytes(last->peak_bytes / last->value) + " at " + last->name + " vs " +
           FormatBytes(base.peak_bytes / base.value) + " at " + base.name;
  }
  const bool weights = e.id == "int8_weights";
  const engine::ExperimentVariant* best = nullptr;
  auto total = [&](const engine::ExperimentVariant& v) { return weights ? v.weights_bytes : v.peak_bytes; };
  for (const auto* v : Others(e))
    if (!best || total(*v) < total(*best)) best = v;
  const int64_t b = total(base), x = total(*best);
  const std::string what = weights ? " of weights" : " of peak memory";
  if (b <= 0 || x == b) return "none";
  const double share = double(std::llabs(x - b)) / double(b);
  if (x < b) return FormatBytes(b - x) + what + " (" + FormatPercent(share) + ", " + best->name + ")";
  return "none (+" + FormatBytes(x - b) + what + ", +" + FormatPercent(share) + ")";
}

std::string AccuracyImpact(const engine::Experiment& e) {
  double worst_abs = 0, worst_top1 = 1;
  bool any = false;
  for (const auto* v : Others(e)) {
    if (!v->has_accuracy) continue;
    any = true;
    worst_abs = std::max(worst_abs, v->max_abs_error);
    worst_top1 = std::min(worst_top1, v->top1_agreement);
  }
  if (!any) return "not compared (same arithmetic)";
  if (worst_abs == 0 && worst_top1 == 1) return "none (identical outputs)";
  return "max abs error ≤ " + exp_insight::ErrorValue(worst_abs) + ", top-1 agreement ≥ " + FormatPercent(worst_top1);
}

// ---- core runs -------------------------------------------------------------------

std::string ScenarioName(const engine::Run& r) {
  if (r.scenario == "forward") return "Forward pass";
  if (r.scenario == "train") return "Training step (forward + backward + AdamW)";
  if (r.scenario == "preprocess") return "Preprocessing";
  return r.scenario;
}

std::string CoreRunsTable(const engine::SizeReport& size) {
  Table t;
  t.header = {"Scenario",   "Shape", "Dtype (device)",        "Time (ms)",
              "Throughput", "MFU",   "Bandwidth utilization", "Peak memory"};
  for (const auto& r : size.runs) {
    const std::string dtype = r.dtype + " (" + r.device + ")";
    if (r.scenario == "generate") {
      t.rows.push_back({"Prefill (the prompt)", "batch " + N(r.batch) + " × " + N(r.prompt_tokens) + " tokens", dtype,
                        exp_insight::Milliseconds(r.prefill_s.mean), internal::Throughput(r, "prefill_tokens_per_s"),
                        "—", "—", "—"});
      t.rows.push_back({"Decode (one new token)", internal::RunShape(r), dtype,
                        exp_insight::Milliseconds(r.latency_s.mean), internal::Throughput(r, "decode_tokens_per_s"),
                        internal::Mfu(r),
                        r.bandwidth_utilization > 0 ? FormatPercent(r.bandwidth_utilization) : "not recorded",
                        FormatBytes(r.peak_bytes)});
      continue;
    }
    t.rows.push_back({ScenarioName(r), internal::RunShape(r), dtype, exp_insight::Milliseconds(r.latency_s.mean),
                      internal::ForwardRate(r), r.scenario == "preprocess" ? "—" : internal::Mfu(r), "—",
                      FormatBytes(r.peak_bytes)});
  }
  return t.Markdown();
}

std::string ComponentLabel(const std::string& key) {
  if (key == "mlp") return "MLP";
  if (key == "lm_head") return "LM head";
  if (key == "moe") return "MoE";
  std::string s = key;
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string Share(int64_t part, int64_t whole) { return whole > 0 ? FormatPercent(double(part) / double(whole)) : "—"; }

std::vector<std::string> EndToEnd(const spec::Spec& s, const engine::SizeReport& size) {
  std::vector<std::string> lines;
  const engine::ParameterCount& p = size.parameters;
  lines.push_back("Total parameters: " + FormatCountWithShort(p.total) + " (tied weights counted once)");
  for (const auto& r : size.runs) {
    if (r.scenario != "forward") continue;
    lines.push_back("Forward pass (" + internal::RunShape(r) + ", " + r.dtype + "): " + MsText(r.latency_s.mean) +
                    " mean, " + MsText(r.latency_s.p50) + " p50");
    break;
  }
  lines.push_back("Embedding parameters: " + FormatCountWithShort(p.embedding) + " (" + Share(p.embedding, p.total) +
                  ")");
  lines.push_back("Non-embedding parameters: " + FormatCountWithShort(p.non_embedding) + " (" +
                  Share(p.non_embedding, p.total) + ")");
  for (const auto& [name, n] : p.by_component)
    if (n > 0 && name != "embedding")
      lines.push_back(internal::Capitalize(ComponentLabel(name)) + " parameters: " + FormatCountWithShort(n) + " (" +
                      Share(n, p.total) + ")");
  (void)s;
  return lines;
}

// ---- exploration insights (the core runs) ---------------------------------------

std::vector<View> ExplorationInsights(const engine::SizeReport& size) {
  std::vector<View> out;
  auto add = [&](const std::string& title, const std::string& text) {
    out.push_back(View().Text("title", title).Text("text", text));
  };
  for (const auto& r : size.runs) {
    if (r.scenario == "forward") {
      add("Forward pass (" + r.dtype + ", batch " + N(r.batch) + ")",
          "One forward pass of " + internal::RunShape(r) + " takes " + MsText(r.latency_s.mean) + " (mean of " +
              Plural(r.latency_s.count, "timed iteration", "timed iterations") + ", CV " +
              FormatPercent(r.latency_s.cv) + "): " + internal::ForwardRate(r) + " at " + internal::Mfu(r) + " MFU.");
    } else if (r.scenario == "generate") {
      std::string text = "After a " + MsText(r.prefill_s.mean) + " prefill of the " + N(r.prompt_tokens) +
                         "-token prompt, each decode step takes " + MsText(r.latency_s.mean) + " (" +
                         internal::Throughput(r, "decode_tokens_per_s") + ")";
      if (r.bytes_moved > 0 && r.bandwidth_utilization > 0)
        text += "; a step reads at least " + FormatBytes(r.bytes_moved) + ", " +
                FormatPercent(r.bandwidth_utilization) + " of the measured memory bandwidth";
      add("Generation (" + r.dtype + ", batch " + N(r.batch) + ")", Sentence(text));
    } else if (r.scenario == "train") {
      std::string text = "One training step of " + internal::RunShape(r) + " takes " + MsText(r.latency_s.mean) + " (" +
                         internal::Mfu(r) + " MFU at 3× the forward FLOPs)";
      if (r.gradients_bytes > 0 || r.optimizer_bytes > 0 || r.activations_bytes > 0)
        text += "; it holds " + FormatBytes(r.weights_bytes) + " of float32 weights, " +
                FormatBytes(r.gradients_bytes) + " of gradients, " + FormatBytes(r.optimizer_bytes) +
                " of AdamW state and " + FormatBytes(r.activations_bytes) + " of activations kept for backward";
      add("Training step (" + r.dtype + ", batch " + N(r.batch) + ")", Sentence(text));
    }
  }
  const engine::ParameterCount& p = size.parameters;
  if (p.total > 0) {
    std::vector<std::pair<std::string, int64_t>> parts(p.by_component.begin(), p.by_component.end());
    std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> top;
    for (size_t i = 0; i < parts.size() && top.size() < 2; ++i)
      if (parts[i].second > 0 && parts[i].first != "embedding")
        top.push_back(ComponentLabel(parts[i].first) + " " + Share(parts[i].second, p.total));
    add("Parameter budget", N(p.embedding) + " of the " + N(p.total) + " parameters (" + Share(p.embedding, p.total) +
                                ") are embeddings" +
                                (top.empty() ? "" : "; the largest components are " + Join(top, " and ")) + ".");
  }
  const engine::FlopCount& f = size.flops;
  if (f.forward > 0) {
    std::vector<std::pair<std::string, int64_t>> parts(f.by_component.begin(), f.by_component.end());
    std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    bool has_scores = false;
    for (const auto& [name, n] : f.by_component) has_scores = has_scores || name == "attention_scores";
    std::string text = "A forward pass of " + (f.input.empty() ? "the counted input" : f.input) + " is " +
                       FormatFlops(double(f.forward)) + " of matmuls (" + FormatShortCount(f.forward_macs) +
                       " MACs; FLOPs = 2 × MACs" +
                       (!has_scores                      ? ")"
                        : size.config.sliding_window > 0 ? ", attention's QK^T and AV over min(p, " +
                                                               N(size.config.sliding_window) + ") keys on local layers)"
                                                         : ", attention's QK^T and AV counted in full)");
    if (!parts.empty() && parts[0].second > 0)
      text += "; " + ComponentLabel(parts[0].first) + " is the largest share, " + Share(parts[0].second, f.forward);
    add("Compute split", Sentence(text));
  }
  return out;
}

const engine::SizeReport* StudiedSize(const spec::Spec& s, const engine::Report& r) {
  for (const auto& size : r.sizes)
    if (!size.experiments.empty()) return &size;
  if (const engine::SizeReport* size = internal::FindSizeReport(r, internal::PrimarySize(s).name)) return size;
  return r.sizes.empty() ? nullptr : &r.sizes.front();
}

std::string ProjectTree(const spec::Spec& s) {
  const std::string source = engine::TraitsOf(s.architecture.family).model_source;
  const std::string model_file = source.substr(source.rfind('/') + 1);
  const std::string readme = publish::ExperimentsReadmePath(s.slug);
  auto row = [](const std::string& path, const std::string& what) {
    size_t width = 0;  // display columns: UTF-8 continuation bytes take none
    for (unsigned char ch : path) width += (ch & 0xC0) != 0x80;
    return path + std::string(width < 34 ? 34 - width : 1, ' ') + "# " + what + "\n";
  };
  std::string t = "modelcard/\n";
  t += row("├── CMakeLists.txt", "the build (render-only without LibTorch: -DMODELCARD_WITH_TORCH=OFF)");
  t += row("├── engine/", "LibTorch only: models, layers, measurement, experiments");
  t += row("│   ├── models/" + model_file, "the " + s.name + " model");
  t += row("│   ├── layers/", "attention, attention_kernel, checkpoint, linear, mlp, norms");
  t += row("│   ├── experiments/", "the optimization experiments of this study");
  t += row("│   ├── measure/", "timers, memory, environment, peak calibration");
  t += row("│   ├── count.cc", "analytic parameter and FLOP formulas");
  t += row("│   └── profile.cc", "scenarios: forward, generate, train step");
  t += row("├── generator/", "spec parser, results JSON, rendering (no LibTorch)");
  t += row("├── templates/", "experiments-readme.mustache renders this file");
  t += row("├── specs/" + s.slug + ".yaml", "this model's specification");
  t += row("├── results/" + s.slug + ".json", "the measurements this file shows");
  t += row("├── " + readme, "this file");
  t += row("├── scripts/setup.sh", "installs dependencies and builds");
  t += row("└── tests/", "unit, golden and end-to-end tests");
  t.pop_back();  // the template's code fence closes on the next line
  return t;
}

std::vector<std::string> HardwareLines(const engine::Environment& e) {
  std::vector<std::string> lines;
  auto add = [&](const std::string& label, const std::string& value) {
    if (!value.empty()) lines.push_back("**" + label + "**: " + value);
  };
  add("Device", e.device);
  std::string cpu = e.cpu_model;
  std::vector<std::string> detail;
  if (e.cores > 0) detail.push_back(Plural(e.cores, "logical CPU", "logical CPUs"));
  if (e.threads > 0) detail.push_back(Plural(e.threads, "intra-op thread", "intra-op threads") + " used");
  if (!detail.empty()) cpu += (cpu.empty() ? "" : " ") + std::string("(") + Join(detail, ", ") + ")";
  add("CPU", cpu);
  add("GPU", e.gpu.empty() ? (e.device.empty() ? "" : "none used") : e.gpu);
  add("RAM", e.memory_bytes > 0 ? FormatBytes(e.memory_bytes) : "");
  add("OS", e.os);
  add("Compiler", e.compiler);
  add("LibTorch", e.libtorch.empty() ? "" : e.libtorch + (e.cuda.empty() ? " (CPU run)" : " (CUDA " + e.cuda + ")"));
  add("BLAS", e.blas);
  add("CPU features", e.cpu_features);
  std::vector<std::string> peaks;
  for (const auto& [dtype, x] : e.peak_flops_per_s) peaks.push_back(FormatFlopsPerSecond(x) + " " + dtype);
  add("Measured peak GEMM", Join(peaks, ", "));
  add("Measured memory bandwidth",
      e.memory_bandwidth_bytes_per_s > 0 ? FormatBytes(std::llround(e.memory_bandwidth_bytes_per_s)) + "/s" : "");
  add("Date", e.date);
  add("modelcard", e.tool_version);
  return lines;
}

// What every section of the README reads: the spec and its report (empty when none), the
// studied size (nullptr when nothing was measured) and its experiments (empty when none ran).
struct ExperimentsContext {
  const RenderInput& in;
  const spec::Spec& s;
  const engine::Report& r;
  const spec::Size& primary;
  const engine::ModelConfig& c;
  const std::string spec_path;
  const engine::SizeReport* size;
  const std::vector<engine::Experiment>& experiments;
};

// The engine files of experiment `id`, as a comma-separated list of code spans.
std::string TechniqueFiles(const engine::ModelConfig& c, const std::string& id) {
  std::vector<std::string> files = {Code(kExperimentsSource)};
  if (const CatalogEntry* entry = FindCatalog(id)) {
    if (std::string(entry->file).size() > 0) files.push_back(Code(entry->file));
    if (id == "kv_cache" && engine::TraitsOf(c).kv_cache) files.push_back(Code("engine/layers/attention.cc"));
    if (id == "kv_cache" && c.family == engine::Family::kRecurrent) files.push_back(Code("engine/models/recurrent.cc"));
  }
  return Join(files, ", ");
}

// The papers behind the techniques: the catalog's without measurements, else those of the
// applicable experiments, in order.
std::vector<spec::Reference> TechniqueReferences(const ExperimentsContext& x) {
  std::vector<spec::Reference> refs;
  auto add = [&](const std::string& id) {
    if (const CatalogEntry* entry = FindCatalog(id))
      if (!entry->reference.title.empty()) refs.push_back(entry->reference);
  };
  if (x.experiments.empty())
    for (const auto& entry : Catalog()) add(entry.id);
  for (const auto& e : x.experiments)
    if (e.applicable) add(e.id);
  return refs;
}

std::string TechniqueTitle(const engine::Experiment& e) {
  const CatalogEntry* entry = FindCatalog(e.id);
  return !e.title.empty() ? e.title : entry ? entry->title : e.id;
}

// Title, lead, Overview and its Key Features.
void AddExperimentsOverview(const ExperimentsContext& x, View* v) {
  const spec::Spec& s = x.s;
  std::string authors, year;
  if (!s.architecture.references.empty()) {
    authors = s.architecture.references.front().authors;
    if (s.architecture.references.front().year > 0) year = std::to_string(s.architecture.references.front().year);
  }
  const std::string model_type = s.architecture.base + " (" + engine::FamilyName(s.architecture.family) + " family)";
  int64_t applicable = 0;
  for (const auto& e : x.experiments) applicable += e.applicable ? 1 : 0;
  const int64_t total = x.experiments.empty() ? int64_t(Catalog().size()) : int64_t(x.experiments.size());
  const bool checkpoint = x.size != nullptr && !x.size->weights_load.weights.empty();
  v->Text("exp_lead", s.name + " (" + (s.tagline.empty() ? model_type : s.tagline) + ")")
      .Text("exp_authors", authors)
      .Text("exp_year", year)
      .Text("exp_model_type", model_type)
      .Text("exp_summary", s.summary)
      .Text("exp_spec_path", x.spec_path)
      .Text("exp_readme_path", publish::ExperimentsReadmePath(s.slug))
      .Text("exp_results_path", publish::ResultsPath(s.slug))
      .Text("exp_count", std::to_string(total))
      .Text("exp_applicable", x.experiments.empty() ? "" : std::to_string(applicable))
      .Text("exp_input", s.inputs.empty() ? "" : s.inputs.front().format)
      .Text("exp_weights_checkpoint", checkpoint ? x.size->weights_load.weights : "");
}

// Architecture Components: one entry per implementation file.
void AddExperimentsComponents(const ExperimentsContext& x, View* v) {
  std::vector<View> components;
  for (const auto& [path, what] : internal::ImplementationFiles(x.s, x.c)) {
    std::string stem = path.substr(path.rfind('/') + 1);
    stem = stem.substr(0, stem.find('.'));
    std::string name = internal::Capitalize(ComponentLabel(stem));
    if (path.rfind("engine/models/", 0) == 0) name = x.s.name + " model";
    if (path == "engine/count.cc" || path.rfind("engine/count_", 0) == 0) name = "Analytic counts";
    if (path == "engine/weights/hf_names.cc") name = "Checkpoint weight names";
    if (path.rfind("engine/preprocess/", 0) == 0) name = internal::Capitalize(stem) + " preprocessing";
    components.push_back(View()
                             .Text("number", std::to_string(components.size() + 1))
                             .Text("name", name)
                             .Text("path", path)
                             .Text("what", what));
  }
  v->Items("exp_components", components);
}

// Optimization Techniques: the measured experiments, else the catalog ("measured" false).
void AddExperimentsTechniques(const ExperimentsContext& x, View* v) {
  std::vector<View> techniques;
  if (x.experiments.empty()) {
    for (const auto& entry : Catalog())
      techniques.push_back(View()
                               .Text("number", std::to_string(techniques.size() + 1))
                               .Text("title", entry.title)
                               .Text("description", internal::Capitalize(entry.description) + ".")
                               .Flag("measured", false)
                               .Text("result", "")
                               .Text("setup", "")
                               .Text("files", TechniqueFiles(x.c, entry.id)));
  }
  for (const auto& e : x.experiments) {
    const CatalogEntry* entry = FindCatalog(e.id);
    const std::string description = !e.description.empty() ? e.description
                                    : entry                ? std::string(entry->description)
                                                           : "";
    techniques.push_back(View()
                             .Text("number", std::to_string(techniques.size() + 1))
                             .Text("title", TechniqueTitle(e))
                             .Text("description", Sentence(internal::Capitalize(description)))
                             .Flag("measured", true)
                             .Text("result", exp_insight::Insight(e))
                             .Text("setup", e.setup.empty() ? "" : Sentence(e.setup))
                             .Text("files", TechniqueFiles(x.c, e.id)));
  }
  v->Text("exp_experiments_source", kExperimentsSource)
      .Text("exp_experiments_header", kExperimentsHeader)
      .Items("exp_techniques", techniques);
}

// Project Structure and Installation.
void AddExperimentsInstallation(const ExperimentsContext& x, View* v) {
  v->Text("exp_project_tree", ProjectTree(x.s))
      .Text("exp_libtorch", x.r.environment.libtorch)
      .Text("exp_repository_url", x.in.site.repository_url);
}

// The profile command with the measured best dtype and thread count.
std::string ProfileCommand(const ExperimentsContext& x) {
  std::string best_dtype = "bfloat16", best_threads;
  for (const auto& e : x.experiments) {
    if (!Unusable(e).empty()) continue;
    const engine::ExperimentVariant* f = Fastest(e);
    if (!f) continue;
    if (e.id == "mixed_precision" && SpeedupOf(e, *f) > 1) best_dtype = f->name;
    if (e.id == "mixed_precision" && SpeedupOf(e, *f) <= 1) best_dtype = BaselineOf(e)->name;
    if (e.id == "thread_scaling" && f->value > 0)
      best_threads = SpeedupOf(e, *f) > 1 ? N(f->value) : N(BaselineOf(e)->value);
  }
  const spec::Spec& s = x.s;
  const int64_t seq = s.experiments.sequence_length > 0    ? s.experiments.sequence_length
                      : s.profile.sequence_lengths.empty() ? 128
                                                           : s.profile.sequence_lengths.front();
  std::string command = "build/modelcard profile " + x.spec_path + " --size " + x.primary.name + " --dtype " +
                        best_dtype + " --batch " + N(s.experiments.batch) + " --seq " + std::to_string(seq);
  if (!best_threads.empty()) command += " --threads " + best_threads;
  return command;
}

// Usage: the commands, what the exploration demonstrates and the experiments it runs.
void AddExperimentsUsage(const ExperimentsContext& x, View* v) {
  std::vector<std::string> demonstrates;
  if (x.size) {
    for (const auto& run : x.size->runs) {
      const std::string shape = " (" + internal::RunShape(run) + ", " + run.dtype + ")";
      demonstrates.push_back(run.scenario == "generate" ? "generation: prefill and per-token decode" + shape
                                                        : ScenarioName(run) + shape);
    }
  }
  demonstrates.push_back("the complete " + x.s.name +
                         " model: " + FormatCountWithShort(internal::ParametersOf(x.primary, x.r).total) +
                         " parameters, counted by component");
  std::vector<View> run_items;
  auto add_run = [&](const std::string& text) {
    run_items.push_back(View().Text("number", std::to_string(run_items.size() + 1)).Text("text", text));
  };
  if (x.experiments.empty())
    for (const auto& entry : Catalog()) add_run(entry.title);
  for (const auto& e : x.experiments)
    add_run((e.title.empty() ? e.id : e.title) + (e.applicable ? "" : " (not applicable here)"));
  const std::string exploration_heading = "Running Core " + x.s.name + " Exploration";
  v->Text("exp_exploration_heading", exploration_heading)
      .Text("exp_exploration_anchor", text::HeadingAnchor(exploration_heading))
      .Text("exp_build_command", "build/modelcard build " + x.spec_path)
      .Text("exp_render_command", "build/modelcard render " + x.spec_path)
      .Text("exp_count_command", "build/modelcard count " + x.spec_path + " --json")
      .Text("exp_profile_command", ProfileCommand(x))
      .Lines("exp_demonstrates", demonstrates)
      .Items("exp_run_list", run_items);
}

// Key Insights: the exploration's, one per experiment, and the Model Selection Tradeoffs
// (which single optimization gave the largest speedup and which saved the most memory).
void AddExperimentsInsights(const ExperimentsContext& x, View* v) {
  std::vector<View> insights;
  for (const auto& e : x.experiments)
    insights.push_back(View().Text("title", TechniqueTitle(e)).Text("text", exp_insight::Insight(e)));
  const engine::Experiment* fastest = nullptr;
  const engine::ExperimentVariant* fastest_v = nullptr;
  const engine::Experiment* leanest = nullptr;
  int64_t saved = 0;
  for (const auto& e : x.experiments) {
    if (!Unusable(e).empty() || e.id == "batch_scaling" || e.id == "combined") continue;
    const engine::ExperimentVariant& base = *BaselineOf(e);
    for (const auto* var : Others(e)) {
      if (!fastest_v || SpeedupOf(e, *var) > SpeedupOf(*fastest, *fastest_v)) fastest = &e, fastest_v = var;
      const int64_t d = (base.peak_bytes + base.weights_bytes) - (var->peak_bytes + var->weights_bytes);
      if (d > saved) saved = d, leanest = &e;
    }
  }
  const bool same = fastest_v && text::HeadingAnchor(fastest_v->name) == text::HeadingAnchor(fastest->title);
  v->Items("exp_exploration_insights", x.size ? ExplorationInsights(*x.size) : std::vector<View>{})
      .Items("exp_insights", insights)
      .Flag("exp_has_tradeoffs", fastest_v != nullptr)
      .Text("exp_fastest", fastest_v ? fastest_v->name : "")
      .Text("exp_fastest_experiment", fastest_v && !same ? fastest->title : "")
      .Text("exp_fastest_speedup", fastest_v ? Ratio(SpeedupOf(*fastest, *fastest_v)) : "")
      .Flag("exp_has_leanest", leanest != nullptr)
      .Text("exp_leanest", leanest ? leanest->title : "")
      .Text("exp_leanest_saving", leanest ? FormatBytes(saved) : "");
}

// Performance Benchmarks > Optimization Techniques: one table per experiment, or the reason
// it has none; the notes under the combined, KV-cache and checkpointing tables are template
// prose selected by flags.
std::vector<View> ExperimentTables(const ExperimentsContext& x) {
  std::vector<View> tables;
  for (const auto& e : x.experiments) {
    const std::string unusable = Unusable(e);
    const bool usable = unusable.empty();
    tables.push_back(View()
                         .Text("number", std::to_string(tables.size() + 1))
                         .Text("title", TechniqueTitle(e))
                         .Text("setup", e.setup)
                         .Text("unit", UnitText(e))
                         .Text("reason", unusable)
                         .Text("table", usable ? ExperimentTable(e) : "")
                         .Flag("note_combined", usable && e.id == "combined")
                         .Flag("note_fused_attention", FactsOf(x.c).attention && !(x.c.attn_logit_softcap > 0))  // no fused soft-cap kernel
                         .Flag("note_kv_cache", usable && e.id == "kv_cache")
                         .Flag("note_checkpointing", usable && e.id == "activation_checkpointing"));
  }
  return tables;
}

// Performance Benchmarks: the hardware, the core scenarios, end to end and the experiments.
void AddExperimentsBenchmarks(const ExperimentsContext& x, View* v) {
  const bool measured = x.size && !x.size->runs.empty();
  v->Flag("exp_has_measurements", measured)
      .Flag("exp_has_experiments", !x.experiments.empty())
      .Lines("exp_hardware", HardwareLines(x.r.environment))
      .Text("exp_device", x.r.environment.device)
      .Text("exp_date", x.r.environment.date)
      .Text("exp_size", x.size ? x.size->name : x.primary.name)
      .Text("exp_core_table", measured ? CoreRunsTable(*x.size) : "")
      .Lines("exp_end_to_end", x.size ? EndToEnd(x.s, *x.size) : std::vector<std::string>{})
      .Items("exp_tables", ExperimentTables(x));
}

// Performance Benchmarks > Summary: one row per experiment.
void AddExperimentsSummary(const ExperimentsContext& x, View* v) {
  std::vector<View> rows;
  for (const auto& e : x.experiments) {
    const bool usable = Unusable(e).empty();
    rows.push_back(View()
                       .Text("title", TableCell(TechniqueTitle(e)))
                       .Text("speedup", TableCell(usable ? BestSpeedup(e) : "—"))
                       .Text("memory", TableCell(usable ? MemorySaving(e) : "—"))
                       .Text("accuracy", TableCell(usable ? AccuracyImpact(e) : Unusable(e))));
  }
  v->Items("exp_summary_rows", rows);
}

// Key Innovations: the blog's innovations, else the architecture's key components.
void AddExperimentsInnovations(const ExperimentsContext& x, View* v) {
  std::vector<View> innovations;
  auto add = [&](const std::string& text) {
    innovations.push_back(View().Text("number", std::to_string(innovations.size() + 1)).Text("text", text));
  };
  if (!x.s.blog.innovations.empty())
    for (const auto& text : x.s.blog.innovations) add(Sentence(internal::Capitalize(text)));
  else
    for (const auto& text : x.s.architecture.key_components) add("**" + internal::Capitalize(text) + "**");
  v->Items("exp_innovations", innovations).Flag("exp_innovations_from_blog", !x.s.blog.innovations.empty());
}

// References (the architecture's, then the techniques' as "Related") and Acknowledgments
// (the first reference as a link, the techniques' papers as "authors (year)").
void AddExperimentsReferences(const ExperimentsContext& x, View* v) {
  const std::vector<spec::Reference> technique_refs = TechniqueReferences(x);
  std::vector<View> references, related;
  for (const auto& ref : x.s.architecture.references)
    references.push_back(View().Text("citation", internal::Citation(ref)));
  for (const auto& ref : technique_refs) related.push_back(View().Text("citation", internal::Citation(ref)));
  std::string followed;
  if (!x.s.architecture.references.empty()) {
    const spec::Reference& ref = x.s.architecture.references.front();
    followed = ref.url.empty() ? ref.title : "[" + ref.title + "](" + ref.url + ")";
  }
  std::vector<std::string> titles;
  for (const auto& ref : technique_refs) titles.push_back(ref.authors + " (" + std::to_string(ref.year) + ")");
  v->Items("exp_references", references)
      .Items("exp_related", related)
      .Flag("exp_follows_reference", !x.s.architecture.references.empty())
      .Text("exp_followed_reference", followed)
      .Text("exp_technique_papers", Join(titles, ", "));
}

}  // namespace

void AddExperimentsReadme(const RenderInput& in, View* v) {
  const spec::Spec& s = *in.spec;
  const engine::Report empty_report;
  const engine::Report& r = in.report ? *in.report : empty_report;
  const spec::Size& primary = internal::PrimarySize(s);
  const engine::SizeReport* size = StudiedSize(s, r);
  const std::vector<engine::Experiment> none;
  const ExperimentsContext x{in,
                             s,
                             r,
                             primary,
                             primary.config,
                             in.spec_display_path.empty() ? s.path : in.spec_display_path,
                             size,
                             size ? size->experiments : none};
  AddExperimentsOverview(x, v);
  AddExperimentsComponents(x, v);
  AddExperimentsTechniques(x, v);
  AddExperimentsInstallation(x, v);
  AddExperimentsUsage(x, v);
  AddExperimentsInsights(x, v);
  AddExperimentsBenchmarks(x, v);
  AddExperimentsSummary(x, v);
  AddExperimentsInnovations(x, v);
  AddExperimentsReferences(x, v);
}

}  // namespace render
