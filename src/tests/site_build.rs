//! End-to-end builds of the fixture sites under `src/tests/fixtures/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use lkljs_site::build::{BuildError, BuildOptions, DemoMode, SiteBuilder};
use lkljs_site::demo::{DemoArtifacts, DemoOutcome, DemoState, read_manifest};
use lkljs_site::output::publish::publish;
use lkljs_site::serve::{BuildSummary, Rebuild};

use crate::support::files::{copy_tree, read_tree};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures").join(name)
}

/// An output tree as snapshots: the list of its files with their sizes,
/// then each text file in full (HTML one tag a line) under its path, so that
/// a change shows in the snapshot of the file it touched. (Snapshots ignore
/// trailing newlines; the sizes do not.)
fn snapshots(tree: &BTreeMap<String, Vec<u8>>) -> (String, Vec<(String, String)>) {
    let mut listing = String::new();
    let mut texts = Vec::new();
    for (path, bytes) in tree {
        listing.push_str(&format!("{path} ({} bytes)\n", bytes.len()));
        if let Ok(content) = std::str::from_utf8(bytes)
            && !path.ends_with(".wasm")
        {
            let content = if path.ends_with(".html") { content.replace("><", ">\n<") } else { content.to_string() };
            texts.push((path.clone(), content));
        }
    }
    (listing, texts)
}

fn build_into(site: &Path, output: &Path) -> Result<lkljs_site::build::BuildReport, BuildError> {
    lkljs_site::build::build(&BuildOptions::new(site.to_path_buf(), output.to_path_buf()).demo(DemoMode::ReuseLast))
}

#[test]
fn basic_fixture_renders_as_recorded() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let report = build_into(&fixture("basic"), &output).unwrap();
    assert_eq!(report.pages, 6, "drafts are left out");
    let (listing, texts) = snapshots(&read_tree(&output));
    insta::assert_snapshot!("basic_site", listing);
    for (path, content) in texts {
        // `docs/intro/index.html` → snapshot `basic_site@docs~intro~index.html`.
        insta::assert_snapshot!(format!("basic_site@{}", path.replace('/', "~")), content);
    }
}

#[test]
fn basic_fixture_features_are_in_the_output() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    build_into(&fixture("basic"), &output).unwrap();
    let tree = read_tree(&output);
    let page = |path: &str| String::from_utf8(tree[path].clone()).unwrap();
    let intro = page("docs/intro/index.html");
    assert!(intro.starts_with("<!DOCTYPE html>"));
    for expected in [
        "id=setup",
        "id=setup-1",
        "id=custom-anchor",
        "\u{201c}quotes\u{201d}",
        "<del>old</del>",
        "<table>",
        "type=checkbox",
        "href=/sub/docs/advanced-topics/#deep-dive",
        "href=/sub/atom.xml",
        "{{ demo() }}",
        "{{ fact(name=\"x\") }}",
        "not measured yet",
        "<figcaption>How it boots</figcaption>",
        "src=/sub/docs/img/diagram.svg",
    ] {
        assert!(intro.contains(expected), "`{expected}` missing from {intro}");
    }
    assert!(!tree.keys().any(|path| path.contains("secret")), "drafts are not published");
    assert!(tree.contains_key("docs/img/diagram.svg"));
    assert!(tree.contains_key("coi-serviceworker.js"), "the service worker sits at the root, unhashed");
    // Brotli siblings (`.br`) are checked by `precompressed_siblings_decompress_to_their_files`.
    let hashed: Vec<&String> =
        tree.keys().filter(|path| path.starts_with("theme/") && !path.ends_with(".br")).collect();
    assert_eq!(hashed.len(), 4, "{hashed:?}");
    for path in hashed {
        let name = path.trim_start_matches("theme/");
        let parts: Vec<&str> = name.split('.').collect();
        assert_eq!(parts.len(), 3, "{name} is not name.<hash>.ext");
        assert!(parts[1].len() == 8 && parts[1].bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
        assert!(
            intro.contains(&format!("/sub/{path}")) || name.starts_with("coi-register") || name.starts_with("favicon"),
            "{path} not referenced"
        );
    }
    let deck = page("slides/talk/index.html");
    assert!(deck.contains("data-index=1") && deck.contains("First slide"), "{deck}");
    let sitemap = page("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://fixture.example/sub/docs/advanced-topics/</loc>\n    <lastmod>2024-04-02T08:30:00Z</lastmod>"
        ),
        "{sitemap}"
    );
    assert!(page("robots.txt").contains("Sitemap: https://fixture.example/sub/sitemap.xml"));
    let atom = page("atom.xml");
    assert!(atom.find("advanced-topics").unwrap() < atom.find("docs/intro/").unwrap(), "newest first");
    assert!(page("404.html").contains("Page not found"));
}

