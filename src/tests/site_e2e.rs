//! End to end: the repository's real content and theme, built by the real
//! `SiteBuilder` and served by `serve::start`, in headless Chromium. The site
//! is a temporary copy, so the edits made here never touch the repository.

use std::time::Duration;

use crate::support::chromium::{Chromium, Page, decode_base64, pdf_page_count};
use crate::support::real_site::RealSite;
use serde_json::{Value, json};

/// Generous: this machine is shared by several builds at once.
const WAIT: Duration = Duration::from_secs(30);
const GUIDE_PAGE: &str = "/guide/why-wasm/";
const GUIDE_SOURCE: &str = "content/guide/why-wasm.md";
const DECK: &str = "/slides/linux-in-wasm/";

struct Session {
    browser: Chromium,
    site: RealSite,
}

impl Session {
    fn start() -> Option<Self> {
        let browser = Chromium::launch()?;
        Some(Self { browser, site: RealSite::from_repository() })
    }

    /// A tab that also reports the browser's own log (failed loads, CSP and
    /// isolation violations), which console.* events do not include.
    fn page(&self) -> Page {
        let page = self.browser.page();
        page.call("Log.enable", json!({}));
        page
    }

    /// Opens `path` and marks the window once the live channel is up, so that a
    /// reload shows as the mark's loss.
    fn open_marked(&self, path: &str) -> Page {
        let page = self.page();
        page.navigate(&self.site.url(path));
        page.wait_for("window.lkljsLive && window.lkljsLive.connected", WAIT);
        page.eval("window.lkljsMark = 'before'");
        page
    }
}

/// Every error the page or the browser reported: console errors, uncaught
/// exceptions and error-level log entries (such as a 404 for a stylesheet).
fn errors(page: &Page) -> Vec<String> {
    let console = page.console().into_iter().filter(|line| line.starts_with("error:"));
    let log = page
        .events_named("Log.entryAdded")
        .into_iter()
        .filter(|event| event["params"]["entry"]["level"] == json!("error"))
        .map(|event| {
            let entry = &event["params"]["entry"];
            format!("log: {} ({})", entry["text"].as_str().unwrap_or("?"), entry["url"].as_str().unwrap_or(""))
        });
    console.chain(log).chain(page.exceptions()).collect()
}

fn assert_no_errors(page: &Page) {
    // Late errors (a script that fails after load) must have arrived too.
    page.collect_events(Duration::from_millis(300));
    let errors = errors(page);
    assert!(errors.is_empty(), "the page reported errors: {errors:#?}");
}

fn text(value: Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("expected a string, got {value}")).to_owned()
}

#[test]
fn guide_pages_are_isolated_and_error_free() {
    let Some(session) = Session::start() else { return };
    let page = session.page();
    for path in ["/", "/guide/", GUIDE_PAGE, "/demo/"] {
        page.navigate(&session.site.url(path));
        assert_eq!(page.eval("crossOriginIsolated"), json!(true), "{path} is not cross-origin isolated");
        assert_eq!(
            page.eval("typeof SharedArrayBuffer"),
            json!("function"),
            "{path}: the demo needs SharedArrayBuffer"
        );
        assert_eq!(page.eval("document.querySelectorAll('link[rel=stylesheet]').length > 0"), json!(true));
        // Every stylesheet the page links really applied (a 404 would leave no rules).
        assert_eq!(
            page.eval("Array.from(document.styleSheets).every(sheet => sheet.cssRules.length > 0)"),
            json!(true),
            "{path} has an empty or missing stylesheet"
        );
    }
    assert_eq!(
        page.eval("document.querySelector('h1') && document.querySelector('h1').textContent.trim()"),
        json!("Live demo")
    );
    // Without a kernel build the demo page says so, instead of a broken boot button.
    assert_eq!(
        page.eval("document.querySelector('main').textContent.includes('The kernel has not been built')"),
        json!(true),
        "the demo placeholder is missing"
    );
    assert_no_errors(&page);
}

