//! Shortcodes: calls such as `{{ figure(src="boot.svg", alt="...") }}` in
//! Markdown, expanded to HTML before the Markdown is parsed.
//!
//! - Arguments are `name=value` with a double-quoted string (`\"` and `\\`
//!   escapes), an integer, or `true`/`false`.
//! - Calls inside code spans and code blocks are left alone; write
//!   `{{/* name() */}}` to show a call literally in prose.
//! - A call's HTML stays on one line so that a call alone on its line is an
//!   HTML block and a call inside a paragraph is inline.
//!
//! Built-in shortcodes:
//! - `figure(src, alt, caption?)`: an image from the page's directory with a caption;
//! - `demo()`: the live kernel demo (a console and a boot button);
//! - `fact(name, format?)`: a figure from the demo manifest, `format` one of
//!   `bytes` (binary units), `milliseconds`, `number`, `seconds`, `text`; it renders as
//!   `<data data-fact="name" value="raw manifest value">shown text</data>`;
//! - `boot_log(lines?)`: the key lines of the demo's boot log;
//! - `selftest()`: the kernel self-test cases and their results, a table;
//! - `boot_timeline(caption?)`: the boot's phases over time, an inline SVG
//!   drawn from the boot log's timestamps (see [`super::boot_timeline`]).

use crate::html::escape;
use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::Value;

/// One parsed call and where it sits in the Markdown text.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: BTreeMap<String, Arg>,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Text(String),
    Integer(i64),
    Bool(bool),
}

/// A piece of Markdown found by [`scan`]: either a call or a literal escape.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    Call(Call),
    /// `{{/* x */}}`, to be replaced by `{{ x }}`.
    Literal {
        text: String,
        range: Range<usize>,
    },
}

/// A malformed call: byte offset and message.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanError {
    pub offset: usize,
    pub message: String,
}

/// Finds every shortcode call outside `code_ranges` (sorted, non-overlapping).
pub fn scan(text: &str, code_ranges: &[Range<usize>]) -> (Vec<Found>, Vec<ScanError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut position = 0;
    while let Some(relative) = text[position..].find("{{") {
        let start = position + relative;
        if let Some(code) = code_ranges.iter().find(|range| range.contains(&start)) {
            position = code.end.max(start + 2);
            continue;
        }
        let inner_start = start + 4;
        if text[start..].starts_with("{{/*")
            && let Some(end) = text[inner_start..].find("*/}}")
        {
            let inner = text[inner_start..inner_start + end].trim();
            let range = start..inner_start + end + 4;
            found.push(Found::Literal { text: format!("{{{{ {inner} }}}}"), range: range.clone() });
            position = range.end;
            continue;
        }
        match parse_call(text, start) {
            Ok(Some(call)) => {
                position = call.range.end;
                found.push(Found::Call(call));
            }
            Ok(None) => position = start + 2,
            Err(error) => {
                errors.push(error);
                position = start + 2;
            }
        }
    }
    (found, errors)
}

/// Parses a call at `start` (which holds `{{`). `Ok(None)` when the text does
/// not look like a call at all (no `name(`), so ordinary braces stay prose.
fn parse_call(text: &str, start: usize) -> Result<Option<Call>, ScanError> {
    let mut cursor = Cursor { text, position: start + 2 };
    cursor.skip_spaces();
    let name = cursor.identifier();
    if name.is_empty() || !cursor.eat("(") {
        return Ok(None);
    }
    let mut args = BTreeMap::new();
    loop {
        cursor.skip_spaces();
        if cursor.eat(")") {
            break;
        }
        let key_at = cursor.position;
        let key = cursor.identifier();
        if key.is_empty() {
            return Err(cursor.error(format!("expected an argument name or `)` in the call to `{name}`")));
        }
        cursor.skip_spaces();
        if !cursor.eat("=") {
            return Err(cursor.error(format!("expected `=` after argument `{key}`")));
        }
        cursor.skip_spaces();
        let value = cursor.value()?;
        if args.insert(key.clone(), value).is_some() {
            return Err(ScanError { offset: key_at, message: format!("argument `{key}` is given twice") });
        }
        cursor.skip_spaces();
        if !cursor.eat(",") && !cursor.text[cursor.position..].starts_with(')') {
            return Err(cursor.error("expected `,` or `)` between arguments".to_string()));
        }
    }
    cursor.skip_spaces();
    if !cursor.eat("}}") {
        return Err(cursor.error(format!("expected `}}}}` to close the call to `{name}`")));
    }
    Ok(Some(Call { name, args, range: start..cursor.position }))
}

