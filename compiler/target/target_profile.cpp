#include "target/target_profile.h"

#include "support/attribute_map.h"
#include "support/bounded_file.h"
#include "support/diagnostic.h"
#include "support/embedded_files.h"
#include "support/limits.h"
#include "support/nearest_name.h"
#include "support/parse_error.h"
#include "support/yaml_values.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Host.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace tessel {
namespace {

constexpr llvm::StringLiteral kProfilePrefix = "targets/";
constexpr llvm::StringLiteral kProfileSuffix = ".yaml";

// `native` means the machine running tessel; anything else must name an
// architecture LLVM knows.
llvm::Triple readTriple(const YAML::Node &node, const ReadContext &context) {
  const std::string text = readString(node, context, "triple");
  if (text == "native")
    return llvm::Triple(llvm::sys::getProcessTriple());
  llvm::Triple triple(llvm::Triple::normalize(text));
  if (triple.getArch() == llvm::Triple::UnknownArch)
    context.fail(node, fmt::format("'triple' names no known architecture: '{}' (e.g. "
                                   "aarch64-unknown-linux-gnu, thumbv8m.main-none-eabihf)",
                                   text));
  return triple;
}

// A count of cores, or `native`: as many as the machine running tessel has.
int readCores(const YAML::Node &node, const ReadContext &context) {
  if (node.IsScalar() && node.Scalar() == "native")
    return int(std::max(1u, std::thread::hardware_concurrency()));
  return readInt(node, context, "cores", IntRange{1, 1024});
}

int readVectorBits(const YAML::Node &node, const ReadContext &context) {
  const int bits = readInt(node, context, "vector_bits", IntRange{0, 2048});
  if (bits % 32 != 0)
    context.fail(node, fmt::format("'vector_bits' must be a multiple of 32 (0 for no float "
                                   "SIMD), got {}",
                                   bits));
  return bits;
}

std::vector<BudgetItem> readBudgetCounts(const YAML::Node &node, const ReadContext &context) {
  if (!node.IsSequence() || node.size() == 0)
    context.fail(node, fmt::format("'budget_counts' must be a list such as [arena] or [arena, "
                                   "weights], got {}",
                                   describeValue(node)));
  std::vector<BudgetItem> items;
  for (const YAML::Node &entry : node) {
    const std::string word = readString(entry, context, "budget_counts");
    std::optional<BudgetItem> item = llvm::StringSwitch<std::optional<BudgetItem>>(word)
                                         .Case("arena", BudgetItem::Arena)
                                         .Case("weights", BudgetItem::Weights)
                                         .Default(std::nullopt);
    if (!item)
      context.fail(entry,
                   fmt::format("'budget_counts' lists 'arena' and 'weights', got '{}'", word));
    if (llvm::is_contained(items, *item))
      context.fail(entry, fmt::format("'budget_counts' lists '{}' twice", word));
    items.push_back(*item);
  }
  return items;
}

// `none`, a number of bytes, or a whole number of KiB, MiB or GiB: "448KiB".
std::optional<int64_t> readBudget(const YAML::Node &node, const ReadContext &context) {
  const std::string text = readString(node, context, "default_budget");
  if (text == "none")
    return std::nullopt;
  llvm::StringRef digits = llvm::StringRef(text).take_while(llvm::isDigit);
  llvm::StringRef unit = llvm::StringRef(text).drop_front(digits.size());
  const int64_t multiplier = llvm::StringSwitch<int64_t>(unit)
                                 .Case("", 1)
                                 .Case("B", 1)
                                 .Case("KiB", int64_t(1) << 10)
                                 .Case("MiB", int64_t(1) << 20)
                                 .Case("GiB", int64_t(1) << 30)
                                 .Default(0);
  int64_t count = 0;
  // At most 12 digits, so count * multiplier cannot overflow.
  if (multiplier == 0 || digits.empty() || digits.size() > 12 || digits.getAsInteger(10, count) ||
      count == 0)
    context.fail(node, fmt::format("'default_budget' must be 'none' or a positive size in B, "
                                   "KiB, MiB or GiB (e.g. 448KiB, 1GiB), got {}",
                                   describeValue(node)));
  return count * multiplier;
}

ToolchainSpec readToolchain(const YAML::Node &node, const ReadContext &context) {
  AttributeMap map(node, context, "'toolchain'");
  map.allowOnly({"file", "variables"}, "toolchain");
  ToolchainSpec toolchain;
  const YAML::Node file = map.require("file");
  toolchain.file = readString(file, context, "file");
  if (!llvm::StringRef(toolchain.file).endswith(".cmake"))
    context.fail(file, fmt::format("'file' must name a CMake toolchain file (*.cmake), got '{}'",
                                   toolchain.file));
  if (std::optional<YAML::Node> variables = map.find("variables")) {
    AttributeMap checked(*variables, context, "'variables'"); // a map with distinct keys
    (void)checked;
    auto isNameChar = [](char c) { return llvm::isAlnum(c) || c == '_'; };
    for (const auto &pair : *variables) {
      const std::string &key = pair.first.Scalar();
      if (!llvm::all_of(key, isNameChar))
        context.fail(pair.first, fmt::format("'{}' is not a CMake variable name", key));
      toolchain.variables.emplace_back(key, readString(pair.second, context, key));
    }
  }
  return toolchain;
}

TargetProfile parseRoot(const std::string &text, const std::string &fileName) {
  ReadContext context{fileName, ""};
  const YAML::Node root = loadSingleDocument(text, context);
  if (root.IsNull())
    context.fail(SourceLoc{fileName, 1, 1}, "the target profile is empty");
  AttributeMap top(root, context, "a target profile");
  top.allowOnly({"description", "triple", "cpu", "fpu", "cores", "threads", "vector_bits",
                 "fp32_fma", "budget_counts", "default_budget", "gflops_per_core", "latency",
                 "toolchain"},
                "a target profile");

  TargetProfile profile;
  profile.loc = context.locOf(root);
  profile.description = readString(top.require("description"), context, "description");
  profile.triple = readTriple(top.require("triple"), context);
  if (std::optional<YAML::Node> cpu = top.find("cpu"))
    profile.cpu = readString(*cpu, context, "cpu");
  if (std::optional<YAML::Node> fpu = top.find("fpu"))
    profile.fpu = readString(*fpu, context, "fpu");
  profile.cores = readCores(top.require("cores"), context);
  profile.threads = hasThreads(profile) ? std::min(profile.cores, kMaxThreads) : 1;
  if (std::optional<YAML::Node> threads = top.find("threads")) {
    profile.threads = readInt(*threads, context, "threads", IntRange{1, kMaxThreads});
    if (profile.threads > 1 && !hasThreads(profile))
      context.fail(*threads,
                   fmt::format("'threads' must be 1 on a board without an OS ({}), got {}",
                               profile.triple.str(), profile.threads));
  }
  profile.vectorBits = readVectorBits(top.require("vector_bits"), context);
  profile.fp32Fma = readBool(top.require("fp32_fma"), context, "fp32_fma");
  profile.budgetCounts = readBudgetCounts(top.require("budget_counts"), context);
  profile.defaultBudget = readBudget(top.require("default_budget"), context);
  const YAML::Node gflops = top.require("gflops_per_core");
  profile.gflopsPerCore = readNumber(gflops, context, "gflops_per_core");
  if (!(profile.gflopsPerCore > 0))
    context.fail(gflops,
                 fmt::format("'gflops_per_core' must be positive, got {}", describeValue(gflops)));
  profile.latency = defaultLatencyProfile(profile.gflopsPerCore);
  if (std::optional<YAML::Node> latency = top.find("latency"))
    profile.latency = readLatencyProfile(*latency, context, profile.latency);
  if (std::optional<YAML::Node> toolchain = top.find("toolchain"))
    profile.toolchain = readToolchain(*toolchain, context);
  return profile;
}

} // namespace

