// Options structs from Python keyword arguments: each settable field is named in a
// table, so unknown keywords and wrong types raise TypeError before C sees anything.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

namespace tether_py {

template <typename Options>
struct OptionField {
  const char *name;
  std::variant<uint32_t Options::*, uint64_t Options::*, double Options::*> field;
};

// Sets the fields named in kwargs; fields not given keep their _options_init default.
template <typename Options, size_t N>
void apply_options(const pybind11::kwargs &kwargs, const OptionField<Options> (&table)[N],
                   Options &out, const char *what) {
  for (auto [key, value] : kwargs) {
    std::string name = pybind11::cast<std::string>(key);
    const OptionField<Options> *found = nullptr;
    for (const OptionField<Options> &f : table) {
      if (name == f.name) found = &f;
    }
    if (found == nullptr) {
      throw pybind11::type_error(std::string(what) + "() got an unknown option '" + name + "'");
    }
    std::visit(
        [&](auto member) {
          using Field = std::remove_reference_t<decltype(out.*member)>;
          try {
            out.*member = pybind11::cast<Field>(value);
          } catch (const pybind11::cast_error &) {
            throw pybind11::type_error(
                std::string(what) + "() option '" + name + "' must be " +
                (std::is_integral_v<Field>
                     ? "an unsigned int of " + std::to_string(8 * sizeof(Field)) + " bits"
                     : std::string("a float")));
          }
        },
        found->field);
  }
}

}  // namespace tether_py
