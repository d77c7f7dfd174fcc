//! The guide's first page and the deck's first slide in headless Chromium, in
//! light and in dark, at a desktop and a phone size. Each view is measured in
//! the page (column width, overflow, what is above the fold, contrast of the
//! computed colours, the 16:9 stage) rather than compared pixel by pixel, so a
//! broken layout fails and a font update does not. The PNGs are kept under
//! `target/screenshots/` for a human to look at.

use std::path::PathBuf;
use std::time::Duration;

use crate::support::chromium::{Chromium, Page, decode_base64, pdf_page_count};
use crate::support::real_site::RealSite;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);
const GUIDE_FIRST_PAGE: &str = "/guide/why-wasm/";
const DECK: &str = "/slides/linux-in-wasm/";

/// WCAG's threshold for body text.
const MIN_CONTRAST: f64 = 4.5;

#[derive(Clone, Copy, Debug)]
enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

struct Viewport {
    name: &'static str,
    width: u32,
    height: u32,
    mobile: bool,
}

const DESKTOP: Viewport = Viewport { name: "desktop", width: 1280, height: 800, mobile: false };
const PHONE: Viewport = Viewport { name: "phone", width: 390, height: 844, mobile: true };
/// A window taller than 16:9, so the stage must fit by width and centre vertically.
const SQUARE: Viewport = Viewport { name: "square", width: 1000, height: 900, mobile: false };

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Opens `url` at the given size and colour scheme, once fonts and images are in.
fn open(browser: &Chromium, url: &str, viewport: &Viewport, scheme: Scheme) -> Page {
    let page = browser.page();
    page.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": viewport.width, "height": viewport.height, "deviceScaleFactor": 1, "mobile": viewport.mobile }),
    );
    page.call(
        "Emulation.setEmulatedMedia",
        json!({ "media": "screen", "features": [{ "name": "prefers-color-scheme", "value": scheme.name() }] }),
    );
    // Not Page::navigate: with the kernel's workers running, Chromium does
    // not always report the load event; the document's own state is enough.
    // Every image up to the bottom of the viewport must have loaded; a lazy
    // one further down loads only once it is scrolled near
    // (`wait_for_image`).
    let navigation = page.call("Page.navigate", json!({ "url": url }));
    assert!(navigation.get("errorText").is_none(), "navigating to {url} failed: {navigation}");
    page.wait_for(
        &format!(
            "location.href.startsWith({}) && document.readyState === 'complete' && Array.from(document.images).every(image => image.complete || (image.loading === 'lazy' && image.getBoundingClientRect().top > innerHeight))",
            json!(url)
        ),
        WAIT,
    );
    page.eval("document.fonts.ready.then(() => true)");
    page
}

/// Waits until the image that `selector` finds has loaded (a lazy one once
/// it has been scrolled near).
fn wait_for_image(page: &Page, selector: &str) {
    page.wait_for(
        &format!("(image => image.complete && image.naturalWidth > 0)(document.querySelector({}))", json!(selector)),
        WAIT,
    );
}

/// Saves what the page shows as `target/screenshots/NAME.png`.
pub(crate) fn save(page: &Page, name: &str) -> PathBuf {
    let path = screenshot_dir().join(format!("{name}.png"));
    let png = page.screenshot_png();
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    std::fs::write(&path, png).unwrap();
    path
}

/// Colour helpers evaluated in the page: the relative luminance of a computed
/// colour, the colour actually behind an element (the first opaque
/// background up its ancestors), and the contrast ratio of two colours.
const COLOUR_HELPERS: &str = r#"
const rgb = (text) => {
  const parts = (text.match(/[\d.]+/g) || []).map(Number);
  return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
};
const luminance = ({ r, g, b }) => {
  const channel = (value) => { value /= 255; return value <= 0.03928 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4); };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
};
const behind = (element) => {
  for (let node = element; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.a > 0.99) return colour;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
};
const contrast = (element) => {
  const fore = luminance(rgb(getComputedStyle(element).color));
  const back = luminance(behind(element));
  return (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
};
const box = (element) => { const r = element.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height }; };
"#;

fn measure(page: &Page, body: &str) -> Value {
    page.eval(&format!("(() => {{ {COLOUR_HELPERS} {body} }})()"))
}

fn number(value: &Value, key: &str) -> f64 {
    value[key].as_f64().unwrap_or_else(|| panic!("`{key}` is not a number in {value}"))
}

