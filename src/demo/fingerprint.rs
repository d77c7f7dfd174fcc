//! Content hashes of files and trees, framed so that no two different inputs
//! can feed the same bytes to SHA-256.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::error::DemoError;

/// SHA-256 over labelled, length-prefixed fields: `field("a", "bc")` and
/// `field("ab", "c")` hash differently.
pub struct FieldHasher(Sha256);

impl FieldHasher {
    pub fn new(domain: &str) -> Self {
        let mut hasher = FieldHasher(Sha256::new());
        hasher.field("domain", domain.as_bytes());
        hasher
    }

    pub fn field(&mut self, label: &str, value: &[u8]) -> &mut Self {
        for part in [label.as_bytes(), value] {
            self.0.update((part.len() as u64).to_le_bytes());
            self.0.update(part);
        }
        self
    }

    pub fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// The hex SHA-256 of a file's contents, read in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> Result<String, DemoError> {
    let mut file = File::open(path).map_err(DemoError::io("read", path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer).map_err(DemoError::io("read", path))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// What [`hash_tree`] reads of each entry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TreeHashDepth {
    /// Sizes, modification times and modes only: cheap, and changes whenever
    /// the contents do, which is enough to decide whether to re-read them.
    Metadata,
    /// Relative paths, contents, symlink targets and the executable bit: what
    /// a build can observe, and nothing about where or when the tree was made.
    Contents,
}

/// A deterministic hash of the tree under `root`: entries in sorted order,
/// each with its path relative to `root`.
pub fn hash_tree(root: &Path, depth: TreeHashDepth) -> Result<String, DemoError> {
    hash_tree_where(root, depth, |_| true)
}

/// [`hash_tree`] of the entries whose path relative to `root` `keep` accepts.
pub fn hash_tree_where(root: &Path, depth: TreeHashDepth, keep: impl Fn(&Path) -> bool) -> Result<String, DemoError> {
    let mut hasher = FieldHasher::new(match depth {
        TreeHashDepth::Metadata => "lkljs tree metadata v1",
        TreeHashDepth::Contents => "lkljs tree contents v1",
    });
    for entry in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name().min_depth(1) {
        let entry = entry.map_err(|error| {
            let path = error.path().unwrap_or(root).to_owned();
            DemoError::Io { action: "walk", path, source: error.into() }
        })?;
        let path = entry.path();
        let relative = path.strip_prefix(root).expect("walkdir yields paths under its root");
        if !keep(relative) {
            continue;
        }
        let metadata = entry.metadata().map_err(|error| DemoError::Io {
            action: "read the metadata of",
            path: path.to_owned(),
            source: error.into(),
        })?;
        hasher.field("path", relative.as_os_str().as_encoded_bytes());
        let file_type = entry.file_type();
        if depth == TreeHashDepth::Metadata {
            hasher.field("size", &metadata.len().to_le_bytes());
            hasher.field("mtime", &metadata.mtime().to_le_bytes());
            hasher.field("mtime_nsec", &metadata.mtime_nsec().to_le_bytes());
            hasher.field("mode", &metadata.mode().to_le_bytes());
        } else if file_type.is_symlink() {
            let target = std::fs::read_link(path).map_err(DemoError::io("read the link", path))?;
            hasher.field("symlink", target.as_os_str().as_encoded_bytes());
        } else if file_type.is_dir() {
            hasher.field("directory", b"");
        } else if file_type.is_file() {
            let executable = metadata.permissions().mode() & 0o111 != 0;
            hasher.field("executable", &[u8::from(executable)]);
            hasher.field("sha256", sha256_file(path)?.as_bytes());
        } else {
            // A fifo or socket has no contents to read (reading a fifo would block).
            hasher.field("special", b"");
        }
    }
    Ok(hasher.finish())
}

/// Every file under `dir`, `/`-separated relative path to size.
pub(super) fn list_files(dir: &Path) -> Result<BTreeMap<String, u64>, DemoError> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry =
            entry.map_err(|error| DemoError::Io { action: "list", path: dir.to_owned(), source: error.into() })?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("walkdir yields paths under its root");
            let name = relative.iter().map(|part| part.to_string_lossy()).collect::<Vec<_>>().join("/");
            let bytes = entry
                .metadata()
                .map_err(|error| DemoError::Io { action: "stat", path: entry.path().to_owned(), source: error.into() })?
                .len();
            files.insert(name, bytes);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn fields_are_framed() {
        let mut first = FieldHasher::new("test");
        first.field("a", b"bc");
        let mut second = FieldHasher::new("test");
        second.field("ab", b"c");
        assert_ne!(first.finish(), second.finish());
    }

    #[test]
    fn tree_contents_hash_ignores_times_but_not_contents_names_or_modes() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/a.sh"), "echo a\n").unwrap();
        fs::write(dir.path().join("b"), "b\n").unwrap();
        let original = hash_tree(dir.path(), TreeHashDepth::Contents).unwrap();

        let later = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        File::options().write(true).open(dir.path().join("b")).unwrap().set_modified(later).unwrap();
        assert_eq!(hash_tree(dir.path(), TreeHashDepth::Contents).unwrap(), original);
        assert_ne!(
            hash_tree(dir.path(), TreeHashDepth::Metadata).unwrap(),
            hash_tree(dir.path(), TreeHashDepth::Contents).unwrap()
        );

        fs::set_permissions(dir.path().join("sub/a.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        let executable = hash_tree(dir.path(), TreeHashDepth::Contents).unwrap();
        assert_ne!(executable, original);

        fs::rename(dir.path().join("b"), dir.path().join("c")).unwrap();
        let renamed = hash_tree(dir.path(), TreeHashDepth::Contents).unwrap();
        assert_ne!(renamed, executable);

        fs::write(dir.path().join("c"), "c\n").unwrap();
        assert_ne!(hash_tree(dir.path(), TreeHashDepth::Contents).unwrap(), renamed);
    }
}
