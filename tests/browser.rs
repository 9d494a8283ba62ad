//! The rendered book in a real browser: every page of book/build is opened in headless
//! Chromium and must load with content; every image and internal link must resolve; every
//! picture must be a non-empty SVG; the search box must find a term from a late chapter.
//! Screenshots of a few pages go to target/browser/ for a person to look at.
//!
//! Run by `tests/browser/run.sh` (and CI). Ignored by plain `cargo test`, which should not
//! need a browser.

use std::path::{Path, PathBuf};
use std::process::Command;

fn book_dir() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "book", "build"]
        .iter()
        .collect()
}

fn chromium(args: &[&str]) -> String {
    let profile = std::env::temp_dir().join(format!("pyheap-chromium-{}", std::process::id()));
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs (install Debian's chromium package)");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("book built").flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "html")
            && !["print.html", "404.html", "toc.html"]
                .contains(&p.file_name().and_then(|f| f.to_str()).unwrap_or(""))
        {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
#[ignore = "needs chromium: run tests/browser/run.sh"]
fn every_page_loads_with_its_pictures_and_links() {
    if std::env::var("PYHEAP_BROWSER").is_err() {
        return;
    }
    let dir = book_dir();
    let pages = pages(&dir);
    assert!(pages.len() >= 10, "the book has its pages: {}", pages.len());
    let href = regex::Regex::new(r##"<a [^>]*href="([^"#?]+)[^"]*""##).unwrap();
    let src = regex::Regex::new(r#"<img [^>]*src="([^"]+)""#).unwrap();
    let mut problems = Vec::new();
    let mut images = 0;
    for page in &pages {
        let url = format!("file://{}", page.display());
        let dom = chromium(&["--dump-dom", &url]);
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        let main = dom.split("<main>").nth(1).unwrap_or("");
        if main.len() < 200 {
            problems.push(format!("{name}: empty page"));
        }
        for c in src.captures_iter(main) {
            images += 1;
            let target = page.parent().unwrap().join(&c[1]);
            match std::fs::read_to_string(&target) {
                Ok(svg) if svg.starts_with("<svg") && svg.contains("width=") && svg.len() > 500 => {
                }
                Ok(_) => problems.push(format!("{name}: picture {} is empty or not an SVG", &c[1])),
                Err(_) => problems.push(format!("{name}: missing image {}", &c[1])),
            }
        }
        for c in href.captures_iter(&dom) {
            let link = &c[1];
            if link.starts_with("http") || link.starts_with("mailto:") || link.is_empty() {
                continue;
            }
            if !page.parent().unwrap().join(link).exists() {
                problems.push(format!("{name}: broken link {link}"));
            }
        }
    }
    assert!(images >= 4, "the book shows pictures ({images} found)");
    // The search index covers the late chapters: search for a term only they use.
    let url = format!(
        "file://{}?search=tracemalloc",
        dir.join("index.html").display()
    );
    let dom = chromium(&["--dump-dom", &url]);
    // A result link (not the sidebar entry) carries the highlight parameter.
    if !dom.contains("ch14-profiling.html?highlight=tracemalloc") {
        problems.push("search for 'tracemalloc' does not find chapter 14".into());
    }
    // Screenshots for a person to look at.
    let shots: PathBuf = [env!("CARGO_MANIFEST_DIR"), "target", "browser"]
        .iter()
        .collect();
    std::fs::create_dir_all(&shots).unwrap();
    for p in [
        "index.html",
        "ch01-names.html",
        "ch03-cycles.html",
        "ch13-pymalloc.html",
    ] {
        let page = dir.join(p);
        if page.exists() {
            let out = shots.join(p.replace(".html", ".png"));
            chromium(&[
                "--window-size=1280,1600",
                &format!("--screenshot={}", out.display()),
                &format!("file://{}", page.display()),
            ]);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!(
        "{} pages, {images} pictures checked; screenshots in {}",
        pages.len(),
        shots.display()
    );
}
