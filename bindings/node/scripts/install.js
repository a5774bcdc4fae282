#!/usr/bin/env node
// npm install script: finds or builds libtether, builds the addon with node-gyp and
// puts a copy of libtether.so.0 next to it (the addon's rpath is $ORIGIN), so nothing
// at run time points into a build tree.
//   TETHER_BUILD_DIR=DIR  use the core already built in DIR (DIR/capi/libtether.so.0)
//   otherwise             configure and build the core from this checkout into build-core/ (node-gyp owns build/)
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const here = path.resolve(__dirname, "..");
const root = path.resolve(here, "..", "..");
const jobs = process.env.TETHER_JOBS || "2";

function run(command, args, env = process.env) {
  console.error(`tether: ${command} ${args.join(" ")}`);
  execFileSync(command, args, { stdio: "inherit", cwd: here, env });
}

function coreLibrary() {
  let build = process.env.TETHER_BUILD_DIR;
  if (!build) {
    build = path.join(here, "build-core");
    if (!fs.existsSync(path.join(build, "CMakeCache.txt"))) {
      run("cmake", ["-S", root, "-B", build, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
        "-DTETHER_BUILD_TESTS=OFF", "-DTETHER_BUILD_BENCH=OFF"]);
    }
    run("cmake", ["--build", build, "--target", "tether", "-j", jobs]);
  }
  const library = path.join(path.resolve(build), "capi", "libtether.so.0");
  if (!fs.existsSync(library)) {
    throw new Error(`${library} not found: build the core first (./run build) or unset TETHER_BUILD_DIR`);
  }
  return fs.realpathSync(library);
}

// npm runs install scripts with the node-gyp it bundles in npm_config_node_gyp.
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const npm = path.dirname(fs.realpathSync(path.join(path.dirname(process.execPath), "npm")));
  return path.resolve(npm, "..", "node_modules", "node-gyp", "bin", "node-gyp.js");
}

// Node's own headers when they are installed with it (Debian's nodejs), so node-gyp
// needs no download.
function nodeDir() {
  const candidates = [process.config.variables.node_prefix, path.resolve(process.execPath, "..", "..")];
  return candidates.find((p) => p && fs.existsSync(path.join(p, "include", "node", "node_api.h"))) ?? null;
}

const library = coreLibrary();
const env = {
  ...process.env,
  TETHER_INCLUDE_DIR: path.join(root, "capi", "include"),
  TETHER_LIB_DIR: path.join(here, "build-core", "lib"),
};
fs.mkdirSync(env.TETHER_LIB_DIR, { recursive: true });
fs.copyFileSync(library, path.join(env.TETHER_LIB_DIR, "libtether.so.0"));
// configure once, then make rebuilds what changed.
const dir = nodeDir() ? [`--nodedir=${nodeDir()}`] : [];
if (!fs.existsSync(path.join(here, "build", "Makefile"))) run(process.execPath, [nodeGyp(), "configure", ...dir], env);
run(process.execPath, [nodeGyp(), "build", `--jobs=${jobs}`, ...dir], env);
fs.copyFileSync(library, path.join(here, "build", "Release", "libtether.so.0"));
