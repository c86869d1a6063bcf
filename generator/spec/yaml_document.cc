// Shared YAML reading (see yaml_document.h).
#include "generator/spec/yaml_document.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <utility>

namespace spec {
namespace {

// Records where each YAML document starts; the content itself is read by YAML::Load.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

bool LoadYamlDocumentUnguarded(const std::string& text, const std::string& path, const std::string& what,
                               YAML::Node* root, std::vector<Diagnostic>* errors);

}  // namespace

Diagnostic At(const std::string& path, const YAML::Mark& mark, std::string message, std::string hint) {
  Diagnostic d{path, 0, 0, std::move(message), std::move(hint)};
  if (!mark.is_null() && mark.line >= 0) {
    d.line = mark.line + 1;
    d.column = mark.column >= 0 ? mark.column + 1 : 0;
  }
  return d;
}

std::string YamlMessage(std::string msg) {
  if (!msg.empty() && msg[0] >= 'A' && msg[0] <= 'Z') msg[0] = static_cast<char>(msg[0] - 'A' + 'a');
  return msg;
}

// yaml-cpp 0.7 never consumes a stray ',' at the top level of a document: YAML::LoadAll then
// loops forever, allocating, and YAML::Load silently drops the rest of the file. So the
// documents are first walked with a bounded parser that notices a document starting where the
// previous one did.
bool LoadYamlDocument(const std::string& text, const std::string& path, const std::string& what, YAML::Node* root,
                      std::vector<Diagnostic>* errors) {
  // yaml-cpp stops recursing at a fixed depth and says only "bad file": name the real problem.
  try {
    return LoadYamlDocumentUnguarded(text, path, what, root, errors);
  } catch (const YAML::DeepRecursion& e) {
    errors->push_back(
        At(path, e.mark, "YAML nesting is too deep: lists and maps nest beyond the parser's limit here",
           "a spec nests a few levels at most: look for brackets that never close or ever-deeper indentation"));
    return false;
  }
}

namespace {
bool LoadYamlDocumentUnguarded(const std::string& text, const std::string& path, const std::string& what,
                               YAML::Node* root, std::vector<Diagnostic>* errors) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts starts;
  for (int i = 0; i < 3 && parser.HandleNextDocument(starts); ++i) {
    const auto& m = starts.marks;
    if (m.size() >= 2 && m[m.size() - 1].pos == m[m.size() - 2].pos) {
      const YAML::Mark& stuck = m.back();
      std::string unexpected =
          stuck.pos >= 0 && static_cast<size_t>(stuck.pos) < text.size() ? " '" + text.substr(stuck.pos, 1) + "'" : "";
      errors->push_back(At(path, stuck, "YAML syntax error: unexpected" + unexpected));
      return false;
    }
  }
  if (starts.marks.size() > 1) {
    errors->push_back(At(path, starts.marks[1], what + " holds one YAML document"));
    return false;
  }
  *root = YAML::Load(text);
  return true;
}
}  // namespace

engine::Status ReadWholeFile(const std::string& path, std::string* text) {
  text->clear();
  std::FILE* file = std::fopen(path.c_str(), "rb");
  int err = file ? 0 : errno;
  if (file) {
    errno = 0;
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text->append(buffer, n);
    if (std::ferror(file)) err = errno ? errno : EIO;
    std::fclose(file);
  }
  if (err != 0) return engine::Status::IOError(std::strerror(err));
  return engine::Status::OK();
}

}  // namespace spec
