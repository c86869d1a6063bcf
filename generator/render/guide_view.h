// The development guide's part of the view model (seed model-development-guide.md): this
// model's parameter count, memory and compute arithmetic (each formula with its source),
// training-time and hardware estimates, and the measured training, checkpointing and
// mixed-precision results. Not the template itself (templates/development-guide.mustache).
#pragma once

#include "generator/render/view_helpers.h"
#include "generator/render/view_model.h"

namespace render {

// Adds every guide_* key of templates/development-guide.mustache to *v.
// REQUIRES: in.spec != nullptr. Measured values and estimates are labelled as such.
void AddDevelopmentGuide(const RenderInput& in, internal::View* v);

}  // namespace render
