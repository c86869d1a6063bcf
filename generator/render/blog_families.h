// The blog post's architecture-specific text for the families other than the decoder: key
// components with their equations (TeX for ```math blocks, inline math as $`...`$), the input
// and output tensors, the training loss, and the complexity of a forward pass, all written
// from the resolved ModelConfig (dimensions filled in, nothing generic).
#pragma once

#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/report.h"

namespace render {

struct BlogComponent {
  std::string name;                // "Residual block (bottleneck)"
  std::string text;                // a sentence before the equations; may be empty
  std::string math;                // equations, one per line (one ```math block each)
  std::vector<std::string> where;  // "Where:" bullets (Markdown with inline math)
};

struct BlogComplexity {
  std::string note;   // "for one 224×224 image, ..." (after "Forward pass, ")
  std::string math;   // one display equation
  std::string time;   // the time-complexity bullet
  std::string space;  // the space-complexity bullet
};

// Key components of an encoder, vit, resnet, audio or recurrent model; for moe, the router
// (the decoder's own components come first).
std::vector<BlogComponent> FamilyComponents(const engine::ModelConfig& c);

// "**Input**" / "**Output**" of the post for any family; `format` is the spec's modality format.
std::string FamilyInput(const engine::ModelConfig& c, const std::string& format);
std::string FamilyOutput(const engine::ModelConfig& c, const std::string& format);

// The loss sentence and its equation.
std::string FamilyLossText(const engine::ModelConfig& c);
std::string FamilyLossMath(const engine::ModelConfig& c);

// Complexity of a forward pass, with the exact FLOP count `f` (engine/count.h) of it.
BlogComplexity FamilyComplexity(const engine::ModelConfig& c, const engine::FlopCount& f);

}  // namespace render