struct Cursor<'a> {
    text: &'a str,
    position: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.text[self.position..]
    }
    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.position += rest.len() - rest.trim_start().len();
    }
    fn eat(&mut self, token: &str) -> bool {
        let matched = self.rest().starts_with(token);
        if matched {
            self.position += token.len();
        }
        matched
    }
    fn identifier(&mut self) -> String {
        let length = self.rest().find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(self.rest().len());
        let identifier = self.rest()[..length].to_string();
        self.position += length;
        identifier
    }
    fn error(&self, message: String) -> ScanError {
        ScanError { offset: self.position, message }
    }
    fn value(&mut self) -> Result<Arg, ScanError> {
        if self.eat("\"") {
            let mut value = String::new();
            let mut characters = self.rest().char_indices();
            while let Some((index, character)) = characters.next() {
                match character {
                    '"' => {
                        self.position += index + 1;
                        return Ok(Arg::Text(value));
                    }
                    '\\' => match characters.next() {
                        Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                        _ => {
                            return Err(ScanError {
                                offset: self.position + index,
                                message: "only `\\\"` and `\\\\` escapes are allowed in shortcode strings".into(),
                            });
                        }
                    },
                    other => value.push(other),
                }
            }
            return Err(self.error("unterminated string in shortcode call".into()));
        }
        let word = self.identifier_or_number();
        match word.as_str() {
            "true" => Ok(Arg::Bool(true)),
            "false" => Ok(Arg::Bool(false)),
            _ => word
                .parse()
                .map(Arg::Integer)
                .map_err(|_| self.error(format!("expected a \"string\", an integer, true or false, found `{word}`"))),
        }
    }
    fn identifier_or_number(&mut self) -> String {
        let length = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(self.rest().len());
        let word = self.rest()[..length].to_string();
        self.position += length;
        word
    }
}

/// The arguments of one call, consumed as the shortcode reads them so that
/// leftovers can be reported as unknown.
pub struct Args {
    name: String,
    args: BTreeMap<String, Arg>,
}

impl Args {
    pub fn new(call: &Call) -> Self {
        Self { name: call.name.clone(), args: call.args.clone() }
    }

    pub fn text(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.args.remove(key) {
            None => Ok(None),
            Some(Arg::Text(text)) => Ok(Some(text)),
            Some(_) => Err(format!("argument `{key}` of `{}` must be a \"string\"", self.name)),
        }
    }

    pub fn required_text(&mut self, key: &str) -> Result<String, String> {
        self.text(key)?.ok_or_else(|| format!("`{}` needs the argument `{key}=\"...\"`", self.name))
    }

    pub fn integer(&mut self, key: &str) -> Result<Option<i64>, String> {
        match self.args.remove(key) {
            None => Ok(None),
            Some(Arg::Integer(value)) => Ok(Some(value)),
            Some(_) => Err(format!("argument `{key}` of `{}` must be an integer", self.name)),
        }
    }

    /// Fails when arguments were given that the shortcode does not know.
    pub fn finish(self) -> Result<(), String> {
        match self.args.keys().next() {
            None => Ok(()),
            Some(key) => Err(format!("`{}` has no argument `{key}`", self.name)),
        }
    }
}

/// Facts about the demo that pages may quote, read from its manifest.
///
/// The names are fixed here (they follow the demo manifest's fields) so that a
/// misspelt fact is an error even before the demo has been built once.
///
/// Facts named `bench.<bench>.<path>` are read instead from the benchmarks'
/// figures, [`BENCHMARKS_FILE`], which `LKLJS_BENCH_RECORD=1 cargo bench --bench
/// <bench>` writes and which is committed with the site; their names are the
/// file's own, so a name it lacks is an error that names the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    manifest: Option<Value>,
    benchmarks: Option<Value>,
}

/// The benchmarks' recorded figures, relative to the site root.
pub const BENCHMARKS_FILE: &str = "content/benchmarks.json";
/// The prefix of the facts read from [`BENCHMARKS_FILE`].
const BENCH_PREFIX: &str = "bench.";

