//! The migration runner lives in the SDK (`platform::migrate`) so plugin crates can build the core
//! schema plus their own in their tests; the server re-exports it under its old name.

pub use platform::migrate::*;
