//! `{{ boot_timeline() }}`: the phases of the demo's boot drawn as an inline
//! SVG at build time, from the printk timestamps of the manifest's boot log.
//!
//! The chart draws only with `currentColor` and the page's `--accent`
//! variable, so it follows the reader's light or dark theme without a
//! stylesheet of its own. Every number is printed with a fixed precision, so
//! the same manifest always gives the same bytes.

use crate::html::escape;

use super::shortcodes::{Args, Facts};

/// One console line with a printk timestamp: `[    0.018814] printk: ...`.
#[derive(Clone, Debug, PartialEq)]
pub struct StampedLine<'a> {
    pub seconds: f64,
    /// The timestamp exactly as the kernel printed it, e.g. `0.018814`.
    pub stamp: &'a str,
    pub message: &'a str,
}

/// Splits a printk line into its timestamp and message; `None` without one.
pub fn parse_stamped(line: &str) -> Option<StampedLine<'_>> {
    let inside = line.strip_prefix('[')?;
    let (stamp, message) = inside.split_once(']')?;
    let stamp = stamp.trim();
    let seconds = stamp.parse::<f64>().ok().filter(|seconds| seconds.is_finite())?;
    Some(StampedLine { seconds, stamp, message: message.strip_prefix(' ').unwrap_or(message) })
}

/// The moments a reader recognises in a boot log: the first line that starts
/// with the pattern marks the milestone. The last line of the log is one too.
pub const MILESTONES: &[(&str, &str)] = &[
    ("Linux version", "start_kernel()"),
    ("Memory:", "page allocator"),
    ("printk: console [", "console on"),
    ("clocksource: Switched to clocksource", "host clock"),
    ("Unpacking initramfs", "initramfs"),
    ("Run /init as init process", "/init runs"),
    // "PID 1 (" and not "PID 1": the host's process may be PID 16.
    ("lkljs: PID 1 (", "PID 1 starts"),
    ("lkljs-init: PID 1 ready", "init done"),
];

/// Phases lie between milestones; each names the milestone that starts it
/// and ends at the next phase's start, or at the last line.
const PHASES: &[(&str, &str)] = &[
    ("start_kernel()", "early setup"),
    ("console on", "initcalls, /init"),
    ("PID 1 starts", "PID 1's init"),
    ("init done", "to the halt"),
];

const LAST_LINE: &str = "last line";

/// A milestone found in the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Milestone<'a> {
    pub label: &'static str,
    pub line: StampedLine<'a>,
}

/// The milestones present in `log`, in time order, ending with its last stamped line.
pub fn milestones(log: &[String]) -> Vec<Milestone<'_>> {
    let stamped: Vec<StampedLine> = log.iter().filter_map(|line| parse_stamped(line)).collect();
    let mut found: Vec<Milestone> = MILESTONES
        .iter()
        .filter_map(|(pattern, label)| {
            stamped
                .iter()
                .find(|line| line.message.starts_with(pattern))
                .map(|line| Milestone { label, line: line.clone() })
        })
        .collect();
    if let Some(last) = stamped.last()
        && found.last().is_none_or(|milestone| milestone.line != *last)
    {
        found.push(Milestone { label: LAST_LINE, line: last.clone() });
    }
    found.sort_by(|a, b| a.line.seconds.total_cmp(&b.line.seconds));
    found
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 20.0;
const RIGHT: f64 = 700.0;
const PHASE_LABEL_Y: f64 = 16.0;
const BAR_TOP: f64 = 24.0;
const BAR_HEIGHT: f64 = 22.0;
const RUG_TOP: f64 = 52.0;
const RUG_HEIGHT: f64 = 12.0;
const AXIS_Y: f64 = 70.0;
const LABELS_TOP: f64 = 108.0;
const LANE_HEIGHT: f64 = 16.0;
/// Rough width of one character of the 12 px labels, to keep labels apart.
const CHAR_WIDTH: f64 = 6.6;