bool hasThreads(const TargetProfile &profile) {
  return profile.triple.getOS() != llvm::Triple::UnknownOS;
}

llvm::Expected<TargetProfile> parseTargetProfile(llvm::StringRef text, const std::string &fileName,
                                                 const std::string &name) {
  try {
    TargetProfile profile = parseRoot(text.str(), fileName);
    profile.name = name;
    return profile;
  } catch (const ParseError &error) {
    return makeDiagnostic(error.loc, error.layer, error.problem);
  } catch (const YAML::Exception &error) {
    return makeDiagnostic(sourceLocOf(fileName, error.mark), "",
                          fmt::format("invalid YAML: {}", error.msg));
  }
}

llvm::Expected<std::string> readTargetProfileText(const std::string &path) {
  llvm::ErrorOr<BoundedFile> file = readBoundedFile(path, kMaxDescriptionBytes);
  if (!file)
    return makeDiagnostic(
        SourceLoc{path, 0, 0}, "",
        fmt::format("cannot read the target profile: {}", file.getError().message()));
  if (file->tooLong())
    return makeDiagnostic(SourceLoc{path, 0, 0}, "",
                          fmt::format("the target profile is over the limit of {} bytes for a "
                                      "description: it has {}",
                                      kMaxDescriptionBytes, file->describeSize()));
  return file->contents->getBuffer().str();
}

llvm::Expected<TargetProfile> loadTargetProfileFile(const std::string &path) {
  llvm::Expected<std::string> text = readTargetProfileText(path);
  if (!text)
    return text.takeError();
  return parseTargetProfile(*text, path, llvm::sys::path::stem(path).str());
}

std::vector<std::string> builtinTargetNames() {
  std::vector<std::string> names;
  for (const EmbeddedFile &file : embeddedFiles()) {
    llvm::StringRef path(file.path.data(), file.path.size());
    if (path.consume_front(kProfilePrefix) && path.consume_back(kProfileSuffix))
      names.push_back(path.str());
  }
  llvm::sort(names);
  return names;
}

llvm::Expected<TargetProfile> loadBuiltinTargetProfile(llvm::StringRef name) {
  const std::string path = (kProfilePrefix + name + kProfileSuffix).str();
  for (const EmbeddedFile &file : embeddedFiles())
    if (file.path == path)
      return parseTargetProfile(llvm::StringRef(file.text.data(), file.text.size()), path,
                                name.str());

  const std::vector<std::string> names = builtinTargetNames();
  std::string problem = fmt::format("unknown target '{}'", name.str());
  std::vector<llvm::StringRef> candidates(names.begin(), names.end());
  if (std::optional<std::string> suggestion = nearestName(name, candidates))
    problem += fmt::format(" (did you mean '{}'?)", *suggestion);
  problem += fmt::format("; the shipped targets are {}; --target-file loads your own profile",
                         llvm::join(names, ", "));
  return llvm::createStringError(llvm::inconvertibleErrorCode(), problem);
}

} // namespace tessel
