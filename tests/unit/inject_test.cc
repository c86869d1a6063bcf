// Inject mode (publish/inject): regions are found with their lines, malformed files are
// reported with exact "path:line:" messages, and every byte outside the regions survives.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "generator/publish/atomic_write.h"
#include "generator/publish/inject.h"

using publish::FindInjectRegions;
using publish::InjectRegion;
using publish::InjectRegions;

namespace {

// Content keyed by "slug section"; anything else is an unknown section.
publish::InjectContentFn FromMap(std::map<std::string, std::string> sections) {
  return [sections](const InjectRegion& r, std::string* markdown) {
    auto it = sections.find(r.slug + " " + r.section);
    if (it == sections.end())
      return engine::Status::NotFound("unknown section '" + r.section + "' of model '" + r.slug + "'");
    *markdown = it->second;
    return engine::Status::OK();
  };
}

// The message of FindInjectRegions on `text`, "" when it succeeds.
std::string FindError(const std::string& text) {
  std::vector<InjectRegion> regions;
  engine::Status s = FindInjectRegions(text, "README.md", &regions);
  return s.ok() ? "" : s.ToString();
}

std::string Inject(const std::string& text, const std::map<std::string, std::string>& sections) {
  std::string out;
  engine::Status s = InjectRegions(text, "README.md", FromMap(sections), &out);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

}  // namespace

TEST_CASE("inject: regions are found in order with their slug, section and lines") {
  const std::string text =
      "# My project\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "old\n"
      "<!-- END MODELCARD -->\n"
      "\n"
      "  \t<!--   BEGIN MODELCARD   llama   memory   -->  \n"
      "<!-- END MODELCARD -->\n";
  std::vector<InjectRegion> regions;
  REQUIRE(FindInjectRegions(text, "README.md", &regions).ok());
  REQUIRE(regions.size() == 2);
  CHECK(regions[0].slug == "gpt2");
  CHECK(regions[0].section == "parameters");
  CHECK(regions[0].begin_line == 2);
  CHECK(regions[0].end_line == 4);
  CHECK(regions[1].slug == "llama");
  CHECK(regions[1].section == "memory");
  CHECK(regions[1].begin_line == 6);
  CHECK(regions[1].end_line == 7);
}

TEST_CASE("inject: a marker that is not the whole line, or in another case, is plain text") {
  const std::string text =
      "See <!-- BEGIN MODELCARD gpt2 parameters --> inline.\n"
      "<!-- begin modelcard gpt2 parameters -->\n"
      "<!-- END MODELCARD --> trailing\n"
      "<!-- BEGINMODELCARD gpt2 parameters -->\n";
  std::vector<InjectRegion> regions;
  CHECK(FindInjectRegions(text, "README.md", &regions).ok());
  CHECK(regions.empty());
}

TEST_CASE("inject: a BEGIN without an END before the end of the file") {
  CHECK(FindError("intro\n\n<!-- BEGIN MODELCARD gpt2 parameters -->\nold\n") ==
        "invalid argument: README.md:3: no END MODELCARD for the BEGIN at line 3 "
        "(add <!-- END MODELCARD --> on its own line after the region)");
}

TEST_CASE("inject: a code fence left open inside a region hides its END, and the hint says so") {
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n"
                  "```yaml\n"
                  "n_layer: 12\n"
                  "<!-- END MODELCARD -->\n") ==
        "invalid argument: README.md:1: no END MODELCARD for the BEGIN at line 1 "
        "(the code fence opened at line 2 is never closed, so markers after it are not recognised)");
}

TEST_CASE("inject: a BEGIN without an END before the next BEGIN (regions cannot nest)") {
  const std::string expected =
      "invalid argument: README.md:1: no END MODELCARD for the BEGIN at line 1 before the next "
      "BEGIN at line 3 (regions cannot nest; end each one with <!-- END MODELCARD -->)";
  // A forgotten END ...
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n"
                  "old\n"
                  "<!-- BEGIN MODELCARD gpt2 memory -->\n"
                  "<!-- END MODELCARD -->\n") == expected);
  // ... and an attempt at nesting are the same mistake.
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n"
                  "\n"
                  "<!-- BEGIN MODELCARD gpt2 memory -->\n"
                  "<!-- END MODELCARD -->\n"
                  "<!-- END MODELCARD -->\n") == expected);
}

