//! The scheduler engine (being written).
