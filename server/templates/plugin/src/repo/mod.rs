//! The SQL, in the portable subset both backends run (`$1` placeholders, epoch-millisecond
//! times, `RETURNING`). Every query is scoped by the organization id the service was given;
//! rows are read straight into the model's types with `FromRow`.

mod entries;

pub use entries::{insert, list};
