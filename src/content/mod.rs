//! content (see lib.rs).