TEST_CASE("inject: an END without a BEGIN") {
  const std::string expected =
      "invalid argument: README.md:2: END MODELCARD without a matching BEGIN (a region is "
      "<!-- BEGIN MODELCARD <slug> <section> --> ... <!-- END MODELCARD -->)";
  CHECK(FindError("text\n<!-- END MODELCARD -->\n") == expected);
  // A second END after a closed region.
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\n"
                  "<!-- END MODELCARD -->\n") ==
        "invalid argument: README.md:3: END MODELCARD without a matching BEGIN (a region is "
        "<!-- BEGIN MODELCARD <slug> <section> --> ... <!-- END MODELCARD -->)");
}

TEST_CASE("inject: a malformed BEGIN names the expected syntax and what is wrong") {
  const std::string expected =
      "invalid argument: README.md:1: expected <!-- BEGIN MODELCARD <slug> <section> -->, got ";
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 -->\n<!-- END MODELCARD -->\n") ==
        expected + "'<!-- BEGIN MODELCARD gpt2 -->' (missing the section)");
  CHECK(FindError("  <!-- BEGIN MODELCARD -->\n") ==
        expected + "'<!-- BEGIN MODELCARD -->' (missing the slug and the section)");
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters table -->\n") ==
        expected + "'<!-- BEGIN MODELCARD gpt2 parameters table -->' (extra words after the section)");
}

TEST_CASE("inject: a malformed END") {
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD gpt2 parameters -->\n") ==
        "invalid argument: README.md:2: expected <!-- END MODELCARD -->, got "
        "'<!-- END MODELCARD gpt2 parameters -->' (END takes no slug or section)");
}