fn assert_scheme(scheme: Scheme, background_luminance: f64, what: &str) {
    match scheme {
        Scheme::Light => assert!(
            background_luminance > 0.8,
            "{what}: a light page has a dark background ({background_luminance:.3})"
        ),
        Scheme::Dark => assert!(
            background_luminance < 0.1,
            "{what}: a dark page has a light background ({background_luminance:.3})"
        ),
    }
}

fn check_guide_page(site: &RealSite, browser: &Chromium, viewport: &Viewport, scheme: Scheme) {
    let what = format!("guide, {}, {}", viewport.name, scheme.name());
    let page = open(browser, &site.url(GUIDE_FIRST_PAGE), viewport, scheme);
    let shot = save(&page, &format!("guide-{}-{}", viewport.name, scheme.name()));
    let facts = measure(
        &page,
        r#"
        const article = document.querySelector('article.page');
        const title = article.querySelector('h1');
        const tryIt = document.querySelector('.try-it');
        const paragraph = article.querySelector('p:not(.try-it)');
        const sidebar = document.querySelector('.sidebar');
        const texts = [title, paragraph, tryIt.querySelector('a'), document.querySelector('.sidebar a'), article.querySelector('h2')];
        return {
          viewportWidth: innerWidth, viewportHeight: innerHeight,
          pageOverflow: document.documentElement.scrollWidth - innerWidth,
          articleOverflow: article.scrollWidth - article.clientWidth,
          article: box(article), title: box(title), tryIt: box(tryIt),
          sidebar: getComputedStyle(sidebar).display === 'none' ? null : box(sidebar),
          minContrast: Math.min(...texts.map(contrast)),
          contrasts: texts.map(element => [element.tagName + '.' + element.className, contrast(element)]),
          backgroundLuminance: luminance(behind(document.body)),
          brokenImages: Array.from(document.images).filter(image => image.naturalWidth === 0).map(image => image.src),
        };
        "#,
    );
    let context = format!("{what} ({}): {facts:#}", shot.display());
    assert!(number(&facts, "pageOverflow") <= 0.0, "horizontal scrolling: {context}");
    assert!(number(&facts, "articleOverflow") <= 0.0, "the article is wider than its column: {context}");
    let column = number(&facts["article"], "width");
    let expected = if viewport.mobile { 300.0..=viewport.width as f64 } else { 560.0..=900.0 };
    assert!(expected.contains(&column), "content column of {column}px, expected {expected:?}: {context}");
    let height = number(&facts, "viewportHeight");
    for element in ["title", "tryIt"] {
        let top = number(&facts[element], "top");
        let bottom = number(&facts[element], "bottom");
        assert!(top >= 0.0 && bottom <= height && bottom > top, "{element} not above the fold: {context}");
    }
    if let Some(sidebar) = facts["sidebar"].as_object().filter(|_| !viewport.mobile) {
        let sidebar_right = sidebar["right"].as_f64().unwrap();
        assert!(sidebar_right <= number(&facts["article"], "left"), "the sidebar overlaps the text: {context}");
    }
    let contrast = number(&facts, "minContrast");
    assert!(contrast >= MIN_CONTRAST, "text contrast {contrast:.2} below {MIN_CONTRAST}: {context}");
    assert_scheme(scheme, number(&facts, "backgroundLuminance"), &context);
    assert_eq!(facts["brokenImages"], json!([]), "{context}");
    let demo_status = page.eval("fetch(document.querySelector('.try-it a').href).then(response => response.status)");
    assert_eq!(demo_status, json!(200), "the try-it link does not lead to the demo page: {context}");
}

