//! Brotli at quality 11 beside the files a visit downloads under content-hashed
//! names (`theme/xterm.1a2b3c4d.js.br`, `demo/hashed/boot.1a2b3c4d.wasm.br`):
//! the densest Brotli there is, too slow to make per request (about 5 s for
//! the kernel's wasm on this machine, against 0.1 s at the quality 5 that
//! servers use on the fly) and 11 % smaller.
//!
//! Which files: those that the deploy rules mark immutable
//! ([`super::deploy::cache_control_for`]), whose type is worth compressing, of at
//! least [`MIN_BYTES`]. Pages, the search index and feeds change with every edit,
//! so compressing them at quality 11 would slow every rebuild; hashed files
//! change only with the theme or the kernel.
//!
//! Each compression is kept in `target/brotli/<sha256 of the original>.br`
//! when the site root has a `target/` (the site's cache directory, where the
//! demo step and the theme's packages are kept too; a site without one, such
//! as a test fixture, is not written to), so a kernel's files are compressed
//! once, not on every build; a cached file is used only if it decompresses to the original, so a
//! damaged cache costs a compression, never a wrong file. The builder keeps
//! the bytes in memory between serve's rebuilds. Brotli's output depends only
//! on its input and settings, so the `.br` files are as reproducible as the rest.
//!
//! `lkljs-site serve` sends `x.br` for `x` when the browser accepts Brotli
//! (src/serve/http.rs); what static hosts do with them is in the README's
//! "Deploying `public/`".

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{OutputFile, OutputTree, SharedBytes};
use crate::report;

/// The name of a file's precompressed form: the file's name and this.
pub const BROTLI_SUFFIX: &str = ".br";
/// Brotli's densest setting.
pub const BROTLI_QUALITY: u32 = 11;
/// The largest window the format's regular mode allows (log2 of 16 MiB).
const BROTLI_WINDOW: u32 = 24;
/// Smaller files gain a few bytes at most, less than a request's headers.
pub const MIN_BYTES: usize = 1024;
/// The site's cache directory, relative to its root, and the one for compressions in it.
const SITE_CACHE_DIR: &str = "target";
pub const CACHE_DIR: &str = "target/brotli";

/// Compressions by the SHA-256 of their original, kept by the builder between
/// builds; `None` for a file that Brotli does not make smaller.
#[derive(Default)]
pub struct BrotliCache {
    memory: HashMap<[u8; 32], Option<SharedBytes>>,
}

/// Whether the build writes `path.br` for the output file `path` (see the module comment).
pub fn is_precompressed(path: &str) -> bool {
    let url = format!("/{path}");
    super::deploy::cache_control_for(&url).is_some()
        && !path.ends_with(BROTLI_SUFFIX)
        && crate::serve::is_compressible(crate::serve::content_type(Path::new(path)))
}

/// Brotli at quality 11, the same bytes for the same input on every machine.
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    brotli_at(bytes, BROTLI_QUALITY)
}

/// Brotli at `quality` with the largest window (serve compresses on request with it too).
pub fn brotli_at(bytes: &[u8], quality: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 1 << 16, quality, BROTLI_WINDOW);
        encoder.write_all(bytes).expect("writing to memory cannot fail");
    }
    out
}

fn decompresses_to(compressed: &[u8], original: &[u8]) -> bool {
    let mut decoded = Vec::with_capacity(original.len());
    brotli::Decompressor::new(compressed, 1 << 16).read_to_end(&mut decoded).is_ok() && decoded == original
}

impl BrotliCache {
    /// Adds `path.br` to `tree` for every file of it that [`is_precompressed`],
    /// compressing (in parallel) only what neither memory nor the disk cache under
    /// `site_root` holds. A file that cannot be read is left to the publish
    /// step, which reports it.
    pub fn add_siblings(&mut self, tree: &mut OutputTree, site_root: &Path) {
        let originals: Vec<(String, SharedBytes)> = tree
            .iter()
            .filter(|(path, _)| is_precompressed(path))
            .filter_map(|(path, file)| Some((path.clone(), contents(file)?)))
            .filter(|(_, bytes)| bytes.len() >= MIN_BYTES)
            .collect();
        let digests: Vec<[u8; 32]> =
            originals.par_iter().map(|(_, bytes)| Sha256::digest(bytes.as_slice()).into()).collect();
        let disk = site_root.join(SITE_CACHE_DIR).is_dir().then(|| site_root.join(CACHE_DIR));
        let disk = disk.as_deref();
        let mut missing: Vec<(usize, &SharedBytes)> = Vec::new();
        for (index, ((_, bytes), digest)) in originals.iter().zip(&digests).enumerate() {
            if !self.memory.contains_key(digest) && !missing.iter().any(|(other, _)| digests[*other] == *digest) {
                missing.push((index, bytes));
            }
        }
        let to_compress: Vec<(usize, &SharedBytes)> = missing
            .into_iter()
            .filter(|(index, bytes)| match disk.and_then(|disk| read_cached(disk, &digests[*index], bytes)) {
                Some(cached) => {
                    self.memory.insert(digests[*index], cached);
                    false
                }
                None => true,
            })
            .collect();
        if !to_compress.is_empty() {
            let total: usize = to_compress.iter().map(|(_, bytes)| bytes.len()).sum();
            report::status!(
                "Compressing {} file(s) ({:.1} MB) with Brotli at quality {BROTLI_QUALITY}{} ...",
                to_compress.len(),
                total as f64 / 1e6,
                disk.map(|disk| format!("; kept in {} for later builds", disk.display())).unwrap_or_default()
            );
        }
        let compressed: Vec<(usize, Option<SharedBytes>)> = to_compress
            .par_iter()
            .map(|(index, bytes)| {
                let out = compress(bytes);
                let smaller = out.len() < bytes.len();
                if let Some(disk) = disk {
                    write_cached(disk, &digests[*index], if smaller { &out } else { &[] });
                }
                (*index, smaller.then(|| Arc::new(out)))
            })
            .collect();
        for (index, out) in compressed {
            self.memory.insert(digests[index], out);
        }
        for ((path, _), digest) in originals.iter().zip(&digests) {
            if let Some(Some(compressed)) = self.memory.get(digest) {
                tree.insert(format!("{path}{BROTLI_SUFFIX}"), OutputFile::Shared(Arc::clone(compressed)));
            }
        }
    }
}

