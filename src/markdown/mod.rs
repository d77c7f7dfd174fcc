//! markdown (see lib.rs).
