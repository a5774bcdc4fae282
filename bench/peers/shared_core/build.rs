// Links libtether from the core build: TETHER_LIB_DIR (absolute, as ./run passes it)
// or the repository's build/capi beside this harness.
use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=TETHER_LIB_DIR");
    let dir = env::var_os("TETHER_LIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../build/capi"));
    let dir = dir.canonicalize().unwrap_or_else(|e| {
        panic!(
            "TETHER_LIB_DIR {}: {e} (build the core: ./run build)",
            dir.display()
        )
    });
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=tether");
    // The harness runs from the build tree: find libtether there, not in the system.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
}
