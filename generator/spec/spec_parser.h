// Spec parser: reads a model spec (YAML, format v1 of DESIGN.md "Spec format") into a
// spec::Spec, validates it, applies the documented defaults and collects EVERY problem as a
// Diagnostic with file:line:column. The only place that turns a yaml-cpp Mark into a position.
#pragma once

#include <string>
#include <vector>

#include "generator/spec/diagnostic.h"
#include "generator/spec/spec.h"

namespace spec {

struct ParseResult {
  Spec spec;                       // filled as far as the file allowed; complete when ok()
  std::vector<Diagnostic> errors;  // every problem, sorted by position, no duplicates
  bool ok() const { return errors.empty(); }
};

// Reads and parses the file at `path`. An unreadable file gives one diagnostic without a
// position: "path: cannot read file: No such file or directory". Never throws.
ParseResult ParseSpecFile(const std::string& path);

// Parses `text` as if it were the contents of `path` (used in messages and Spec::path;
// Spec::sha256 is the hash of `text`). Never throws, whatever the input.
ParseResult ParseSpecText(const std::string& text, const std::string& path);

// The slug derived from a model name: lowercase, every run of characters outside [a-z0-9]
// becomes one '-', leading/trailing '-' trimmed ("GPT-2 XL" -> "gpt-2-xl"). May be empty.
std::string SlugFromName(const std::string& name);

// True when `slug` matches ^[a-z0-9]+(-[a-z0-9]+)*$.
bool IsValidSlug(const std::string& slug);

// The longest slug (given or derived from the name), tag or category a spec may have, in bytes.
// A slug names files: "cards/<slug>.md", "results/<slug>@<machine>.json" and temporary files
// such as ".<slug>.json.modelcard-tmp.<pid>.<n>", which must fit NAME_MAX (255 bytes); 200 leaves
// 55 bytes for those suffixes.
inline constexpr size_t kMaxSlugBytes = 200;

// Whether some size of the architecture generates token by token: the decoder families (KV
// cache), the recurrent one (carried state) and the audio family with a text decoder.
bool FamilyGenerates(const Architecture& arch);

}  // namespace spec