/// Runs `lkljs-site build --skip-demo` with a fixed `SOURCE_DATE_EPOCH`.
fn run_build(site: &Path, output: &Path, source_date_epoch: &str) -> std::process::ExitStatus {
    Command::new(env!("CARGO_BIN_EXE_lkljs-site"))
        .args(["build", "--skip-demo", "--root"])
        .arg(site)
        .arg("--output")
        .arg(output)
        .env("SOURCE_DATE_EPOCH", source_date_epoch)
        .status()
        .unwrap()
}

#[test]
fn published_stylesheets_are_minified() {
    let (_temp, root) = crate::support::real_site::repository_copy();
    let output = root.join("public");
    build_into(&root, &output).unwrap();
    let tree = read_tree(&output);
    let stylesheets: Vec<(&String, &Vec<u8>)> =
        tree.iter().filter(|(path, _)| path.starts_with("theme/") && path.ends_with(".css")).collect();
    for source in ["site", "slides", "demo", "highlight"] {
        let prefix = format!("theme/{source}.");
        assert!(stylesheets.iter().any(|(path, _)| path.starts_with(&prefix)), "no {prefix}*.css in {stylesheets:?}");
    }
    for (path, bytes) in stylesheets {
        let css = std::str::from_utf8(bytes).unwrap();
        assert!(!css.contains('\n') && !css.contains("/*") && !css.contains("  "), "{path} is not minified");
        let again = lkljs_site::output::css::minify(path, css).unwrap();
        assert_eq!(again, css, "{path}: minifying it again changes it");
        let name = path.trim_start_matches("theme/").split('.').next().unwrap();
        if let Ok(source) = std::fs::read_to_string(root.join(format!("theme/css/{name}.css"))) {
            assert!(css.len() * 10 < source.len() * 9, "{path}: {} bytes from {}", css.len(), source.len());
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let out = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for name in ["one", "two"] {
        let output = out.path().join(name);
        assert!(run_build(&fixture("basic"), &output, "86400").success());
        trees.push(read_tree(&output));
    }
    assert_eq!(trees[0], trees[1]);
}

#[test]
fn source_date_epoch_dates_an_undated_feed() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic/theme"), &site.path().join("theme"));
    std::fs::create_dir_all(site.path().join("content")).unwrap();
    std::fs::write(site.path().join("content/site.toml"), "title = \"T\"\nbase_url = \"https://t.example/\"\n")
        .unwrap();
    std::fs::write(site.path().join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\n").unwrap();
    std::fs::write(site.path().join("content/page.md"), "+++\ntitle = \"Undated\"\n+++\nText.\n").unwrap();
    let output = site.path().join("public");
    assert!(run_build(site.path(), &output, "86400").success());
    let atom = std::fs::read_to_string(output.join("atom.xml")).unwrap();
    assert_eq!(atom.matches("<updated>1970-01-02T00:00:00Z</updated>").count(), 2, "{atom}");
}

/// The `errors` fixture's content with the `basic` fixture's theme.
fn errors_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("errors"), site.path());
    copy_tree(&fixture("basic/theme"), &site.path().join("theme"));
    site
}

#[test]
fn every_error_is_reported_with_its_location_and_the_old_output_survives() {
    let site = errors_site();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    std::fs::create_dir_all(&output).unwrap();
    std::fs::write(output.join("index.html"), "previous build").unwrap();
    let error = build_into(site.path(), &output).unwrap_err().to_string();
    let expected = [
        "content/front.md:3:1: invalid front matter: unknown field `colour`",
        "content/syntax.md:3:10: invalid front matter: invalid type: string \"heavy\", expected i64",
        "content/same.md: duplicate URL /same/: content/other.md has it too",
    ];
    for line in expected {
        assert!(error.contains(line), "`{line}` missing from:\n{error}");
    }
    assert_eq!(std::fs::read_to_string(output.join("index.html")).unwrap(), "previous build");
    let leftovers: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["public"], "no staging directory is left behind");
}

