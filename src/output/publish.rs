//! Writing the output tree to disk.
//!
//! - [`publish`] (used by `build`): the tree is written into a fresh directory
//!   next to the output, which then replaces the old output by renames, so a
//!   build that fails or is interrupted leaves the previous site untouched.
//! - [`sync`] (used by `serve`): only files whose bytes changed are written and
//!   stale files removed, so the server never serves a half-empty directory
//!   and the browser is told exactly what changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{OutputFile, OutputTree};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
    #[error("refusing to use {} as the output directory: {reason}; choose a dedicated directory such as `public`", path.display())]
    Refused { path: PathBuf, reason: &'static str },
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> PublishError + 'a {
    move |source| PublishError::Io { action, path: path.to_path_buf(), source }
}

/// Makes `output` absolute and refuses directories whose replacement would
/// destroy something else: `/`, the home directory, the site root or any of
/// its ancestors, and the site's source directories.
pub fn validate_output_dir(site_root: &Path, output: &Path) -> Result<PathBuf, PublishError> {
    let absolute = |path: &Path| -> Result<PathBuf, PublishError> {
        let joined = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map_err(io("read the current directory", path))?.join(path)
        };
        Ok(normalise(&joined))
    };
    let output_abs = resolve_existing_prefix(&absolute(output)?);
    let root = resolve_existing_prefix(&absolute(site_root)?);
    let refuse = |reason| Err(PublishError::Refused { path: output.to_path_buf(), reason });
    if output_abs.parent().is_none() {
        return refuse("it is the file system root");
    }
    if std::env::var_os("HOME").is_some_and(|home| resolve_existing_prefix(&normalise(Path::new(&home))) == output_abs)
    {
        return refuse("it is the home directory");
    }
    if root.starts_with(&output_abs) {
        return refuse("it contains the site's sources");
    }
    for source_dir in ["content", "theme", "demo-build", "src", ".git"] {
        if output_abs.starts_with(root.join(source_dir)) {
            return refuse("it is inside the site's sources");
        }
    }
    Ok(output_abs)
}

/// Removes `.` and `..` lexically.
fn normalise(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// Resolves symbolic links in the longest existing prefix, so that a link to
/// the site root is recognised too.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(ToOwned::to_owned), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.iter().rev());
    resolved
}

/// Writes the tree into a new directory and swaps it in for `output`.
pub fn publish(tree: &OutputTree, output: &Path) -> Result<(), PublishError> {
    let name = output
        .file_name()
        .ok_or(PublishError::Refused { path: output.to_path_buf(), reason: "it has no directory name" })?;
    let parent = output.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io("create", parent))?;
    remove_leftovers(parent, &name.to_string_lossy());
    let staging = tempfile::Builder::new()
        .prefix(&format!("{}.new-", name.to_string_lossy()))
        .tempdir_in(parent)
        .map_err(io("create a staging directory in", parent))?;
    // The directories first, then the files from both cores. With other
    // builds running on the machine, two writers put the 1,000-page corpus'
    // 45 MB down in 1.6-2.6 s where one took 1.7-4.0 s; an earlier, quieter
    // measurement had found one writer faster. Measure both (the build_speed
    // benchmark's "writes") before changing this.
    let directories: BTreeSet<&Path> = tree.keys().filter_map(|path| Path::new(path).parent()).collect();
    for directory in directories {
        let directory = staging.path().join(directory);
        std::fs::create_dir_all(&directory).map_err(io("create", &directory))?;
    }
    tree.par_iter().try_for_each(|(path, file)| write_file(&staging.path().join(path), file))?;
    let staging = staging.keep();
    let suffix =
        staging.file_name().unwrap_or_default().to_string_lossy().rsplit('-').next().unwrap_or_default().to_string();
    let previous = parent.join(format!("{}.old-{suffix}", name.to_string_lossy()));
    let had_previous = output.exists();
    if had_previous {
        std::fs::rename(output, &previous).map_err(io("move the previous output aside:", output))?;
    }
    if let Err(source) = std::fs::rename(&staging, output) {
        if had_previous {
            let _ = std::fs::rename(&previous, output);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(PublishError::Io {
            action: "move the new output into place at",
            path: output.to_path_buf(),
            source,
        });
    }
    if had_previous {
        std::fs::remove_dir_all(&previous).map_err(io("remove the previous output", &previous))?;
    }
    Ok(())
}

