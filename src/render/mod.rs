//! render (see lib.rs).