/// The HTML of the chart, or a visible "not measured yet" note.
pub fn render(facts: &Facts, args: &mut Args) -> Result<String, String> {
    let caption = args.text("caption")?;
    let Some(log) = facts.boot_log_full() else {
        return Ok("<p class=\"fact-missing boot-timeline\">Boot timeline not measured yet: build the demo (<code>lkljs-site build</code> without <code>--skip-demo</code>) to record it.</p>".to_string());
    };
    let milestones = milestones(&log);
    if milestones.len() < 2 {
        return Err(format!(
            "boot_timeline: the boot log has {} timestamped milestone(s); it needs at least 2 (is CONFIG_PRINTK_TIME on?)",
            milestones.len()
        ));
    }
    let stamped: Vec<f64> = log.iter().filter_map(|line| parse_stamped(line)).map(|line| line.seconds).collect();
    let end = milestones.last().map_or(0.0, |milestone| milestone.line.seconds);
    let (step, axis_end) = axis(end);
    let x = |seconds: f64| LEFT + (RIGHT - LEFT) * seconds / axis_end;

    let mut svg = String::new();
    // Phase bars, shaded from light to strong accent.
    let phases: Vec<(&str, f64, f64)> = PHASES
        .iter()
        .filter_map(|(starts_at, name)| {
            let start = milestones.iter().position(|milestone| milestone.label == *starts_at)?;
            let stop = milestones.get(start + 1..)?.iter().find(|milestone| {
                PHASES.iter().any(|(label, _)| *label == milestone.label) || milestone.label == LAST_LINE
            })?;
            Some((*name, milestones[start].line.seconds, stop.line.seconds))
        })
        .collect();
    for (index, (name, start, stop)) in phases.iter().enumerate() {
        let opacity = 0.35 + 0.25 * index as f64;
        let (left, right) = (x(*start), x(*stop));
        svg.push_str(&format!(
            "<g class=\"timeline-phase\" data-phase=\"{name}\" data-from=\"{start:.6}\" data-to=\"{stop:.6}\"><rect x=\"{left:.1}\" y=\"{BAR_TOP}\" width=\"{:.1}\" height=\"{BAR_HEIGHT}\" rx=\"3\" style=\"fill: var(--accent, currentColor)\" fill-opacity=\"{opacity:.1}\"/>",
            (right - left).max(1.0)
        ));
        // Named above its bar when the name fits; the legend names every phase.
        if (right - left) > name.chars().count() as f64 * CHAR_WIDTH + 6.0 {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{PHASE_LABEL_Y}\" text-anchor=\"middle\" font-weight=\"600\">{}</text>",
                (left + right) / 2.0,
                escape(name)
            ));
        }
        svg.push_str("</g>");
    }
    // One tick per log line: where the kernel was busy printing.
    svg.push_str("<g class=\"timeline-rug\" stroke=\"currentColor\" stroke-opacity=\"0.55\">");
    for seconds in &stamped {
        svg.push_str(&format!(
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{RUG_TOP}\" y2=\"{1}\"/>",
            x(*seconds),
            RUG_TOP + RUG_HEIGHT
        ));
    }
    svg.push_str("</g>");
    // The time axis.
    svg.push_str(&format!(
        "<g class=\"timeline-axis\"><line x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{AXIS_Y}\" y2=\"{AXIS_Y}\" stroke=\"currentColor\"/>"
    ));
    let ticks = (axis_end / step).round() as usize;
    for tick in 0..=ticks {
        let seconds = step * tick as f64;
        let tick_x = x(seconds);
        let anchor = match tick {
            0 => "start",
            last if last == ticks => "end",
            _ => "middle",
        };
        svg.push_str(&format!(
            "<line x1=\"{tick_x:.1}\" x2=\"{tick_x:.1}\" y1=\"{AXIS_Y}\" y2=\"{:.1}\" stroke=\"currentColor\"/><text x=\"{tick_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill-opacity=\"0.8\">{}</text>",
            AXIS_Y + 5.0,
            AXIS_Y + 19.0,
            milliseconds(seconds)
        ));
    }
    svg.push_str("</g>");
    // Milestones: a dashed rule through the bars down to the axis, and a
    // leader from below the tick labels down to the milestone's own row.
    // The earliest milestone takes the lowest row and labels run to the
    // right of their leader, so a leader only ever passes rows of later
    // milestones, whose labels start further right: no label is crossed.
    let rows = milestones.len();
    for (index, milestone) in milestones.iter().enumerate() {
        let at = x(milestone.line.seconds);
        let text = format!("{} {}", milliseconds(milestone.line.seconds), milestone.label);
        let width = text.chars().count() as f64 * CHAR_WIDTH;
        let (anchor, text_x) = if at + 5.0 + width > WIDTH - 2.0 { ("end", at - 5.0) } else { ("start", at + 5.0) };
        let label_y = LABELS_TOP + LANE_HEIGHT * (rows - 1 - index) as f64;
        svg.push_str(&format!(
            "<g class=\"timeline-milestone\" data-milestone=\"{}\" data-seconds=\"{}\"><line x1=\"{at:.1}\" x2=\"{at:.1}\" y1=\"{BAR_TOP}\" y2=\"{AXIS_Y}\" stroke=\"currentColor\" stroke-dasharray=\"2 3\" stroke-opacity=\"0.7\"/><line x1=\"{at:.1}\" x2=\"{at:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.45\"/><circle cx=\"{at:.1}\" cy=\"{AXIS_Y}\" r=\"3\" fill=\"currentColor\"/><text x=\"{text_x:.1}\" y=\"{label_y:.1}\" text-anchor=\"{anchor}\">{}</text></g>",
            escape(milestone.label),
            escape(milestone.line.stamp),
            AXIS_Y + 24.0,
            label_y - 4.0,
            escape(&text)
        ));
    }
    let legend_y = LABELS_TOP + LANE_HEIGHT * rows as f64 + 8.0;
    let legend: Vec<String> =
        phases.iter().map(|(name, start, stop)| format!("{name}: {}", milliseconds(stop - start))).collect();
    svg.push_str(&format!(
        "<text class=\"timeline-legend\" x=\"{LEFT}\" y=\"{legend_y:.1}\" fill-opacity=\"0.8\">Phases: {}</text>",
        escape(&legend.join(" · "))
    ));
    let height = legend_y + 8.0;
    let description: Vec<String> = milestones
        .iter()
        .map(|milestone| format!("{} at {}", milestone.label, milliseconds(milestone.line.seconds)))
        .collect();
    let caption = caption.unwrap_or_else(|| {
        format!(
            "Boot phases under Node.js, drawn from the printk timestamps of the build's own boot log ({} timestamped lines, one tick each).",
            stamped.len()
        )
    });
    Ok(format!(
        "<figure class=\"figure boot-timeline\"><svg viewBox=\"0 0 {WIDTH} {height:.0}\" width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" aria-label=\"Boot timeline: {}\" font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"currentColor\">{svg}</svg><figcaption>{}</figcaption></figure>",
        escape(&description.join("; ")),
        escape(&caption)
    ))
}

