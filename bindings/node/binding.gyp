# The addon links libtether (the C API only) and carries a copy of it next to itself
# (rpath $ORIGIN); scripts/install.js builds or finds the core and sets the two
# TETHER_* variables below.
{
  "targets": [
    {
      "target_name": "tether",
      "sources": [
        "src/addon.cc",
        "src/args.cc",
        "src/decoder.cc",
        "src/errors.cc",
        "src/invocation.cc",
        "src/middleware.cc",
        "src/prober.cc",
        "src/scratch.cc",
        "src/session.cc",
        "src/session_options.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node -p \"process.env.TETHER_INCLUDE_DIR\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-fexceptions", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter"],
      "libraries": [
        "-L<!(node -p \"process.env.TETHER_LIB_DIR\")",
        "-l:libtether.so.0",
        "-Wl,-rpath,'$$ORIGIN'"
      ]
    }
  ]
}
