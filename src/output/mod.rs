//! output (see lib.rs).