#[test]
fn link_and_shortcode_errors_are_all_reported_at_once() {
    let site = errors_site();
    std::fs::remove_file(site.path().join("content/front.md")).unwrap();
    std::fs::remove_file(site.path().join("content/syntax.md")).unwrap();
    std::fs::remove_file(site.path().join("content/same.md")).unwrap();
    let error = build_into(site.path(), &site.path().join("public")).unwrap_err().to_string();
    let expected = [
        "content/links.md:5:3: broken link: `nowhere.md` links to content/nowhere.md, which does not exist",
        "content/links.md:5:36: broken link: `other.md#nope`: /same/ has no anchor `#nope`",
        "content/links.md:7:1: missing image: `img/none.png` points to /img/none.png, which the site does not contain",
        "content/links.md:9:1: unknown shortcode `shout`",
        "content/links.md:11:13: unknown fact `wasm_size`",
        "content/links.md:13:1: broken link: `#not-here`: this page has no anchor `#not-here`",
        "content/links.md:13:39: broken link: `/no/such/page/` points to /no/such/page/, which the site does not contain",
    ];
    for line in expected {
        assert!(error.contains(line), "`{line}` missing from:\n{error}");
    }
    assert!(error.starts_with("the site has errors; nothing was written.\n7 problems found:"), "{error}");
    assert!(!site.path().join("public").exists());
}

#[test]
fn check_reports_problems_and_writes_nothing() {
    let binary = env!("CARGO_BIN_EXE_lkljs-site");
    let run = |site: &Path| Command::new(binary).args(["check", "--skip-demo", "--root"]).arg(site).output().unwrap();
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), site.path());
    let ok = run(site.path());
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stderr).contains("internal links verified"));
    assert!(!site.path().join("public").exists(), "check writes nothing");
    std::fs::write(site.path().join("content/docs/advanced.md"), "+++\ntitle = \"A\"\n+++\n[gone](gone.md)\n").unwrap();
    let failed = run(site.path());
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("content/docs/advanced.md:4:1: broken link: `gone.md`"), "{stderr}");
    assert!(stderr.contains("content/docs/intro.md:"), "the intro's link to the old slug breaks too: {stderr}");
}

#[test]
fn quiet_keeps_only_warnings_and_errors() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), site.path());
    let check = |flags: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_lkljs-site"))
            .args(["check", "--skip-demo", "--root"])
            .arg(site.path())
            .args(flags)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stderr).unwrap()
    };
    let normal = check(&[]);
    assert!(normal.contains("checked 6 pages"), "{normal}");
    // The fixture has no demo build: the placeholder note is a warning.
    assert!(normal.contains("note: the demo page shows a placeholder"), "{normal}");
    let quiet = check(&["--quiet"]);
    assert!(!quiet.contains("checked"), "--quiet hides the summary: {quiet}");
    assert!(quiet.contains("note: the demo page shows a placeholder"), "--quiet keeps warnings: {quiet}");
    assert!(!quiet.contains('\x1b') && !normal.contains('\x1b'), "no colour off a terminal");
    let bad = Command::new(env!("CARGO_BIN_EXE_lkljs-site")).args(["check", "--quiet", "--verbose"]).output().unwrap();
    assert!(!bad.status.success(), "--quiet and --verbose contradict each other");
}

