//! Watching the site's inputs and rebuilding when they change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::files::{Resolved, resolve_target};
use super::live::{css_message, error_message, reload_message};
use super::{Rebuild, ServeError, ServerState};
use crate::report;

/// Events on one path closer together than this become one rebuild. Editors'
/// atomic saves (write a temporary, rename it over the original) and in-place
/// writes take microseconds, well within it (a save's fsync comes after its
/// bytes are written, which a rebuild already reads); a burst that straddles
/// it costs one more (cheap) rebuild. With the one-page rebuild down to a few
/// milliseconds it is a third of the edit-to-reload latency
/// (`edit_reload_real`), hence so short.
const DEBOUNCE: Duration = Duration::from_millis(2);
/// How often the debouncer looks for settled events: the latency is
/// `DEBOUNCE` plus up to one tick.
const DEBOUNCE_TICK: Duration = Duration::from_millis(2);

type FileWatcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

pub(super) enum Signal {
    /// Input paths that were created, modified or removed, as the builder named them.
    Changed(Vec<PathBuf>),
    Stop,
}

/// Starts watching `paths`; changes arrive on the returned channel. Changes under
/// `output_root` and editors' temporary files are ignored.
pub(super) fn watch(
    paths: &[PathBuf],
    output_root: &Path,
) -> Result<(FileWatcher, Sender<Signal>, Receiver<Signal>), ServeError> {
    let roots: Vec<WatchRoot> = paths.iter().filter_map(|path| WatchRoot::new(path)).collect();
    let (signals, changes) = channel();
    let filter = ChangeFilter { roots: roots.clone(), output_root: output_root.to_path_buf() };
    let sender = signals.clone();
    let mut watcher = new_debouncer(DEBOUNCE, Some(DEBOUNCE_TICK), move |result: DebounceEventResult| match result {
        Ok(events) => {
            // After an event-queue overflow the changes are unknown: say everything changed.
            let changed = if events.iter().any(|event| event.need_rescan()) {
                filter.roots.iter().map(|root| root.as_given.clone()).collect()
            } else {
                filter.relevant(
                    events.iter().filter(|event| alters_content(&event.kind)).flat_map(|event| event.paths.iter()),
                )
            };
            if !changed.is_empty() {
                let _ = sender.send(Signal::Changed(changed));
            }
        }
        Err(errors) => {
            for error in errors {
                report::error!("serve: file watcher error: {error}");
            }
        }
    })
    .map_err(ServeError::Watcher)?;
    for root in &roots {
        // A single file is watched through its directory: editors replace files on
        // save, and a watch on the old file would die with it.
        let (target, mode) = match &root.file {
            Some(_) => (root.directory.as_path(), RecursiveMode::NonRecursive),
            None => (root.directory.as_path(), RecursiveMode::Recursive),
        };
        watcher.watch(target, mode).map_err(|source| ServeError::Watch { path: root.as_given.clone(), source })?;
    }
    Ok((watcher, signals, changes))
}

/// Reads (the builder's own included) and access-time updates change nothing.
fn alters_content(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)))
}

/// One watched path, absolute (as the watcher reports events) and as the builder gave it.
#[derive(Clone, Debug)]
struct WatchRoot {
    as_given: PathBuf,
    /// The absolute directory watched.
    directory: PathBuf,
    /// When a single file is watched, its absolute path.
    file: Option<PathBuf>,
}

impl WatchRoot {
    fn new(path: &Path) -> Option<Self> {
        let absolute = std::path::absolute(path).ok()?;
        if absolute.is_dir() {
            return Some(Self { as_given: path.to_path_buf(), directory: absolute, file: None });
        }
        match absolute.parent() {
            Some(parent) if absolute.is_file() => Some(Self {
                as_given: path.to_path_buf(),
                directory: parent.to_path_buf(),
                file: Some(absolute.clone()),
            }),
            _ => {
                report::warning!("serve: not watching {}: it does not exist", path.display());
                None
            }
        }
    }

    /// `path` in the builder's terms, if it belongs to this root.
    fn claim(&self, path: &Path) -> Option<PathBuf> {
        match &self.file {
            Some(file) => (path == file).then(|| self.as_given.clone()),
            None => path.strip_prefix(&self.directory).ok().map(|rest| self.as_given.join(rest)),
        }
    }
}

struct ChangeFilter {
    roots: Vec<WatchRoot>,
    output_root: PathBuf,
}

impl ChangeFilter {
    fn relevant<'a>(&self, paths: impl Iterator<Item = &'a PathBuf>) -> Vec<PathBuf> {
        let mut changed: Vec<PathBuf> = paths
            .filter(|path| !path.starts_with(&self.output_root) && !is_editor_temporary(path))
            .filter_map(|path| self.roots.iter().find_map(|root| root.claim(path)))
            .collect();
        changed.sort();
        changed.dedup();
        changed
    }
}

/// Swap files, backups, lock files and probes that editors write next to the real file.
pub fn is_editor_temporary(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == ".DS_Store"
        || [".swp", ".swo", ".swx", ".tmp", ".crdownload"].iter().any(|suffix| name.ends_with(suffix))
        || name.starts_with(".goutputstream-")
}

