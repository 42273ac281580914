// Text in generated files: user text escaped for the context it lands in,
// names checked before they become C++ symbols.
#include "codegen/block_folding.h"
#include "codegen/escaping.h"
#include "codegen/identifiers.h"
#include "codegen/layer_calls.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace tessel;

TEST_CASE("comment text stays on its line and inside its comment") {
  CHECK(commentText("yolov2-16.yaml") == "yolov2-16.yaml");
  CHECK(commentText("réseau.yaml") == "réseau.yaml");
  // A newline would start a line of code (or CMake) after a `//` or `#` comment.
  CHECK(commentText("n\nexecute_process(COMMAND touch PWNED)\n#.yaml") ==
        "n?execute_process(COMMAND touch PWNED)?#.yaml");
  CHECK(commentText("a\r\tb\x7f"
                    "c") == "a??b?c");
  CHECK(commentText(std::string("a\0b", 3)) == "a?b");
  // A trailing backslash would continue a `//` comment onto the next line.
  CHECK(commentText("net\\") == "net/");
  CHECK(commentText("C:\\nets\\a.yaml") == "C:/nets/a.yaml");
  // "*/" would end a block comment, "/*" would open one inside it.
  CHECK(commentText("a*/int x;/*b") == "a* /int x;/ *b");
  CHECK(commentText("*\\") == "* /"); // the backslash's '/' must not close it either
  CHECK(commentText("/**/") == "/ ** /");
  for (unsigned byte = 0; byte < 0x20; ++byte)
    CHECK(commentText(std::string(1, char(byte))) == "?");
}

