// Text in generated files: user text escaped for the context it lands in,
// names checked before they become C++ symbols.
#include "codegen/escaping.h"
#include "codegen/identifiers.h"
#include "codegen/layer_calls.h"

#include <doctest/doctest.h>

#include <string>

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
