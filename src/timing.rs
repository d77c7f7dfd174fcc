//! Where a build's time goes, by phase, for the benchmarks
//! (`cargo bench --bench build_speed` prints it for a full build and for each
//! kind of edit).
//!
//! Each phase's figure is thread time: the time the threads spent in it,
//! summed over the threads, so that the pages rendered in parallel on both
//! cores are all counted. A phase measured inside another (highlighting
//! inside Markdown, minification inside templates) is subtracted from the
//! outer one, so the phases add up to the busy time of the build.
//!
//! The totals are process-wide: two builds running at once in one process
//! (the test suite) mix their figures, which is harmless because only the
//! benchmarks read them. Measuring costs two clock reads per measured call.

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A part of a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading configuration, templates, theme assets and content, and putting the site together.
    Load,
    /// Markdown to HTML, without the code blocks' highlighting.
    Markdown,
    /// Syntax highlighting of code blocks.
    Highlighting,
    /// Page templates (with the navigation they show), without minification.
    Templates,
    /// Minifying pages and stylesheets.
    Minification,
    /// The search index.
    SearchIndex,
    /// The other output steps: theme assets, feeds, the sitemap, deploy files.
    OtherOutput,
    /// Brotli at quality 11 of the content-hashed files (src/output/precompress.rs).
    Precompression,
    /// Writing the output to disk.
    Writes,
    /// Checking every internal link and anchor.
    LinkCheck,
}

impl Phase {
    pub const ALL: [Phase; 10] = [
        Phase::Load,
        Phase::Markdown,
        Phase::Highlighting,
        Phase::Templates,
        Phase::Minification,
        Phase::SearchIndex,
        Phase::OtherOutput,
        Phase::Precompression,
        Phase::Writes,
        Phase::LinkCheck,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Load => "load",
            Phase::Markdown => "markdown",
            Phase::Highlighting => "highlighting",
            Phase::Templates => "templates",
            Phase::Minification => "minification",
            Phase::SearchIndex => "search index",
            Phase::OtherOutput => "other output",
            Phase::Precompression => "precompression",
            Phase::Writes => "writes",
            Phase::LinkCheck => "link check",
        }
    }
}

static TOTALS: [AtomicU64; Phase::ALL.len()] = [const { AtomicU64::new(0) }; Phase::ALL.len()];

thread_local! {
    /// Nanoseconds spent in measured calls nested in the one running on this thread.
    static NESTED: Cell<u64> = const { Cell::new(0) };
}

/// Runs `work`, adding its time (less that of phases measured inside it) to `phase`.
pub fn measure<T>(phase: Phase, work: impl FnOnce() -> T) -> T {
    measure_into(&TOTALS, phase, work)
}

fn measure_into<T>(totals: &[AtomicU64; Phase::ALL.len()], phase: Phase, work: impl FnOnce() -> T) -> T {
    let outer_nested = NESTED.replace(0);
    let start = Instant::now();
    let result = work();
    let total = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    let inner = NESTED.replace(outer_nested.saturating_add(total));
    totals[phase as usize].fetch_add(total.saturating_sub(inner), Ordering::Relaxed);
    result
}

/// The time of each phase since the last call, which resets the totals.
pub fn take() -> PhaseTimes {
    PhaseTimes(Phase::ALL.map(|phase| Duration::from_nanos(TOTALS[phase as usize].swap(0, Ordering::Relaxed))))
}

/// Thread time per phase, in the order of [`Phase::ALL`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PhaseTimes(pub [Duration; Phase::ALL.len()]);

impl PhaseTimes {
    pub fn get(&self, phase: Phase) -> Duration {
        self.0[phase as usize]
    }

    pub fn total(&self) -> Duration {
        self.0.iter().sum()
    }

    /// The median of each phase over several runs.
    pub fn median(runs: &[PhaseTimes]) -> PhaseTimes {
        let mut median = PhaseTimes::default();
        for phase in Phase::ALL {
            let mut times: Vec<Duration> = runs.iter().map(|run| run.get(phase)).collect();
            times.sort();
            median.0[phase as usize] = times.get(times.len() / 2).copied().unwrap_or_default();
        }
        median
    }
}

impl fmt::Display for PhaseTimes {
    /// One line per phase: milliseconds of thread time and share of the total.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total().as_secs_f64().max(f64::MIN_POSITIVE);
        for phase in Phase::ALL {
            let time = self.get(phase).as_secs_f64();
            writeln!(f, "  {:<13} {:>9.1} ms  {:>5.1} %", phase.name(), time * 1000.0, time / total * 100.0)?;
        }
        write!(f, "  {:<13} {:>9.1} ms  (thread time, summed over threads)", "total", total * 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_phases_are_subtracted_from_the_outer_one() {
        let totals = [const { AtomicU64::new(0) }; Phase::ALL.len()];
        measure_into(&totals, Phase::LinkCheck, || {
            std::thread::sleep(Duration::from_millis(20));
            measure_into(&totals, Phase::Writes, || std::thread::sleep(Duration::from_millis(30)));
        });
        let milliseconds = |phase: Phase| totals[phase as usize].load(Ordering::Relaxed) / 1_000_000;
        assert!(milliseconds(Phase::Writes) >= 30);
        assert!((20..50).contains(&milliseconds(Phase::LinkCheck)), "{}", milliseconds(Phase::LinkCheck));
    }
}