TEST_CASE("string literals escape quotes, backslashes, control characters and trigraphs") {
  CHECK(stringLiteral("conv1") == "\"conv1\"");
  CHECK(stringLiteral("") == "\"\"");
  CHECK(stringLiteral("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(stringLiteral("a\nb") == "\"a\\012b\"");
  CHECK(stringLiteral("\t1") == "\"\\0111\""); // three digits: the '1' is not part of it
  CHECK(stringLiteral(std::string(2, '?') + "/") == "\"?\\?/\""); // "??/" is a backslash in C
  CHECK(stringLiteral("???") == "\"?\\?\\?\"");
}

TEST_CASE("identifiers from names") {
  CHECK(cIdentifier("yolov2-16") == "yolov2_16");
  CHECK(cIdentifier("16net") == "n16net");
  CHECK(cIdentifier("") == "n");
  CHECK(macroName("yolov2_16") == "YOLOV2_16");
}

TEST_CASE("symbol names must be usable as C++ namespaces and CMake targets") {
  for (const char *good : {"yolov2_16", "net", "mobilenet_v2", "n16", "tiny", "Int", "mainnet",
                           "network", "kArenaBytes", "tessel2", "sinus"})
    CHECK_MESSAGE(symbolNameProblem(good).empty(), good);
  auto problem = [](const std::string &name) { return symbolNameProblem(name); };
  for (const char *keyword : {"int", "class", "namespace", "true", "and", "co_await", "char8_t"})
    CHECK_MESSAGE(problem(keyword) == "is a C++ keyword", keyword);
  for (const char *reserved : {"_stdio", "_x", "a__b", "__"})
    CHECK_MESSAGE(problem(reserved).find("reserved in C and C++") != std::string::npos, reserved);
  for (const char *type : {"uintptr_t", "size_t", "int8_t", "uint_least16_t", "net_t"})
    CHECK_MESSAGE(problem(type).find("'_t'") != std::string::npos, type);
  for (const char *global : {"main", "tessel", "std", "input", "output", "arena", "printf",
                             "stdout", "errno", "time", "exp", "expf", "logl", "NULL", "linux"})
    CHECK_MESSAGE(problem(global).find("global name") != std::string::npos, global);
  CHECK(problem("pthread_pool").find("POSIX thread") != std::string::npos);
  for (const char *target : {"all", "test", "install", "clean", "help"})
    CHECK_MESSAGE(problem(target) == "is a target name CMake reserves", target);
  CHECK(problem(std::string(kMaxSymbolLength, 'a')).empty());
  CHECK(problem(std::string(kMaxSymbolLength + 1, 'a')) ==
        "is 65 characters long; generated names allow at most 64");
}

TEST_CASE("per-layer identifiers come from the layer index") {
  // Layer names such as "a-b" and "a_b" differ, but not as identifiers.
  CHECK(paramsName(3) == "kLayer3");
  CHECK(tensorName(3) == "t3");
}

namespace {

// Block k of a folded loop: the body with each "(a + b * stripe)" (and the
// forms foldRepeatedBlocks writes for b = 1, a = 0, b < 0) evaluated at k.
std::string unfold(const std::string &body, int k) {
  std::string out;
  for (size_t i = 0; i < body.size();) {
    const size_t close = body.find(')', i);
    const std::string inside = close == std::string::npos ? "" : body.substr(i + 1, close - i - 1);
    if (body[i] != '(' || inside.find("stripe") == std::string::npos ||
        inside.find_first_of("(,{") != std::string::npos) {
      out += body[i++];
      continue;
    }
    // "(a + b * stripe)", "(a - stripe)", "(b * stripe)", "(stripe)"
    const std::string inner = body.substr(i + 1, close - i - 1);
    long a = 0, b = 1;
    char sign = '+';
    auto isSign = [&] { return sign == '+' || sign == '-'; };
    if ((std::sscanf(inner.c_str(), "%ld %c %ld * stripe", &a, &sign, &b) == 3 && isSign()) ||
        (std::sscanf(inner.c_str(), "%ld %c stripe", &a, &sign) == 2 && isSign())) {
    } else {
      a = 0;
      sign = '+';
      if (std::sscanf(inner.c_str(), "%ld * stripe", &b) != 1)
        b = 1;
    }
    out += std::to_string(a + (sign == '-' ? -b : b) * k);
    i = close + 1;
  }
  return out;
}

std::string loopBodyOf(const std::string &code) {
  const size_t open = code.find("{\n");
  const size_t close = code.rfind("  }\n");
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  std::string body = code.substr(open + 2, close - open - 2);
  // Undo the loop's extra indent of two spaces.
  std::string out;
  for (size_t start = 0; start < body.size();) {
    size_t end = body.find('\n', start);
    end = end == std::string::npos ? body.size() : end + 1;
    std::string line = body.substr(start, end - start);
    out += line.rfind("  ", 0) == 0 ? line.substr(2) : line;
    start = end;
  }
  return out;
}

} // namespace

TEST_CASE("repeated stripes fold into a loop whose body gives back every stripe's code") {
  std::vector<CodeBlock> blocks;
  auto block = [](int k) {
    return CodeBlock{fmt::format("stripe {}", k),
                     fmt::format("\n  // conv0: conv2d 3x16x16 -> 8x16x16, keep 2 rows\n"
                                 "  tessel::conv2d(kLayer1, w + 864, tessel::MapView{{t1_1, 8, 16, "
                                 "16, {}, 0, 3, 16}}, tessel::Region{{{}, {}, 0, 16}}, {}, "
                                 "0.1f, {});\n",
                                 2 * k + 1, 7 - k, 8 - k, 40 - 3 * k, 5)};
  };
  for (int k = 0; k < 5; ++k)
    blocks.push_back(block(k));
  const std::string folded = foldRepeatedBlocks(blocks, "  ", "stripe");
  CHECK(folded.find("for (int stripe = 0; stripe < 5; ++stripe) {") != std::string::npos);
  // Identifiers (t1_1, kLayer1), floating literals and comments keep their digits.
  CHECK(folded.find("(1 + 2 * stripe)") != std::string::npos);
  CHECK(folded.find("(7 - stripe)") != std::string::npos);
  CHECK(folded.find("(40 - 3 * stripe)") != std::string::npos);
  CHECK(folded.find("kLayer1, w + 864") != std::string::npos);
  CHECK(folded.find("0.1f, 5)") != std::string::npos);
  const std::string body = loopBodyOf(folded);
  for (int k = 0; k < 5; ++k)
    CHECK(unfold(body, k) == block(k).code);
}

TEST_CASE("blocks fold only where every literal moves by the same step, three or more in a row") {
  auto code = [](int a, int b, const char *tensor = "t1") {
    return fmt::format("  f({}, {}, {});\n", tensor, a, b);
  };
  // Two blocks alike: printed as they are.
  std::string two = foldRepeatedBlocks({{"a", code(0, 1)}, {"b", code(1, 1)}}, "  ", "stripe");
  CHECK(two.find("for (") == std::string::npos);
  CHECK(two == "\n  // ---- a\n  f(t1, 0, 1);\n\n  // ---- b\n  f(t1, 1, 1);\n");
  // The third literal jumps: the first two fold with nothing, the loop
  // starts where the steps hold.
  const std::string jump = foldRepeatedBlocks({{"0", code(0, 9)},
                                               {"1", code(5, 9)},
                                               {"2", code(6, 9)},
                                               {"3", code(7, 9)},
                                               {"4", code(8, 9)}},
                                              "  ", "stripe");
  CHECK(jump.find("f(t1, 0, 9);") != std::string::npos);
  CHECK(jump.find("for (int stripe = 0; stripe < 4; ++stripe)") != std::string::npos);
  CHECK(jump.find("f(t1, (5 + stripe), 9);") != std::string::npos);
  // Another tensor, or a comment that differs, is another block.
  const std::string tensors = foldRepeatedBlocks(
      {{"0", code(0, 1)}, {"1", code(1, 1, "t2")}, {"2", code(2, 1)}}, "  ", "stripe");
  CHECK(tensors.find("for (") == std::string::npos);
  const std::string comments = foldRepeatedBlocks({{"0", "  // row 0\n" + code(0, 1)},
                                                   {"1", "  // row 1\n" + code(1, 1)},
                                                   {"2", "  // row 2\n" + code(2, 1)}},
                                                  "  ", "stripe");
  CHECK(comments.find("for (") == std::string::npos);
}

TEST_CASE("a block that leads a run but for some statements is the loop's first turn") {
  // Statements are separated by blank lines; block 0 has no shift yet (its
  // window is still filling), blocks 1 to 3 shift then compute.
  auto block = [](int k, bool shifts) {
    std::string code = fmt::format("  // conv0\n  conv(t1, {}, {});\n", k, 2 * k);
    if (shifts)
      code += "\n  // conv1: keep the last 2 rows\n  shift(t2, 8);\n";
    code += fmt::format("\n  // conv1\n  conv(t2, {});\n", k + 3);
    return CodeBlock{fmt::format("stripe {}", k), code};
  };
  const std::vector<CodeBlock> blocks = {block(0, false), block(1, true), block(2, true),
                                         block(3, true)};
  const std::string folded = foldRepeatedBlocks(blocks, "  ", "stripe");
  CHECK(folded.find("for (int stripe = 0; stripe < 4; ++stripe) {") != std::string::npos);
  CHECK(folded.find("the first is \"stripe 0\"") != std::string::npos);
  CHECK(folded.find("    if (stripe > 0) { // not in the first block\n"
                    "      // conv1: keep the last 2 rows\n"
                    "      shift(t2, 8);\n"
                    "    }\n") != std::string::npos);
  // The body, with the guard taken at its word, gives back every block.
  std::string body = loopBodyOf(folded);
  const std::string guardOpen = "  if (stripe > 0) { // not in the first block\n";
  const size_t open = body.find(guardOpen);
  REQUIRE(open != std::string::npos);
  const size_t close = body.find("  }\n", open);
  const std::string guarded = body.substr(open + guardOpen.size(), close - open - guardOpen.size());
  std::string inside;
  for (size_t start = 0; start < guarded.size();) {
    const size_t end = guarded.find('\n', start) + 1;
    inside += guarded.substr(start + 2, end - start - 2);
    start = end;
  }
  const std::string withGuard = body.substr(0, open) + inside + body.substr(close + 4);
  const std::string withoutGuard =
      body.substr(0, open == 0 ? 0 : open - 1) + body.substr(close + 4);
  CHECK(unfold(withoutGuard, 0) == blocks[0].code);
  for (int k = 1; k < 4; ++k)
    CHECK(unfold(withGuard, k) == blocks[size_t(k)].code);
  // A block with a statement the run lacks does not join it.
  std::vector<CodeBlock> extra = blocks;
  extra[0].code += "\n  // other\n  other();\n";
  CHECK(foldRepeatedBlocks(extra, "  ", "stripe").find("stripe < 3;") != std::string::npos);
}
