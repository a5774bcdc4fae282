// The command line of tether's programs (tether-probe, tether-endpoint,
// tether-conformance): CLI11 apps that answer --help and --version on stdout with
// status 0, and refuse a bad command line with the reason and the usage on stderr,
// status 2.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace tether::cli {

// An app named `name` with --help and --version ("name 0.1.0": the version of the sources it was
// built from).
void init(CLI::App &app, const std::string &name);

// Digits only: CLI11 alone reads "-5" into an unsigned as 2^64-5 and "010" as octal.
const CLI::Validator &decimal();

enum class Outcome { kRun, kExit, kUsageError };

// Parses argv. kExit: *text is the help or version for stdout; kUsageError: *text
// is "name: reason" and the usage, for stderr.
Outcome parse(CLI::App &app, int argc, const char *const *argv, std::string *text);

// "name: why" and the usage: for a command line CLI11 took that the program refuses.
std::string usage_error(const CLI::App &app, const std::string &why);

// Prints text where the outcome goes; returns the exit status (0 or 2).
int finish(Outcome outcome, const std::string &text);

}  // namespace tether::cli