fn check_first_slide(site: &RealSite, browser: &Chromium, viewport: &Viewport, scheme: Scheme) {
    let what = format!("deck, {}, {}", viewport.name, scheme.name());
    let page = open(browser, &format!("{}#1", site.url(DECK)), viewport, scheme);
    page.wait_for("document.documentElement.dataset.slide === '1'", WAIT);
    // The stage scale is applied by a ResizeObserver after the first layout.
    page.wait_for("getComputedStyle(document.querySelector('.deck')).getPropertyValue('--stage-scale') !== ''", WAIT);
    let shot = save(&page, &format!("slide-{}-{}", viewport.name, scheme.name()));
    let facts = measure(
        &page,
        r#"
        const slide = document.querySelector('.deck-stage > .slide.is-current');
        const title = slide.querySelector('h1');
        const texts = Array.from(slide.querySelectorAll('h1, p, li')).filter(element => element.textContent.trim());
        return {
          viewportWidth: innerWidth, viewportHeight: innerHeight,
          pageOverflow: document.documentElement.scrollWidth - innerWidth,
          stage: box(document.querySelector('.deck-stage')),
          title: box(title),
          minContrast: Math.min(...texts.map(contrast)),
          backgroundLuminance: luminance(behind(slide)),
        };
        "#,
    );
    let context = format!("{what} ({}): {facts:#}", shot.display());
    let (width, height) = (number(&facts, "viewportWidth"), number(&facts, "viewportHeight"));
    let stage = &facts["stage"];
    let (stage_width, stage_height) = (number(stage, "width"), number(stage, "height"));
    assert!(((stage_width / stage_height) - 16.0 / 9.0).abs() < 0.01, "the stage is not 16:9: {context}");
    let fills_width = (stage_width - width).abs() <= 1.0;
    let fills_height = (stage_height - height).abs() <= 1.0;
    assert!(fills_width || fills_height, "the stage does not fill the window in either direction: {context}");
    for (edge, limit) in [("left", 0.0), ("top", 0.0)] {
        assert!(number(stage, edge) >= limit - 0.5, "the stage sticks out at the {edge}: {context}");
    }
    assert!(
        number(stage, "right") <= width + 0.5 && number(stage, "bottom") <= height + 0.5,
        "the stage sticks out: {context}"
    );
    let title = &facts["title"];
    assert!(
        number(title, "top") >= number(stage, "top") && number(title, "bottom") <= number(stage, "bottom"),
        "the title is not on the stage: {context}"
    );
    assert!(number(&facts, "pageOverflow") <= 0.0, "horizontal scrolling: {context}");
    let contrast = number(&facts, "minContrast");
    assert!(contrast >= MIN_CONTRAST, "slide text contrast {contrast:.2}: {context}");
    assert_scheme(scheme, number(&facts, "backgroundLuminance"), &context);
}

type ViewCheck = fn(&RealSite, &Chromium, &Viewport, Scheme);

/// Runs `check` on the real site at each viewport, in light and in dark.
fn in_every_view(viewports: &[&Viewport], check: ViewCheck) {
    let Some(browser) = Chromium::launch() else { return };
    let site = RealSite::from_repository();
    for viewport in viewports {
        for scheme in [Scheme::Light, Scheme::Dark] {
            check(&site, &browser, viewport, scheme);
        }
    }
}

#[test]
fn guide_first_page_lays_out_in_light_and_dark() {
    in_every_view(&[&DESKTOP, &PHONE], check_guide_page);
}

/// The guide's diagrams are SVG files shown through `<img>`; their own
/// `prefers-color-scheme` rules must follow the reader's scheme, or a dark
/// page shows a glaring white box. Measured on the pixels the browser drew.
#[test]
fn diagrams_follow_the_colour_scheme() {
    let Some(browser) = Chromium::launch() else { return };
    let site = RealSite::from_repository();
    for path in ["/guide/build-flow/", "/guide/library-os/"] {
        for scheme in [Scheme::Light, Scheme::Dark] {
            let page = open(&browser, &site.url(path), &DESKTOP, scheme);
            page.eval("document.querySelector('.figure img').scrollIntoView({ block: 'center' })");
            wait_for_image(&page, ".figure img");
            page.collect_events(Duration::from_millis(200));
            let name = path.trim_matches('/').replace('/', "-");
            let shot = save(&page, &format!("{name}-{}", scheme.name()));
            let luminance = measure(
                &page,
                r#"
                const image = document.querySelector('.figure img');
                const canvas = document.createElement('canvas');
                canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
                const context = canvas.getContext('2d');
                context.drawImage(image, 0, 0);
                const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
                let sum = 0, counted = 0;
                for (let index = 0; index < pixels.length; index += 4) {
                  if (pixels[index + 3] < 128) continue;
                  sum += luminance({ r: pixels[index], g: pixels[index + 1], b: pixels[index + 2] });
                  counted++;
                }
                return { mean: counted ? sum / counted : null, counted };
                "#,
            );
            let mean = number(&luminance, "mean");
            let context = format!("{path} in {} ({}): {luminance}", scheme.name(), shot.display());
            match scheme {
                Scheme::Light => assert!(mean > 0.5, "the diagram is dark on a light page: {context}"),
                Scheme::Dark => assert!(mean < 0.3, "the diagram stays light on a dark page: {context}"),
            }
        }
    }
}

#[test]
fn first_slide_fills_the_stage_in_light_and_dark() {
    in_every_view(&[&DESKTOP, &SQUARE], check_first_slide);
}