// ----- The slide deck -----

fn current_slide(page: &Page) -> Value {
    page.eval("document.documentElement.dataset.slide")
}

/// Presses `key` and waits until the deck shows `slide` with the matching permalink.
fn press_and_expect(page: &Page, key: &str, slide: usize) {
    page.press_key(key);
    page.wait_for(
        &format!("document.documentElement.dataset.slide === '{slide}' && location.hash === '#{slide}'"),
        WAIT,
    );
    assert_eq!(
        page.eval("Array.from(document.querySelectorAll('.deck-stage > .slide.is-current')).map(s => s.dataset.index)"),
        json!([slide.to_string()]),
        "after {key:?} exactly slide {slide} is current"
    );
}

fn open_deck(session: &Session, fragment: &str) -> (Page, usize) {
    let page = session.page();
    page.navigate(&format!("{}{fragment}", session.site.url(DECK)));
    page.wait_for("document.documentElement.dataset.deckReady === 'true'", WAIT);
    // Keys go to the focused tab.
    page.call("Page.bringToFront", json!({}));
    let count: usize = text(page.eval("document.documentElement.dataset.slideCount")).parse().unwrap();
    assert!(count >= 5, "the deck has {count} slides; the navigation checks need at least 5");
    (page, count)
}

#[test]
fn the_deck_is_driven_by_the_keyboard_and_keeps_a_permalink() {
    let Some(session) = Session::start() else { return };
    let (page, count) = open_deck(&session, "");
    assert_eq!(current_slide(&page), json!("1"));
    assert_eq!(page.eval("crossOriginIsolated"), json!(true));
    press_and_expect(&page, "ArrowRight", 2);
    press_and_expect(&page, " ", 3);
    press_and_expect(&page, "PageDown", 4);
    press_and_expect(&page, "ArrowLeft", 3);
    press_and_expect(&page, "PageUp", 2);
    press_and_expect(&page, "End", count);
    // Past the end stays at the end.
    page.press_key("ArrowRight");
    assert_eq!(current_slide(&page), json!(count.to_string()));
    press_and_expect(&page, "Home", 1);
    assert_eq!(page.eval("document.querySelector('.deck-counter-current').textContent"), json!("1"));
    // Browser history walks the slides back.
    press_and_expect(&page, "ArrowRight", 2);
    page.eval("history.back()");
    page.wait_for("document.documentElement.dataset.slide === '1'", WAIT);
    assert_no_errors(&page);
}

#[test]
fn a_permalink_opens_its_slide_and_survives_a_reload() {
    let Some(session) = Session::start() else { return };
    let (page, _) = open_deck(&session, "#3");
    assert_eq!(current_slide(&page), json!("3"));
    assert_eq!(page.eval("location.hash"), json!("#3"));
    // From the start only that slide shows: the others do not fade out over it.
    assert_eq!(
        page.eval(
            "Array.from(document.querySelectorAll('.deck-stage > .slide'))\
               .filter(slide => getComputedStyle(slide).visibility === 'visible' || getComputedStyle(slide).opacity !== '0')\
               .map(slide => slide.id)"
        ),
        json!(["slide-3"])
    );

    let loads = page.load_count();
    page.call("Page.reload", json!({}));
    page.wait_for_loads(loads + 1, WAIT);
    page.wait_for("document.documentElement.dataset.deckReady === 'true'", WAIT);
    assert_eq!(current_slide(&page), json!("3"));

    // A slide reached by keys is what a reload shows too.
    page.call("Page.bringToFront", json!({}));
    press_and_expect(&page, "ArrowRight", 4);
    let loads = page.load_count();
    page.call("Page.reload", json!({}));
    page.wait_for_loads(loads + 1, WAIT);
    page.wait_for("document.documentElement.dataset.deckReady === 'true'", WAIT);
    assert_eq!(current_slide(&page), json!("4"));
    assert_no_errors(&page);
}

