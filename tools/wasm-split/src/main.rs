//! `sahabot-wasm-split INPUT.wasm OUT_DIR`: the step between `cargo build` of the client and
//! `wasm-bindgen`.
//!
//! Functions marked as split points (Leptos's `#[lazy]`, and the view of every
//! `#[lazy_route]` page) are moved out of the client's wasm into modules of their own; code
//! that several of them share goes into shared chunks. It writes into OUT_DIR:
//! - `sahabot_split.wasm`: the main module, which `wasm-bindgen` then turns into
//!   `sahabot.js` + `sahabot_bg.wasm` as usual;
//! - `split_<name>.wasm` and `chunk_<n>.wasm`: the lazily loaded modules;
//! - `__wasm_split.______________________.js`: the loader the main module imports to fetch a
//!   module the first time one of its functions is called (this exact name is the one Leptos's
//!   `HydrationScripts` looks for when file hashing is off; the build puts each build in a
//!   directory of its own instead);
//! - `__wasm_split_manifest.json`: for each split point, the modules it needs, so the server can
//!   preload the chunks of the page it just rendered.
//!
//! The input must be linked with `-Clink-args=--emit-relocs` (scripts/build.sh does that).

use std::{path::PathBuf, process::ExitCode};

/// What the main module's JS glue will be called, relative to the loader.
const MAIN_MODULE: &str = "./sahabot.js";
const LOADER: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: sahabot-wasm-split INPUT.wasm OUT_DIR");
        return ExitCode::from(2);
    };
    match run(PathBuf::from(input), PathBuf::from(out_dir)) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("wasm split failed: {error:#}");
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
    Ok(format!(
        "{} split points, {} lazily loaded modules",
        manifest.len(),
        split.split_modules.len()
    ))
}