/// A file's bytes, shared where the tree already shares them.
fn contents(file: &OutputFile) -> Option<SharedBytes> {
    match file {
        OutputFile::Bytes(bytes) => Some(Arc::new(bytes.clone())),
        OutputFile::Shared(bytes) => Some(Arc::clone(bytes)),
        OutputFile::Copy(source) => std::fs::read(source).ok().map(Arc::new),
    }
}

fn cache_file(disk: &Path, digest: &[u8; 32]) -> PathBuf {
    disk.join(format!("{}{BROTLI_SUFFIX}", hex::encode(digest)))
}

/// The cached compression of `original`: `Some(None)` when it was found not
/// to shrink (an empty cache file), `None` when absent or wrong.
fn read_cached(disk: &Path, digest: &[u8; 32], original: &[u8]) -> Option<Option<SharedBytes>> {
    let bytes = std::fs::read(cache_file(disk, digest)).ok()?;
    if bytes.is_empty() {
        return Some(None);
    }
    decompresses_to(&bytes, original).then(|| Some(Arc::new(bytes)))
}

/// Keeps a compression for later builds. Written to a temporary file and
/// renamed, so a build interrupted here, or another running beside it, never
/// leaves half a file; a cache that cannot be written only costs time.
fn write_cached(disk: &Path, digest: &[u8; 32], compressed: &[u8]) {
    let kept = std::fs::create_dir_all(disk).is_ok()
        && tempfile::NamedTempFile::new_in(disk)
            .and_then(|mut file| file.write_all(compressed).map(|()| file))
            .is_ok_and(|file| file.persist(cache_file(disk, digest)).is_ok());
    if !kept {
        report::detail!("could not keep a Brotli compression in {}", disk.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compressible(size: usize) -> Vec<u8> {
        (0..)
            .map(|line| format!("function step{line}(x) {{ return x * {}; }}\n", line % 97))
            .flat_map(String::into_bytes)
            .take(size)
            .collect()
    }

    #[test]
    fn only_hashed_compressible_files_of_some_size_are_chosen() {
        assert!(is_precompressed("theme/site.1a2b3c4d.css"));
        assert!(is_precompressed("demo/hashed/boot.1a2b3c4d.wasm"));
        assert!(is_precompressed("demo/hashed/userland.1a2b3c4d.cpio"));
        assert!(!is_precompressed("demo/boot.wasm"), "the stable names are node's, not a visit's");
        assert!(!is_precompressed("index.html"));
        assert!(!is_precompressed("search-index.json"));
        assert!(!is_precompressed("theme/photo.1a2b3c4d.png"));
        assert!(!is_precompressed("theme/site.1a2b3c4d.css.br"));
    }

    #[test]
    fn siblings_decompress_to_their_originals_and_come_from_the_cache_next_time() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join(SITE_CACHE_DIR)).unwrap();
        let script = compressible(50_000);
        let mut tree = OutputTree::new();
        tree.insert("theme/app.1a2b3c4d.js".into(), OutputFile::Bytes(script.clone()));
        tree.insert("theme/tiny.1a2b3c4d.js".into(), OutputFile::Bytes(b"let x = 1;".to_vec()));
        tree.insert("index.html".into(), OutputFile::Bytes(compressible(50_000)));
        let mut first = tree.clone();
        BrotliCache::default().add_siblings(&mut first, site.path());
        let added: Vec<&String> = first.keys().filter(|path| !tree.contains_key(*path)).collect();
        assert_eq!(added, ["theme/app.1a2b3c4d.js.br"]);
        let OutputFile::Shared(compressed) = &first["theme/app.1a2b3c4d.js.br"] else { panic!("shared bytes") };
        assert!(decompresses_to(compressed, &script));
        assert!(compressed.len() < script.len() / 4);

        // A second builder finds it on disk; a damaged cache file is replaced.
        let cached = cache_file(&site.path().join(CACHE_DIR), &Sha256::digest(&script).into());
        assert_eq!(std::fs::read(&cached).unwrap(), **compressed);
        let mut second = tree.clone();
        BrotliCache::default().add_siblings(&mut second, site.path());
        assert_eq!(second, first);
        std::fs::write(&cached, b"not brotli").unwrap();
        let mut third = tree.clone();
        BrotliCache::default().add_siblings(&mut third, site.path());
        assert_eq!(third, first);
        assert_eq!(std::fs::read(&cached).unwrap(), **compressed);

        // A site without a cache directory gets the same files and no directory.
        let bare = tempfile::tempdir().unwrap();
        let mut fourth = tree.clone();
        BrotliCache::default().add_siblings(&mut fourth, bare.path());
        assert_eq!(fourth, first);
        assert!(!bare.path().join(SITE_CACHE_DIR).exists());
    }
}
