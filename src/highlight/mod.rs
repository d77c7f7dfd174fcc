//! highlight (see lib.rs).
