// modelcard.yaml: defaults, every site key, file:line:col diagnostics, and the URLs built from it.
#include <doctest/doctest.h>

#include <string>

#include "generator/project/project_config.h"

TEST_CASE("project config: an empty or missing file gives the defaults") {
  project::ProjectParseResult empty = project::ParseProjectText("", "modelcard.yaml");
  REQUIRE(empty.ok());
  CHECK(empty.config.site.author == "modelcard");
  CHECK(empty.config.site.base_url.empty());
  CHECK(empty.config.site.repository_url.empty());
  CHECK(empty.config.site.branch == "main");
  project::ProjectParseResult missing = project::LoadProjectConfig("/nonexistent/modelcard.yaml", false);
  CHECK(missing.ok());
  CHECK(missing.config.path.empty());
  project::ProjectParseResult required = project::LoadProjectConfig("/nonexistent/modelcard.yaml", true);
  REQUIRE(required.errors.size() == 1);
  CHECK(required.errors[0].ToString() == "/nonexistent/modelcard.yaml: cannot read file: No such file or directory");
}

TEST_CASE("project config: every site key is read") {
  project::ProjectParseResult r = project::ParseProjectText(
      "site:\n  author: Jane\n  base_url: https://models.example.com\n"
      "  repository_url: https://github.com/acme/cards/\n  branch: trunk\n  edit_text: Edit the spec\n",
      "modelcard.yaml");
  REQUIRE(r.ok());
  CHECK(r.config.site.author == "Jane");
  CHECK(project::CanonicalUrl(r.config.site, "gpt2") == "https://models.example.com/posts/gpt2/");
  CHECK(project::EditUrl(r.config.site, "specs/gpt2.yaml") ==
        "https://github.com/acme/cards/edit/trunk/specs/gpt2.yaml");
  CHECK(project::EditUrl(r.config.site, "./specs/gpt2.yaml") ==
        "https://github.com/acme/cards/edit/trunk/specs/gpt2.yaml");
  CHECK(project::EditUrl(r.config.site, "/tmp/gpt2.yaml").empty());  // not in the repository
  CHECK(project::EditUrl(r.config.site, "../x/gpt2.yaml").empty());
  CHECK(r.config.site.edit_text == "Edit the spec");
  CHECK(project::CanonicalUrl(project::SiteConfig{}, "gpt2").empty());
  CHECK(project::EditUrl(project::SiteConfig{}, "specs/gpt2.yaml").empty());
}

TEST_CASE("project config: problems are file:line:col diagnostics with hints") {
  project::ProjectParseResult r =
      project::ParseProjectText("site:\n  autor: Jane\n  base_url: example.org\n", "modelcard.yaml");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].ToString() == "modelcard.yaml:2:3: unknown key 'site.autor' (did you mean 'author'?)");
  CHECK(r.errors[1].ToString().rfind("modelcard.yaml:3:13: site.base_url must be an http(s) URL", 0) == 0);

  r = project::ParseProjectText("sites:\n  author: x\n", "p.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].ToString() == "p.yaml:1:1: unknown key 'sites' (did you mean 'site'?)");

  r = project::ParseProjectText("site: [a, b]\n", "p.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].ToString() == "p.yaml:1:7: 'site' must be a mapping");

  r = project::ParseProjectText("site:\n  author: {a: 1}\n", "p.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].ToString() == "p.yaml:2:11: site.author must be a string");

  r = project::ParseProjectText("site:\n  author: [unclosed\n", "p.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message.rfind("YAML syntax error", 0) == 0);

  r = project::ParseProjectText("site: {}\n---\nsite: {}\n", "p.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message == "modelcard.yaml holds one YAML document");
}

TEST_CASE("project config: outputs, templates, machine, devices, profile defaults and inject files") {
  project::ProjectParseResult r = project::ParseProjectText(
      "out: build/docs\ntemplates: my-templates\nmachine: gpu-runner\ndevices: [cpu, cuda]\n"
      "profile: {threads: 2, warmup: 1, min_iterations: 5, min_seconds: 0.5}\ninject: [README.md, docs/index.md]\n",
      "modelcard.yaml");
  REQUIRE(r.ok());
  CHECK(r.config.out == "build/docs");
  CHECK(r.config.templates == "my-templates");
  CHECK(r.config.machine == "gpu-runner");
  CHECK(r.config.devices == std::vector<std::string>{"cpu", "cuda"});
  CHECK(r.config.profile.threads == 2);
  CHECK(r.config.profile.warmup == 1);
  CHECK(r.config.profile.min_iterations == 5);
  CHECK(r.config.profile.min_seconds == doctest::Approx(0.5));
  CHECK(r.config.inject == std::vector<std::string>{"README.md", "docs/index.md"});
  project::ProjectParseResult defaults = project::ParseProjectText("site: {author: x}\n", "modelcard.yaml");
  REQUIRE(defaults.ok());
  CHECK(!defaults.config.profile.threads.has_value());
  CHECK(defaults.config.devices.empty());
}

TEST_CASE("project config: bad machine labels, devices and profile values are diagnostics") {
  auto first_error = [](const std::string& text) {
    project::ProjectParseResult r = project::ParseProjectText(text, "modelcard.yaml");
    REQUIRE(!r.ok());
    return r.errors.front().ToString();
  };
  CHECK(first_error("machine: GPU box\n") ==
        "modelcard.yaml:1:10: machine 'GPU box' must match [a-z0-9][a-z0-9._-]*; hint: e.g. machine: gpu-runner");
  CHECK(first_error("devices: [tpu]\n") ==
        "modelcard.yaml:1:10: unknown device 'tpu' in devices (expected one of: cpu, cuda)");
  CHECK(first_error("profile: {min_iterations: 0}\n") ==
        "modelcard.yaml:1:27: profile.min_iterations must be an integer >= 1");
  CHECK(first_error("profile: {thread: 2}\n").find("unknown key 'profile.thread'") != std::string::npos);
  CHECK(first_error("inject: README.md\n") == "modelcard.yaml:1:9: 'inject' must be a non-empty list of strings");
  CHECK(project::IsValidMachineLabel("ci-h100.2"));
  CHECK(!project::IsValidMachineLabel("-x"));
  CHECK(!project::IsValidMachineLabel("a/b"));
}