/// Every fact a page may quote: dotted path into the manifest, and its default format.
pub const KNOWN_FACTS: &[(&str, Format)] = &[
    ("kernel_version", Format::Text),
    ("source_file", Format::Text),
    ("source_sha256", Format::Text),
    ("source_version", Format::Text),
    ("node_version", Format::Text),
    ("config_sha256", Format::Text),
    ("toolchain", Format::Text),
    ("wasm_bytes", Format::Bytes),
    ("wasm_gzip_bytes", Format::Bytes),
    ("wasm_brotli_bytes", Format::Bytes),
    ("js_bytes", Format::Bytes),
    ("userland.cpio_bytes", Format::Bytes),
    ("userland.cpio_gzip_bytes", Format::Bytes),
    ("userland.cpio_brotli_bytes", Format::Bytes),
    ("download_brotli_bytes", Format::Bytes),
    ("build_seconds", Format::Seconds),
    ("cache_key", Format::Text),
    ("compile_units", Format::Number),
    ("files_compiled", Format::Number),
    ("boot.log_lines", Format::Number),
    ("boot.exit_code", Format::Number),
    ("boot.seconds_to_last_line", Format::Seconds),
    ("boot.pid1_milliseconds", Format::Milliseconds),
    ("selftest.passed", Format::Number),
    ("selftest.failed", Format::Number),
    ("busybox.version", Format::Text),
    ("busybox.applets", Format::Number),
    ("busybox.busybox_wasm_bytes", Format::Bytes),
    ("busybox.busybox_wasm_brotli_bytes", Format::Bytes),
    ("busybox.build_seconds", Format::Seconds),
    ("busybox_testsuite.passed", Format::Number),
    ("busybox_testsuite.failed", Format::Number),
    ("busybox_testsuite.skipped", Format::Number),
    ("busybox_testsuite.passed_percent", Format::Number),
    ("busybox_testsuite.seconds", Format::Seconds),
    ("processes.spawn_exec_wait_true_ms", Format::Milliseconds),
    ("processes.sh_c_true_ms", Format::Milliseconds),
    ("processes.sh_clone_exec_wait_ms", Format::Milliseconds),
    ("processes.sh_pipeline_3_ms", Format::Milliseconds),
    ("processes.exec_compiled_busybox_ms", Format::Milliseconds),
    ("processes.pipe_mib_per_second", Format::Number),
    ("processes.pipe_mib_per_second_min", Format::Number),
    ("processes.pipe_mib_per_second_max", Format::Number),
    ("processes.dd_1m_wc_c_mib_per_second", Format::Number),
    ("processes.dd_1m_wc_c_mib_per_second_min", Format::Number),
    ("processes.dd_1m_wc_c_mib_per_second_max", Format::Number),
    ("processes.program_syscall_round_trip_us", Format::Number),
    ("processes.js_api_syscall_round_trip_us", Format::Number),
    ("processes.concurrent_processes_started", Format::Number),
    ("processes.concurrent_processes_running", Format::Number),
    ("processes.kernel_mem_total_kib", Format::Number),
    ("processes.kernel_mem_free_idle_kib", Format::Number),
    ("processes.kernel_kib_per_process", Format::Number),
    ("processes.processes_fitting_kernel_memory", Format::Number),
    ("processes.host_rss_mib_idle", Format::Number),
    ("processes.host_rss_mib_with_concurrent_processes", Format::Number),
    ("processes.host_rss_mib_after_0_spawns", Format::Number),
    ("processes.host_rss_mib_after_250_spawns", Format::Number),
    ("processes.host_rss_mib_after_500_spawns", Format::Number),
    ("processes.host_rss_mib_after_1000_spawns", Format::Number),
    ("processes.kernel_wasm_memory_mib_after_0_spawns", Format::Number),
    ("processes.kernel_wasm_memory_mib_after_1000_spawns", Format::Number),
    ("processes.kernel_mem_free_kib_after_0_spawns", Format::Number),
    ("processes.kernel_mem_free_kib_after_1000_spawns", Format::Number),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Number,
    Bytes,
    Seconds,
    Milliseconds,
}

impl Format {
    fn parse(name: &str) -> Result<Self, String> {
        match name {
            "text" => Ok(Self::Text),
            "number" => Ok(Self::Number),
            "bytes" => Ok(Self::Bytes),
            "seconds" => Ok(Self::Seconds),
            "milliseconds" => Ok(Self::Milliseconds),
            other => Err(format!("unknown fact format `{other}`: use bytes, milliseconds, number, seconds or text")),
        }
    }
}

