//! `sitemap.xml` and the Atom feed `atom.xml`.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Emitter, GENERATED, OutputContext, OutputFile, OutputStep};
use crate::content::PageKind;
use crate::html::escape;

/// `atom.xml`.
pub struct AtomFeed;

impl OutputStep for AtomFeed {
    fn emit(&self, context: &OutputContext, out: &mut Emitter) {
        let config = context.config;
        let info = FeedInfo {
            title: &config.title,
            description: &config.description,
            author: &config.author,
            language: &config.language,
            base_url: &config.base_url,
            feed_url: config.permalink("atom.xml"),
            fallback_date: context.source_date_epoch.unwrap_or(OffsetDateTime::UNIX_EPOCH),
        };
        out.add("atom.xml", OutputFile::Bytes(atom(&info, &entries(context)).into_bytes()), GENERATED);
    }
}

/// `sitemap.xml`.
pub struct Sitemap;

impl OutputStep for Sitemap {
    fn emit(&self, context: &OutputContext, out: &mut Emitter) {
        out.add("sitemap.xml", OutputFile::Bytes(sitemap(&entries(context)).into_bytes()), GENERATED);
    }
}

/// Every page that is not a section and rendered, as feeds see it.
fn entries<'a>(context: &OutputContext<'a>) -> Vec<FeedEntry<'a>> {
    context
        .site
        .pages
        .iter()
        .zip(&context.page_contents)
        .filter(|(page, _)| page.kind != PageKind::Section)
        .filter_map(|(page, content_html)| {
            Some(FeedEntry {
                title: &page.front.title,
                permalink: context.config.permalink(&page.path),
                description: &page.front.description,
                date: page.front.date,
                content_html: (*content_html)?,
            })
        })
        .collect()
}

/// A page as feeds and sitemaps see it.
#[derive(Clone, Debug)]
pub struct FeedEntry<'a> {
    pub title: &'a str,
    pub permalink: String,
    pub description: &'a str,
    pub date: Option<OffsetDateTime>,
    pub content_html: &'a str,
}

pub fn rfc3339(date: OffsetDateTime) -> String {
    date.format(&Rfc3339).expect("UTC dates between years 0 and 9999 always format")
}

/// Pages sorted by permalink; `lastmod` only where the page has a date.
pub fn sitemap(entries: &[FeedEntry]) -> String {
    let mut sorted: Vec<&FeedEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for entry in sorted {
        xml.push_str(&format!("  <url>\n    <loc>{}</loc>\n", escape(&entry.permalink)));
        if let Some(date) = entry.date {
            xml.push_str(&format!("    <lastmod>{}</lastmod>\n", rfc3339(date)));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub struct FeedInfo<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub author: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub feed_url: String,
    /// When nothing in the feed is dated: `SOURCE_DATE_EPOCH`, or the Unix epoch.
    pub fallback_date: OffsetDateTime,
}

/// How many entries the feed carries: the newest ones, as feed readers expect.
pub const FEED_ENTRIES: usize = 30;

/// An Atom feed of the newest [`FEED_ENTRIES`] entries, newest first. Undated
/// entries use the feed's date, which is the newest page date, so that the feed
/// never contains the build's clock.
pub fn atom(info: &FeedInfo, entries: &[FeedEntry]) -> String {
    let updated = entries.iter().filter_map(|entry| entry.date).max().unwrap_or(info.fallback_date);
    let mut sorted: Vec<&FeedEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.permalink.cmp(&b.permalink)));
    sorted.truncate(FEED_ENTRIES);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        escape(info.language),
        escape(info.title)
    );
    if !info.description.is_empty() {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(info.description)));
    }
    xml.push_str(&format!(
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n  <link href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        escape(&info.feed_url),
        escape(info.base_url),
        escape(info.base_url),
        rfc3339(updated)
    ));
    if !info.author.is_empty() {
        xml.push_str(&format!("  <author><name>{}</name></author>\n", escape(info.author)));
    }
    xml.push_str("  <generator>lkljs-site</generator>\n");
    for entry in sorted {
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{}\"/>\n    <id>{}</id>\n    <updated>{}</updated>\n",
            escape(entry.title),
            escape(&entry.permalink),
            escape(&entry.permalink),
            rfc3339(entry.date.unwrap_or(updated))
        ));
        if !entry.description.is_empty() {
            xml.push_str(&format!("    <summary>{}</summary>\n", escape(entry.description)));
        }
        xml.push_str(&format!("    <content type=\"html\">{}</content>\n  </entry>\n", escape(entry.content_html)));
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(title: &'a str, date: Option<i64>) -> FeedEntry<'a> {
        FeedEntry {
            title,
            permalink: format!("https://e.org/{title}/"),
            description: "",
            date: date.map(|seconds| OffsetDateTime::from_unix_timestamp(seconds).unwrap()),
            content_html: "<p>x & y</p>",
        }
    }

    #[test]
    fn atom_is_newest_first_and_dated_by_its_newest_entry() {
        let info = FeedInfo {
            title: "T & co",
            description: "",
            author: "A",
            language: "en",
            base_url: "https://e.org/",
            feed_url: "https://e.org/atom.xml".into(),
            fallback_date: OffsetDateTime::UNIX_EPOCH,
        };
        let xml = atom(&info, &[entry("old", Some(0)), entry("new", Some(86_400)), entry("undated", None)]);
        assert!(xml.contains("<title>T &amp; co</title>"));
        assert!(xml.contains("<updated>1970-01-02T00:00:00Z</updated>"), "{xml}");
        let new = xml.find("/new/").unwrap();
        let old = xml.find("/old/").unwrap();
        assert!(new < old);
        assert!(xml.contains("&lt;p&gt;x &amp; y&lt;/p&gt;"));
        let many: Vec<FeedEntry> = (0..40).map(|day| entry("page", Some(day * 86_400))).collect();
        let xml = atom(&info, &many);
        assert_eq!(xml.matches("<entry>").count(), FEED_ENTRIES);
        assert!(xml.contains("<updated>1970-02-09T00:00:00Z</updated>"), "the newest entry is kept");
    }

    #[test]
    fn sitemap_is_sorted_and_dated_where_known() {
        let xml = sitemap(&[entry("b", None), entry("a", Some(0))]);
        assert!(xml.find("/a/").unwrap() < xml.find("/b/").unwrap());
        assert_eq!(xml.matches("<lastmod>").count(), 1);
    }
}
