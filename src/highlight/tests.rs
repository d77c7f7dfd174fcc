use super::*;

/// Highlights `code` as `info` and asserts that every class in `expected` shows up.
fn assert_classes(info: &str, code: &str, expected: &[&str]) -> String {
    let html = highlight_fence(info, code).unwrap_or_else(|error| panic!("{info}: {error}"));
    assert!(!html.contains("code-plain"), "{info} fell back to plain text:\n{html}");
    for class in expected {
        assert!(html.contains(class), "{info}: expected `{class}` in\n{html}");
    }
    html
}

/// Each code line's HTML, from just after `<span class="line` (so a tinted
/// line starts with ` hl"`).
fn code_lines(html: &str) -> Vec<&str> {
    html.split("<span class=\"line").skip(1).collect()
}

/// Asserts that the code line showing `text` has the class `has` but not `lacks`.
fn assert_line(html: &str, text: &str, has: &str, lacks: &str) {
    let line = line_with(html, text);
    assert!(
        line.contains(has) && !line.contains(lacks),
        "the line showing `{text}` should have `{has}` and not `{lacks}`: {line}"
    );
}

/// The HTML of the one code line showing `text`.
fn line_with<'a>(html: &'a str, text: &str) -> &'a str {
    code_lines(html)
        .into_iter()
        .find(|line| line.contains(text))
        .unwrap_or_else(|| panic!("no line shows `{text}` in\n{html}"))
}

#[test]
fn c_is_highlighted() {
    let html = assert_classes(
        "c",
        "#include <stdio.h>\nint main(void) { return 0; } /* done */\n",
        &["hl-source hl-c", "hl-storage hl-type", "hl-keyword hl-control", "hl-comment", "hl-constant hl-numeric"],
    );
    assert!(html.starts_with("<pre class=\"code hl-code\" data-lang=\"c\"><code class=\"language-c\">"));
    assert!(html.contains("&lt;") && html.contains("stdio.h") && !html.contains("<stdio"));
}

#[test]
fn assembly_is_highlighted() {
    assert_classes(
        "asm",
        ".globl start\nstart:  movl $42, %eax # answer\n\tret\n",
        &[
            "hl-directive",
            "hl-entity hl-name hl-label",
            "hl-mnemonic",
            "hl-register",
            "hl-constant hl-numeric",
            "hl-comment",
        ],
    );
    assert_classes("s", "\tnop\n", &["hl-mnemonic"]);
}

#[test]
fn shell_is_highlighted() {
    for info in ["sh", "bash", "shell"] {
        assert_classes(info, "if [ -n \"$X\" ]; then echo hi; fi # note\n", &["hl-keyword", "hl-string", "hl-comment"]);
    }
}

#[test]
fn console_prompts_are_commands_and_output_is_plain() {
    let html = assert_classes(
        "console",
        "$ make -j2 ARCH=lkljs\nCC  arch/lkljs/kernel/setup.o\n# echo \"done\" > /tmp/x\nuser@host:~/src$ ls\n",
        &["hl-prompt", "hl-meta hl-command", "hl-meta hl-output", "hl-string"],
    );
    assert_line(&html, "setup.o", "hl-output", "hl-keyword");
    // The root prompt `# ` is a prompt, not a comment.
    assert_line(&html, "done", "hl-prompt", "hl-comment");
    assert_classes("shell-session", "$ true\n", &["hl-prompt"]);
    let bare = highlight_fence("console", "$\nout\n").unwrap();
    assert!(code_lines(&bare)[0].contains("hl-prompt"), "{bare}");
    // `$5 off` is output, not a prompt: a prompt is followed by a space or the line end.
    assert!(!highlight_fence("console", "$5 off\n").unwrap().contains("hl-prompt"));
}

#[test]
fn python_makefile_diff_javascript_rust_are_highlighted() {
    assert_classes(
        "python",
        "def f(x):\n    return x + 1  # inc\n",
        &["hl-source hl-python", "hl-storage", "hl-keyword", "hl-comment"],
    );
    assert_classes("py", "import os\n", &["hl-keyword"]);
    assert_classes("makefile", "all: boot.js\n\temcc -o $@ $^ # link\n", &["hl-source hl-makefile", "hl-comment"]);
    assert_classes("make", "X := 1\n", &["hl-source hl-makefile"]);
    assert_classes(
        "diff",
        "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n",
        &["hl-markup hl-inserted", "hl-markup hl-deleted"],
    );
    assert_classes("patch", "+new\n", &["hl-markup hl-inserted"]);
    assert_classes(
        "js",
        "const x = await fetch('boot.wasm'); // go\n",
        &["hl-source hl-js", "hl-storage", "hl-string", "hl-comment"],
    );
    assert_classes("javascript", "let a = 1;\n", &["hl-source hl-js"]);
    assert_classes(
        "rust",
        "fn main() { let x: u8 = 1; }\n",
        &["hl-source hl-rust", "hl-storage", "hl-constant hl-numeric"],
    );
    assert_classes("rs", "fn f() {}\n", &["hl-source hl-rust"]);
}