impl Facts {
    pub fn new(manifest: Option<Value>) -> Self {
        Self { manifest, benchmarks: None }
    }

    /// These facts with the figures of [`BENCHMARKS_FILE`], when the site has that file.
    pub fn with_benchmarks(mut self, benchmarks: Option<Value>) -> Self {
        self.benchmarks = benchmarks;
        self
    }

    pub fn manifest(&self) -> Option<&Value> {
        self.manifest.as_ref()
    }

    /// The value of a fact; `Ok(None)` when it is known but not measured yet.
    pub fn lookup(&self, name: &str) -> Result<Option<&Value>, String> {
        if let Some(path) = name.strip_prefix(BENCH_PREFIX) {
            return self.lookup_bench(name, path).map(Some);
        }
        if !KNOWN_FACTS.iter().any(|(known, _)| *known == name) {
            let names: Vec<&str> = KNOWN_FACTS.iter().map(|(known, _)| *known).collect();
            return Err(format!("unknown fact `{name}`; known facts: {}", names.join(", ")));
        }
        let Some(manifest) = &self.manifest else {
            return Ok(None);
        };
        Ok(name.split('.').try_fold(manifest, |value, key| value.get(key)).filter(|value| !value.is_null()))
    }

    /// A recorded benchmark figure: always there, or an error that says how to record it.
    fn lookup_bench(&self, name: &str, path: &str) -> Result<&Value, String> {
        let bench = path.split('.').next().unwrap_or_default();
        let record = format!("record it with `LKLJS_BENCH_RECORD=1 cargo bench --bench {bench}` (README, Benchmarks)");
        let Some(benchmarks) = &self.benchmarks else {
            return Err(format!("fact `{name}` is read from {BENCHMARKS_FILE}, which does not exist; {record}"));
        };
        path.split('.').try_fold(benchmarks, |value, key| value.get(key)).filter(|value| !value.is_null()).ok_or_else(
            || {
                let recorded = benchmarks
                    .get(bench)
                    .and_then(Value::as_object)
                    .map(|figures| figures.keys().map(String::as_str).collect::<Vec<_>>().join(", "));
                let has = recorded
                    .map_or_else(|| format!("it has no `{bench}` figures"), |keys| format!("`{bench}` has {keys}"));
                format!("fact `{name}` is not in {BENCHMARKS_FILE} ({has}); check the name, or {record}")
            },
        )
    }

    /// The key lines of the boot log, if the demo has booted.
    pub fn boot_log_lines(&self) -> Option<Vec<String>> {
        let boot = self.manifest.as_ref()?.get("boot")?;
        boot.get("log_excerpt").or_else(|| boot.get("log")).map(lines_of)
    }

    /// The whole recorded boot log, if the demo has booted.
    pub fn boot_log_full(&self) -> Option<Vec<String>> {
        self.manifest.as_ref()?.get("boot")?.get("log").map(lines_of)
    }
}

/// A log kept in the manifest as a list of lines or as one text.
fn lines_of(log: &Value) -> Vec<String> {
    match log {
        Value::Array(lines) => {
            lines.iter().map(|line| line.as_str().map_or_else(|| line.to_string(), str::to_string)).collect()
        }
        Value::String(text) => text.lines().map(str::to_string).collect(),
        other => vec![other.to_string()],
    }
}

/// The HTML of a fact: its formatted value, or a visible "not measured yet" marker.
pub fn render_fact(facts: &Facts, args: &mut Args) -> Result<String, String> {
    let name = args.required_text("name")?;
    let format = args.text("format")?;
    let value = facts.lookup(&name)?;
    let default_format = KNOWN_FACTS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, format)| *format)
        .unwrap_or_else(|| format_by_unit(&name));
    let format = format.as_deref().map(Format::parse).transpose()?.unwrap_or(default_format);
    let Some(value) = value else {
        return Ok(format!(
            "<span class=\"fact fact-missing\" data-fact=\"{}\" title=\"Build the demo (lkljs-site build without --skip-demo) to measure this\">not measured yet</span>",
            escape(&name)
        ));
    };
    // A measured spread, `{"median": m, "min": a, "max": b}`, shows as
    // "m (a to b)" and carries the median as its value.
    let (value, text) = match (value.get("median"), value.get("min"), value.get("max")) {
        (Some(median), Some(min), Some(max)) => {
            let shown = [median, min, max].map(|value| format_value(value, format));
            match shown {
                [Some(median_text), Some(min), Some(max)] => (median, Some(format!("{median_text} ({min} to {max})"))),
                _ => (value, None),
            }
        }
        _ => (value, format_value(value, format)),
    };
    let text = text.ok_or_else(|| format!("fact `{name}` is `{value}`, which cannot be shown as {format:?}"))?;
    // <data> carries the manifest's own value next to the formatted one, so
    // that a test (and a script) can check every figure against the manifest.
    Ok(format!(
        "<data class=\"fact\" data-fact=\"{}\" value=\"{}\">{}</data>",
        escape(&name),
        escape(&raw_text(value)),
        escape(&text)
    ))
}

