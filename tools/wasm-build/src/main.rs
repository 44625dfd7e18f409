//! `sahabot-wasm-build INPUT.wasm OUT_DIR`: what turns the client's `cargo build` output into
//! the files a browser loads (scripts/build.sh runs it; wasm-opt and compression come after).
//!
//! 1. Split. Functions marked as split points (Leptos's `#[lazy]`, and the view of every
//!    `#[lazy_route]` page) are moved out of the client's wasm into modules of their own; code
//!    that several of them share goes into shared chunks. It writes into OUT_DIR:
//!    - `sahabot_split.wasm`: the main module, for step 2 (removed after it);
//!    - `split_<name>.wasm` and `chunk_<n>.wasm`: the lazily loaded modules;
//!    - `__wasm_split.______________________.js`: the loader the main module imports to fetch a
//!      module the first time one of its functions is called (this exact name is the one Leptos's
//!      `HydrationScripts` looks for when file hashing is off; the build puts each build in a
//!      directory of its own instead);
//!    - `__wasm_split_manifest.json`: for each split point, the modules it needs, so the server can
//!      preload the chunks of the page it just rendered.
//!
//! 2. Bind. The main module goes through wasm-bindgen (the library the `wasm-bindgen` command
//!    is built on, at the workspace's exact version) for the browser's ES-module loading:
//!    `sahabot.js`, the glue the page imports, and `sahabot.wasm`. The linker's exports stay
//!    (the loader links the lazily loaded modules against them) and names stay mangled.
//!
//! The input must be linked with `-Clink-args=--emit-relocs` (scripts/build.sh does that).

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

/// The main module's files are `<OUT_NAME>.js` and `<OUT_NAME>.wasm` (the name Leptos's
/// hydration script asks for, `LEPTOS_OUTPUT_NAME`).
const OUT_NAME: &str = "sahabot";
/// What the main module's JS glue is called, relative to the loader.
const MAIN_MODULE: &str = "./sahabot.js";
const LOADER: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: sahabot-wasm-build INPUT.wasm OUT_DIR");
        return ExitCode::from(2);
    };
    match run(PathBuf::from(input), PathBuf::from(out_dir)) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("wasm build failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: PathBuf, out_dir: PathBuf) -> Result<String, Box<dyn std::error::Error>> {
    let wasm = std::fs::read(&input).map_err(|e| format!("reading {}: {e}", input.display()))?;
    std::fs::create_dir_all(&out_dir)?;
    let main_out = out_dir.join("sahabot_split.wasm");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&wasm);
        options.output_dir = &out_dir;
        options.main_out_path = &main_out;
        options.main_module = MAIN_MODULE;
        options.link_name = LOADER;
        options
    })
    .map_err(|e| format!("{e:?}"))?;
    // Sorted, so that the same input gives the same bytes (the build hashes its output).
    let manifest: std::collections::BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    std::fs::write(
        out_dir.join("__wasm_split_manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    bind(&main_out, &out_dir).map_err(|e| format!("wasm-bindgen: {e}"))?;
    std::fs::remove_file(&main_out)?;
    Ok(format!(
        "{} split points, {} lazily loaded modules",
        manifest.len(),
        split.split_modules.len()
    ))
}

/// The same as `wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle
/// --out-name sahabot`, with the main module renamed from wasm-bindgen's `<name>_bg.wasm` to
/// `<name>.wasm`.
fn bind(main_module: &Path, out_dir: &Path) -> Result<(), String> {
    // The library's errors are anyhow's; `{:#}` prints their whole chain of causes.
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(main_module)
        .web(true)
        .map_err(|e| format!("{e:#}"))?
        .typescript(false)
        .keep_lld_exports(true)
        .demangle(false)
        // The command's default (the library's is the opposite): the glue may compute the
        // module's URL from its own when called without one.
        .omit_default_module_path(false)
        .out_name(OUT_NAME)
        .generate(out_dir)
        .map_err(|e| format!("{e:#}"))?;
    std::fs::rename(
        out_dir.join(format!("{OUT_NAME}_bg.wasm")),
        out_dir.join(format!("{OUT_NAME}.wasm")),
    )
    .map_err(|e| format!("renaming {OUT_NAME}_bg.wasm: {e}"))
}
