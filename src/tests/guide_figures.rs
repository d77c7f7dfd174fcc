//! Every figure the built guide and deck show is the one in the manifest that
//! the same build publishes as `demo/manifest.json`. The repository's real
//! content is built with the manifest of a real kernel build (kept as a
//! fixture); the test then reads the published manifest back and every
//! `<data data-fact>` element, boot log and boot timeline out of the HTML.
//!
//! Facts named `bench.…` are checked the same way against the benchmarks'
//! recorded figures, the repository's `content/benchmarks.json`; a recorded
//! spread shows as "median (min to max)", each part checked.
//!
//! Set `LKLJS_CHECK_PUBLIC=public` to run the same checks on a site that
//! `lkljs-site build` wrote (with the kernel it really built).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lkljs_site::build::{BuildOptions, SiteBuilder};
use lkljs_site::demo::{DemoArtifacts, DemoOutcome, DemoState, read_manifest};
use lkljs_site::output::publish::publish;
use serde_json::Value;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the repository's content and theme with `manifest_dir`'s manifest into `output`.
fn build_with_manifest(manifest_dir: &Path, output: &Path) {
    let manifest = read_manifest(&manifest_dir.join("manifest.json")).unwrap();
    let mut builder = SiteBuilder::new(BuildOptions::new(repository(), output.to_path_buf())).unwrap();
    builder.load_inputs().unwrap();
    builder.set_demo(
        DemoState::from_outcome(DemoOutcome::Ready(DemoArtifacts {
            dir: manifest_dir.to_path_buf(),
            files: Vec::new(),
            manifest,
        }))
        .unwrap(),
    );
    let (tree, _) = builder.compose().unwrap_or_else(|error| panic!("the real site does not build: {error}"));
    publish(&tree, output).unwrap();
}

/// One HTML element found by [`elements`]: its attributes and inner text.
#[derive(Debug)]
struct Element {
    attributes: BTreeMap<String, String>,
    text: String,
}

/// Every element of `html` that has the attribute `marker`, with its
/// attributes (quoted or not, as the minifier left them) and, when it has a
/// closing tag of the same name, its text with tags removed and entities decoded.
fn elements(html: &str, marker: &str) -> Vec<Element> {
    let mut found = Vec::new();
    let mut position = 0;
    while let Some(relative) = html[position..].find('<') {
        let start = position + relative;
        let Some(tag_end) = tag_end(html, start) else { break };
        position = tag_end;
        let tag = &html[start + 1..tag_end - 1];
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name.is_empty() {
            continue;
        }
        let attributes = attributes(&tag[name.len()..]);
        if !attributes.contains_key(marker) {
            continue;
        }
        let closing = format!("</{name}>");
        let text = html[tag_end..]
            .find(&closing)
            .map_or_else(String::new, |end| decode_entities(&strip_tags(&html[tag_end..tag_end + end])));
        found.push(Element { attributes, text });
    }
    found
}

/// The offset just past the `>` that ends the tag opened at `start`, skipping quoted values.
fn tag_end(html: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (offset, c) in html[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            (None, '>') => return Some(start + offset + 1),
            _ => {}
        }
    }
    None
}

