#include "cli.h"

#include <cstdio>

#include "tether.h"

namespace tether::cli {

void init(CLI::App &app, const std::string &name) {
  app.name(name);
  app.set_version_flag("--version", name + " " + TETHER_VERSION_STRING);
}

const CLI::Validator &decimal() {
  static const CLI::Validator validator(
      [](std::string &value) -> std::string {
        if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos) {
          return "";
        }
        return "takes a decimal number, not " + value;
      },
      "DECIMAL");
  return validator;
}

Outcome parse(CLI::App &app, int argc, const char *const *argv, std::string *text) {
  try {
    app.parse(argc, argv);
    return Outcome::kRun;
  } catch (const CLI::CallForVersion &e) {
    *text = std::string(e.what()) + "\n";
    return Outcome::kExit;
  } catch (const CLI::ParseError &e) {
    // Help and errors come with the usage of the subcommand they were about.
    const CLI::App *where = &app;
    for (const CLI::App *sub : app.get_subcommands()) where = sub;
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      *text = where->help();
      return Outcome::kExit;
    }
    *text = usage_error(*where, e.what());
    return Outcome::kUsageError;
  }
}

std::string usage_error(const CLI::App &app, const std::string &why) {
  const CLI::App *root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  return root->get_name() + ": " + why + "\n" + app.help();
}

int finish(Outcome outcome, const std::string &text) {
  std::fputs(text.c_str(), outcome == Outcome::kExit ? stdout : stderr);
  return outcome == Outcome::kExit ? 0 : 2;
}

}  // namespace tether::cli
