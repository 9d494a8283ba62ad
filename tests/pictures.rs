//! Every picture in the book is drawn from the heap; this test locks what each one shows
//! through its text description (a change in the model shows up as a picture change), and
//! checks that every SVG can be inlined in markdown.

#[path = "../examples/make_pictures.rs"]
#[allow(dead_code)]
mod make_pictures;

#[path = "common/mod.rs"]
mod common;

fn check_inlineable(name: &str, svg: &str) {
    assert!(svg.starts_with("<svg"), "{name}: not an svg root");
    for (i, line) in svg.lines().enumerate() {
        assert!(!line.trim().is_empty(), "{name}: blank line {i}");
        assert!(!line.starts_with(' '), "{name}: indented line {i}");
    }
}

/// No two boxes (frames, objects) of a heap picture overlap.
fn check_boxes_apart(name: &str, svg: &str) {
    if let Some((a, b)) = pyheap::picture::overlapping_boxes(svg) {
        panic!("{name}: boxes overlap: {a:?} and {b:?}");
    }
}

#[test]
fn pictures_show_what_the_scenarios_do() {
    let mut described = Vec::new();
    for (name, drawn) in make_pictures::pictures::all().expect("plots run") {
        check_inlineable(name, &drawn.0);
        described.push(format!("== {name}\n{}", drawn.1));
    }
    for (name, graphs) in make_pictures::scenario_pictures().expect("scenarios run") {
        for (file, g) in graphs {
            let svg = g.to_svg();
            check_inlineable(&file, &svg);
            check_boxes_apart(&file, &svg);
            described.push(format!("== {file} (from {name})\n{}", g.describe()));
        }
    }
    assert!(described.len() >= 4, "the book has pictures");
    let text = described.join("\n");
    common::snapshot_settings().bind(|| insta::assert_snapshot!("pictures", text));
}