fn attributes(text: &str) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    let mut rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    while !rest.is_empty() {
        let name_end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let value = if let Some(after) = rest.strip_prefix('=') {
            let (value, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let end = after[1..].find(quote).map_or(after.len(), |end| end + 1);
                    (&after[1..end], after.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining;
            decode_entities(value)
        } else {
            String::new()
        };
        if !name.is_empty() {
            attributes.insert(name, value);
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    attributes
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => text.push(c),
            _ => {}
        }
    }
    text
}

fn decode_entities(text: &str) -> String {
    let mut decoded = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&end| end <= 10) else {
            decoded.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let character = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|decimal| decimal.parse().ok()))
                .and_then(char::from_u32),
        };
        match character {
            Some(character) => {
                decoded.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

/// The manifest value at a dotted path, as the page writes it: a list (the
/// boot log excerpt) one item a line, anything else as the `value` attribute.
fn manifest_text(manifest: &Value, name: &str) -> Option<String> {
    let value = name.split('.').try_fold(manifest, |value, key| value.get(key))?;
    let text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    Some(match value {
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("\n"),
        other => text(other),
    })
}

/// The recorded benchmark figure a `bench.` fact names, and for a spread its
/// median, minimum and maximum: what the page must carry and show.
fn benchmark_figure(benchmarks: &Value, name: &str) -> Option<(String, Option<[String; 3]>)> {
    let value = name.strip_prefix("bench.")?.split('.').try_fold(benchmarks, |value, key| value.get(key))?;
    let text = |value: &Value| value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    Some(match (value.get("median"), value.get("min"), value.get("max")) {
        (Some(median), Some(min), Some(max)) => (text(median), Some([median, min, max].map(text))),
        _ => (text(value), None),
    })
}

/// Whether the text a reader sees says the same as the raw manifest value:
/// byte sizes and seconds within their rounding, numbers with their
/// thousands separators removed, text exactly.
fn shown_matches(shown: &str, raw: &str) -> bool {
    let Ok(value) = raw.parse::<f64>() else {
        return shown == raw;
    };
    let (number, unit) = shown.split_once(' ').unwrap_or((shown, ""));
    let Ok(number) = number.replace(',', "").parse::<f64>() else {
        return false;
    };
    let (scale, rounding) = match unit {
        // A number with a fraction is shown with two decimals (the `number` format).
        "" => (1.0, if number.fract() != 0.0 || shown.contains('.') { 0.005 } else { 0.0 }),
        "bytes" => (1.0, 0.5),
        "KiB" => (1024.0, 0.05),
        "MiB" => (1024.0 * 1024.0, 0.05),
        "GiB" => (1024.0 * 1024.0 * 1024.0, 0.05),
        "s" => (1.0, if number >= 10.0 { 0.5 } else { 0.005 }),
        "ms" => (1.0, if number >= 100.0 { 0.5 } else { 0.05 }),
        _ => return false,
    };
    (number - value / scale).abs() <= rounding + 1e-9
}

/// Checks one published site; returns how many figures it checked.
fn check_published_site(public: &Path) -> usize {
    let manifest_path = public.join("demo/manifest.json");
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(&manifest_path).unwrap_or_else(|error| panic!("{}: {error}", manifest_path.display())),
    )
    .unwrap();
    let benchmarks_path = repository().join("content/benchmarks.json");
    let benchmarks: Option<Value> =
        std::fs::read(&benchmarks_path).ok().map(|bytes| serde_json::from_slice(&bytes).unwrap());
    let mut checked = 0;
    let mut pages_with_figures = Vec::new();
    for entry in walkdir::WalkDir::new(public).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|extension| extension != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let page = entry.path().strip_prefix(public).unwrap().display().to_string();
        assert!(
            !html.contains("fact-missing"),
            "{page} shows a figure as not measured although the build has a manifest"
        );
        let mut on_this_page = 0;
        for element in elements(&html, "data-fact") {
            let name = &element.attributes["data-fact"];
            if name.starts_with("bench.") {
                let recorded = benchmarks.as_ref().and_then(|benchmarks| benchmark_figure(benchmarks, name));
                let (expected, spread) =
                    recorded.unwrap_or_else(|| panic!("{page}: fact `{name}` is not in {}", benchmarks_path.display()));
                assert_eq!(element.attributes.get("value"), Some(&expected), "{page}: fact `{name}`'s value");
                let shown = element.text.trim();
                match spread {
                    Some([median, min, max]) => {
                        let (shown_median, range) = shown.split_once(" (").unwrap_or((shown, ""));
                        let (shown_min, shown_max) =
                            range.trim_end_matches(')').split_once(" to ").unwrap_or_else(|| panic!("{page}: {shown}"));
                        for (shown, raw) in [(shown_median, median), (shown_min, min), (shown_max, max)] {
                            assert!(shown_matches(shown, &raw), "{page}: fact `{name}` shows `{shown}` for `{raw}`");
                        }
                    }
                    None => assert!(shown_matches(shown, &expected), "{page}: fact `{name}` shows `{shown}`"),
                }
                on_this_page += 1;
                continue;
            }
            let expected = manifest_text(&manifest, name)
                .unwrap_or_else(|| panic!("{page}: fact `{name}` is not in {}", manifest_path.display()));
            if name == "boot.log_excerpt" {
                assert_eq!(element.text, expected, "{page}: the boot log differs from the manifest's excerpt");
            } else {
                let value = element
                    .attributes
                    .get("value")
                    .unwrap_or_else(|| panic!("{page}: fact `{name}` has no value attribute: {element:?}"));
                assert_eq!(value, &expected, "{page}: fact `{name}` carries another value than the manifest");
                assert!(
                    shown_matches(element.text.trim(), value),
                    "{page}: fact `{name}` shows `{}` for the manifest's `{value}`",
                    element.text
                );
            }
            on_this_page += 1;
        }
        let log = manifest["boot"]["log"].as_str().unwrap_or("");
        for milestone in elements(&html, "data-milestone") {
            let stamp = &milestone.attributes["data-seconds"];
            let label = &milestone.attributes["data-milestone"];
            assert!(
                log.lines().any(|line| line
                    .strip_prefix('[')
                    .is_some_and(|rest| rest.trim_start().starts_with(&format!("{stamp}]")))),
                "{page}: the timeline puts `{label}` at {stamp} s, which no line of the manifest's boot log has"
            );
            on_this_page += 1;
        }
        let rows = elements(&html, "data-case");
        if !rows.is_empty() {
            let cases = manifest["selftest"]["cases"].as_array().cloned().unwrap_or_default();
            let shown: Vec<(String, String)> = rows
                .iter()
                .map(|row| (row.attributes["data-case"].clone(), row.attributes["data-ok"].clone()))
                .collect();
            let expected: Vec<(String, String)> = cases
                .iter()
                .map(|case| (case["name"].as_str().unwrap_or_default().to_owned(), case["ok"].to_string()))
                .collect();
            assert_eq!(shown, expected, "{page}: the self-test table differs from the manifest's cases");
            for row in &rows {
                let verdict = if row.attributes["data-ok"] == "true" { "passed" } else { "failed" };
                assert!(row.text.ends_with(verdict), "{page}: row {:?} does not say {verdict}", row.text);
            }
            on_this_page += rows.len();
        }
        if on_this_page > 0 {
            pages_with_figures.push(page);
        }
        checked += on_this_page;
    }
    let page = "guide/results/index.html";
    assert!(pages_with_figures.iter().any(|with| with == page), "{page} shows no figures: {pages_with_figures:?}");
    checked
}

