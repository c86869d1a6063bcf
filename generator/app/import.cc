#include "generator/app/import.h"

#include <filesystem>

#include "generator/publish/atomic_write.h"
#include "generator/spec/spec_parser.h"

namespace fs = std::filesystem;

namespace app {

engine::Status ImportSpec(const std::string& dir, const std::string& out_flag, bool force,
                          const std::vector<std::string>& eval_files, const importer::ImportOptions& options,
                          std::string* out, importer::ImportResult* result) {
  // The spec's `weights:` is relative to the spec's own directory: import once to learn the
  // slug (and so the default path), then again with the checkpoint path seen from there.
  importer::ImportResult first;
  if (engine::Status st = importer::ImportHfConfig(dir, dir, &first, options); !st.ok()) return st;
  *out = out_flag.empty() ? "specs/" + first.slug + ".yaml" : out_flag;
  std::error_code ec;
  const fs::path spec_dir = fs::absolute(fs::path(*out).parent_path(), ec);
  std::string display = fs::relative(fs::absolute(dir, ec), spec_dir, ec).generic_string();
  if (ec || display.empty()) display = fs::absolute(dir).generic_string();
  if (engine::Status st = importer::ImportHfConfig(dir, display, result, options); !st.ok()) return st;
  if (fs::exists(*out, ec) && !force)
    return engine::Status::InvalidArgument(*out + " exists; hint: pass --out elsewhere, or --force to replace it");
  // --eval: data sets `build` evaluates the checkpoint on (evaluation.measure), relative to the spec.
  std::string text = result->spec_text;
  if (!eval_files.empty()) {
    text += "evaluation:\n  measure:\n";
    for (const std::string& file : eval_files) {
      if (!fs::is_regular_file(file, ec))
        return engine::Status::InvalidArgument(file + ": --eval names no readable file");
      std::string shown = fs::relative(fs::absolute(file, ec), spec_dir, ec).generic_string();
      if (ec || shown.empty()) shown = fs::absolute(file).generic_string();
      text += "    - data: " + importer::YamlScalar(shown) + "\n";
    }
    const spec::ParseResult parsed = spec::ParseSpecText(text, *out);
    if (!parsed.ok()) return engine::Status::InvalidArgument(parsed.errors.front().ToString());
  }
  return publish::WriteFileAtomic(*out, text);
}

}  // namespace app
