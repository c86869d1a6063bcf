// A unified diff of two texts, line by line (what `diff -u` prints), to show how a generated
// document differs from the file on disk. Only produces diffs; it does not apply them.
#pragma once

#include <string>

namespace publish {

// The unified diff turning `old_text` into `new_text`; "" when they are equal.
//   --- <old_name>
//   +++ <new_name>
//   @@ -<old start>,<old count> +<new start>,<new count> @@
//    context line
//   -removed line
//   +added line
// Hunks carry `context` unchanged lines on each side (Default: 3; a negative value counts as
// 0), and two changes at most 2 * context lines apart share a hunk. A count of 1 is left out
// ("@@ -5 +5 @@"), and an empty range starts at the line before it ("@@ -0,0 +1 @@"), as GNU
// diff and git print them. Lines are compared with their endings, so "\r\n" against "\n"
// differs; a last line without a newline is followed by "\ No newline at end of file".
// The changed lines are a shortest edit script (Myers' O(ND) algorithm, linear space), so
// documents of a few thousand lines diff in milliseconds.
std::string UnifiedDiff(const std::string& old_text, const std::string& new_text, const std::string& old_name,
                        const std::string& new_name, int context = 3);

}  // namespace publish
