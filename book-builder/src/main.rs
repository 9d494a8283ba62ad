//! Builds the pyheap book with mdBook used as a library: `cargo book` (an alias in
//! `.cargo/config.toml`) runs this program.
//!
//! 1. The pictures step: if `examples/make_pictures.rs` exists, run
//!    `cargo run --quiet --example make_pictures` from the workspace root; its failure fails
//!    the build.
//! 2. `MDBook::load(book)?.build()?` on `book/` (or on the directory given as the only
//!    argument).
//! 3. mdBook reports many problems (a missing `{{#include}}` file, unbalanced HTML in a
//!    chapter) only as log warnings and still succeeds. A tracing subscriber counts every
//!    WARN and ERROR event, and any of them makes this program exit with status 1.
//!
//! On success it prints the absolute path of the book's `index.html`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};

use mdbook_driver::MDBook;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// How many WARN or ERROR events mdBook (or anything it calls) has logged.
static PROBLEMS: AtomicUsize = AtomicUsize::new(0);

/// A tracing layer that counts warnings and errors.
struct CountProblems;

impl<S: Subscriber> Layer<S> for CountProblems {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if matches!(*event.metadata().level(), Level::WARN | Level::ERROR) {
            PROBLEMS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The workspace root: this package sits one level below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("book-builder lives inside the workspace")
        .to_path_buf()
}

/// Run the pictures example if there is one. Pictures are written into the book's sources,
/// so this comes before mdBook reads them.
fn make_pictures(root: &Path) -> Result<(), String> {
    let example = root.join("examples").join("make_pictures.rs");
    if !example.exists() {
        return Ok(());
    }
    eprintln!("book-builder: making pictures (cargo run --quiet --example make_pictures)");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--example", "make_pictures"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not start cargo for the pictures step: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the pictures step (examples/make_pictures.rs) failed: {status}"
        ))
    }
}

fn build(book_dir: &Path) -> Result<PathBuf, String> {
    let book = MDBook::load(book_dir)
        .map_err(|e| format!("could not load the book at {}: {e:#}", book_dir.display()))?;
    book.build().map_err(|e| format!("mdBook failed: {e:#}"))?;
    Ok(book.build_dir_for("html").join("index.html"))
}

fn main() -> ExitCode {
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .without_time()
                .with_target(false)
                .with_filter(LevelFilter::INFO),
        )
        .with(CountProblems.with_filter(LevelFilter::WARN))
        .init();

    let root = workspace_root();
    let book_dir = match std::env::args_os().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => root.join("book"),
    };
    let book_dir = match book_dir.canonicalize() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("book-builder: no book at {}: {e}", book_dir.display());
            return ExitCode::FAILURE;
        }
    };

    if let Err(e) = make_pictures(&root) {
        eprintln!("book-builder: {e}");
        return ExitCode::FAILURE;
    }

    let result = build(&book_dir);
    let problems = PROBLEMS.load(Ordering::Relaxed);
    match result {
        Err(e) => {
            eprintln!("book-builder: {e}");
            ExitCode::FAILURE
        }
        Ok(_) if problems > 0 => {
            eprintln!(
                "book-builder: mdBook logged {problems} warning(s) or error(s) (above); \
                 the book must build cleanly"
            );
            ExitCode::FAILURE
        }
        Ok(index) => {
            println!("The book is built: open {}", index.display());
            ExitCode::SUCCESS
        }
    }
}