#[test]
fn dangerous_output_directories_are_refused_by_the_command() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), site.path());
    for output in [".", "content", "theme/x"] {
        let result = Command::new(env!("CARGO_BIN_EXE_lkljs-site"))
            .args(["build", "--skip-demo", "--root"])
            .arg(site.path())
            .arg("--output")
            .arg(site.path().join(output))
            .output()
            .unwrap();
        assert!(!result.status.success());
        assert!(
            String::from_utf8_lossy(&result.stderr).contains("refusing to use"),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    assert!(site.path().join("content/_index.md").exists());
}

fn demo_state() -> DemoState {
    let dir = fixture("demo");
    let manifest = read_manifest(&dir.join("manifest.json")).unwrap();
    DemoState::from_outcome(DemoOutcome::Ready(DemoArtifacts {
        dir,
        files: vec!["boot.js".into(), "boot.wasm".into()],
        manifest,
    }))
    .unwrap()
}

#[test]
fn demo_artefacts_and_facts_are_published() {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let mut builder = SiteBuilder::new(BuildOptions::new(fixture("basic"), output.clone())).unwrap();
    builder.load_inputs().unwrap();
    builder.set_demo(demo_state());
    let (tree, _) = builder.compose().unwrap();
    publish(&tree, &output).unwrap();
    let files = read_tree(&output);
    assert_eq!(
        files["demo/boot.js"],
        std::fs::read(fixture("demo/boot.js")).unwrap(),
        "boot.js keeps its name and bytes"
    );
    assert_eq!(files["demo/boot.wasm"], std::fs::read(fixture("demo/boot.wasm")).unwrap());
    // The page's files also under content-hashed names, for the immutable cache rule.
    for name in ["boot.js", "boot.wasm"] {
        let bytes = std::fs::read(fixture(&format!("demo/{name}"))).unwrap();
        let hashed = format!("demo/hashed/{}", lkljs_site::output::assets::hashed_name(name, &bytes));
        assert_eq!(files.get(&hashed), Some(&bytes), "{hashed} is not published; files: {:?}", files.keys());
    }
    let manifest: serde_json::Value = serde_json::from_slice(&files["demo/manifest.json"]).unwrap();
    assert_eq!(manifest["kernel_version"], "6.1.158");
    let intro = String::from_utf8(files["docs/intro/index.html"].clone()).unwrap();
    assert!(intro.contains("data-fact=wasm_brotli_bytes value=1572864>1.5 MiB</data>"), "{intro}");
    let advanced = String::from_utf8(files["docs/advanced-topics/index.html"].clone()).unwrap();
    assert!(
        advanced.contains("Linux version 6.1.158 (fixture)\nKernel command line: console=hvc0</code>"),
        "{advanced}"
    );
}

/// Brotli at quality 11 beside every content-hashed file worth compressing
/// (src/output/precompress.rs), each decompressing to its file; none beside
/// the demo's stable names, pages or small files. A second build, with the
/// compressions in the site's `target/brotli`, writes the same bytes.
#[test]
fn precompressed_siblings_decompress_to_their_files() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), site.path());
    std::fs::create_dir(site.path().join("target")).unwrap();
    let artefacts = site.path().join("artefacts");
    std::fs::create_dir(&artefacts).unwrap();
    std::fs::copy(fixture("demo/manifest.json"), artefacts.join("manifest.json")).unwrap();
    let code: String =
        (0..6000).map(|line| format!("function step{line}(x) {{ return x * {}; }}\n", line % 89)).collect();
    std::fs::write(artefacts.join("boot.js"), &code).unwrap();
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(code.bytes().rev());
    std::fs::write(artefacts.join("boot.wasm"), &wasm).unwrap();
    let build = |output: &Path| {
        let mut builder = SiteBuilder::new(BuildOptions::new(site.path().to_path_buf(), output.to_path_buf())).unwrap();
        builder.load_inputs().unwrap();
        let manifest = read_manifest(&artefacts.join("manifest.json")).unwrap();
        let files = vec!["boot.js".into(), "boot.wasm".into()];
        let outcome = DemoOutcome::Ready(DemoArtifacts { dir: artefacts.clone(), files, manifest });
        builder.set_demo(DemoState::from_outcome(outcome).unwrap());
        let (tree, _) = builder.compose().unwrap();
        publish(&tree, output).unwrap();
        read_tree(output)
    };
    let files = build(&site.path().join("public"));
    let siblings: Vec<&String> = files.keys().filter(|path| path.ends_with(".br")).collect();
    let hashed =
        |name: &str, bytes: &[u8]| format!("demo/hashed/{}.br", lkljs_site::output::assets::hashed_name(name, bytes));
    let highlight = files.keys().find(|path| path.starts_with("theme/highlight.") && path.ends_with(".css")).unwrap();
    let mut expected = [hashed("boot.js", code.as_bytes()), hashed("boot.wasm", &wasm), format!("{highlight}.br")];
    expected.sort();
    assert_eq!(siblings, expected.iter().collect::<Vec<_>>(), "only the hashed files over 1 KiB that compress");
    for sibling in siblings {
        let original = &files[sibling.trim_end_matches(".br")];
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut files[sibling].as_slice(), &mut decoded).unwrap();
        assert!(decoded == *original, "{sibling} does not decompress to its file");
        assert!(files[sibling].len() < original.len() / 3, "{sibling}: {} bytes", files[sibling].len());
    }
    let cached = std::fs::read_dir(site.path().join("target/brotli")).unwrap().count();
    assert_eq!(cached, 3, "one compression kept per distinct file");
    assert_eq!(build(&site.path().join("again")), files, "a build from the cache writes the same bytes");
}

