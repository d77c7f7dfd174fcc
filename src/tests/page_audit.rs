//! Every published page of the real site, audited: axe-core's accessibility
//! rules in headless Chromium, in the light and the dark theme (with the
//! search dialog open too), with zero violations allowed; and the Nu Html
//! Checker (vnu) on every HTML file, with zero errors allowed. Both tools are
//! pinned in `src/tests/fixtures/page-audit/` and installed with `npm ci`
//! into `target/page-audit/`; vnu runs on Debian's default-jre-headless.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::chromium::Chromium;
use crate::support::real_site::RealSite;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

/// Every HTML file under `public`, as site paths (`guide/index.html` → `/guide/`).
fn published_pages(public: &Path) -> Vec<(PathBuf, String)> {
    let mut pages: Vec<(PathBuf, String)> = walkdir::WalkDir::new(public)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.path().extension().is_some_and(|extension| extension == "html"))
        .map(|entry| {
            let relative = entry.path().strip_prefix(public).unwrap().to_string_lossy().replace('\\', "/");
            let url = match relative.strip_suffix("index.html") {
                Some(directory) => format!("/{directory}"),
                None => format!("/{relative}"),
            };
            (entry.path().to_path_buf(), url)
        })
        .collect();
    pages.sort();
    pages
}

fn wait_for_build(site: &RealSite) {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !site.root.join("public/search-index.json").is_file() {
        assert!(std::time::Instant::now() < deadline, "the site was not built");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// axe's violations, one line each: rule, impact, the elements and why.
fn describe(violations: &Value) -> Vec<String> {
    violations
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| {
            let nodes: Vec<String> = violation["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .take(5)
                .map(|node| {
                    format!("{} ({})", node["target"], node["failureSummary"].as_str().unwrap_or("").replace('\n', " "))
                })
                .collect();
            format!("{} [{}]: {}", violation["id"], violation["impact"], nodes.join("; "))
        })
        .collect()
}

#[test]
fn every_page_passes_axe_in_both_themes() {
    let Some(tools) = crate::support::npm_tools::install("page-audit", "node_modules/axe-core/axe.min.js") else {
        return;
    };
    let axe = std::fs::read_to_string(tools.join("node_modules/axe-core/axe.min.js")).unwrap();
    let Some(browser) = Chromium::launch() else { return };
    let site = RealSite::from_repository();
    wait_for_build(&site);
    let pages = published_pages(&site.root.join("public"));
    assert!(pages.len() > 10, "{pages:?}");
    let mut problems = Vec::new();
    let mut audits = 0;
    for scheme in ["light", "dark"] {
        let page = browser.page();
        page.call(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
        for (_, url) in &pages {
            page.navigate(&site.url(url));
            page.wait_for("document.readyState === 'complete'", WAIT);
            page.eval(&axe);
            let mut states = vec!["as loaded"];
            if page.eval("!!document.getElementById('search')") == json!(true) {
                states.push("with search results");
            }
            for state in states {
                if state == "with search results" {
                    page.eval("lkljsSearch.open('kernel boot')");
                    page.wait_for("document.querySelectorAll('#search-results a').length > 0", WAIT);
                }
                let result = page.eval("axe.run(document).then(result => result.violations)");
                audits += 1;
                for line in describe(&result) {
                    problems.push(format!("{url} ({scheme}, {state}): {line}"));
                }
            }
        }
    }
    println!("axe: {audits} audits of {} pages, {} violations", pages.len(), problems.len());
    assert!(problems.is_empty(), "axe-core found violations:\n{}", problems.join("\n"));
}

#[test]
fn every_page_is_valid_html() {
    let Some(tools) = crate::support::npm_tools::install("page-audit", "node_modules/vnu-jar/build/dist/vnu.jar")
    else {
        return;
    };
    if Command::new("java").arg("-version").output().is_err() {
        assert!(
            !crate::support::npm_tools::required(),
            "java is missing; demo-build/setup.sh installs default-jre-headless"
        );
        eprintln!("\n*** SKIPPING vnu: java is not installed ***\n");
        return;
    }
    let site = RealSite::from_repository();
    wait_for_build(&site);
    let pages = published_pages(&site.root.join("public"));
    let output = Command::new("java")
        .arg("-jar")
        .arg(tools.join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--format", "json", "--exit-zero-always"])
        .args(pages.iter().map(|(file, _)| file))
        .output()
        .expect("cannot run java");
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|error| {
        panic!("vnu's report is not JSON ({error}): {}", String::from_utf8_lossy(&output.stderr))
    });
    let messages = report["messages"].as_array().unwrap();
    let describe = |message: &Value| {
        format!(
            "{}:{}: {}: {}",
            message["url"].as_str().unwrap_or("?").rsplit("/public/").next().unwrap_or(""),
            message["lastLine"],
            message["type"].as_str().unwrap_or("?"),
            message["message"].as_str().unwrap_or("?")
        )
    };
    let errors: Vec<String> =
        messages.iter().filter(|message| message["type"] != json!("info")).map(describe).collect();
    let warnings: Vec<String> =
        messages.iter().filter(|message| message["type"] == json!("info")).map(describe).collect();
    println!("vnu: {} pages, {} errors, {} warnings", pages.len(), errors.len(), warnings.len());
    for warning in &warnings {
        println!("  warning: {warning}");
    }
    assert!(errors.is_empty(), "the Nu Html Checker found errors:\n{}", errors.join("\n"));
}