/// A tick step of 1, 2 or 5 times a power of ten giving at most eight
/// intervals, and the axis end: the first tick at or after `end`.
fn axis(end: f64) -> (f64, f64) {
    let end = end.max(0.001);
    let mut magnitude = 10f64.powf((end / 8.0).log10().floor());
    loop {
        for factor in [1.0, 2.0, 5.0] {
            let step = factor * magnitude;
            if end / step <= 8.0 {
                return (step, (end / step - 1e-9).ceil().max(1.0) * step);
            }
        }
        magnitude *= 10.0;
    }
}

/// `0.0188` → `18.8 ms`; a second or more → `1.25 s`.
fn milliseconds(seconds: f64) -> String {
    let ms = seconds * 1000.0;
    if ms >= 1000.0 {
        format!("{seconds:.2} s")
    } else if ms >= 100.0 || (ms - ms.round()).abs() < 1e-6 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::shortcodes::scan;

    const LOG: &str = "[    0.000488] Linux version 6.1.192 (lkljs@lkljs)\n\
        [    0.010539] Memory: 32328K/45056K available\n\
        [    0.018814] printk: console [lkljs0] enabled\n\
        [    0.028532] clocksource: Switched to clocksource lkljs\n\
        [    0.037106] Run /init as init process\n\
        no stamp here\n\
        [    0.041200] lkljs: PID 1 (init) enters user mode\n\
        [    0.052000] lkljs-init: PID 1 ready: Linux lkljs 6.1.192 wasm32\n\
        [    0.109868] reboot: System halted\n";

    fn chart(log: Option<&str>) -> Result<String, String> {
        let manifest = log.map(|log| serde_json::json!({ "boot": { "log": log } }));
        let facts = Facts::new(manifest);
        let (found, _) = scan("{{ boot_timeline() }}", &[]);
        let super::super::shortcodes::Found::Call(call) = &found[0] else { panic!() };
        render(&facts, &mut Args::new(call))
    }

    #[test]
    fn parses_printk_timestamps() {
        let line = parse_stamped("[    0.018814] printk: console [lkljs0] enabled").unwrap();
        assert_eq!(line.stamp, "0.018814");
        assert_eq!(line.message, "printk: console [lkljs0] enabled");
        assert!((line.seconds - 0.018814).abs() < 1e-12);
        assert!(parse_stamped("Linux version").is_none());
        assert!(parse_stamped("[ abc] x").is_none());
    }

    #[test]
    fn draws_every_milestone_and_phase_from_the_log() {
        let html = chart(Some(LOG)).unwrap();
        for (label, stamp) in [
            ("start_kernel()", "0.000488"),
            ("console on", "0.018814"),
            ("/init runs", "0.037106"),
            ("PID 1 starts", "0.041200"),
            ("init done", "0.052000"),
            ("last line", "0.109868"),
        ] {
            assert!(
                html.contains(&format!("data-milestone=\"{}\" data-seconds=\"{stamp}\"", escape(label))),
                "{label} missing in {html}"
            );
        }
        assert_eq!(html.matches("class=\"timeline-phase\"").count(), 4);
        assert!(html.contains("data-phase=\"initcalls, /init\" data-from=\"0.018814\" data-to=\"0.041200\""), "{html}");
        // Eight stamped lines, eight ticks; the unstamped line is skipped.
        assert_eq!(html.matches("y1=\"52\" y2=\"64\"").count(), 8, "{html}");
        assert!(
            html.contains("Phases: early setup: 18.3 ms · initcalls, /init: 22.4 ms · PID 1&#39;s init: 10.8 ms · to the halt: 57.9 ms"),
            "{html}"
        );
        // Colours come only from the page: currentColor and the accent variable.
        assert!(!html.contains("=\"#") && !html.contains(": #"), "no fixed colours: {html}");
        assert_eq!(html, chart(Some(LOG)).unwrap(), "reproducible");
    }

    #[test]
    fn no_leader_crosses_another_milestones_label() {
        let html = chart(Some(LOG)).unwrap();
        let attribute = |group: &str, tag: &str, name: &str| -> f64 {
            let element = group.split(&format!("<{tag} ")).nth(1).unwrap();
            element.split(&format!("{name}=\"")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
        };
        // (leader x, label row y, label start x for labels that run right)
        let milestones: Vec<(f64, f64, Option<f64>)> = html
            .split("class=\"timeline-milestone\"")
            .skip(1)
            .map(|group| {
                let runs_right = group.contains("text-anchor=\"start\"");
                let text_x = attribute(group, "text", "x");
                (attribute(group, "circle", "cx"), attribute(group, "text", "y"), runs_right.then_some(text_x))
            })
            .collect();
        for (earlier, (leader_x, row_y, _)) in milestones.iter().enumerate() {
            for (later_x, later_row, later_text) in &milestones[earlier + 1..] {
                assert!(later_row < row_y, "later milestones sit on higher rows: {milestones:?}");
                assert!(later_x >= leader_x);
                if let Some(text_x) = later_text {
                    assert!(text_x > leader_x, "a label covers an earlier leader: {milestones:?}");
                }
            }
        }
    }

    #[test]
    fn missing_log_is_shown_and_a_log_without_stamps_is_an_error() {
        assert!(chart(None).unwrap().contains("not measured yet"));
        let error = chart(Some("Linux version\nno stamps\n")).unwrap_err();
        assert!(error.contains("CONFIG_PRINTK_TIME"), "{error}");
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(axis(0.109868), (0.02, 0.12));
        assert_eq!(axis(0.4), (0.05, 0.4));
        assert_eq!(axis(3.2), (0.5, 3.5));
        assert_eq!(milliseconds(0.0188), "18.8 ms");
        assert_eq!(milliseconds(0.12), "120 ms");
        assert_eq!(milliseconds(1.5), "1.50 s");
    }
}