#[test]
fn toml_is_highlighted() {
    assert_classes(
        "toml",
        "# site\n[package]\nname = \"lkljs\" # trailing\nversion = 1_000\nok = true\nlist = [1, \"a\", { x = 2.5 }]\nwhen = 1979-05-27T07:32:00Z\n[[bin]]\n",
        &[
            "hl-comment",
            "hl-entity hl-name hl-section hl-table",
            "hl-variable hl-other hl-key",
            "hl-string hl-quoted",
            "hl-constant hl-numeric hl-integer",
            "hl-constant hl-numeric hl-float",
            "hl-constant hl-language hl-boolean",
            "hl-constant hl-other hl-datetime",
            "hl-table hl-array",
        ],
    );
    // A multi-line string keeps its scope on the following lines.
    let html = assert_classes("toml", "s = \"\"\"\nfirst\nsecond\"\"\"\nk = 1\n", &[]);
    let second = line_with(&html, "second").starts_with("\"><span class=\"hl-source hl-toml\"><span class=\"hl-string");
    assert!(second, "the continued string line re-opens its spans:\n{html}");
}

#[test]
fn kconfig_and_dot_config_are_highlighted() {
    let html = assert_classes(
        "kconfig",
        "config LKLJS\n\tbool \"Run as a library in WebAssembly\"\n\tdepends on !SMP && MMU=n\n\tselect GENERIC_IRQ\n\thelp\n\t  Builds the kernel as if it were a library.\n\t  Say Y if unsure.\n\nconfig NEXT\n",
        &[
            "hl-keyword hl-control hl-entry",
            "hl-entity hl-name hl-constant",
            "hl-storage hl-type",
            "hl-keyword hl-other hl-property",
            "hl-keyword hl-operator",
            "hl-comment hl-block hl-help",
        ],
    );
    // Help text ends at the next less-indented line.
    assert_line(&html, "NEXT", "hl-entry", "hl-help");
    assert_line(&html, "Say Y", "hl-help", "hl-tristate");

    assert_classes(
        "config",
        "CONFIG_LKLJS=y\nCONFIG_CMDLINE=\"console=hvc0\"\nCONFIG_NR_CPUS=2\n# CONFIG_SMP is not set\n",
        &[
            "hl-variable hl-other hl-constant",
            "hl-constant hl-language hl-tristate",
            "hl-string",
            "hl-constant hl-numeric",
            "hl-unset",
        ],
    );
}

#[test]
fn llvm_ir_is_highlighted() {
    assert_classes(
        "llvm",
        "; ModuleID = 'x'\ndefine dso_local i32 @main(ptr %argv) #0 {\nentry:\n  %1 = add nsw i32 %0, 42\n  ret i32 %1\n}\n!0 = !{}\n",
        &[
            "hl-comment",
            "hl-keyword hl-other",
            "hl-storage hl-type",
            "hl-entity hl-name hl-function",
            "hl-variable hl-other hl-local",
            "hl-entity hl-name hl-label",
            "hl-keyword hl-operator hl-instruction",
            "hl-keyword hl-control",
            "hl-constant hl-numeric",
            "hl-constant hl-other hl-metadata",
        ],
    );
    assert_classes("ll", "ret void\n", &["hl-storage hl-type"]);
}

#[test]
fn highlighted_lines_are_marked_and_others_are_not() {
    let html = highlight_fence("c,hl_lines=1 3-4", "a;\nb;\nc;\nd;\ne;\n").unwrap();
    let lines = code_lines(&html);
    assert_eq!(lines.len(), 5);
    let tinted: Vec<bool> = lines.iter().map(|line| line.starts_with(" hl\"")).collect();
    assert_eq!(tinted, [true, false, true, true, false]);
}

