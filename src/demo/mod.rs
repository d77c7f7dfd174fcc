//! The kernel demo as a build step: compiles Linux to WebAssembly through
//! `demo-build/`, caches the result by a hash of every input, and describes it
//! in a manifest that the guide quotes.