/// Removes staging and previous-output directories that a killed build left
/// next to the output (`public.new-*`, `public.old-*`).
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let is_leftover = [".new-", ".old-"]
            .iter()
            .any(|marker| file_name.strip_prefix(name).is_some_and(|rest| rest.starts_with(marker)));
        if is_leftover && entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            // Best effort: a leftover that cannot be removed does not stop the build.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn write_file(path: &Path, file: &OutputFile) -> Result<(), PublishError> {
    if let Some(parent) = path.parent()
        && !parent.is_dir()
    {
        std::fs::create_dir_all(parent).map_err(io("create", parent))?;
    }
    match file {
        OutputFile::Bytes(bytes) => std::fs::write(path, bytes).map_err(io("write", path)),
        OutputFile::Shared(bytes) => std::fs::write(path, bytes.as_slice()).map_err(io("write", path)),
        OutputFile::Copy(source) => std::fs::copy(source, path).map(drop).map_err(io("copy to", path)),
    }
}

/// Whether `target` is a copy of `source` made since `source` last changed:
/// same size, and modified no earlier. Spares reading both files on every sync.
fn copied_since_modified(source: &Path, target: &Path) -> bool {
    let (Ok(source), Ok(target)) = (std::fs::metadata(source), std::fs::metadata(target)) else {
        return false;
    };
    let modified = |metadata: &std::fs::Metadata| metadata.modified().ok();
    source.len() == target.len() && modified(&source).is_some() && modified(&target) >= modified(&source)
}

fn same_content(path: &Path, file: &OutputFile) -> bool {
    match file {
        OutputFile::Bytes(bytes) => std::fs::read(path).is_ok_and(|existing| existing == *bytes),
        OutputFile::Shared(bytes) => std::fs::read(path).is_ok_and(|existing| *existing == **bytes),
        OutputFile::Copy(source) => {
            let sizes =
                (std::fs::metadata(path).map(|m| m.len()).ok(), std::fs::metadata(source).map(|m| m.len()).ok());
            sizes.0.is_some() && sizes.0 == sizes.1 && std::fs::read(path).ok() == std::fs::read(source).ok()
        }
    }
}

