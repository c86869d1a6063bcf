// Markdown checks run on every rendered document before it is written: tables must parse
// as GFM tables (cmark-gfm) with the header's cell count in every row, and no placeholder
// text from the seeds or unrendered mustache may be left.
#pragma once

#include <string>
#include <vector>

namespace render {

// Problems found in `markdown`, in line order, each starting "line N: ". Empty when clean.
//  - a line starting with '|' (outside code) that cmark-gfm did not parse into a table;
//  - a table row whose raw cell count differs from the header's (an escaped '\|' is text);
//  - seed placeholder text outside code: [Model Name], [ModelName], [model_name], XX (any
//    run of X's), XB, XK, SizeX, "Description of", "e.g.,", "Brief description", "<!--",
//    and unrendered mustache "{{" / "}}"; inside code blocks only "{{", "}}", [ModelName].
std::vector<std::string> CheckMarkdown(const std::string& markdown);

// Number of cells in one raw GFM table row: "| a | b \| c |" -> 2.
int CountTableCells(const std::string& row);

}  // namespace render
