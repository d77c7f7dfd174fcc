//! slides (see lib.rs).
