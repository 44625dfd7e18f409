//! Bounded memory: a preset document past the budgets (too many values, too deep, too big, an
//! alias bomb) is refused before anything is built. An instrumenting allocator measures the most
//! heap the refusal held; the same document just inside the budget, which is built, holds far
//! more. One test in this binary, so no other test's allocations are counted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::System;

use peakmem_alloc::{PeakMemAlloc, PeakMemAllocTrait, INSTRUMENTED_SYSTEM};
use presets::format::{self, MAX_YAML_BYTES, MAX_YAML_NODES};

#[global_allocator]
static GLOBAL: &PeakMemAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The most heap held at once while `f` ran, beyond what was held before.
fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, usize) {
    GLOBAL.reset_peak_memory();
    let out = f();
    (out, GLOBAL.get_peak_memory())
}

#[test]
fn documents_past_the_budget_are_refused_before_being_built() {
    let many = format!("list: [{}]\n", vec!["1"; MAX_YAML_NODES + 10].join(","));
    let deep = format!("a: {}1{}\n", "[".repeat(50_000), "]".repeat(50_000));
    let big = format!("a: \"{}\"\n", "x".repeat(MAX_YAML_BYTES + 1));
    let bomb = format::alias_bomb();
    for (name, text, limit) in [
        // Built, 50 010 values would take megabytes (see below).
        ("many values", &many, 512 * 1024),
        ("deep nesting", &deep, 512 * 1024),
        ("too big", &big, 16 * 1024),
        // Expanded, 10^9 values.
        ("alias bomb", &bomb, 256 * 1024),
    ] {
        let (result, peak) = peak_bytes(|| format::parse_yaml(text));
        let e = result.expect_err(name);
        assert_eq!(e.field(), Some("yaml"), "{name}");
        assert!(
            peak < limit,
            "{name}: refusing it held {peak} bytes (limit {limit})"
        );
    }
    // The same list just inside the budget is built, and that takes megabytes: what the
    // measure above would have caught.
    let within = format!("list: [{}]\n", vec!["1"; MAX_YAML_NODES - 10].join(","));
    let (result, peak) = peak_bytes(|| format::parse_yaml(&within));
    result.unwrap();
    assert!(peak > 2 * 1024 * 1024, "building it held {peak} bytes");
}
