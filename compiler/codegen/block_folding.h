// Folds runs of repeated blocks of generated code into loops.
//
// A stream's steady state repeats: stripe after stripe, the same kernel
// calls on rows further down, the same window shifts. Printed straight, a
// stream's source grows with the map's height. Here a run of consecutive
// blocks whose text is the same but for integer literals, each literal
// moving by the same step from block to block, becomes one loop whose body
// is the first block with those literals written `(first + step * i)`.
// Evaluating the loop body at i reproduces block i's text literally, so the
// folded code runs exactly the calls the unfolded code runs.
//
// A block just before such a run that is the run's block one before its
// first but for some left-out statements (a stream's first full stripe,
// where the deepest window is still filling and is not shifted yet) joins
// the loop as its first turn: the statements it lacks are guarded with
// `if (counter > 0)`. Statements are the pieces of a block between blank
// lines.
#pragma once

#include <string>
#include <vector>

namespace tessel {

struct CodeBlock {
  std::string heading; // a comment line, without "//" (kept when not folded)
  std::string code;    // whole lines, indented
};

// The blocks' code, in order, with every run of at least three foldable
// blocks as one `for` loop over `counter`. Literals inside `//` comments
// must match exactly for blocks to fold.
std::string foldRepeatedBlocks(const std::vector<CodeBlock> &blocks, const std::string &indent,
                               const std::string &counter);

} // namespace tessel