/// The thread that owns the builder: it rebuilds on every batch of changes and
/// tells the browsers what happened.
pub(super) struct Rebuilder {
    signals: Sender<Signal>,
    thread: JoinHandle<()>,
    watcher: FileWatcher,
}

impl Rebuilder {
    pub(super) fn spawn(
        mut builder: Box<dyn Rebuild>,
        watcher: FileWatcher,
        signals: Sender<Signal>,
        changes: Receiver<Signal>,
        state: Arc<ServerState>,
    ) -> Self {
        let thread = std::thread::Builder::new()
            .name("serve-rebuild".into())
            .spawn(move || {
                while let Some(changed) = next_batch(&changes) {
                    let started = Instant::now();
                    let result = builder.rebuild(&changed);
                    report(&state, result, "Rebuilt", started, &changed);
                    if let Some(result) = builder.finish() {
                        report(&state, result, "Finished the rebuild", started, &changed);
                    }
                }
            })
            .expect("the OS refused to start the rebuild thread");
        Self { signals, thread, watcher }
    }

    pub(super) fn stop(self) {
        self.watcher.stop();
        let _ = self.signals.send(Signal::Stop);
        let _ = self.thread.join();
    }
}

/// Waits for changes and gathers every batch already queued, so a burst of saves
/// costs one rebuild. `None` means stop.
fn next_batch(changes: &Receiver<Signal>) -> Option<Vec<PathBuf>> {
    let Ok(Signal::Changed(mut changed)) = changes.recv() else {
        return None;
    };
    while let Ok(signal) = changes.try_recv() {
        match signal {
            Signal::Changed(more) => changed.extend(more),
            Signal::Stop => return None,
        }
    }
    changed.sort();
    changed.dedup();
    Some(changed)
}

fn report(
    state: &ServerState,
    result: Result<super::BuildSummary, super::BuildFailure>,
    what: &str,
    started: Instant,
    changed: &[PathBuf],
) {
    let elapsed = format_elapsed(started);
    let inputs = describe_paths(changed);
    match result {
        Ok(summary) => {
            report::status!(
                "{what} in {elapsed} after changes to {inputs}: {} output(s) changed.",
                summary.changed_urls.len()
            );
            if !summary.changed_urls.is_empty() {
                report::detail!("  changed: {}", summary.changed_urls.join(" "));
            }
            state.hub.publish(|build| {
                if build.error.take().is_some() {
                    // The pages on screen may predate the failure: reload them all.
                    build.generation += 1;
                    return Some(reload_message(None));
                }
                if summary.changed_urls.is_empty() || summary.after_css_swap {
                    return None;
                }
                build.generation += 1;
                let stylesheets = current_stylesheets(state, &summary.changed_urls);
                if summary.only_css && !stylesheets.is_empty() {
                    return Some(css_message(&stylesheets));
                }
                Some(reload_message(Some(&summary.changed_urls)))
            });
        }
        Err(failure) => {
            report::error!(
                "Build failed after changes to {inputs}; still serving the last good build:\n{}",
                failure.message
            );
            state.hub.publish(|build| {
                build.error = Some(failure.message.clone());
                Some(error_message(&failure.message))
            });
        }
    }
}

/// The stylesheets among `urls` that exist now: the new names of those that changed.
fn current_stylesheets(state: &ServerState, urls: &[String]) -> Vec<String> {
    urls.iter()
        .filter(|url| url.ends_with(".css"))
        .filter(|url| matches!(resolve_target(state.root(), url), Resolved::File(_)))
        .cloned()
        .collect()
}

/// A few of the changed paths, enough to recognise the edit without flooding the terminal.
fn describe_paths(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 3;
    let mut described = paths.iter().take(SHOWN).map(|path| path.display().to_string()).collect::<Vec<_>>().join(", ");
    if paths.len() > SHOWN {
        described.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    described
}

pub(super) fn format_elapsed(started: Instant) -> String {
    let elapsed = started.elapsed();
    if elapsed < Duration::from_secs(1) {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.2} s", elapsed.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_editor_temporaries() {
        for name in [".intro.md.swp", "intro.md~", ".#intro.md", "#intro.md#", "4913", "x.tmp"] {
            assert!(is_editor_temporary(Path::new("content").join(name).as_path()), "{name}");
        }
        for name in ["intro.md", "site.css", "4913.md", "swp"] {
            assert!(!is_editor_temporary(Path::new("content").join(name).as_path()), "{name}");
        }
    }

    #[test]
    fn reports_changes_in_the_builders_terms() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).unwrap();
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        let roots = vec![WatchRoot::new(&content).unwrap(), WatchRoot::new(&dir.path().join("site.toml")).unwrap()];
        let filter = ChangeFilter { roots, output_root: dir.path().join("public") };
        let events = [
            content.join("a.md"),
            content.join(".a.md.swp"),
            dir.path().join("public/index.html"),
            dir.path().join("site.toml"),
            dir.path().join("other.toml"),
            content.join("a.md"),
        ];
        assert_eq!(filter.relevant(events.iter()), vec![content.join("a.md"), dir.path().join("site.toml")]);
    }
}