/// Pages quote the benchmarks' recorded figures (`content/benchmarks.json`)
/// as `bench.` facts; the file is data, not published; a figure it lacks, a
/// malformed file or no file fails the build with an error naming it.
#[test]
fn bench_facts_are_read_from_the_recorded_figures_or_the_error_names_the_file() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), site.path());
    let page = site.path().join("content/docs/figures.md");
    std::fs::write(
        &page,
        "+++\ntitle = \"Figures\"\n+++\n\nPrompt: {{ fact(name=\"bench.demo_page.cold.navigation_to_prompt_ms\") }}.\n\
         Runs: {{ fact(name=\"bench.demo_page.runs\") }}.\n",
    )
    .unwrap();
    let figures = site.path().join("content/benchmarks.json");
    let output = site.path().join("public");
    let error = build_into(site.path(), &output).unwrap_err().to_string();
    assert!(error.contains("content/docs/figures.md:5:9: fact `bench.demo_page.cold.navigation_to_prompt_ms` is read from content/benchmarks.json, which does not exist; record it with `LKLJS_BENCH_RECORD=1 cargo bench --bench demo_page`"), "{error}");

    std::fs::write(
        &figures,
        r#"{"demo_page": {"runs": 5, "cold": {"navigation_to_prompt_ms": {"median": 1324, "min": 1179, "max": 1507}}}}"#,
    )
    .unwrap();
    build_into(site.path(), &output).unwrap();
    let html = std::fs::read_to_string(output.join("docs/figures/index.html")).unwrap();
    assert!(html.contains(">1324 ms (1179 ms to 1507 ms)</data>"), "{html}");
    assert!(html.contains("value=5>5</data>"), "{html}");
    assert!(!output.join("benchmarks.json").exists(), "the figures are data, not published");

    std::fs::write(&figures, "{\"demo_page\": {\"runs\": 5,\n  \"cold\": }}").unwrap();
    let error = build_into(site.path(), &output).unwrap_err().to_string();
    assert!(error.contains("content/benchmarks.json:2:11: is not valid JSON: expected value"), "{error}");
    std::fs::write(&figures, r#"{"demo_page": {"runs": 5}}"#).unwrap();
    let error = build_into(site.path(), &output).unwrap_err().to_string();
    assert!(error.contains("fact `bench.demo_page.cold.navigation_to_prompt_ms` is not in content/benchmarks.json (`demo_page` has runs)"), "{error}");
    assert!(
        std::fs::read_to_string(output.join("docs/figures/index.html")).unwrap().contains("1324 ms"),
        "the old output stays"
    );
}

/// Both halves of a serve rebuild: the one the browsers hear of first, and the rest.
fn rebuild_in_two(builder: &mut SiteBuilder, changed: &[PathBuf]) -> (BuildSummary, BuildSummary) {
    let quick = builder.rebuild(changed).unwrap();
    let rest = builder.finish().expect("a rebuild leaves the rest for later").unwrap();
    (quick, rest)
}