/// The format a benchmark figure's name implies: the unit of its last
/// segment that names one (`cold.prompt_ms.median` is in milliseconds), else text.
fn format_by_unit(name: &str) -> Format {
    let unit = |segment: &str, unit: &str| segment == unit || segment.ends_with(&format!("_{unit}"));
    name.rsplit('.')
        .find_map(|segment| {
            if unit(segment, "ms") {
                Some(Format::Milliseconds)
            } else if unit(segment, "bytes") {
                Some(Format::Bytes)
            } else if unit(segment, "seconds") {
                Some(Format::Seconds)
            } else {
                None
            }
        })
        .unwrap_or(Format::Text)
}

/// A manifest value as plain text: strings unquoted, numbers as JSON writes them.
fn raw_text(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_string)
}

fn format_value(value: &Value, format: Format) -> Option<String> {
    match format {
        Format::Text => Some(raw_text(value)),
        Format::Number => value.as_f64().map(group_thousands),
        Format::Seconds => value
            .as_f64()
            .map(|seconds| if seconds < 10.0 { format!("{seconds:.2} s") } else { format!("{seconds:.0} s") }),
        Format::Bytes => value.as_f64().map(human_bytes),
        // A tenth of a millisecond only where it was measured: a whole
        // figure (benches record phases in whole milliseconds) stays whole.
        Format::Milliseconds => value.as_f64().map(|milliseconds| {
            if milliseconds < 100.0 && milliseconds.fract() != 0.0 {
                format!("{milliseconds:.1} ms")
            } else {
                format!("{milliseconds:.0} ms")
            }
        }),
    }
}

/// `1234567` → `1,234,567`; fractions keep two decimals.
fn group_thousands(number: f64) -> String {
    if number.fract() != 0.0 {
        return format!("{number:.2}");
    }
    let digits = format!("{}", number.abs() as u64);
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if number < 0.0 { format!("-{grouped}") } else { grouped }
}

/// Binary units with one decimal: `1536` → `1.5 KiB`.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024.0 {
        return format!("{bytes:.0} bytes");
    }
    let mut value = bytes;
    let mut unit = "bytes";
    for candidate in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = candidate;
    }
    format!("{value:.1} {unit}")
}

pub fn render_boot_log(facts: &Facts, args: &mut Args) -> Result<String, String> {
    let limit = args
        .integer("lines")?
        .map(|lines| usize::try_from(lines).map_err(|_| "`lines` must be positive".to_string()))
        .transpose()?;
    match facts.boot_log_lines() {
        Some(lines) => {
            let shown: Vec<String> = lines.iter().take(limit.unwrap_or(usize::MAX)).map(|line| escape(line)).collect();
            Ok(format!("<pre class=\"boot-log\" data-fact=\"boot.log_excerpt\"><code>{}</code></pre>", shown.join("&#10;")))
        }
        None => Ok("<p class=\"fact-missing boot-log\">Boot log not measured yet: build the demo (<code>lkljs-site build</code> without <code>--skip-demo</code>) to record it.</p>".to_string()),
    }
}

