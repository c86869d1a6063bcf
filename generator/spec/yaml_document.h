// Reading one YAML document safely, shared by the spec parser and the project configuration
// (modelcard.yaml): yaml-cpp marks turned into file:line:column diagnostics, and a loader that
// never hangs on the malformed input that makes yaml-cpp 0.7's multi-document loader loop.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "engine/status.h"
#include "generator/spec/diagnostic.h"

namespace spec {

// The one conversion of a yaml-cpp Mark (0-based; null when unknown) into a diagnostic's
// 1-based line and column (0 when unknown).
Diagnostic At(const std::string& path, const YAML::Mark& mark, std::string message, std::string hint = "");

// yaml-cpp's own message, as a clause: "End of map not found" -> "end of map not found".
std::string YamlMessage(std::string msg);

// Loads the single YAML document of `text` into *root. On a second document or a stuck parser
// appends a diagnostic ("<what> holds one YAML document") and returns false.
// Throws YAML::Exception on a syntax error (its mark says where).
bool LoadYamlDocument(const std::string& text, const std::string& path, const std::string& what, YAML::Node* root,
                      std::vector<Diagnostic>* errors);

// Reads a whole file. On failure returns IOError whose message is the system's reason alone
// ("No such file or directory"): callers put the path and what they were doing around it.
engine::Status ReadWholeFile(const std::string& path, std::string* text);

}  // namespace spec
