#include "codegen/block_folding.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>

namespace tessel {
namespace {

// A block's text split into what must match exactly (`skeleton`, with a
// '#' where each literal was) and its integer literals, in order.
struct Tokens {
  std::string skeleton;
  std::vector<int64_t> literals;
  bool usable = true; // false if a literal did not fit in 18 digits
};

bool partOfWordOrFloat(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Integer literals are digit runs standing alone: not inside identifiers
// (t12, kLayer3) or floating literals (0.1f, 1e-05f), and not in comments.
Tokens tokenize(const std::string &code) {
  Tokens t;
  bool comment = false;
  for (size_t i = 0; i < code.size();) {
    const char c = code[i];
    if (c == '\n')
      comment = false;
    else if (c == '/' && i + 1 < code.size() && code[i + 1] == '/')
      comment = true;
    const bool standsAlone =
        std::isdigit(static_cast<unsigned char>(c)) && (i == 0 || !partOfWordOrFloat(code[i - 1]));
    if (comment || !standsAlone) {
      t.skeleton += c;
      ++i;
      continue;
    }
    size_t end = i;
    while (end < code.size() && std::isdigit(static_cast<unsigned char>(code[end])))
      ++end;
    if ((end < code.size() && partOfWordOrFloat(code[end])) || end - i > 18) {
      t.usable = t.usable && end - i <= 18;
      t.skeleton.append(code, i, end - i);
    } else {
      t.skeleton += '#';
      t.literals.push_back(std::stoll(code.substr(i, end - i)));
    }
    i = end;
  }
  return t;
}

// Whether block b continues the run that starts at `first` with steps `steps`
// (literal by literal), as its `index`-th block.
bool continuesRun(const Tokens &first, const std::vector<int64_t> &steps, const Tokens &b,
                  int64_t index) {
  if (!b.usable || b.skeleton != first.skeleton)
    return false;
  for (size_t k = 0; k < steps.size(); ++k)
    if (b.literals[k] != first.literals[k] + steps[k] * index)
      return false;
  return true;
}

std::string affineText(int64_t base, int64_t step, const std::string &counter) {
  if (step == 0)
    return std::to_string(base);
  const std::string times =
      std::abs(step) == 1 ? counter : fmt::format("{} * {}", std::abs(step), counter);
  if (base == 0 && step > 0)
    return fmt::format("({})", times);
  return fmt::format("({} {} {})", base, step > 0 ? '+' : '-', times);
}

// The first block's text with each literal replaced by its affine form.
std::string loopBody(const Tokens &first, const std::vector<int64_t> &steps,
                     const std::string &counter) {
  std::string body;
  size_t literal = 0;
  for (char c : first.skeleton) {
    if (c == '#') {
      body += affineText(first.literals[literal], steps[literal], counter);
      ++literal;
    } else {
      body += c;
    }
  }
  return body;
}

std::string indented(const std::string &code, const std::string &by) {
  std::string out;
  size_t start = 0;
  while (start < code.size()) {
    size_t end = code.find('\n', start);
    end = end == std::string::npos ? code.size() : end + 1;
    const std::string line = code.substr(start, end - start);
    out += (line == "\n" ? "" : by) + line;
    start = end;
  }
  return out;
}

} // namespace

std::string foldRepeatedBlocks(const std::vector<CodeBlock> &blocks, const std::string &indent,
                               const std::string &counter) {
  std::vector<Tokens> tokens;
  tokens.reserve(blocks.size());
  for (const CodeBlock &block : blocks)
    tokens.push_back(tokenize(block.code));
  std::string code;
  for (size_t i = 0; i < blocks.size();) {
    size_t end = i + 1;
    std::vector<int64_t> steps;
    if (i + 1 < blocks.size() && tokens[i].usable && tokens[i + 1].usable &&
        tokens[i].skeleton == tokens[i + 1].skeleton) {
      for (size_t k = 0; k < tokens[i].literals.size(); ++k)
        steps.push_back(tokens[i + 1].literals[k] - tokens[i].literals[k]);
      while (end < blocks.size() && continuesRun(tokens[i], steps, tokens[end], int64_t(end - i)))
        ++end;
    }
    if (end - i < 3) { // too short to pay for a loop: print the block as it is
      code += fmt::format("\n{}// ---- {}\n{}", indent, blocks[i].heading, blocks[i].code);
      ++i;
      continue;
    }
    code +=
        fmt::format("\n{}// ---- {} blocks, {} = 0 to {}: the first is \"{}\", the last \"{}\"\n"
                    "{}for (int {} = 0; {} < {}; ++{}) {{\n{}{}}}\n",
                    indent, end - i, counter, end - i - 1, blocks[i].heading,
                    blocks[end - 1].heading, indent, counter, counter, end - i, counter,
                    indented(loopBody(tokens[i], steps, counter), "  "), indent);
    i = end;
  }
  return code;
}

} // namespace tessel
