#include "codegen/block_folding.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <optional>

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

// The skeleton with its literals written `(base + step * counter)`, or as
// plain numbers `base + step * at` when `at` is given.
std::string fillSkeleton(const Tokens &first, const std::vector<int64_t> &base,
                         const std::vector<int64_t> &steps, const std::string &counter,
                         std::optional<int64_t> at = std::nullopt) {
  std::string text;
  size_t literal = 0;
  for (char c : first.skeleton) {
    if (c != '#') {
      text += c;
      continue;
    }
    const int64_t b = base[literal], step = steps[literal];
    text += at ? std::to_string(b + step * *at) : affineText(b, step, counter);
    ++literal;
  }
  return text;
}

// A block's statements: its code cut before each blank line, so that they
// add up to the code and every statement but the first starts with "\n".
std::vector<std::string> statements(const std::string &code) {
  std::vector<std::string> cut;
  size_t start = 0;
  for (size_t i = 1; i < code.size(); ++i)
    if (code[i] == '\n' && code[i - 1] == '\n' && i - 1 > start) {
      cut.push_back(code.substr(start, i - start));
      start = i;
    }
  cut.push_back(code.substr(start));
  return cut;
}

// The run of blocks starting at `first`: where it ends and each literal's
// step from block to block.
struct Run {
  size_t end = 0;
  std::vector<int64_t> steps;
};

Run runFrom(const std::vector<Tokens> &tokens, size_t first) {
  Run run{first + 1, {}};
  if (first + 1 >= tokens.size() || !tokens[first].usable || !tokens[first + 1].usable ||
      tokens[first].skeleton != tokens[first + 1].skeleton)
    return run;
  for (size_t k = 0; k < tokens[first].literals.size(); ++k)
    run.steps.push_back(tokens[first + 1].literals[k] - tokens[first].literals[k]);
  while (run.end < tokens.size() &&
         continuesRun(tokens[first], run.steps, tokens[run.end], int64_t(run.end - first)))
    ++run.end;
  return run;
}

// Whether `code` is the run's block one before its first, with some of its
// statements left out (e.g. a stream's window that only starts to roll in
// the next stripe): which statements, or nothing if it is not.
std::optional<std::vector<bool>> leadsRunWithout(const Tokens &first, const Run &run,
                                                 const std::string &code) {
  const std::vector<std::string> before =
      statements(fillSkeleton(first, first.literals, run.steps, "", int64_t(-1)));
  const std::vector<std::string> present = statements(code);
  std::vector<bool> absent(before.size(), true);
  size_t next = 0;
  for (size_t k = 0; k < before.size() && next < present.size(); ++k)
    if (before[k] == present[next]) {
      absent[k] = false;
      ++next;
    }
  if (next < present.size())
    return std::nullopt;
  return absent;
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
  auto loop = [&](size_t from, size_t end, const std::string &body) {
    return fmt::format("\n{}// ---- {} blocks, {} = 0 to {}: the first is \"{}\", the last \"{}\"\n"
                       "{}for (int {} = 0; {} < {}; ++{}) {{\n{}{}}}\n",
                       indent, end - from, counter, end - from - 1, blocks[from].heading,
                       blocks[end - 1].heading, indent, counter, counter, end - from, counter,
                       indented(body, "  "), indent);
  };
  std::string code;
  for (size_t i = 0; i < blocks.size();) {
    const Run run = runFrom(tokens, i);
    if (run.end - i >= 3) {
      code += loop(i, run.end, fillSkeleton(tokens[i], tokens[i].literals, run.steps, counter));
      i = run.end;
      continue;
    }
    // Too short to pay for a loop, unless the block leads the run after it
    // but for some statements, which the loop then skips in its first turn.
    const Run next = i + 1 < blocks.size() ? runFrom(tokens, i + 1) : Run{};
    const std::optional<std::vector<bool>> absent =
        next.end >= i + 4 && tokens[i].usable ? leadsRunWithout(tokens[i + 1], next, blocks[i].code)
                                              : std::nullopt;
    if (!absent) {
      code += fmt::format("\n{}// ---- {}\n{}", indent, blocks[i].heading, blocks[i].code);
      ++i;
      continue;
    }
    std::vector<int64_t> base = tokens[i + 1].literals;
    for (size_t k = 0; k < base.size(); ++k)
      base[k] -= next.steps[k];
    const std::vector<std::string> body =
        statements(fillSkeleton(tokens[i + 1], base, next.steps, counter));
    std::string guarded;
    for (size_t k = 0; k < body.size(); ++k) {
      if (!(*absent)[k]) {
        guarded += body[k];
        continue;
      }
      const std::string statement = body[k].substr(body[k].rfind('\n', 0) == 0 ? 1 : 0);
      const std::string lead = statement.substr(0, statement.find_first_not_of(' '));
      guarded += fmt::format("{}{}if ({} > 0) {{ // not in the first block\n{}{}}}\n",
                             statement.size() < body[k].size() ? "\n" : "", lead, counter,
                             indented(statement, "  "), lead);
    }
    code += loop(i, next.end, guarded);
    i = next.end;
  }
  return code;
}

} // namespace tessel
