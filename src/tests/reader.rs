//! What readers of the guide get, in headless Chromium with real key events,
//! on a copy of the repository's content and theme: search (`/`, typing,
//! Enter to the section), ← / → between pages, the remembered theme with no
//! flash of the other one, copy buttons, heading links, print styles and the
//! 404 page's search.

use std::time::Duration;

use crate::support::chromium::{Chromium, Page};
use crate::support::real_site::RealSite;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

struct Session {
    browser: Chromium,
    site: RealSite,
}

impl Session {
    fn start() -> Option<Self> {
        let browser = Chromium::launch()?;
        Some(Self { browser, site: RealSite::from_repository() })
    }

    fn open(&self, path: &str) -> Page {
        let page = self.browser.page();
        page.navigate(&self.site.url(path));
        page.wait_for("document.readyState === 'complete'", WAIT);
        page
    }
}

fn text(value: Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("expected a string, got {value}")).to_owned()
}

fn type_text(page: &Page, text: &str) {
    for character in text.chars() {
        page.press_key(&character.to_string());
    }
}

fn path_and_hash(page: &Page) -> String {
    text(page.eval("location.pathname + location.hash"))
}

#[test]
fn slash_opens_search_typing_finds_a_section_and_enter_goes_to_its_heading() {
    let Some(session) = Session::start() else { return };
    let page = session.open("/guide/why-wasm/");
    assert_eq!(page.eval("document.getElementById('search').open"), json!(false));
    page.press_key("/");
    page.wait_for("document.getElementById('search').open", WAIT);
    assert_eq!(page.eval("document.activeElement.id"), json!("search-input"), "the query field has focus");
    type_text(&page, "timer thread");
    page.wait_for("document.querySelectorAll('#search-results a').length > 0", WAIT);
    let first = page.eval(
        "(() => { const a = document.querySelector('#search-results a');
                  return { href: a.getAttribute('href'), title: a.querySelector('.result-title').textContent,
                           marks: [...a.querySelectorAll('mark')].map(m => m.textContent.toLowerCase()),
                           excerpt: a.querySelector('.result-excerpt').textContent,
                           selected: a.getAttribute('aria-selected') }; })()",
    );
    assert_eq!(first["href"], json!("/guide/threads-and-isolation/#the-timer-on-the-main-thread"), "{first}");
    assert!(text(first["title"].clone()).contains("The timer on the main thread"), "page title and heading: {first}");
    let marks: Vec<String> = serde_json::from_value(first["marks"].clone()).unwrap();
    assert!(marks.iter().any(|mark| mark == "timer") && marks.iter().any(|mark| mark.starts_with("thread")), "{first}");
    assert!(text(first["excerpt"].clone()).len() > 40, "an excerpt: {first}");
    assert_eq!(first["selected"], json!("true"));
    page.press_key("Enter");
    page.wait_for("location.pathname === '/guide/threads-and-isolation/'", WAIT);
    page.wait_for("document.readyState === 'complete'", WAIT);
    assert_eq!(path_and_hash(&page), "/guide/threads-and-isolation/#the-timer-on-the-main-thread");
    assert_eq!(
        page.eval("document.querySelector(':target') && document.querySelector(':target').tagName"),
        json!("H2")
    );

    // `s` opens it too, ↓ moves the selection, Escape closes it, and nothing came from another origin.
    page.press_key("s");
    page.wait_for("document.getElementById('search').open", WAIT);
    type_text(&page, "kernel");
    page.wait_for("document.querySelectorAll('#search-results a').length > 1", WAIT);
    page.press_key("ArrowDown");
    assert_eq!(
        page.eval("document.querySelectorAll('#search-results a')[1].getAttribute('aria-selected')"),
        json!("true")
    );
    page.press_key("Escape");
    page.wait_for("!document.getElementById('search').open", WAIT);
    let origins =
        page.eval("[...new Set(performance.getEntriesByType('resource').map(entry => new URL(entry.name).origin))]");
    assert_eq!(origins, json!([text(page.eval("location.origin"))]), "every resource is same-origin");
}

#[test]
fn arrow_keys_go_to_the_previous_and_next_page_except_while_typing() {
    let Some(session) = Session::start() else { return };
    let page = session.open("/guide/why-wasm/");
    let next = text(page.eval("new URL(document.querySelector('a[rel=next]').href).pathname"));
    let prev = text(page.eval("new URL(document.querySelector('a[rel=prev]').href).pathname"));
    page.press_key("ArrowRight");
    page.wait_for(&format!("location.pathname === '{next}' && document.readyState === 'complete'"), WAIT);
    page.press_key("ArrowLeft");
    page.wait_for("location.pathname === '/guide/why-wasm/' && document.readyState === 'complete'", WAIT);
    page.press_key("ArrowLeft");
    page.wait_for(&format!("location.pathname === '{prev}' && document.readyState === 'complete'"), WAIT);

    // In a text field the arrows move the caret, not the reader.
    page.eval("(() => { const field = document.createElement('input'); field.value = 'abc'; document.querySelector('main').prepend(field); field.focus(); })()");
    page.press_key("ArrowLeft");
    page.press_key("ArrowRight");
    page.collect_events(Duration::from_millis(500));
    assert_eq!(path_and_hash(&page), prev);
    assert_eq!(page.eval("document.activeElement.tagName"), json!("INPUT"));
}