#[test]
fn the_overview_key_toggles_the_grid() {
    let Some(session) = Session::start() else { return };
    let (page, count) = open_deck(&session, "#2");
    assert_eq!(page.eval("document.documentElement.dataset.overview"), json!("closed"));
    page.press_key("o");
    page.wait_for("document.documentElement.dataset.overview === 'open'", WAIT);
    let overview = "document.querySelector('.deck-overview')";
    assert_eq!(page.eval(&format!("{overview}.hidden")), json!(false));
    assert_eq!(page.eval(&format!("getComputedStyle({overview}).display")), json!("grid"));
    assert_eq!(page.eval("document.querySelectorAll('.deck-overview-item').length"), json!(count));
    assert_eq!(
        page.eval("document.querySelector('.deck-overview-item.is-current').dataset.index"),
        json!("2"),
        "the grid marks the slide on screen"
    );
    // Thumbnails are laid out, not collapsed.
    assert_eq!(
        page.eval(
            "Array.from(document.querySelectorAll('.deck-thumb')).every(t => t.getBoundingClientRect().height > 20)"
        ),
        json!(true)
    );
    page.press_key("o");
    page.wait_for("document.documentElement.dataset.overview === 'closed'", WAIT);
    assert_eq!(page.eval(&format!("{overview}.hidden")), json!(true));
    // Escape opens it too, and Enter closes it on the selected slide.
    page.press_key("Escape");
    page.wait_for("document.documentElement.dataset.overview === 'open'", WAIT);
    page.press_key("Enter");
    page.wait_for("document.documentElement.dataset.overview === 'closed'", WAIT);
    assert_eq!(current_slide(&page), json!("2"));
    assert_no_errors(&page);
}

#[test]
fn printing_shows_every_slide_one_per_page() {
    let Some(session) = Session::start() else { return };
    let (page, count) = open_deck(&session, "#2");
    page.call("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    page.wait_for("matchMedia('print').matches", WAIT);
    let layout = page.eval(
        "Array.from(document.querySelectorAll('.deck-stage > .slide')).map(slide => {
            const style = getComputedStyle(slide);
            const box = slide.getBoundingClientRect();
            return { display: style.display, visibility: style.visibility, opacity: style.opacity,
                     breakAfter: style.breakAfter, top: box.top, height: box.height };
        })",
    );
    let slides = layout.as_array().unwrap();
    assert_eq!(slides.len(), count);
    for (index, slide) in slides.iter().enumerate() {
        assert_ne!(slide["display"], json!("none"), "slide {} is not displayed in print: {slide}", index + 1);
        assert_eq!(slide["visibility"], json!("visible"), "slide {} is hidden in print: {slide}", index + 1);
        assert_eq!(slide["opacity"], json!("1"), "slide {} is transparent in print: {slide}", index + 1);
        assert_eq!(slide["height"], json!(720), "slide {} is not a whole 720px page: {slide}", index + 1);
        let last = index + 1 == count;
        assert_eq!(slide["breakAfter"], json!(if last { "auto" } else { "page" }), "slide {}", index + 1);
        if index > 0 {
            let previous = &slides[index - 1];
            assert!(
                slide["top"].as_f64().unwrap() >= previous["top"].as_f64().unwrap() + 720.0 - 0.5,
                "slide {} overlaps slide {index} in print: {previous} / {slide}",
                index + 1
            );
        }
    }
    for hidden in [".deck-chrome", ".deck-skip"] {
        assert_eq!(
            page.eval(&format!("getComputedStyle(document.querySelector('{hidden}')).display")),
            json!("none"),
            "{hidden} shows in print"
        );
    }
    // The real thing: Chromium's PDF has one page per slide.
    let pdf = page.call("Page.printToPDF", json!({ "preferCSSPageSize": true, "printBackground": true }));
    let pdf = decode_base64(pdf["data"].as_str().unwrap());
    assert_eq!(pdf_page_count(&pdf), count, "the printed deck should have one page per slide");
    assert_no_errors(&page);
}

