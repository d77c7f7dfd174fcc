//! A synthetic site for benchmarks: sections of pages with headings, prose,
//! lists, tables, code blocks in several languages and links between pages.

use std::fmt::Write as _;
use std::path::Path;

const LANGUAGES: &[(&str, &str)] = &[
    (
        "rust",
        "fn boot(memory: &mut [u8]) -> Result<(), Error> {\n    let kernel = Kernel::new(memory)?;\n    kernel.start(\"console=hvc0\")\n}\n",
    ),
    (
        "c",
        "static int lkljs_thread_create(void (*fn)(void *), void *arg)\n{\n\tpthread_t thread;\n\treturn pthread_create(&thread, NULL, (void *(*)(void *))fn, arg);\n}\n",
    ),
    (
        "js",
        "const module = await WebAssembly.instantiateStreaming(fetch(\"boot.wasm\"), imports);\nmodule.instance.exports.start();\n",
    ),
    ("sh", "make ARCH=lkljs CC=emcc -j\"$(nproc)\" vmlinux\nwasm-opt -O2 boot.wasm -o boot.wasm\n"),
    ("toml", "[demo]\nkernel_source = \"/usr/src/linux-source-6.1.tar.xz\"\njobs = 2\n"),
];

/// Writes `pages` pages (in sections of 50) under `root/content`, plus `site.toml`.
/// Returns the Markdown bodies' total size in bytes.
pub fn write_corpus(root: &Path, pages: usize) -> usize {
    let content = root.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("site.toml"), "title = \"Benchmark\"\nbase_url = \"https://bench.example/\"\n")
        .unwrap();
    std::fs::write(content.join("_index.md"), "+++\ntitle = \"Benchmark\"\n+++\nA synthetic site.\n").unwrap();
    let sections = pages.div_ceil(50);
    let mut total = 0;
    for section in 0..sections {
        let dir = content.join(format!("part-{section:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("+++\ntitle = \"Part {section}\"\nweight = {section}\n+++\nPart {section} of the corpus.\n"),
        )
        .unwrap();
    }
    for page in 0..pages {
        let section = page / 50;
        let text = page_markdown(page, pages);
        total += text.len();
        std::fs::write(content.join(format!("part-{section:02}/page-{page:04}.md")), text).unwrap();
    }
    total
}

/// The same corpus as plain Markdown files without front matter, for tools that do not read it.
pub fn page_markdown(page: usize, pages: usize) -> String {
    let mut text = format!(
        "+++\ntitle = \"Page {page}\"\ndescription = \"Synthetic page number {page}.\"\nweight = {page}\n+++\n\n"
    );
    for heading in 0..5 {
        let _ = writeln!(text, "## Topic {heading} of page {page}\n");
        let _ = writeln!(
            text,
            "The kernel's *generic* code runs unchanged; only the **architecture** layer talks to the host. \
             Threads become Web Workers, locks become atomics, and the console is a callback. \
             See [page {next}](../part-{next_section:02}/page-{next:04}.md#topic-{heading}-of-page-{next}) for more, \
             and [the first topic](#topic-0-of-page-{page}).\n",
            next = (page + 1) % pages,
            next_section = ((page + 1) % pages) / 50,
        );
        let (language, code) = LANGUAGES[(page + heading) % LANGUAGES.len()];
        let _ = writeln!(text, "```{language}\n{code}```\n");
        let _ = writeln!(
            text,
            "- item one with `inline code`\n- item two with a [link](https://kernel.org)\n- item three\n"
        );
        if heading % 2 == 0 {
            let _ =
                writeln!(text, "| Step | Seconds |\n|------|--------:|\n| compile | {page} |\n| link | {heading} |\n");
        }
    }
    text
}
