#include "target/profile_writer.h"

#include "target/memory_budget.h"

#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <vector>

namespace tessel {
namespace {

std::string yamlQuoted(const std::string &text) {
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return quoted + "\"";
}

std::string formatToolchain(const ToolchainSpec &toolchain) {
  std::string text = fmt::format("toolchain:\n  file: {}\n", toolchain.file);
  if (!toolchain.variables.empty()) {
    std::vector<std::string> variables;
    for (const auto &[key, value] : toolchain.variables)
      variables.push_back(fmt::format("{}: {}", key, yamlQuoted(value)));
    text += fmt::format("  variables: {{{}}}\n", llvm::join(variables, ", "));
  }
  return text;
}

} // namespace

ProfileSpelling readProfileSpelling(llvm::StringRef text) {
  const YAML::Node root = YAML::Load(text.str());
  auto scalar = [&](const char *key) { return root[key].Scalar(); };
  ProfileSpelling spelling;
  spelling.triple = scalar("triple");
  spelling.cores = scalar("cores");
  if (root["threads"])
    spelling.threads = scalar("threads");
  spelling.defaultBudget = scalar("default_budget");
  spelling.gflopsPerCore = scalar("gflops_per_core");
  return spelling;
}

std::string formatCalibratedProfile(const TargetProfile &profile, const ProfileSpelling &spelling) {
  std::string text = fmt::format("# {}: measured by `tessel calibrate`. Format: docs/deploy.md; "
                                 "the latency figures: docs/latency-model.md.\n",
                                 profile.name);
  text += fmt::format("description: {}\n", yamlQuoted(profile.description));
  text += fmt::format("triple: {}\n", spelling.triple);
  if (!profile.cpu.empty())
    text += fmt::format("cpu: {}\n", profile.cpu);
  if (!profile.fpu.empty())
    text += fmt::format("fpu: {}\n", profile.fpu);
  text += fmt::format("cores: {}\n", spelling.cores);
  if (spelling.threads)
    text += fmt::format("threads: {}\n", *spelling.threads);
  text += fmt::format("vector_bits: {}\n", profile.vectorBits);
  text += fmt::format("fp32_fma: {}\n", profile.fp32Fma ? "true" : "false");
  std::vector<std::string> counts;
  for (BudgetItem item : profile.budgetCounts)
    counts.push_back(budgetItemName(item));
  text += fmt::format("budget_counts: [{}]\n", llvm::join(counts, ", "));
  text += fmt::format("default_budget: {}\n", spelling.defaultBudget);
  text += fmt::format("gflops_per_core: {}\n", spelling.gflopsPerCore);
  text += formatLatencyProfile(profile.latency);
  if (profile.toolchain)
    text += formatToolchain(*profile.toolchain);
  return text;
}

} // namespace tessel