// ----- Editing under serve -----

#[test]
fn a_content_edit_reloads_the_page_with_the_new_text() {
    let Some(session) = Session::start() else { return };
    let page = session.open_marked(GUIDE_PAGE);
    let original = session.site.read(GUIDE_SOURCE);
    assert!(original.contains("## The short version"));
    session.site.save(GUIDE_SOURCE, &original.replace("## The short version", "## The edited version"));
    page.wait_for(
        "window.lkljsMark === undefined && document.readyState === 'complete' \
         && Array.from(document.querySelectorAll('h2')).some(h => h.textContent.includes('The edited version'))",
        WAIT,
    );
    assert_eq!(page.eval("document.body.textContent.includes('The short version')"), json!(false));
    assert_eq!(page.eval("crossOriginIsolated"), json!(true));
    assert_no_errors(&page);
}

#[test]
fn a_stylesheet_edit_is_swapped_in_without_a_reload() {
    let Some(session) = Session::start() else { return };
    let page = session.open_marked(GUIDE_PAGE);
    let probe = "getComputedStyle(document.documentElement).getPropertyValue('--e2e-probe').trim()";
    assert_eq!(page.eval(probe), json!(""));
    let site_css = "link[rel=stylesheet][href*='site.']";
    let old_href = text(page.eval(&format!("document.querySelector(\"{site_css}\").getAttribute('href')")));
    let css = session.site.read("theme/css/site.css");
    session.site.save("theme/css/site.css", &format!("{css}\n:root {{ --e2e-probe: 42px; }}\n"));
    page.wait_for(&format!("{probe} === '42px'"), WAIT);
    assert_eq!(page.eval("window.lkljsMark"), json!("before"), "the page was reloaded instead");
    // The old sheet is retired once the new one applies.
    page.wait_for(&format!("document.querySelectorAll(\"{site_css}\").length === 1"), WAIT);
    let new_href = text(page.eval(&format!("document.querySelector(\"{site_css}\").getAttribute('href')")));
    assert_ne!(new_href, old_href, "the stylesheet keeps its name, so caches would serve the old one");
    assert_no_errors(&page);
}

#[test]
fn bad_front_matter_shows_an_overlay_naming_the_file_and_line_until_fixed() {
    let Some(session) = Session::start() else { return };
    let page = session.open_marked(GUIDE_PAGE);
    let good = session.site.read(GUIDE_SOURCE);
    // Line 3 of the file (the second line of TOML) loses its closing quote.
    let lines: Vec<&str> = good.lines().collect();
    assert!(lines[2].starts_with("description = \""), "the fixture's line 3 moved: {:?}", lines[2]);
    let broken = good.replacen(lines[2], lines[2].trim_end_matches('"'), 1);
    session.site.save(GUIDE_SOURCE, &broken);
    page.wait_for("document.getElementById('lkljs-live-error')", WAIT);
    let shown = text(page.eval("document.getElementById('lkljs-live-error').textContent"));
    assert!(shown.contains(&format!("{GUIDE_SOURCE}:3")), "the overlay does not name {GUIDE_SOURCE}:3: {shown}");
    assert!(shown.contains("front matter"), "the overlay does not say what is wrong: {shown}");
    assert_eq!(page.eval("window.lkljsMark"), json!("before"), "a failed build must not reload the page");
    // The last good build is still served.
    let other = session.page();
    other.navigate(&session.site.url(GUIDE_PAGE));
    assert_eq!(
        other.eval("document.querySelector('h1').textContent.trim()"),
        json!("Why WebAssembly, without an emulator")
    );

    session.site.save(GUIDE_SOURCE, &good.replace("## The short version", "## The fixed version"));
    // A new document, without the overlay.
    page.wait_for(
        "window.lkljsMark === undefined && document.readyState === 'complete' \
         && document.body.textContent.includes('The fixed version') \
         && document.getElementById('lkljs-live-error') === null",
        WAIT,
    );
    assert_no_errors(&page);
}