#[test]
fn every_figure_in_the_built_guide_is_the_manifests() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_with_manifest(&repository().join("src/tests/fixtures/guide-demo"), &public);
    let checked = check_published_site(&public);
    // The results page alone quotes a dozen facts, its boot log and a timeline.
    assert!(checked >= 15, "only {checked} figures found: are facts still marked with data-fact?");
}

/// The checks can fail: a page that shows another figure than the manifest,
/// or a timeline milestone that the log does not have, is caught.
#[test]
fn a_figure_that_disagrees_with_the_manifest_is_caught() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_with_manifest(&repository().join("src/tests/fixtures/guide-demo"), &public);
    let results = public.join("guide/results/index.html");
    let html = std::fs::read_to_string(&results).unwrap();
    let manifest: Value = serde_json::from_slice(&std::fs::read(public.join("demo/manifest.json")).unwrap()).unwrap();
    let wasm_bytes = manifest["wasm_bytes"].to_string();
    assert!(html.contains(&wasm_bytes), "the results page carries wasm_bytes");

    let tampered = html.replacen(
        &format!("value={wasm_bytes}>"),
        &format!("value={}>", manifest["wasm_bytes"].as_u64().unwrap() + 1),
        1,
    );
    assert_ne!(tampered, html, "the minified attribute form changed; update this test");
    std::fs::write(&results, &tampered).unwrap();
    let failure = std::panic::catch_unwind(|| check_published_site(&public)).unwrap_err();
    let message = failure.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("wasm_bytes"), "{message}");
}