#[test]
fn the_theme_choice_is_remembered_and_applied_before_the_page_draws() {
    let Some(session) = Session::start() else { return };
    let page = session.browser.page();
    // Records the theme at the moment <body> appears: what the first paint can show.
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "new MutationObserver((_, observer) => { if (document.body) {
            window.themeAtBody = document.documentElement.getAttribute('data-theme') || 'none';
            window.backgroundAtBody = getComputedStyle(document.documentElement).getPropertyValue('color-scheme');
            observer.disconnect(); } }).observe(document, { childList: true, subtree: true });" }),
    );
    page.call(
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-color-scheme", "value": "light" }] }),
    );
    page.navigate(&session.site.url("/guide/build-flow/"));
    page.wait_for("document.readyState === 'complete'", WAIT);
    assert_eq!(page.eval("window.themeAtBody"), json!("none"));
    let light_background = text(page.eval("getComputedStyle(document.body).backgroundColor"));
    let light_comment = text(page.eval("getComputedStyle(document.querySelector('.hl-code')).backgroundColor"));

    // Choose "Dark theme" with the keyboard.
    page.eval("document.querySelector('.theme-select').focus()");
    page.press_key("ArrowDown");
    page.press_key("ArrowDown");
    page.wait_for("document.documentElement.getAttribute('data-theme') === 'dark'", WAIT);
    let dark_background = text(page.eval("getComputedStyle(document.body).backgroundColor"));
    assert_ne!(dark_background, light_background);
    let dark_code = text(page.eval("getComputedStyle(document.querySelector('.hl-code')).backgroundColor"));
    assert_ne!(dark_code, light_comment, "code highlighting follows the theme");

    page.navigate(&session.site.url("/guide/build-flow/"));
    page.wait_for("document.readyState === 'complete'", WAIT);
    assert_eq!(page.eval("window.themeAtBody"), json!("dark"), "applied before <body> exists: no flash");
    assert_eq!(text(page.eval("getComputedStyle(document.body).backgroundColor")), dark_background);
    assert_eq!(page.eval("document.querySelector('.theme-select').value"), json!("dark"));

    // Back to the system's: the light preference shows again.
    page.eval("document.querySelector('.theme-select').focus()");
    page.press_key("Home");
    page.wait_for("!document.documentElement.hasAttribute('data-theme')", WAIT);
    page.navigate(&session.site.url("/guide/build-flow/"));
    page.wait_for("document.readyState === 'complete'", WAIT);
    assert_eq!(page.eval("window.themeAtBody"), json!("none"));
    assert_eq!(text(page.eval("getComputedStyle(document.body).backgroundColor")), light_background);
}

#[test]
fn console_blocks_copy_only_their_commands() {
    let Some(session) = Session::start() else { return };
    let page = session.open("/guide/build-flow/");
    let copied = page.eval(
        "(() => { const pre = document.querySelector('pre[data-lang=console]');
                  return { text: lkljsSite.textToCopy(pre), shown: pre.textContent,
                           button: pre.parentNode.querySelector('.copy-code').getAttribute('aria-label') }; })()",
    );
    assert_eq!(
        copied["text"],
        json!(
            "demo-build/build-kernel.sh --source /usr/src/linux-source-6.1.tar.xz \\\n      --work target/demo/work --out /tmp/out --jobs 2\n"
        ),
        "{copied}"
    );
    assert!(text(copied["shown"].clone()).contains("@@lkljs step toolchain"), "the block shows output: {copied}");
    assert_eq!(copied["button"], json!("Copy the commands"));
    // A block of another language copies every line as shown.
    let other = page.eval(
        "(() => { const pre = document.querySelector('pre.hl-code:not([data-lang=console])');
                  return [lkljsSite.textToCopy(pre), [...pre.querySelectorAll('.line')].map(l => l.textContent).join('')]; })()",
    );
    assert_eq!(other[0], other[1]);

    // The button itself, clicked: the clipboard gets the commands.
    page.call(
        "Browser.grantPermissions",
        json!({ "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"], "origin": text(page.eval("location.origin")) }),
    );
    page.eval("document.querySelector('pre[data-lang=console]').parentNode.querySelector('.copy-code').click()");
    page.wait_for("document.querySelector('pre[data-lang=console]').parentNode.querySelector('.copy-code').textContent === 'Copied'", WAIT);
    assert_eq!(page.eval("navigator.clipboard.readText()"), copied["text"]);
}