#[test]
fn lines_are_self_contained_even_inside_multi_line_tokens() {
    let html = highlight_fence("c,hl_lines=2", "/* one\n two */ int x;\n").unwrap();
    for line in code_lines(&html) {
        let opened = line.matches("<span").count();
        let closed = line.matches("</span>").count();
        // Each line closes its own spans plus the line span itself.
        assert_eq!(closed, opened + 1, "unbalanced line: {line}");
    }
    let second = html.split("<span class=\"line hl\">").nth(1).unwrap();
    assert!(second.contains("hl-comment hl-block"), "comment re-opened on line 2: {second}");
}

#[test]
fn hidden_lines_are_left_out_and_numbers_are_requested() {
    let html = highlight_fence("python,hide_lines=1,linenostart=10", "import secret\nprint(1)\n").unwrap();
    assert!(!html.contains("secret"));
    assert!(html.contains("print"));
    assert!(html.contains("class=\"code hl-code linenos\""));
    assert!(html.contains("style=\"counter-reset: code-line 9\""));
    assert!(highlight_fence("c, linenos", "x;\n").unwrap().contains(" linenos\""));
    // Lines after hidden ones keep their source numbers.
    let html = highlight_fence("text,linenos,hide_lines=2-3", "one\ntwo\nthree\nfour\nfive\n").unwrap();
    let lines = code_lines(&html);
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("\">one"), "{}", lines[0]);
    assert!(lines[1].starts_with("\" style=\"counter-set: code-line 4\">four"), "{}", lines[1]);
    assert!(lines[2].starts_with("\">five"), "{}", lines[2]);
}

#[test]
fn everything_is_escaped() {
    for info in ["c", "console", "toml", "nosuchlanguage", ""] {
        let html = highlight_fence(info, "a < b && c > \"d\" '<script>'\n$ echo </code></pre>\n").unwrap();
        assert!(
            !html.contains("<script>") && !html.contains("< b") && !html.contains("</code></pre>\n"),
            "{info}: {html}"
        );
        assert!(html.contains("&lt;") && html.contains("&amp;&amp;"), "{info}: {html}");
        assert_eq!(html.matches("</code></pre>").count(), 1);
    }
    let html = highlight_fence("x\"><script>", "x\n").unwrap();
    assert!(html.contains("data-lang=\"x&quot;&gt;&lt;script&gt;\""), "{html}");
}

#[test]
fn unknown_and_plain_languages_are_escaped_plain_text() {
    let html = highlight_fence("brainfart", "if <x>\n").unwrap();
    assert_eq!(
        html,
        "<pre class=\"code hl-code code-plain\" data-lang=\"brainfart\"><code class=\"language-brainfart\">\
         <span class=\"line\">if &lt;x&gt;\n</span></code></pre>"
    );
    for info in ["", "text", "TEXT", "plain"] {
        let html = highlight_fence(info, "int x;\n").unwrap();
        assert!(html.contains("code-plain") && !html.contains("hl-storage"), "{info}: {html}");
    }
    assert!(highlight_fence("", "x\n").unwrap().contains("data-lang=\"text\""));
    assert!(!is_known_language("brainfart"));
    for language in ["c", "C", "console", "toml", "kconfig", "llvm", "asm", "text", "", "diff", "make"] {
        assert!(is_known_language(language), "{language}");
    }
}

#[test]
fn unknown_option_is_an_error_that_says_what_is_allowed() {
    let error = highlight_fence("c,hl_line=3", "x\n").unwrap_err();
    assert!(matches!(&error, HighlightError::UnknownOption(option) if option == "hl_line=3"), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("hl_line=3") && message.contains("hl_lines=") && message.contains("linenos"), "{message}");
    assert!(
        matches!(highlight_fence("rust ignore", "x\n"), Err(HighlightError::UnknownOption(option)) if option == "ignore")
    );
    assert!(matches!(highlight_fence("c,linenos=yes", "x\n"), Err(HighlightError::UnknownOption(_))));
}

#[test]
fn bad_line_numbers_are_errors() {
    for info in ["c,hl_lines=0", "c,hl_lines=two", "c,hl_lines=5-3", "c,hl_lines=", "c,linenostart=-1"] {
        let error = highlight_fence(info, "x\n").unwrap_err();
        assert!(matches!(error, HighlightError::BadOptionValue { .. }), "{info}: {error:?}");
    }
    let error = highlight_fence("c,hl_lines=2-9", "a\nb\nc\n").unwrap_err();
    assert_eq!(error.to_string(), "code block option `hl_lines` names line 9, but the block has only 3 lines");
}

#[test]
fn output_is_deterministic() {
    let code = "int main(void) { return 0; }\n";
    assert_eq!(highlight_fence("c", code).unwrap(), highlight_fence("c", code).unwrap());
    assert_eq!(stylesheet(), stylesheet());
}

