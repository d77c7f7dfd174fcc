//! The deploy files agree with the one source of truth in `src/output/deploy.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use lkljs_site::output::deploy::{HEADER_RULES, headers_file};

fn rules_from_source() -> BTreeMap<String, BTreeMap<String, String>> {
    HEADER_RULES
        .iter()
        .map(|rule| {
            (
                rule.pattern.to_string(),
                rule.headers.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect(),
            )
        })
        .collect()
}

#[test]
fn netlify_toml_sets_the_same_headers_and_publishes_public() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("netlify.toml")).unwrap();
    let netlify: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(netlify["build"]["publish"].as_str(), Some("public"));
    assert!(netlify["build"]["command"].as_str().unwrap().contains("build"));
    let mut rules = BTreeMap::new();
    for rule in netlify["headers"].as_array().unwrap() {
        let values = rule["values"]
            .as_table()
            .unwrap()
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_string()))
            .collect();
        assert!(rules.insert(rule["for"].as_str().unwrap().to_string(), values).is_none(), "duplicate rule");
    }
    assert_eq!(rules, rules_from_source());
}

#[test]
fn the_headers_file_parses_back_to_the_same_rules() {
    let mut rules: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current = None;
    for line in headers_file().lines().filter(|line| !line.starts_with('#') && !line.trim().is_empty()) {
        if let Some(header) = line.strip_prefix("  ") {
            let (name, value) = header.split_once(": ").unwrap();
            rules.get_mut(current.as_ref().unwrap()).unwrap().insert(name.to_string(), value.to_string());
        } else {
            current = Some(line.to_string());
            rules.insert(line.to_string(), BTreeMap::new());
        }
    }
    assert_eq!(rules, rules_from_source());
    let all = &rules["/*"];
    assert_eq!(all["Cross-Origin-Opener-Policy"], "same-origin");
    assert_eq!(all["Cross-Origin-Embedder-Policy"], "require-corp");
    assert_eq!(all["Cross-Origin-Resource-Policy"], "same-origin");
    assert_eq!(rules["/*.wasm"]["Content-Type"], "application/wasm");
}

#[test]
fn a_build_publishes_the_headers_file() {
    let out = tempfile::tempdir().unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tests/fixtures/basic");
    let options = lkljs_site::build::BuildOptions::new(site, out.path().join("public"))
        .demo(lkljs_site::build::DemoMode::ReuseLast);
    lkljs_site::build::build(&options).unwrap();
    assert_eq!(std::fs::read_to_string(out.path().join("public/_headers")).unwrap(), headers_file());
}
