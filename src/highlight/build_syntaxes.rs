//! Build script: compiles syntect's bundled syntaxes plus our own
//! `src/highlight/syntaxes/*.sublime-syntax` into one binary dump, which the
//! highlighter loads at run time. Linking ~80 syntaxes takes about a third of
//! a second in an optimised build; loading the dump takes milliseconds.

use std::path::{Path, PathBuf};

use syntect::parsing::{SyntaxDefinition, SyntaxSet};

const SYNTAX_DIR: &str = "src/highlight/syntaxes";

fn main() {
    println!("cargo::rerun-if-changed={SYNTAX_DIR}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(SYNTAX_DIR)
        .unwrap_or_else(|error| panic!("cannot list {SYNTAX_DIR}: {error}"))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "sublime-syntax"))
        .collect();
    // Sorted, so that the dump does not depend on directory order.
    files.sort();

    let mut builder = SyntaxSet::load_defaults_newlines().into_builder();
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let source =
            std::fs::read_to_string(file).unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
        let definition = SyntaxDefinition::load_from_str(&source, true, None)
            .unwrap_or_else(|error| panic!("{}: invalid syntax definition: {error}", file.display()));
        builder.add(definition);
    }
    let set = builder.build();
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let dump = Path::new(&out_dir).join("syntaxes.packdump");
    syntect::dumps::dump_to_file(&set, &dump)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", dump.display()));
}