/// Every slide's content fits its 1280x720 stage: nothing is cut off at the
/// bottom or the right, in either scheme's fonts (the same) and with the
/// real highlighter's markup.
#[test]
fn no_slide_content_overflows_its_stage() {
    let Some(browser) = Chromium::launch() else { return };
    let site = RealSite::from_repository();
    let page = open(&browser, &format!("{}#1", site.url(DECK)), &DESKTOP, Scheme::Light);
    page.wait_for("document.documentElement.dataset.slide === '1'", WAIT);
    let overflowing = page.eval(
        "Array.from(document.querySelectorAll('.deck-stage > .slide')).flatMap(slide => {
            const body = slide.querySelector('.slide-body');
            const stage = slide.getBoundingClientRect();
            const outside = Array.from(body.querySelectorAll('h1, h2, h3, p, li, pre, table, figure, img, svg, section'))
              .filter(element => {
                const r = element.getBoundingClientRect();
                return r.height > 0 && (r.bottom > stage.bottom - 8 || r.right > stage.right - 8);
              })
              .map(element => element.tagName + ': ' + element.textContent.trim().slice(0, 40));
            const tall = body.scrollHeight > body.clientHeight + 1 ? ['slide-body ' + body.scrollHeight + 'px > ' + body.clientHeight + 'px'] : [];
            return tall.concat(outside).map(problem => 'slide ' + slide.dataset.index + ': ' + problem);
        })",
    );
    // Every slide as a picture, for a human to page through.
    let count: usize = page.eval("document.querySelectorAll('.deck-stage > .slide').length").as_u64().unwrap() as usize;
    for index in 1..=count {
        page.eval(&format!("location.hash = '#{index}'"));
        page.wait_for(&format!("document.documentElement.dataset.slide === '{index}'"), WAIT);
        page.collect_events(Duration::from_millis(250));
        save(&page, &format!("deck-{index:02}"));
    }
    assert_eq!(overflowing, json!([]), "slides whose content does not fit the stage");
}

/// The live kernel inside its slide, against a site that really has one:
/// `LKLJS_SITE_URL=http://127.0.0.1:1111 cargo test --test integration screenshots::live`
/// with `lkljs-site serve` running (the other tests build the site without
/// the kernel, so they see the placeholder).
#[test]
fn live_kernel_boots_inside_its_slide() {
    let Some(site) = std::env::var_os("LKLJS_SITE_URL") else {
        eprintln!("LKLJS_SITE_URL is not set: not checking the live kernel in the deck");
        return;
    };
    let Some(browser) = Chromium::launch() else { return };
    let base = site.to_string_lossy().trim_end_matches('/').to_owned();
    let page = open(&browser, &format!("{base}{DECK}"), &DESKTOP, Scheme::Light);
    let index = page
        .eval("Array.from(document.querySelectorAll('.deck-stage > .slide')).findIndex(slide => slide.querySelector('[data-demo]')) + 1")
        .as_u64()
        .expect("a slide embeds the demo");
    assert!(index > 0, "no slide embeds the live kernel");
    page.eval(&format!("location.hash = '#{index}'"));
    page.wait_for(&format!("document.documentElement.dataset.slide === '{index}'"), WAIT);
    // The demo's terminal boots by itself and says when its prompt is up.
    page.wait_for("window.lkljsDemo && window.lkljsDemo.state === 'ready'", Duration::from_secs(90));
    let text = page.eval("window.lkljsDemo.terminalText()");
    assert!(
        text.as_str().unwrap_or("").contains("handed over to the host"),
        "the boot log is not in the terminal: {text}"
    );
    page.collect_events(Duration::from_millis(500));
    save(&page, "deck-live-kernel");
    let fits = measure(
        &page,
        "const slide = document.querySelector('.slide.is-current'); const demo = slide.querySelector('[data-demo]'); \
         const s = slide.getBoundingClientRect(), d = demo.getBoundingClientRect(); \
         return { inside: d.left >= s.left && d.right <= s.right && d.top >= s.top && d.bottom <= s.bottom };",
    );
    assert_eq!(fits["inside"], json!(true), "the live kernel does not fit its slide: {fits}");

    // With the terminal on its slide, the deck still prints one slide a page.
    let count = page.eval("document.querySelectorAll('.deck-stage > .slide').length").as_u64().unwrap() as usize;
    // `open` emulated screen media for the colour scheme; printing needs print.
    page.call("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    page.wait_for("matchMedia('print').matches", WAIT);
    let pdf = page.call("Page.printToPDF", json!({ "preferCSSPageSize": true, "printBackground": true }));
    let pdf = decode_base64(pdf["data"].as_str().unwrap());
    std::fs::write(screenshot_dir().join("deck-live-kernel.pdf"), &pdf).unwrap();
    assert_eq!(pdf_page_count(&pdf), count, "the printed deck should have one page per slide");
}