#[test]
fn stylesheet_has_a_light_and_a_dark_theme_and_line_styles() {
    let css = stylesheet();
    // Each theme's block, by the condition under which it applies.
    let block = |media: &str, root: &str| -> String {
        let start = css.find(&format!("@media {media} {{\n")).unwrap_or_else(|| panic!("no @media {media}"));
        let rest = &css[start + 1..];
        let block = &rest[..rest.find("@media ").unwrap_or(rest.len())];
        assert!(block.contains(&format!("{root} .hl-code {{")), "{media} / {root}: {block}");
        block.to_string()
    };
    let print = block("print", ":root");
    assert!(print.contains("theme \"GitHub\""), "print is light: {print}");
    let all_blocks: Vec<&str> = css.split("@media ").skip(1).collect();
    assert_eq!(all_blocks.len(), 5, "print, light and dark by system preference, light and dark by choice");
    let light_by_choice = all_blocks
        .iter()
        .find(|block| {
            block.starts_with("screen and (prefers-color-scheme: dark)")
                && block.contains("[data-theme=\"light\"] .hl-code")
        })
        .expect("a light block that the theme switch turns on against a dark system preference");
    assert!(light_by_choice.contains("theme \"GitHub\""));
    let dark_by_choice = all_blocks
        .iter()
        .find(|block| {
            block.starts_with("screen and (prefers-color-scheme: light)")
                && block.contains("[data-theme=\"dark\"] .hl-code")
        })
        .expect("a dark block that the theme switch turns on against a light system preference");
    assert!(dark_by_choice.contains("theme \"Base16 Ocean Dark\""));
    for block in &all_blocks {
        assert!(block.contains(".hl-code {") && block.contains("background-color"), "{block}");
        assert!(block.contains(".hl-comment") && block.contains(".line.hl"), "{block}");
        assert!(block.contains(".hl-entity.hl-name.hl-label {\n color: #"), "{block}");
        // Every selector is scoped to the block's theme condition.
        for line in block.lines().skip(1).filter(|line| line.ends_with('{')) {
            for selector in line.trim_end_matches('{').split(',') {
                assert!(selector.trim().starts_with(":root"), "unscoped selector `{selector}` in {line}");
            }
        }
    }
    assert!(css.contains(".hl-code .line { display: block; }"));
    assert!(css.contains("counter(code-line)"));
    assert_eq!(css.matches('{').count(), css.matches('}').count());
    // That it is valid CSS is output::css's test (highlight does not depend on output).
}

#[test]
fn every_token_colour_reads_at_wcag_aa_contrast() {
    let css = stylesheet();
    for (theme, background) in [("GitHub", Rgb(255, 244, 184)), ("Base16 Ocean Dark", Rgb(64, 69, 79))] {
        let start = css.find(&format!("theme \"{theme}\"")).unwrap();
        let block = &css[start..css[start..].find("@media ").map_or(css.len(), |end| start + end)];
        let colours: Vec<Rgb> = block
            .lines()
            .filter_map(|line| line.trim().strip_prefix("color: ").and_then(|value| Rgb::parse(&value[..7])))
            .collect();
        assert!(colours.len() > 10, "{theme}: {colours:?}");
        for colour in colours {
            assert!(colour.contrast(background) >= 4.5, "{theme}: {colour:?} on {background:?}");
        }
    }
}

#[test]
fn webassembly_text_is_highlighted() {
    assert_classes(
        "wat",
        "(module ;; tiny\n  (func $add (param $a i32) (result i32)\n    local.get $a\n    i32.const 42\n    i32.add)\n  (export \"add\" (func $add)))\n",
        &[
            "hl-comment",
            "hl-declaration",
            "hl-storage hl-type",
            "hl-variable",
            "hl-instruction",
            "hl-constant hl-numeric",
            "hl-string",
        ],
    );
    assert!(is_known_language("wasm"));
}

#[test]
fn a_repeated_block_comes_from_the_cache_identical_to_a_fresh_highlight() {
    let (info, code) = ("c,hl_lines=2", "int cached_block_test(void)\n{\n\treturn 42;\n}\n");
    let first = highlight_fence(info, code).unwrap();
    assert!(HIGHLIGHTED.lock().unwrap().contains_key(&(info.to_string(), code.to_string())));
    assert_eq!(highlight_fence(info, code).unwrap(), first);
    assert_eq!(highlight_fence_uncached(info, code).unwrap(), first);
    // The options are part of the key: the same code with other options is highlighted anew.
    assert_ne!(highlight_fence("c", code).unwrap(), first);
}
