//! Other processes as /proc shows them: which are alive, whose children they
//! are, and how much processor time a process and its descendants have used.

use std::time::{Duration, Instant};

/// What /proc/PID/stat says of one process.
struct ProcessStat {
    /// `R`, `S`, `Z` and so on.
    state: char,
    parent: u32,
    /// User and system time, in clock ticks.
    cpu_ticks: u64,
}

/// The clock ticks of /proc/PID/stat per second: USER_HZ, which Linux keeps
/// at 100 on every architecture a test runs on, whatever the kernel's HZ.
const TICKS_PER_SECOND: u64 = 100;

/// A process's stat, or `None` once it has gone.
fn process_stat(pid: u32) -> Option<ProcessStat> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command's name comes first, in parentheses, and may hold spaces and
    // parentheses itself: the fields start after the last ')'. They are
    // numbered from 3 (state) in proc(5); utime and stime are 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let field = |number: usize| fields.get(number - 3).copied();
    Some(ProcessStat {
        state: field(3)?.chars().next()?,
        parent: field(4)?.parse().ok()?,
        cpu_ticks: field(14)?.parse::<u64>().ok()? + field(15)?.parse::<u64>().ok()?,
    })
}

/// Every process there is, with its stat.
fn all_processes() -> Vec<(u32, ProcessStat)> {
    let mut processes = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        if let Some(stat) = process_stat(pid) {
            processes.push((pid, stat));
        }
    }
    processes
}

/// The processes whose parent is `parent`.
pub fn children_of(parent: u32) -> Vec<u32> {
    all_processes().into_iter().filter(|(_, stat)| stat.parent == parent).map(|(pid, _)| pid).collect()
}

/// Alive and not a zombie.
pub fn is_running(pid: u32) -> bool {
    process_stat(pid).is_some_and(|stat| stat.state != 'Z' && stat.state != 'X')
}

/// The processor time that `root` and its living descendants have used.
pub fn tree_cpu_time(root: u32) -> Duration {
    let processes = all_processes();
    // Breadth first: each process found adds its children to the end.
    let mut tree = vec![root];
    let mut next = 0;
    while let Some(&pid) = tree.get(next) {
        next += 1;
        tree.extend(processes.iter().filter(|(_, stat)| stat.parent == pid).map(|(child, _)| *child));
    }
    let ticks: u64 = processes.iter().filter(|(pid, _)| tree.contains(pid)).map(|(_, stat)| stat.cpu_ticks).sum();
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

/// Waits until `root` and its descendants use at most `busy` of one processor
/// over a whole `window`; gives up after `limit`. Returns how long it waited,
/// or `None` if the processes never became that quiet.
pub fn wait_until_quiet(root: u32, window: Duration, busy: f64, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut used_before = tree_cpu_time(root);
    loop {
        std::thread::sleep(window);
        let used = tree_cpu_time(root);
        // A process that exits takes its time with it, so the sum may shrink.
        if used.saturating_sub(used_before).as_secs_f64() <= busy * window.as_secs_f64() {
            return Some(started.elapsed());
        }
        if started.elapsed() > limit {
            return None;
        }
        used_before = used;
    }
}