#[test]
fn heading_links_show_on_focus_and_print_leaves_out_navigation() {
    let Some(session) = Session::start() else { return };
    let page = session.open("/guide/threads-and-isolation/");
    let opacity = "getComputedStyle(document.querySelector('h2 .anchor')).opacity";
    if page.eval("matchMedia('(hover: none)').matches") == json!(true) {
        // Headless Chromium reports a screen without hover, like a phone's: there the links always show.
        assert_eq!(page.eval(opacity), json!("1"));
        // With a mouse they show on hover or focus: the rules that say so are published.
        let css = page.eval(
            "[...document.styleSheets].flatMap(sheet => [...sheet.cssRules]).map(rule => rule.cssText).join('\\n')",
        );
        let css = text(css);
        assert!(css.contains(":is(h2, h3, h4, h5, h6):hover .anchor, .anchor:focus"), "{css}");
    } else {
        assert_eq!(page.eval(opacity), json!("0"));
        page.eval("document.querySelector('h2 .anchor').focus()");
        assert_eq!(page.eval(opacity), json!("1"));
    }

    page.call("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    for hidden in [".sidebar", ".site-header", ".pager", ".site-footer"] {
        assert_eq!(
            page.eval(&format!("getComputedStyle(document.querySelector('{hidden}')).display")),
            json!("none"),
            "{hidden}"
        );
    }
    page.eval("window.dispatchEvent(new Event('beforeprint'))");
    let after =
        text(page.eval("getComputedStyle(document.querySelector('.content p a[href^=\"/\"]'), '::after').content"));
    assert!(after.contains(&session.site.url("/")), "a printed internal link shows its full address: {after}");
}

#[test]
fn the_not_found_page_offers_the_search() {
    let Some(session) = Session::start() else { return };
    let page = session.open("/guide/timer-thread-old-name/");
    page.wait_for("!document.querySelector('.not-found-search .search-open').hidden", WAIT);
    page.eval("document.querySelector('.not-found-search .search-open').click()");
    page.wait_for("document.getElementById('search').open", WAIT);
    assert_eq!(page.eval("document.getElementById('search-input').value"), json!("guide timer thread old name"));
}

#[test]
fn the_search_index_covers_guide_slides_and_demo_is_reported_and_reproducible() {
    let (_temp, root) = crate::support::real_site::repository_copy();
    let build = |output: &str| {
        let options = lkljs_site::build::BuildOptions::new(root.clone(), root.join(output))
            .demo(lkljs_site::build::DemoMode::ReuseLast);
        let report = lkljs_site::build::build(&options).unwrap();
        (report, std::fs::read(root.join(output).join("search-index.json")).unwrap())
    };
    let (report, index) = build("public");
    let (_, again) = build("public-again");
    assert!(index == again, "two builds give byte-identical indexes");
    assert_eq!(report.search_index_bytes, index.len());
    println!("search index: {} bytes", index.len());
    let index: Value = serde_json::from_slice(&index).unwrap();
    let documents = index["documentStore"]["docs"].as_object().unwrap();
    for url in ["/guide/threads-and-isolation/#the-timer-on-the-main-thread", "/slides/linux-in-wasm/#2", "/demo/"] {
        assert!(documents.contains_key(url), "{url} is not indexed");
    }
}

#[test]
fn a_repository_in_site_toml_gives_each_page_an_edit_link() {
    let (_temp, root) = crate::support::real_site::repository_copy();
    let build = |root: &std::path::Path| {
        let options = lkljs_site::build::BuildOptions::new(root.to_path_buf(), root.join("public"))
            .demo(lkljs_site::build::DemoMode::ReuseLast);
        lkljs_site::build::build(&options).unwrap();
        std::fs::read_to_string(root.join("public/guide/why-wasm/index.html")).unwrap()
    };
    assert!(!build(&root).contains("Edit this page"), "no repository, no link");
    let config = std::fs::read_to_string(root.join("content/site.toml")).unwrap();
    std::fs::write(
        root.join("content/site.toml"),
        format!("{config}\n[repository]\nurl = \"https://git.example/owner/repo/\"\nbranch = \"trunk\"\n"),
    )
    .unwrap();
    let html = build(&root);
    let link = html.split("class=edit-page").nth(1).expect("an edit link");
    let href = link.split("href=").nth(1).unwrap().split('>').next().unwrap().replace("&#x2F;", "/");
    assert_eq!(href.trim_matches('"'), "https://git.example/owner/repo/edit/trunk/content/guide/why-wasm.md");
}