#[test]
fn serve_rebuilds_only_what_changed_and_matches_a_fresh_build() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), site.path());
    let output = site.path().join("public");
    let mut builder =
        SiteBuilder::new(BuildOptions::new(site.path().to_path_buf(), output.clone()).demo(DemoMode::ReuseLast))
            .unwrap();
    let first = builder.build_all().unwrap();
    assert!(first.changed_urls.contains(&"/docs/intro/".to_string()));
    assert!(builder.finish().is_none(), "a full build leaves nothing for later");
    let (quick, rest) = rebuild_in_two(&mut builder, &[site.path().join("content/docs/intro.md")]);
    assert!(quick.changed_urls.is_empty() && rest.changed_urls.is_empty(), "nothing changed");

    // A body edit: that page at once, the feed that quotes it and the search
    // index that carries its content after the browsers are told.
    let advanced = site.path().join("content/docs/advanced.md");
    let text = std::fs::read_to_string(&advanced).unwrap();
    std::fs::write(&advanced, text.replace("## Deep dive", "## Deep dive\n\nMore words.")).unwrap();
    let (quick, rest) = rebuild_in_two(&mut builder, std::slice::from_ref(&advanced));
    assert_eq!(quick.changed_urls, ["/docs/advanced-topics/"]);
    assert_eq!(rest.changed_urls, ["/atom.xml", "/search-index.json"]);
    assert!(!quick.only_css && !rest.only_css && !rest.after_css_swap);

    // A title edit shows wherever the page is listed: its section's sidebar,
    // the section's listing, its neighbours' links. The home page's collapsed
    // sidebar does not show it, so its bytes do not change. The edited page
    // comes first, the others after the browsers are told.
    let text = std::fs::read_to_string(&advanced).unwrap();
    std::fs::write(&advanced, text.replace("title = \"Advanced\"", "title = \"Expert\"")).unwrap();
    let (quick, rest) = rebuild_in_two(&mut builder, std::slice::from_ref(&advanced));
    assert!(quick.changed_urls.contains(&"/docs/advanced-topics/".to_string()), "{quick:?}");
    assert!(!quick.changed_urls.contains(&"/docs/intro/".to_string()), "{quick:?}");
    let changed = [quick.changed_urls, rest.changed_urls].concat();
    for url in ["/docs/", "/docs/intro/", "/docs/advanced-topics/", "/slides/"] {
        assert!(changed.contains(&url.to_string()), "{url} not in {changed:?}");
    }
    assert!(!changed.contains(&"/".to_string()));

    // A stylesheet edit: the new hashed file at once (`only_css`), then the
    // pages that link it, which are no reason to reload (`after_css_swap`),
    // and the old file goes.
    let css = site.path().join("theme/css/site.css");
    std::fs::write(&css, "body { color: red; }\n").unwrap();
    let (quick, rest) = rebuild_in_two(&mut builder, std::slice::from_ref(&css));
    assert!(quick.only_css, "{quick:?}");
    let stylesheets = |urls: &[String]| -> Vec<String> {
        urls.iter().filter(|url| url.starts_with("/theme/site.") && url.ends_with(".css")).cloned().collect()
    };
    assert_eq!(stylesheets(&quick.changed_urls).len(), 1, "{quick:?}");
    assert!(!quick.changed_urls.contains(&"/docs/intro/".to_string()), "pages come after the swap: {quick:?}");
    assert!(rest.after_css_swap, "{rest:?}");
    assert!(rest.changed_urls.contains(&"/docs/intro/".to_string()), "{rest:?}");
    assert_eq!(stylesheets(&rest.changed_urls).len(), 1, "the old stylesheet is removed: {rest:?}");

    // A broken edit fails without touching the output, and fixing it recovers.
    let before = read_tree(&output);
    std::fs::write(&advanced, "+++\ntitle = 3\n+++\n").unwrap();
    let failure = builder.rebuild(std::slice::from_ref(&advanced)).unwrap_err();
    assert!(failure.message.contains("content/docs/advanced.md:2:9"), "{}", failure.message);
    assert!(builder.finish().is_none(), "a failed rebuild leaves nothing for later");
    assert_eq!(read_tree(&output), before);
    std::fs::write(&advanced, text.replace("Back to", "Return to")).unwrap();
    rebuild_in_two(&mut builder, std::slice::from_ref(&advanced));

    // The quick half checks the edited page's own links, and fails on a
    // broken one without writing; the other pages' links into it (intro.md
    // links to its #deep-dive) are checked with the rest.
    let good = std::fs::read_to_string(&advanced).unwrap();
    let before = read_tree(&output);
    std::fs::write(&advanced, good.replace("(intro.md#setup-1)", "(missing.md)")).unwrap();
    let failure = builder.rebuild(std::slice::from_ref(&advanced)).unwrap_err();
    assert!(failure.message.contains("content/docs/advanced.md:12:11"), "{}", failure.message);
    assert!(failure.message.contains("missing.md"), "{}", failure.message);
    assert!(builder.finish().is_none(), "a failed rebuild leaves nothing for later");
    assert_eq!(read_tree(&output), before);
    std::fs::write(&advanced, good.replace("## Deep dive", "## Deeper dive")).unwrap();
    let quick = builder.rebuild(std::slice::from_ref(&advanced)).unwrap();
    assert_eq!(quick.changed_urls, ["/docs/advanced-topics/"]);
    let failure = builder.finish().expect("a rebuild leaves the rest for later").unwrap_err();
    assert!(failure.message.contains("content/docs/intro.md:46:"), "{}", failure.message);
    assert!(failure.message.contains("deep-dive"), "{}", failure.message);
    std::fs::write(&advanced, &good).unwrap();
    rebuild_in_two(&mut builder, std::slice::from_ref(&advanced));

    // A template edit re-renders everything; a new page appears.
    let template = site.path().join("theme/templates/base.html");
    let base = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, base.replace("<main>", "<main class=\"changed\">")).unwrap();
    let new_page = site.path().join("content/docs/new.md");
    std::fs::write(&new_page, "+++\ntitle = \"New\"\nweight = 3\n+++\nNew page.\n").unwrap();
    let (quick, rest) = rebuild_in_two(&mut builder, &[template, new_page]);
    let changed = [quick.changed_urls, rest.changed_urls].concat();
    assert!(changed.contains(&"/docs/new/".to_string()));
    assert!(changed.contains(&"/slides/talk/".to_string()) || changed.contains(&"/docs/intro/".to_string()));

    // After all that, the output is exactly what a fresh build produces.
    let fresh = tempfile::tempdir().unwrap();
    build_into(site.path(), &fresh.path().join("public")).unwrap();
    assert_eq!(snapshots(&read_tree(&output)), snapshots(&read_tree(&fresh.path().join("public"))));
}

