// Markdown checks: a good document passes; broken tables and leftover placeholders are
// reported with their line numbers.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "generator/render/markdown_check.h"

using render::CheckMarkdown;
using Problems = std::vector<std::string>;

TEST_CASE("a well-formed document has no problems") {
  const std::string doc =
      "# GPT-2 Model Documentation\n"
      "\n"
      "| Model | Parameters | Note |\n"
      "| --- | ---: | --- |\n"
      "| small | 124,439,808 | `a \\| b` piped |\n"
      "| medium | 354,823,168 | |\n"
      "\n"
      "```yaml\n"
      "| not a table inside code |\n"
      "XX e.g., Description of\n"
      "```\n"
      "\n"
      "- a list\n"
      "\n"
      "  | x | y |\n"
      "  |---|---|\n"
      "  | 1 | 2 |\n";
  CHECK(CheckMarkdown(doc) == Problems{});
}

TEST_CASE("a row with a missing cell is reported with its line") {
  const std::string doc =
      "Intro\n"
      "\n"
      "| Model | Parameters | Layers |\n"
      "| --- | --- | --- |\n"
      "| small | 124M | 12 |\n"
      "| medium | 355M |\n";
  CHECK(CheckMarkdown(doc) == Problems{"line 6: table row has 2 cells, the header has 3"});
}

TEST_CASE("text swallowed into a table (no blank line after it) is reported") {
  const std::string doc =
      "| a | b |\n"
      "| --- | --- |\n"
      "| 1 | 2 |\n"
      "Next paragraph\n";
  CHECK(CheckMarkdown(doc) == Problems{"line 4: table row has 1 cell, the header has 2"});
}

TEST_CASE("rows without a delimiter row are not a table") {
  const std::string doc =
      "Text\n"
      "\n"
      "| Model | Parameters |\n"
      "| small | 124M |\n";
  const std::string why =
      ": looks like a table row but is not in a table (a table needs a header row, then a "
      "delimiter row such as '| --- |' with the same number of cells)";
  CHECK(CheckMarkdown(doc) == Problems{"line 3" + why, "line 4" + why});

  // A delimiter row with the wrong number of cells does not make a table either.
  const std::string short_delimiter = "| a | b | c |\n| --- | --- |\n";
  CHECK(CheckMarkdown(short_delimiter) == Problems{"line 1" + why, "line 2" + why});
}

TEST_CASE("leftover seed placeholders are reported") {
  CHECK(CheckMarkdown("# [ModelName] Model Documentation\n") == Problems{"line 1: leftover placeholder '[ModelName]'"});
  CHECK(CheckMarkdown("Fine\n\n| Size | Params |\n| --- | --- |\n| SizeX | XB |\n") ==
        Problems{"line 5: leftover placeholder 'SizeX'"});
  CHECK(CheckMarkdown("Layers: XX\n") == Problems{"line 1: leftover placeholder 'XX'"});
  CHECK(CheckMarkdown("Dim XXXX\n") == Problems{"line 1: leftover placeholder 'XXXX'"});
  CHECK(CheckMarkdown("Size: XB\n") == Problems{"line 1: leftover placeholder 'XB'"});
  CHECK(CheckMarkdown("*Brief description of the model.*\n") ==
        Problems{"line 1: leftover placeholder 'Brief description'"});
  CHECK(CheckMarkdown("Format: e.g., Plain text\n") == Problems{"line 1: leftover placeholder 'e.g.,'"});
  CHECK(CheckMarkdown("<!-- fill me -->\n") == Problems{"line 1: leftover placeholder '<!--'"});
  CHECK(CheckMarkdown("ok\n\nHello {{name}}\n") ==
        Problems{"line 3: leftover placeholder '{{'", "line 3: leftover placeholder '}}'"});
  // Words that merely contain X are not placeholders.
  CHECK(CheckMarkdown("XLNet, MaXX, X, GPT-2 XL and 0x1F\n") == Problems{});
}

TEST_CASE("inside code only mustache tags and [ModelName] are placeholders") {
  CHECK(CheckMarkdown("```\nXX e.g., <!-- x -->\n```\n") == Problems{});
  CHECK(CheckMarkdown("```python\nload_[ModelName]()\nx = {{y}}\n```\n") ==
        Problems{"line 2: leftover placeholder '[ModelName]'", "line 3: leftover placeholder '{{'",
                 "line 3: leftover placeholder '}}'"});
}

TEST_CASE("table cells are counted like GFM does") {
  CHECK(render::CountTableCells("| a | b |") == 2);
  CHECK(render::CountTableCells("a | b") == 2);
  CHECK(render::CountTableCells("| a \\| b | c |") == 2);
  CHECK(render::CountTableCells("| a \\\\| b |") == 2);  // escaped backslash, real pipe
  CHECK(render::CountTableCells("|  |  |  |") == 3);
  CHECK(render::CountTableCells("| --- | :---: |") == 2);
}
