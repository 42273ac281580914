#include "codegen/identifiers.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

namespace tessel {
namespace {

// C++ keywords (with C++20's and the alternative operator names).
constexpr const char *kKeywords[] = {"alignas",       "alignof",     "and",
                                     "and_eq",        "asm",         "auto",
                                     "bitand",        "bitor",       "bool",
                                     "break",         "case",        "catch",
                                     "char",          "char8_t",     "char16_t",
                                     "char32_t",      "class",       "compl",
                                     "concept",       "const",       "consteval",
                                     "constexpr",     "constinit",   "const_cast",
                                     "continue",      "co_await",    "co_return",
                                     "co_yield",      "decltype",    "default",
                                     "delete",        "do",          "double",
                                     "dynamic_cast",  "else",        "enum",
                                     "explicit",      "export",      "extern",
                                     "false",         "float",       "for",
                                     "friend",        "goto",        "if",
                                     "inline",        "int",         "long",
                                     "mutable",       "namespace",   "new",
                                     "noexcept",      "not",         "not_eq",
                                     "nullptr",       "operator",    "or",
                                     "or_eq",         "private",     "protected",
                                     "public",        "register",    "reinterpret_cast",
                                     "requires",      "return",      "short",
                                     "signed",        "sizeof",      "static",
                                     "static_assert", "static_cast", "struct",
                                     "switch",        "template",    "this",
                                     "thread_local",  "throw",       "true",
                                     "try",           "typedef",     "typeid",
                                     "typename",      "union",       "unsigned",
                                     "using",         "virtual",     "void",
                                     "volatile",      "wchar_t",     "while",
                                     "xor",           "xor_eq"};

// Global names of the generated files (demo.cpp's, the runtime's) and of the
// C and POSIX headers they include (<stdint.h>, <stdio.h>, <stdlib.h>,
// <string.h>, <time.h>, <math.h>, <sys/resource.h>), macros among them, and
// the macros GNU modes predefine.
constexpr const char *kGlobalNames[] = {
    // the generated code and its runtime
    "main", "std", "tessel", "arena", "input", "output", "fillDeterministic", "readExactly",
    "writeAll", "nowSeconds", "compareDoubles", "printLargestOutputs", "timeProbe", "Probe",
    "RunFunction", "kProbes",
    // <stddef.h>, <stdint.h> (their types end in "_t", see symbolNameProblem)
    "offsetof", "NULL",
    // <stdio.h>
    "FILE", "EOF", "BUFSIZ", "stdin", "stdout", "stderr", "remove", "rename", "tmpfile", "tmpnam",
    "fclose", "fflush", "fopen", "freopen", "fdopen", "fileno", "setbuf", "setvbuf", "printf",
    "fprintf", "sprintf", "snprintf", "dprintf", "scanf", "fscanf", "sscanf", "vprintf", "vfprintf",
    "vsprintf", "vsnprintf", "vscanf", "vfscanf", "vsscanf", "fgetc", "fgets", "fputc", "fputs",
    "getc", "getchar", "gets", "getline", "putc", "putchar", "puts", "ungetc", "fread", "fwrite",
    "fgetpos", "fseek", "fsetpos", "ftell", "rewind", "clearerr", "feof", "ferror", "perror",
    "popen", "pclose",
    // <stdlib.h>
    "atof", "atoi", "atol", "atoll", "strtod", "strtof", "strtold", "strtol", "strtoll", "strtoul",
    "strtoull", "rand", "srand", "random", "srandom", "malloc", "calloc", "realloc", "free",
    "aligned_alloc", "posix_memalign", "abort", "atexit", "exit", "quick_exit", "getenv", "setenv",
    "unsetenv", "putenv", "system", "bsearch", "qsort", "abs", "labs", "llabs", "div", "ldiv",
    "lldiv", "mblen", "mbtowc", "wctomb", "mbstowcs", "wcstombs", "realpath", "mkstemp",
    "EXIT_SUCCESS", "EXIT_FAILURE", "RAND_MAX",
    // <string.h>
    "memcpy", "memmove", "memset", "memcmp", "memchr", "strcpy", "strncpy", "strcat", "strncat",
    "strcmp", "strncmp", "strcoll", "strxfrm", "strchr", "strrchr", "strcspn", "strspn", "strpbrk",
    "strstr", "strtok", "strerror", "strlen", "strnlen", "strdup", "strndup", "index", "rindex",
    // <time.h>, <sys/resource.h>, <errno.h>, <assert.h>
    "tm", "timespec", "clock", "difftime", "mktime", "time", "asctime", "ctime", "gmtime",
    "localtime", "strftime", "timespec_get", "clock_gettime", "nanosleep", "tzset", "timezone",
    "daylight", "tzname", "CLOCKS_PER_SEC", "rusage", "rlimit", "getrusage", "getrlimit",
    "setrlimit", "getpriority", "setpriority", "prlimit", "errno", "assert",
    // <math.h> types and macros (its functions below)
    "INFINITY", "NAN", "HUGE_VAL", "fpclassify", "isfinite", "isinf", "isnan", "isnormal",
    "signbit", "finite",
    // predefined in GNU modes
    "linux", "unix", "i386"};

// <math.h> functions; each also has its float ("f") and long double ("l") form.
constexpr const char *kMathFunctions[] = {
    "acos",      "asin",      "atan",   "atan2",    "cos",    "sin",         "tan",        "acosh",
    "asinh",     "atanh",     "cosh",   "sinh",     "tanh",   "exp",         "exp2",       "exp10",
    "expm1",     "frexp",     "ilogb",  "ldexp",    "log",    "log10",       "log1p",      "log2",
    "logb",      "modf",      "scalbn", "scalbln",  "cbrt",   "fabs",        "hypot",      "pow",
    "sqrt",      "erf",       "erfc",   "lgamma",   "tgamma", "gamma",       "ceil",       "floor",
    "nearbyint", "rint",      "lrint",  "llrint",   "round",  "lround",      "llround",    "trunc",
    "fmod",      "remainder", "remquo", "copysign", "nan",    "nextafter",   "nexttoward", "fdim",
    "fmax",      "fmin",      "fma",    "sincos",   "drem",   "significand", "j0",         "j1",
    "jn",        "y0",        "y1",     "yn"};

// Target names CMake reserves (policy CMP0037).
constexpr const char *kCMakeTargets[] = {
    "all",        "clean",         "help",           "install",
    "test",       "package",       "package_source", "preinstall",
    "edit_cache", "rebuild_cache", "depend",         "list_install_components",
    "ALL_BUILD",  "ZERO_CHECK",    "RUN_TESTS",      "INSTALL",
    "PACKAGE"};

template <size_t N> bool contains(const char *const (&names)[N], const std::string &name) {
  for (const char *candidate : names)
    if (name == candidate)
      return true;
  return false;
}

bool isMathFunction(const std::string &name) {
  for (const char *function : kMathFunctions) {
    const std::string base = function;
    if (name == base || name == base + "f" || name == base + "l")
      return true;
  }
  return false;
}

bool startsWith(const std::string &text, const char *prefix) {
  return text.rfind(prefix, 0) == 0;
}

} // namespace

std::string symbolNameProblem(const std::string &id) {
  if (id.size() > kMaxSymbolLength)
    return fmt::format("is {} characters long; generated names allow at most {}", id.size(),
                       kMaxSymbolLength);
  if (contains(kKeywords, id))
    return "is a C++ keyword";
  if (id[0] == '_' || id.find("__") != std::string::npos)
    return "is reserved in C and C++ (it starts with '_' or contains '__')";
  if (id.size() > 2 && id.compare(id.size() - 2, 2, "_t") == 0)
    return "ends in '_t', which POSIX reserves for type names (size_t, uint8_t, ...)";
  if (startsWith(id, "pthread_") || startsWith(id, "sched_"))
    return "starts like the names of the POSIX thread headers the runtime includes";
  if (contains(kGlobalNames, id) || isMathFunction(id))
    return "is a global name the generated code or the C library it includes already declares";
  if (contains(kCMakeTargets, id))
    return "is a target name CMake reserves";
  return "";
}

std::string cIdentifier(const std::string &name) {
  std::string id;
  for (char ch : name)
    id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0])))
    id.insert(id.begin(), 'n');
  return id;
}

std::string macroName(const std::string &identifier) {
  std::string macro = identifier;
  for (char &ch : macro)
    ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return macro;
}

} // namespace tessel