/// The kernel self-test suite's cases from the manifest, one table row each.
pub fn render_selftest(facts: &Facts) -> Result<String, String> {
    let cases = facts
        .manifest()
        .and_then(|manifest| manifest.get("selftest"))
        .and_then(|selftest| selftest.get("cases"))
        .and_then(Value::as_array);
    let Some(cases) = cases else {
        return Ok("<p class=\"fact-missing selftest\">Self-test results not measured yet: build the demo (<code>lkljs-site build</code> without <code>--skip-demo</code>) to run them.</p>".to_string());
    };
    let mut rows = String::new();
    for (number, case) in cases.iter().enumerate() {
        let name = case
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("self-test case {} in the manifest has no name", number + 1))?;
        let ok = case
            .get("ok")
            .and_then(Value::as_bool)
            .ok_or_else(|| format!("self-test case `{name}` in the manifest has no `ok`"))?;
        let (class, verdict) = if ok { ("selftest-ok", "passed") } else { ("selftest-failed", "failed") };
        rows.push_str(&format!(
            "<tr class=\"{class}\" data-case=\"{}\" data-ok=\"{ok}\"><td>{}</td><td>{}</td><td>{verdict}</td></tr>",
            escape(name),
            number + 1,
            escape(name)
        ));
    }
    Ok(format!(
        "<table class=\"selftest\"><thead><tr><th>#</th><th>Case</th><th>Result</th></tr></thead><tbody>{rows}</tbody></table>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(text: &str) -> Vec<Found> {
        let (found, errors) = scan(text, &[]);
        assert!(errors.is_empty(), "{errors:?}");
        found
    }

    #[test]
    fn parses_arguments_of_every_type() {
        let found = calls("x {{ fact(name=\"a \\\"b\\\"\", n=-3, on=true) }} y");
        let Found::Call(call) = &found[0] else { panic!("{found:?}") };
        assert_eq!(call.name, "fact");
        assert_eq!(call.args["name"], Arg::Text("a \"b\"".into()));
        assert_eq!(call.args["n"], Arg::Integer(-3));
        assert_eq!(call.args["on"], Arg::Bool(true));
        assert_eq!(
            &"x {{ fact(name=\"a \\\"b\\\"\", n=-3, on=true) }} y"[call.range.clone()],
            "{{ fact(name=\"a \\\"b\\\"\", n=-3, on=true) }}"
        );
    }

    #[test]
    fn plain_braces_are_not_calls_and_code_is_skipped() {
        assert!(calls("a {{ not a call }} b").is_empty());
        let text = "`{{ demo() }}` and {{ demo() }}";
        let code_span = 0..14;
        let (found, _) = scan(text, std::slice::from_ref(&code_span));
        assert_eq!(found.len(), 1);
        let Found::Call(call) = &found[0] else { panic!() };
        assert_eq!(call.range.start, 19);
    }

    #[test]
    fn literal_escapes_show_the_call() {
        assert_eq!(calls("{{/* demo() */}}"), vec![Found::Literal { text: "{{ demo() }}".into(), range: 0..16 }]);
    }

    #[test]
    fn malformed_calls_are_located() {
        let (_, errors) = scan("ok\n{{ fact(name=\"x\" format=\"bytes\") }}", &[]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("expected `,` or `)`"), "{errors:?}");
        let (_, errors) = scan("{{ fact(name=unquoted) }}", &[]);
        assert!(errors[0].message.contains("expected a \"string\""), "{errors:?}");
        let (_, errors) = scan("{{ demo() ", &[]);
        assert!(errors[0].message.contains("to close the call"), "{errors:?}");
    }

    #[test]
    fn facts_are_formatted_or_marked_as_not_measured() {
        let manifest = serde_json::json!({"wasm_brotli_bytes": 1_572_864, "compile_units": 1234, "boot": {"seconds_to_last_line": 0.5}});
        let facts = Facts::new(Some(manifest));
        let call = |text: &str| {
            let (found, _) = scan(text, &[]);
            let Found::Call(call) = &found[0] else { panic!() };
            render_fact(&facts, &mut Args::new(call))
        };
        assert_eq!(
            call("{{ fact(name=\"wasm_brotli_bytes\") }}").unwrap(),
            "<data class=\"fact\" data-fact=\"wasm_brotli_bytes\" value=\"1572864\">1.5 MiB</data>"
        );
        assert!(call("{{ fact(name=\"compile_units\") }}").unwrap().contains(">1,234<"));
        assert!(call("{{ fact(name=\"boot.seconds_to_last_line\") }}").unwrap().contains(">0.50 s<"));
        assert!(call("{{ fact(name=\"wasm_bytes\") }}").unwrap().contains("not measured yet"));
        assert!(call("{{ fact(name=\"wasm_size\") }}").unwrap_err().contains("unknown fact `wasm_size`"));
        assert!(
            call("{{ fact(name=\"wasm_brotli_bytes\", format=\"kb\") }}").unwrap_err().contains("unknown fact format")
        );
        let empty = Facts::default();
        assert_eq!(empty.lookup("wasm_bytes"), Ok(None));
        assert!(empty.lookup("nope").is_err());
    }

    #[test]
    fn bench_facts_come_from_the_recorded_figures_with_their_spread() {
        let benchmarks = serde_json::json!({"demo_page": {
            "machine": "2 CPUs",
            "cold": {"prompt_ms": {"median": 1324.4, "min": 1179.0, "max": 1507.2}, "transferred_bytes": {"median": 1_060_000, "min": 1_050_000, "max": 1_070_000}},
            "runs": 5,
        }});
        let facts = Facts::new(None).with_benchmarks(Some(benchmarks));
        let call = |facts: &Facts, text: &str| {
            let (found, _) = scan(text, &[]);
            let Found::Call(call) = &found[0] else { panic!() };
            render_fact(facts, &mut Args::new(call))
        };
        assert_eq!(
            call(&facts, "{{ fact(name=\"bench.demo_page.cold.prompt_ms\") }}").unwrap(),
            "<data class=\"fact\" data-fact=\"bench.demo_page.cold.prompt_ms\" value=\"1324.4\">1324 ms (1179 ms to 1507 ms)</data>"
        );
        assert!(call(&facts, "{{ fact(name=\"bench.demo_page.cold.prompt_ms.min\") }}").unwrap().contains(">1179 ms<"));
        assert!(
            call(&facts, "{{ fact(name=\"bench.demo_page.cold.transferred_bytes\") }}")
                .unwrap()
                .contains(">1.0 MiB (1.0 MiB to 1.0 MiB)<")
        );
        assert!(call(&facts, "{{ fact(name=\"bench.demo_page.machine\") }}").unwrap().contains(">2 CPUs<"));
        assert_eq!(format_value(&serde_json::json!(80), Format::Milliseconds).as_deref(), Some("80 ms"));
        assert_eq!(format_value(&serde_json::json!(0), Format::Milliseconds).as_deref(), Some("0 ms"));
        assert_eq!(format_value(&serde_json::json!(5.26), Format::Milliseconds).as_deref(), Some("5.3 ms"));
        assert_eq!(format_by_unit("bench.build_speed.hugo.seconds"), Format::Seconds);
        assert_eq!(format_by_unit("bench.build_speed.hugo.cpu_seconds.max"), Format::Seconds);
        assert_eq!(format_by_unit("bench.build_speed.hugo.time_ratio"), Format::Text);
        let missing = call(&facts, "{{ fact(name=\"bench.demo_page.cold.promt_ms\") }}").unwrap_err();
        assert!(
            missing.contains("content/benchmarks.json") && missing.contains("`demo_page` has cold, machine, runs"),
            "{missing}"
        );
        let other = call(&facts, "{{ fact(name=\"bench.build_speed.median_seconds\") }}").unwrap_err();
        assert!(
            other.contains("no `build_speed` figures") && other.contains("cargo bench --bench build_speed"),
            "{other}"
        );
        let no_file = call(&Facts::default(), "{{ fact(name=\"bench.demo_page.runs\") }}").unwrap_err();
        assert!(no_file.contains("content/benchmarks.json, which does not exist"), "{no_file}");
    }

    #[test]
    fn selftest_cases_become_rows() {
        let facts = Facts::new(Some(serde_json::json!({"selftest": {"cases": [
            {"name": "getpid returns 1", "ok": true},
            {"name": "a <pipe>", "ok": false}
        ], "passed": 1, "failed": 1}})));
        let html = render_selftest(&facts).unwrap();
        assert!(
            html.contains("<tr class=\"selftest-ok\" data-case=\"getpid returns 1\" data-ok=\"true\"><td>1</td>"),
            "{html}"
        );
        assert!(html.contains("data-case=\"a &lt;pipe&gt;\" data-ok=\"false\""), "{html}");
        assert!(render_selftest(&Facts::default()).unwrap().contains("not measured yet"));
        let broken = Facts::new(Some(serde_json::json!({"selftest": {"cases": [{"name": "x"}]}})));
        assert!(render_selftest(&broken).unwrap_err().contains("no `ok`"));
    }

    #[test]
    fn byte_sizes_use_binary_units() {
        assert_eq!(human_bytes(512.0), "512 bytes");
        assert_eq!(human_bytes(1536.0), "1.5 KiB");
        assert_eq!(human_bytes(3.0 * 1024.0 * 1024.0 * 1024.0), "3.0 GiB");
    }
}