/// Brings `output` in line with the tree, touching only what differs.
/// `previous` is the tree of the last sync, if any: generated files equal to
/// it are taken to be on disk already, which spares reading them back.
/// Files on disk that the tree lacks are removed, and files deleted since the
/// last sync restored, when `remove_stale` is set (a walk of the whole output);
/// a partial update leaves both to the next full one. Returns the changed paths (written or removed), sorted.
pub fn sync(
    tree: &OutputTree,
    output: &Path,
    previous: Option<&OutputTree>,
    remove_stale: bool,
) -> Result<Vec<String>, PublishError> {
    let mut changed = Vec::new();
    std::fs::create_dir_all(output).map_err(io("create", output))?;
    for (path, file) in tree {
        let target = output.join(path);
        // A partial sync trusts the last one for files it wrote; a full one
        // checks they are still there (and restores them if not).
        let unchanged_since_last_sync = previous.and_then(|previous| previous.get(path)) == Some(file)
            && match file {
                OutputFile::Copy(source) => copied_since_modified(source, &target),
                OutputFile::Bytes(_) | OutputFile::Shared(_) => !remove_stale || target.exists(),
            };
        if unchanged_since_last_sync {
            continue;
        }
        if !same_content(&target, file) {
            write_file(&target, file)?;
            changed.push(path.clone());
        }
    }
    if !remove_stale {
        changed.sort();
        return Ok(changed);
    }
    let mut directories = Vec::new();
    for entry in walkdir::WalkDir::new(output).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|error| PublishError::Io {
            action: "list",
            path: output.to_path_buf(),
            source: error.into(),
        })?;
        let relative =
            entry.path().strip_prefix(output).expect("below the walked root").to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            directories.push(entry.path().to_path_buf());
        } else if !tree.contains_key(&relative) {
            std::fs::remove_file(entry.path()).map_err(io("remove", entry.path()))?;
            changed.push(relative);
        }
    }
    for directory in directories.iter().rev() {
        // Only empty directories go; a non-empty one fails harmlessly.
        let _ = std::fs::remove_dir(directory);
    }
    changed.sort();
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> OutputTree {
        files.iter().map(|(path, text)| (path.to_string(), OutputFile::Bytes(text.as_bytes().to_vec()))).collect()
    }

    #[test]
    fn publish_replaces_the_output_and_leaves_no_staging_behind() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        std::fs::create_dir_all(output.join("stale")).unwrap();
        std::fs::create_dir_all(dir.path().join("public.new-abc123/x")).unwrap();
        std::fs::create_dir_all(dir.path().join("public.old-def456")).unwrap();
        std::fs::write(output.join("stale/old.html"), "old").unwrap();
        publish(&tree(&[("index.html", "new"), ("a/b.css", "b")]), &output).unwrap();
        assert_eq!(std::fs::read_to_string(output.join("index.html")).unwrap(), "new");
        assert!(!output.join("stale").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(names, ["public"], "leftovers of killed builds are cleaned up");
    }

    #[test]
    fn sync_writes_only_what_changed_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out");
        let first = tree(&[("a.html", "1"), ("d/b.html", "2")]);
        assert_eq!(sync(&first, &output, None, true).unwrap(), ["a.html", "d/b.html"]);
        let second = tree(&[("a.html", "1"), ("c.html", "3")]);
        assert_eq!(sync(&second, &output, Some(&first), true).unwrap(), ["c.html", "d/b.html"]);
        assert!(!output.join("d").exists(), "empty directories are removed");
        assert!(sync(&second, &output, None, true).unwrap().is_empty());
        std::fs::remove_file(output.join("a.html")).unwrap();
        assert_eq!(
            sync(&second, &output, Some(&second), true).unwrap(),
            ["a.html"],
            "a file deleted behind the builder's back is restored"
        );
    }

    #[test]
    fn a_partial_sync_keeps_stale_files_and_copies_follow_their_source() {
        let dir = tempfile::tempdir().unwrap();
        let (output, source) = (dir.path().join("out"), dir.path().join("asset.txt"));
        std::fs::write(&source, "one").unwrap();
        let mut first = tree(&[("a.html", "1")]);
        first.insert("asset.txt".into(), OutputFile::Copy(source.clone()));
        sync(&first, &output, None, true).unwrap();
        let second: OutputTree =
            first.iter().filter(|(path, _)| *path != "a.html").map(|(p, f)| (p.clone(), f.clone())).collect();
        assert!(sync(&second, &output, Some(&first), false).unwrap().is_empty());
        assert!(output.join("a.html").exists(), "a partial sync removes nothing");
        // Same size, newer: the copy is redone although the tree entry is the same.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&source, "two").unwrap();
        assert_eq!(sync(&second, &output, Some(&second), true).unwrap(), ["a.html", "asset.txt"]);
        assert_eq!(std::fs::read_to_string(output.join("asset.txt")).unwrap(), "two");
        assert!(!output.join("a.html").exists());
    }

    #[test]
    fn dangerous_output_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        for output in [
            PathBuf::from("/"),
            root.clone(),
            dir.path().to_path_buf(),
            root.join("content"),
            root.join("content/x"),
            root.join("theme"),
            root.join("public/.."),
        ] {
            assert!(
                matches!(validate_output_dir(&root, &output), Err(PublishError::Refused { .. })),
                "{}",
                output.display()
            );
        }
        if let Some(home) = std::env::var_os("HOME") {
            assert!(validate_output_dir(&root, Path::new(&home)).is_err());
        }
        assert_eq!(
            validate_output_dir(&root, &root.join("public")).unwrap(),
            root.canonicalize().unwrap().join("public")
        );
        assert!(validate_output_dir(&root, &dir.path().join("elsewhere")).is_ok());
    }
}