TEST_CASE("inject: markers inside fenced code blocks are documentation, not regions") {
  const std::string text =
      "Put this in your README:\n"
      "\n"
      "```markdown\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "<!-- END MODELCARD -->\n"
      "```\n"
      "\n"
      "~~~~\n"
      "<!-- END MODELCARD -->\n"
      "~~~~ not a closing fence: text after it\n"
      "~~~\n"
      "still code: the opening fence had four tildes\n"
      "~~~~\n"
      "  - in a list:\n"
      "    ```\n"
      "    <!-- BEGIN MODELCARD -->\n"
      "    ```\n"
      "<!-- BEGIN MODELCARD gpt2 memory -->\n"
      "<!-- END MODELCARD -->\n";
  std::vector<InjectRegion> regions;
  engine::Status s = FindInjectRegions(text, "README.md", &regions);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  REQUIRE(regions.size() == 1);
  CHECK(regions[0].section == "memory");
  CHECK(regions[0].begin_line == 18);

  // The fenced example is left alone by InjectRegions too.
  const std::string out = Inject(text, {{"gpt2 memory", "| Memory | 1 GiB |\n"}});
  CHECK(out == text.substr(0, text.size() - std::string("<!-- END MODELCARD -->\n").size()) +
                   "| Memory | 1 GiB |\n<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: content replaces the region; every other byte and the markers stay") {
  const std::string before =
      "# Project\n"
      "\n"
      "Hand-written intro.  \n"
      "<!-- BEGIN MODELCARD gpt2 parameters --> \n"
      "stale table\n"
      "stale line 2\n"
      "\t<!-- END MODELCARD -->\n"
      "Hand-written outro.\n";
  const std::string after =
      "# Project\n"
      "\n"
      "Hand-written intro.  \n"
      "<!-- BEGIN MODELCARD gpt2 parameters --> \n"
      "| Model | Parameters |\n"
      "| --- | ---: |\n"
      "| small | 124,439,808 |\n"
      "\t<!-- END MODELCARD -->\n"
      "Hand-written outro.\n";
  const std::map<std::string, std::string> sections = {
      {"gpt2 parameters", "| Model | Parameters |\n| --- | ---: |\n| small | 124,439,808 |\n"}};
  CHECK(Inject(before, sections) == after);
  // Idempotent: a second run changes nothing.
  CHECK(Inject(after, sections) == after);
}

TEST_CASE("inject: two regions, including the same section twice, are all filled") {
  const std::string text =
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "<!-- END MODELCARD -->\n"
      "middle\n"
      "<!-- BEGIN MODELCARD llama memory -->\n"
      "x\n"
      "<!-- END MODELCARD -->\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
      "<!-- END MODELCARD -->\n";
  const std::string out = Inject(text, {{"gpt2 parameters", "P\n"}, {"llama memory", "M\n"}});
  CHECK(out ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
        "P\n"
        "<!-- END MODELCARD -->\n"
        "middle\n"
        "<!-- BEGIN MODELCARD llama memory -->\n"
        "M\n"
        "<!-- END MODELCARD -->\n"
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n"
        "P\n"
        "<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: content without a final newline gets one; empty content leaves the markers adjacent") {
  const std::string text = "<!-- BEGIN MODELCARD gpt2 parameters -->\nold\n<!-- END MODELCARD -->\n";
  CHECK(Inject(text, {{"gpt2 parameters", "one line"}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\none line\n<!-- END MODELCARD -->\n");
  CHECK(Inject(text, {{"gpt2 parameters", ""}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: a file without a final newline keeps it missing") {
  const std::string text = "intro\n<!-- BEGIN MODELCARD gpt2 parameters -->\nold\n<!-- END MODELCARD -->";
  const std::string expected = "intro\n<!-- BEGIN MODELCARD gpt2 parameters -->\nnew\n<!-- END MODELCARD -->";
  CHECK(Inject(text, {{"gpt2 parameters", "new\n"}}) == expected);
  CHECK(Inject(expected, {{"gpt2 parameters", "new\n"}}) == expected);

  const std::string trailing = "<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\nlast words";
  CHECK(Inject(trailing, {{"gpt2 parameters", "new"}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\nnew\n<!-- END MODELCARD -->\nlast words");
}

TEST_CASE("inject: a CRLF file stays CRLF, the content included") {
  const std::string text =
      "# Project\r\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\r\n"
      "old\r\n"
      "<!-- END MODELCARD -->\r\n"
      "outro\r\n";
  const std::string expected =
      "# Project\r\n"
      "<!-- BEGIN MODELCARD gpt2 parameters -->\r\n"
      "| a |\r\n"
      "| - |\r\n"
      "<!-- END MODELCARD -->\r\n"
      "outro\r\n";
  CHECK(Inject(text, {{"gpt2 parameters", "| a |\n| - |\n"}}) == expected);
  // Content that already has "\r\n" is not doubled, and a second run is byte-identical.
  CHECK(Inject(text, {{"gpt2 parameters", "| a |\r\n| - |"}}) == expected);
  CHECK(Inject(expected, {{"gpt2 parameters", "| a |\n| - |\n"}}) == expected);
}

TEST_CASE("inject: an error of the content callback gets the region's location and keeps its kind") {
  const std::string text = "x\n<!-- BEGIN MODELCARD gpt2 latency -->\n<!-- END MODELCARD -->\n";
  std::string out = "untouched";
  engine::Status s = InjectRegions(text, "README.md", FromMap({}), &out);
  CHECK(s.ToString() == "not found: README.md:2: unknown section 'latency' of model 'gpt2'");
  CHECK(out == "untouched");
}

TEST_CASE("inject: errors in the file leave the output untouched") {
  std::string out = "untouched";
  engine::Status s = InjectRegions("<!-- END MODELCARD -->\n", "README.md", FromMap({}), &out);
  CHECK_FALSE(s.ok());
  CHECK(out == "untouched");
}

TEST_CASE("inject: content that would break the file on the next run is refused") {
  const std::string text = "<!-- BEGIN MODELCARD gpt2 parameters -->\n<!-- END MODELCARD -->\n";
  std::string out = "untouched";
  engine::Status s =
      InjectRegions(text, "README.md", FromMap({{"gpt2 parameters", "a\n<!-- END MODELCARD -->\n"}}), &out);
  CHECK(s.ToString() ==
        "invalid argument: README.md:1: the content for gpt2 parameters has a MODELCARD marker on "
        "its line 2, which would break the region on the next run (show marker syntax inside a code fence)");
  s = InjectRegions(text, "README.md", FromMap({{"gpt2 parameters", "a\n```\ncode\n"}}), &out);
  CHECK(s.ToString() ==
        "invalid argument: README.md:1: the content for gpt2 parameters opens a code fence on its "
        "line 2 and never closes it, which would hide the END marker");
  CHECK(out == "untouched");

  // Marker syntax inside a closed fence is fine.
  const std::string fenced = "```\n<!-- END MODELCARD -->\n```\n";
  CHECK(Inject(text, {{"gpt2 parameters", fenced}}) ==
        "<!-- BEGIN MODELCARD gpt2 parameters -->\n" + fenced + "<!-- END MODELCARD -->\n");
}

TEST_CASE("inject: a file without regions comes back unchanged") {
  const std::string text = "# Just text\r\n\r\nno markers";
  CHECK(Inject(text, {}) == text);
  CHECK(Inject("", {}) == "");
}

// ---- issue 14: BOM, section names, and writing back without changing what the file is -----------

TEST_CASE("inject: a UTF-8 BOM at the start of the file is kept and does not hide a marker on line 1") {
  const std::string bom = "\xEF\xBB\xBF";
  const std::string text = bom + "<!-- BEGIN MODELCARD gpt2 parameters -->\nold\n<!-- END MODELCARD -->\ntail\n";
  std::vector<InjectRegion> regions;
  REQUIRE(FindInjectRegions(text, "README.md", &regions).ok());
  REQUIRE(regions.size() == 1);
  CHECK(regions[0].begin_line == 1);
  CHECK(regions[0].end_line == 3);
  CHECK(Inject(text, {{"gpt2 parameters", "new"}}) ==
        bom + "<!-- BEGIN MODELCARD gpt2 parameters -->\nnew\n<!-- END MODELCARD -->\ntail\n");
  // A BOM anywhere else is text: the marker after it is not the whole line.
  CHECK(FindError("x\n" + bom + "<!-- END MODELCARD -->\n").empty());
}

TEST_CASE("inject: a slug or section that is not a plain name is a malformed BEGIN, never a path") {
  const std::string expected =
      "invalid argument: README.md:1: expected <!-- BEGIN MODELCARD <slug> <section> -->, got ";
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 ../model-specification -->\n<!-- END MODELCARD -->\n") ==
        expected +
            "'<!-- BEGIN MODELCARD gpt2 ../model-specification -->' (the section '../model-specification' "
            "is not a name: lowercase letters, digits, '-' and '_')");
  CHECK(FindError("<!-- BEGIN MODELCARD ../gpt2 parameters -->\n<!-- END MODELCARD -->\n") ==
        expected +
            "'<!-- BEGIN MODELCARD ../gpt2 parameters -->' (the slug '../gpt2' is not a name: lowercase "
            "letters, digits, '-' and '_')");
  CHECK(FindError("<!-- BEGIN MODELCARD gpt2 Parameters -->\n<!-- END MODELCARD -->\n") != "");
  CHECK(FindError("<!-- BEGIN MODELCARD gpt-2 key_facts -->\n<!-- END MODELCARD -->\n") == "");
}

namespace {

namespace fs = std::filesystem;

struct InjectTempDir {
  fs::path path;
  InjectTempDir() {
    char tmpl[] = "/tmp/modelcard-inject-XXXXXX";
    path = fs::canonical(mkdtemp(tmpl));
  }
  ~InjectTempDir() { fs::remove_all(path); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every name in `dir`, sorted (to see that no temporary file is left behind).
std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("inject: ListInjectSections lists the plain-named templates of templates/inject, sorted") {
  std::vector<std::string> sections;
  REQUIRE(publish::ListInjectSections(std::string(MODELCARD_SOURCE_DIR_FOR_TESTS) + "/templates", &sections).ok());
  CHECK(sections == std::vector<std::string>{"benchmarks", "parameters", "summary"});
  InjectTempDir dir;
  fs::create_directories(dir.path / "inject");
  dir.Write("inject/ok.mustache", "x");
  dir.Write("inject/Bad Name.mustache", "x");
  dir.Write("inject/notes.txt", "x");
  fs::create_directory_symlink("..", dir.path / "inject" / "up.mustache");  // not a regular file
  fs::create_symlink("loop.mustache", dir.path / "inject" / "loop.mustache");
  sections.clear();
  REQUIRE(publish::ListInjectSections(dir.path.string(), &sections).ok());
  CHECK(sections == std::vector<std::string>{"ok"});
  sections.clear();
  CHECK(publish::ListInjectSections((dir.path / "missing").string(), &sections).ok());
  CHECK(sections.empty());
}

TEST_CASE("inject: writing back keeps the file's mode, and leaves no temporary file") {
  InjectTempDir dir;
  const std::string file = dir.Write("README.md", "old\n");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);  // 0600
  std::string target;
  REQUIRE(publish::ResolveInjectTarget(file, dir.path.string(), &target).ok());
  CHECK(target == file);
  REQUIRE(publish::WriteInjectedFile(target, "new\n").ok());
  CHECK(ReadAll(file) == "new\n");
  CHECK((fs::status(file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(Names(dir.path) == std::vector<std::string>{"README.md"});
  // A group-readable, executable file keeps exactly that too (0750).
  fs::permissions(file, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  REQUIRE(publish::WriteInjectedFile(target, "newer\n").ok());
  CHECK((fs::status(file).permissions() & fs::perms::all) ==
        (fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec));
}

TEST_CASE("inject: a symlink is written through to its target inside the tree, and stays a symlink") {
  InjectTempDir dir;
  fs::create_directories(dir.path / "docs");
  const std::string real = dir.Write("docs/real.md", "old\n");
  fs::create_symlink("docs/real.md", dir.path / "README.md");
  std::string target;
  REQUIRE(publish::ResolveInjectTarget((dir.path / "README.md").string(), dir.path.string(), &target).ok());
  CHECK(target == real);
  REQUIRE(publish::WriteInjectedFile(target, "new\n").ok());
  CHECK(fs::is_symlink(dir.path / "README.md"));
  CHECK(fs::read_symlink(dir.path / "README.md") == "docs/real.md");
  CHECK(ReadAll(real) == "new\n");
  CHECK(Names(dir.path / "docs") == std::vector<std::string>{"real.md"});
}

TEST_CASE("inject: a symlink to a file outside the tree, a dangling one and a loop are refused") {
  InjectTempDir outside;
  const std::string secret = outside.Write("secret.md", "keep\n");
  InjectTempDir dir;
  fs::create_symlink(secret, dir.path / "README.md");
  std::string target;
  engine::Status s = publish::ResolveInjectTarget((dir.path / "README.md").string(), dir.path.string(), &target);
  CHECK(s.ToString() == "invalid argument: " + (dir.path / "README.md").string() + ": is a symlink to " + secret +
                            ", outside the output root " + dir.path.string() +
                            "; inject writes only inside it (hint: inject the target itself, or run from a "
                            "directory that contains it)");
  CHECK(target.empty());
  CHECK(ReadAll(secret) == "keep\n");
  fs::create_symlink("nowhere.md", dir.path / "dangling.md");
  s = publish::ResolveInjectTarget((dir.path / "dangling.md").string(), dir.path.string(), &target);
  CHECK(s.message().find("is a symlink whose target cannot be resolved (No such file or directory)") !=
        std::string::npos);
  fs::create_symlink("loop.md", dir.path / "loop.md");
  s = publish::ResolveInjectTarget((dir.path / "loop.md").string(), dir.path.string(), &target);
  CHECK(s.message().find("Too many levels of symbolic links") != std::string::npos);
  CHECK(publish::ResolveInjectTarget((dir.path / "none.md").string(), dir.path.string(), &target).ToString() ==
        "not found: " + (dir.path / "none.md").string() + ": no such file");
}

TEST_CASE("inject: a file with several hard links is written in place, and every link sees the new text") {
  InjectTempDir dir;
  const std::string file = dir.Write("README.md", "old text, longer than the new one\n");
  fs::create_hard_link(file, dir.path / "copy.md");
  fs::permissions(file, fs::perms(0640));
  std::string target;
  REQUIRE(publish::ResolveInjectTarget(file, dir.path.string(), &target).ok());
  CHECK(target == file);
  REQUIRE(publish::WriteInjectedFile(file, "new\n").ok());
  CHECK(ReadAll(file) == "new\n");
  CHECK(ReadAll((dir.path / "copy.md").string()) == "new\n");
  CHECK(fs::hard_link_count(file) == 2);
  CHECK((fs::status(file).permissions() & fs::perms::all) == fs::perms(0640));
  REQUIRE(publish::WriteInjectedFile(file, std::string(10000, 'x') + "\n").ok());  // longer than before
  CHECK(ReadAll((dir.path / "copy.md").string()) == std::string(10000, 'x') + "\n");
  // Nothing left beside it: the staged copy of the old text is removed once the file is flushed.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"README.md", "copy.md"});
}

TEST_CASE("inject: the old text an interrupted in-place write leaves is reported, never swept") {
  InjectTempDir dir;
  const std::string old_copy = dir.Write(".README.md.modelcard-old.999999.0", "the old text\n");
  CHECK(publish::IsOldTextCopy(old_copy));
  CHECK(!publish::IsOldTextCopy((dir.path / ".README.md.modelcard-tmp.999999.0").string()));
  const std::vector<std::string> found = publish::FindTemporaryFiles(dir.path.string(), {dir.path.string()}, true);
  CHECK(found == std::vector<std::string>{old_copy});
  CHECK(publish::SweepStaleTemporaries(dir.path.string(), {dir.path.string()}).empty());
  CHECK(ReadAll(old_copy) == "the old text\n");
}

TEST_CASE("inject: a directory or a FIFO is not a file inject writes") {
  InjectTempDir dir;
  fs::create_directory(dir.path / "README.md");
  std::string target;
  CHECK(publish::ResolveInjectTarget((dir.path / "README.md").string(), dir.path.string(), &target).ToString() ==
        "invalid argument: " + (dir.path / "README.md").string() +
            ": is a directory; inject fills Markdown files only");
  REQUIRE(mkfifo((dir.path / "fifo.md").c_str(), 0600) == 0);
  CHECK(publish::ResolveInjectTarget((dir.path / "fifo.md").string(), dir.path.string(), &target).ToString() ==
        "invalid argument: " + (dir.path / "fifo.md").string() + ": is a FIFO; inject fills Markdown files only");
}