/// Every code block of the guide and the deck names a language the
/// highlighter knows, so none is left as plain text.
#[test]
fn every_code_block_of_the_guide_and_deck_is_highlighted() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_with_manifest(&repository().join("src/tests/fixtures/guide-demo"), &public);
    let mut blocks = 0;
    for section in ["guide", "slides"] {
        for entry in walkdir::WalkDir::new(public.join(section)).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|extension| extension != "html") {
                continue;
            }
            let html = std::fs::read_to_string(entry.path()).unwrap();
            for block in elements(&html, "data-lang") {
                let class = block.attributes.get("class").cloned().unwrap_or_default();
                assert!(
                    !class.split(' ').any(|name| name == "code-plain"),
                    "{}: a `{}` code block is not highlighted",
                    entry.path().display(),
                    block.attributes["data-lang"]
                );
                blocks += 1;
            }
        }
    }
    assert!(blocks >= 20, "only {blocks} code blocks found");
}

#[test]
fn a_site_built_by_the_cli_shows_its_own_manifest() {
    let Some(public) = std::env::var_os("LKLJS_CHECK_PUBLIC") else {
        eprintln!("LKLJS_CHECK_PUBLIC is not set: nothing to check beyond the fixture build");
        return;
    };
    let checked = check_published_site(Path::new(&public));
    assert!(checked >= 15, "only {checked} figures in {}", Path::new(&public).display());
}

#[test]
fn html_scanner_reads_quoted_and_unquoted_attributes() {
    let found = elements(
        "<p><data class=fact data-fact=wasm_bytes value=627602>612.9 KiB</data> and <data data-fact=\"toolchain\" value='emcc &amp; co'>emcc &amp; co</data>",
        "data-fact",
    );
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].attributes["value"], "627602");
    assert_eq!(found[0].text, "612.9 KiB");
    assert_eq!(found[1].attributes["value"], "emcc & co");
    assert_eq!(found[1].text, "emcc & co");
    assert!(shown_matches("612.9 KiB", "627602"));
    assert!(!shown_matches("612.9 KiB", "727602"));
    assert!(shown_matches("1,234", "1234"));
    assert!(shown_matches("0.45 s", "0.448"));
    assert!(!shown_matches("0.55 s", "0.448"));
    assert!(shown_matches("91.5 ms", "91.46"));
}

/// The same for a benchmark figure: a page that shows another slowest run
/// than `content/benchmarks.json` records is caught.
#[test]
fn a_benchmark_figure_that_disagrees_with_the_recorded_one_is_caught() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_with_manifest(&repository().join("src/tests/fixtures/guide-demo"), &public);
    let results = public.join("guide/results/index.html");
    let html = std::fs::read_to_string(&results).unwrap();
    let name = "bench.build_speed.lkljs_site_seconds";
    let start = html.find(&format!("data-fact={name} ")).unwrap_or_else(|| panic!("the results page quotes {name}"));
    let end = start + html[start..].find("</data>").unwrap();
    let shown = &html[start..end];
    let tampered_shown = shown.replacen(" s)", "9 s)", 1);
    assert_ne!(tampered_shown, shown, "the spread's form changed; update this test: {shown}");
    let tampered = html.replacen(shown, &tampered_shown, 1);
    std::fs::write(&results, &tampered).unwrap();
    let failure = std::panic::catch_unwind(|| check_published_site(&public)).unwrap_err();
    let message = failure.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains(name), "{message}");
}