#[test]
fn the_starter_site_builds_without_problems() {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = build_into(root, &out.path().join("public")).unwrap();
    assert!(report.pages >= 8, "{report:?}");
    let tree = read_tree(&out.path().join("public"));
    let demo = String::from_utf8(tree["demo/index.html"].clone()).unwrap();
    assert!(demo.contains("class=demo"), "the demo page embeds the demo or says why not");
    for (path, bytes) in &tree {
        if path.starts_with("slides/") && path != "slides/index.html" {
            // A deck is a standalone page: its landmark is the deck itself.
            let html = String::from_utf8_lossy(bytes);
            assert!(html.contains("class=deck data-count="), "{path} lacks the deck landmark");
        } else if path.ends_with(".html") && path != "404.html" {
            let html = String::from_utf8_lossy(bytes);
            assert!(html.contains("<a class=skip-link href=#content>"), "{path} lacks the skip link");
            assert!(html.contains("<main class=content id=content"), "{path} lacks the main landmark");
        }
    }
}

#[test]
fn template_problems_name_the_template_or_the_page() {
    let site = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), site.path());
    let intro = site.path().join("content/docs/intro.md");
    let text = std::fs::read_to_string(&intro).unwrap();
    std::fs::write(&intro, text.replace("weight = 1\n", "weight = 1\ntemplate = \"wide.html\"\n")).unwrap();
    let error = build_into(site.path(), &site.path().join("public")).unwrap_err().to_string();
    assert!(
        error.contains("content/docs/intro.md: template `wide.html` does not exist in theme/templates/"),
        "{error}"
    );

    std::fs::write(
        site.path().join("theme/templates/wide.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | nosuchfilter }}\n{% endblock content %}\n",
    )
    .unwrap();
    let error = build_into(site.path(), &site.path().join("public")).unwrap_err().to_string();
    assert!(error.contains("theme/templates/wide.html"), "{error}");
    assert!(error.contains("nosuchfilter"), "{error}");

    std::fs::write(
        site.path().join("theme/templates/wide.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title }\n{% endblock content %}\n",
    )
    .unwrap();
    let error = build_into(site.path(), &site.path().join("public")).unwrap_err().to_string();
    assert!(error.contains("theme/templates/wide.html:3:"), "{error}");
}
