//! Pictures: the object graph, line charts and pymalloc's arena map, as SVG written by hand.
//!
//! The heap engine fills in a neutral description ([`HeapGraph`], [`Plot`], [`ArenaMap`]);
//! this module only draws. Everything here is pure Rust and deterministic: the same input
//! gives byte-identical output, so pictures can be generated while the book builds and
//! their text forms ([`HeapGraph::to_dot`], the `describe` methods) can be snapshotted.
//!
//! Every SVG is inline-able in markdown: a single `<svg>` root with `width`, `height` and
//! `viewBox`, a `<title>` (and a `<desc>` with the textual description), no blank lines and
//! no line starting with a space (markdown would turn those into code blocks), all text
//! XML-escaped, no `id`s (several pictures share one HTML page) and a white background so
//! it reads in dark themes too.
//!
//! The heap picture is in the spirit of Python Tutor: frames on the left with their names,
//! an arrow from each name's row to its object, objects on the right in columns by their
//! distance from the frames, each with a header `type · refcnt N · size B`, its value and
//! one row per reference it holds. References that point back (to an object in the same or
//! an earlier column) go out to the right and come back along the gaps between columns, so
//! no arrow crosses a box.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

// ======================================================================================
// The heap graph: public description
// ======================================================================================

/// An object's identity in a picture: its `id()` (address), unique per live object.
pub type ObjKey = u64;

/// Everything a heap picture shows: frames with their names, objects, references.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeapGraph {
    /// A title drawn above the picture (and used as the SVG's `<title>`).
    pub title: Option<String>,
    /// The left column: "Global frame" first, then function frames (innermost last).
    pub frames: Vec<FrameView>,
    /// The objects, drawn on the right. The order decides the order within a column.
    pub objects: Vec<ObjView>,
    /// The references: from a frame's name or an object's field row to an object.
    pub edges: Vec<EdgeView>,
}

/// A frame: its name and the names bound in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameView {
    /// "Global frame", or the function's name.
    pub name: String,
    /// Each name with the key of the object it is bound to.
    pub vars: Vec<(String, ObjKey)>,
}

/// One object as drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjView {
    /// The object's `id()`; unique per live object.
    pub key: ObjKey,
    /// `"list"`, `"User"`, `"int"`...
    pub type_name: String,
    /// A short value or repr (`"[1, 2, 3]"`, `"'Steve'"`); long ones are truncated.
    pub label: String,
    /// `ob_refcnt`.
    pub refcnt: i64,
    /// `sys.getsizeof`.
    pub size: usize,
    /// Rows inside the box (`"[0]"`, `".next"`, `"key 'a'"`) with the object each refers
    /// to (`None`: an atomic value shown inline in the label).
    pub fields: Vec<(String, Option<ObjKey>)>,
    /// Not reachable from any frame: drawn with a red dashed border.
    pub unreachable: bool,
    /// Part of a reference cycle: marked with a `cycle` badge.
    pub in_cycle: bool,
    /// During a collection: the `gc_refs` value, shown as a badge.
    pub gc_refs: Option<i64>,
    /// A state note in the box's footer: the collector's view, e.g. "reachable",
    /// "tentatively unreachable", "gen 0", or a string's "interned".
    pub gc_state: Option<String>,
    /// Just deallocated: drawn greyed out.
    pub freed: bool,
}

/// A reference drawn as an arrow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeView {
    /// Where the arrow starts: a frame's name row or an object's field row.
    pub from: EdgeFrom,
    /// The object it points to.
    pub to: ObjKey,
    /// A weak reference: drawn dashed.
    pub weak: bool,
    /// Part of a chain being traced (e.g. a leak's back-reference chain): drawn thick, in
    /// an accent colour.
    pub highlight: bool,
}

/// The start of an arrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeFrom {
    /// The `var`-th name of the `frame`-th frame.
    Var {
        /// Index into [`HeapGraph::frames`].
        frame: usize,
        /// Index into that frame's `vars`.
        var: usize,
    },
    /// The `field`-th row of the object with key `obj`.
    Field {
        /// The key of the object holding the reference.
        obj: ObjKey,
        /// Index into that object's `fields`.
        field: usize,
    },
}

// ======================================================================================
// Shared text and number helpers
// ======================================================================================

const MONO: &str =
    "ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono','Liberation Mono',monospace";
const SANS: &str =
    "system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans','Liberation Sans',Arial,sans-serif";

/// XML-escape text for element content and attribute values. Control characters
/// (newlines included) become spaces, so one text stays on one line.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One line of plain text: control characters become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Display columns a character takes in a monospace font (East Asian wide: 2).
fn char_cols(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

fn text_cols(s: &str) -> usize {
    s.chars().map(char_cols).sum()
}

/// The longest prefix of `chars` that fits in `budget` columns.
fn take_cols(chars: &[char], budget: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for &c in chars {
        let w = char_cols(c);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// Shorten `s` to at most `max` columns with an ellipsis, keeping a repr's closing
/// bracket or quote (`[0, 1, 2, …]`, `'abcdef…'`) and cutting lists after a comma.
fn truncate(s: &str, max: usize) -> String {
    let s = clean(s);
    if text_cols(&s) <= max {
        return s;
    }
    let chars: Vec<char> = s.chars().collect();
    let pairs = [
        ('[', ']'),
        ('(', ')'),
        ('{', '}'),
        ('\'', '\''),
        ('"', '"'),
        ('<', '>'),
    ];
    if let (Some(&first), Some(&last)) = (chars.first(), chars.last()) {
        let bracketed = chars.len() >= 2 && pairs.iter().any(|&(o, c)| o == first && c == last);
        if bracketed && max >= 6 {
            let inner = &chars[1..chars.len() - 1];
            let mut body = take_cols(inner, max - 3);
            if first != '\'' && first != '"' {
                if let Some(pos) = body.rfind(", ") {
                    if pos + 2 >= body.len() / 2 {
                        body.truncate(pos + 2);
                    }
                }
            }
            return format!("{first}{body}…{last}");
        }
    }
    format!("{}…", take_cols(&chars, max.saturating_sub(1)))
}

/// A coordinate: one decimal at most, never `NaN`, never `-0`.
fn n(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// `v` limited to `[lo, hi]`; never panics (unlike `f64::clamp`), `lo` wins if `hi < lo`.
fn clampf(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() || hi < lo {
        return lo;
    }
    v.max(lo).min(hi)
}

/// A value for a description: integers without decimals, others with up to 4.
fn fmt_val(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return n_int(v);
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

fn n_int(v: f64) -> String {
    let s = format!("{v:.0}");
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// Opens an SVG document: root element, `<title>`, `<desc>` and a white background.
fn svg_open(out: &mut String, w: f64, h: f64, title: &str, desc: &str) {
    let (w, h) = (w.max(1.0).ceil(), h.max(1.0).ceil());
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" style=\"max-width:100%;height:auto\" font-family=\"{SANS}\" font-size=\"12\" fill=\"#1a1a1a\">",
        w = n(w),
        h = n(h)
    );
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    if !desc.is_empty() {
        let _ = writeln!(out, "<desc>{}</desc>", esc(desc));
    }
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        n(w),
        n(h)
    );
}

/// Average advance of a sans-serif character at `size`, on the generous side.
fn sans_w(s: &str, size: f64) -> f64 {
    text_cols(s) as f64 * size * 0.6
}

/// A filled arrowhead with its tip at `(x, y)` pointing along `(dx, dy)`.
fn arrowhead(out: &mut String, x: f64, y: f64, dx: f64, dy: f64, color: &str) {
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = if len > 1e-9 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let (bx, by) = (x - ux * ARROW_L, y - uy * ARROW_L);
    let (nx, ny) = (-uy * ARROW_W, ux * ARROW_W);
    let _ = writeln!(
        out,
        "<path d=\"M{} {}L{} {}L{} {}Z\" fill=\"{color}\" stroke=\"none\"/>",
        n(x),
        n(y),
        n(bx + nx),
        n(by + ny),
        n(bx - nx),
        n(by - ny)
    );
}

const ARROW_L: f64 = 9.0;
const ARROW_W: f64 = 4.0;

/// An orthogonal polyline with rounded corners, as SVG path data.
fn rounded_path(points: &[(f64, f64)], radius: f64) -> String {
    // Drop repeated and collinear points: corners only.
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for &p in points {
        if let Some(&last) = pts.last() {
            if (p.0 - last.0).abs() < 0.05 && (p.1 - last.1).abs() < 0.05 {
                continue;
            }
        }
        if pts.len() >= 2 {
            let a = pts[pts.len() - 2];
            let b = pts[pts.len() - 1];
            let cross = (b.0 - a.0) * (p.1 - b.1) - (b.1 - a.1) * (p.0 - b.0);
            if cross.abs() < 0.05 {
                pts.pop();
            }
        }
        pts.push(p);
    }
    let mut d = String::new();
    let Some(&(x0, y0)) = pts.first() else {
        return d;
    };
    let _ = write!(d, "M{} {}", n(x0), n(y0));
    for i in 1..pts.len() {
        let p = pts[i];
        if i + 1 < pts.len() {
            let prev = pts[i - 1];
            let next = pts[i + 1];
            let l1 = ((p.0 - prev.0).powi(2) + (p.1 - prev.1).powi(2)).sqrt();
            let l2 = ((next.0 - p.0).powi(2) + (next.1 - p.1).powi(2)).sqrt();
            let r = radius.min(l1 / 2.0).min(l2 / 2.0);
            if r < 0.5 || l1 < 1e-9 || l2 < 1e-9 {
                let _ = write!(d, "L{} {}", n(p.0), n(p.1));
                continue;
            }
            let a = (p.0 - (p.0 - prev.0) / l1 * r, p.1 - (p.1 - prev.1) / l1 * r);
            let b = (p.0 + (next.0 - p.0) / l2 * r, p.1 + (next.1 - p.1) / l2 * r);
            let _ = write!(
                d,
                "L{} {}Q{} {} {} {}",
                n(a.0),
                n(a.1),
                n(p.0),
                n(p.1),
                n(b.0),
                n(b.1)
            );
        } else {
            let _ = write!(d, "L{} {}", n(p.0), n(p.1));
        }
    }
    d
}

// ======================================================================================
// The heap graph: resolution shared by the text forms and the picture
// ======================================================================================

const LABEL_MAX: usize = 40;
const NAME_MAX: usize = 28;
const TYPE_MAX: usize = 24;
const FRAME_MAX: usize = 32;
const FIELDS_MAX: usize = 12;

/// Where a resolved arrow starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Src {
    /// Frame index, var index.
    Var(usize, usize),
    /// Object index (into `objects`), field index.
    Field(usize, usize),
}

#[derive(Clone, Debug)]
struct REdge {
    src: Src,
    /// Index of the target object, if it is drawn.
    to: Option<usize>,
    weak: bool,
    highlight: bool,
}

/// The graph with keys resolved to indices and every arrow accounted for.
struct Resolved {
    /// `User#1`: type name and 1-based position, stable across runs and addresses.
    names: Vec<String>,
    edges: Vec<REdge>,
    /// Edge indices by source, in input order.
    by_src: BTreeMap<Src, Vec<usize>>,
}

impl Resolved {
    fn new(g: &HeapGraph) -> Self {
        let mut index: BTreeMap<ObjKey, usize> = BTreeMap::new();
        for (i, o) in g.objects.iter().enumerate() {
            index.entry(o.key).or_insert(i);
        }
        let names = g
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let t = truncate(&o.type_name, TYPE_MAX);
                let t = if t.trim().is_empty() {
                    "object".to_string()
                } else {
                    t
                };
                format!("{t}#{}", i + 1)
            })
            .collect();
        let mut edges: Vec<REdge> = Vec::new();
        let mut seen: std::collections::BTreeSet<(Src, Option<usize>, bool)> =
            std::collections::BTreeSet::new();
        let mut has_edge: std::collections::BTreeSet<Src> = std::collections::BTreeSet::new();
        for e in &g.edges {
            let src = match e.from {
                EdgeFrom::Var { frame, var } => {
                    match g.frames.get(frame).and_then(|f| f.vars.get(var)) {
                        Some(_) => Src::Var(frame, var),
                        None => continue,
                    }
                }
                EdgeFrom::Field { obj, field } => match index.get(&obj) {
                    Some(&i) if field < g.objects[i].fields.len() => Src::Field(i, field),
                    _ => continue,
                },
            };
            let to = index.get(&e.to).copied();
            if seen.insert((src, to, e.weak)) {
                has_edge.insert(src);
                edges.push(REdge {
                    src,
                    to,
                    weak: e.weak,
                    highlight: e.highlight,
                });
            }
        }
        // Names and fields that refer to an object but have no edge get one.
        for (fi, f) in g.frames.iter().enumerate() {
            for (vi, (_, key)) in f.vars.iter().enumerate() {
                let src = Src::Var(fi, vi);
                if !has_edge.contains(&src) {
                    edges.push(REdge {
                        src,
                        to: index.get(key).copied(),
                        weak: false,
                        highlight: false,
                    });
                }
            }
        }
        for (oi, o) in g.objects.iter().enumerate() {
            if index.get(&o.key) != Some(&oi) {
                continue; // a duplicate key: drawn, but its references are the first's
            }
            for (fi, (_, target)) in o.fields.iter().enumerate() {
                let src = Src::Field(oi, fi);
                if let Some(key) = target {
                    if !has_edge.contains(&src) {
                        edges.push(REdge {
                            src,
                            to: index.get(key).copied(),
                            weak: false,
                            highlight: false,
                        });
                    }
                }
            }
        }
        let mut by_src: BTreeMap<Src, Vec<usize>> = BTreeMap::new();
        for (i, e) in edges.iter().enumerate() {
            by_src.entry(e.src).or_default().push(i);
        }
        Resolved {
            names,
            edges,
            by_src,
        }
    }

    fn target_name(&self, to: Option<usize>) -> String {
        match to.and_then(|t| self.names.get(t)) {
            Some(s) => s.clone(),
            None => "(not shown)".to_string(),
        }
    }

    /// Edges from one source, in input order.
    fn edges_from(&self, src: Src) -> impl Iterator<Item = &REdge> {
        self.by_src
            .get(&src)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.edges.get(i))
    }
}

fn header_text(o: &ObjView) -> String {
    format!("{} · refcnt {} · {} B", type_of(o), o.refcnt, o.size)
}

fn type_of(o: &ObjView) -> String {
    let t = truncate(&o.type_name, TYPE_MAX);
    if t.trim().is_empty() {
        "object".to_string()
    } else {
        t
    }
}

/// The label worth showing: empty, or the same as the type name, shows nothing.
fn shown_label(o: &ObjView, max: usize) -> Option<String> {
    let l = truncate(o.label.trim(), max);
    if l.is_empty() || l == o.type_name {
        None
    } else {
        Some(l)
    }
}

impl HeapGraph {
    /// A short structural description: one line per frame name and per object with its
    /// outgoing references. Objects are named `type#N` (N: 1-based position in
    /// [`HeapGraph::objects`]), so the text does not depend on addresses. Used as the
    /// picture's alt text and in tests.
    pub fn describe(&self) -> String {
        let r = Resolved::new(self);
        let mut lines: Vec<String> = Vec::new();
        if let Some(t) = &self.title {
            lines.push(format!("title: {}", truncate(t, 120)));
        }
        for (fi, f) in self.frames.iter().enumerate() {
            let fname = truncate(&f.name, FRAME_MAX);
            if f.vars.is_empty() {
                lines.push(format!("{fname}: no names"));
            }
            for (vi, (var, _)) in f.vars.iter().enumerate() {
                let targets: Vec<String> = r
                    .edges_from(Src::Var(fi, vi))
                    .map(|e| format!("{}{}", r.target_name(e.to), edge_marks(e)))
                    .collect();
                lines.push(format!(
                    "{fname}: {} -> {}",
                    truncate(var, NAME_MAX),
                    targets.join(", ")
                ));
            }
        }
        for (oi, o) in self.objects.iter().enumerate() {
            let mut line = r.names[oi].clone();
            if let Some(l) = shown_label(o, 60) {
                line.push(' ');
                line.push_str(&l);
            }
            let mut facts = vec![format!("refcnt {}", o.refcnt), format!("{} bytes", o.size)];
            if o.unreachable {
                facts.push("unreachable".into());
            }
            if o.in_cycle {
                facts.push("in a cycle".into());
            }
            if let Some(g) = o.gc_refs {
                facts.push(format!("gc_refs {g}"));
            }
            if let Some(s) = &o.gc_state {
                facts.push(truncate(s, 40));
            }
            if o.freed {
                facts.push("freed".into());
            }
            let _ = write!(line, " ({})", facts.join(", "));
            let mut outs: Vec<String> = Vec::new();
            for (fi, (fname, _)) in o.fields.iter().enumerate() {
                for e in r.edges_from(Src::Field(oi, fi)) {
                    outs.push(format!(
                        "{} -> {}{}",
                        truncate(fname, NAME_MAX),
                        r.target_name(e.to),
                        edge_marks(e)
                    ));
                }
            }
            if !outs.is_empty() {
                let _ = write!(line, ": {}", outs.join(", "));
            }
            lines.push(line);
        }
        if lines.is_empty() {
            return "(empty: no frames, no objects)".to_string();
        }
        lines.join("\n")
    }

    /// The graph as Graphviz DOT text: records with one port per name or field row,
    /// marks as attributes (`class="unreachable cycle"`, `xlabel="gc_refs 0"`). Stable and
    /// diffable (nodes are `frame0`, `obj1`..., not addresses); renders with `dot` too.
    pub fn to_dot(&self) -> String {
        let r = Resolved::new(self);
        let mut out = String::new();
        out.push_str("digraph heap {\n");
        out.push_str("  graph [rankdir=LR, fontname=\"monospace\"");
        if let Some(t) = &self.title {
            let _ = write!(
                out,
                ", label=\"{}\", labelloc=t",
                dot_quote(&truncate(t, 120))
            );
        }
        out.push_str("];\n");
        out.push_str("  node [shape=record, fontname=\"monospace\", fontsize=11];\n");
        for (fi, f) in self.frames.iter().enumerate() {
            let mut parts = vec![dot_rec(&truncate(&f.name, FRAME_MAX))];
            for (vi, (var, _)) in f.vars.iter().enumerate() {
                parts.push(format!("<v{vi}> {}", dot_rec(&truncate(var, NAME_MAX))));
            }
            let _ = writeln!(
                out,
                "  frame{fi} [label=\"{{{}}}\", style=filled, fillcolor=\"#eef0f3\"];",
                parts.join("|")
            );
        }
        for (oi, o) in self.objects.iter().enumerate() {
            let mut parts = vec![dot_rec(&header_text(o))];
            if let Some(l) = shown_label(o, LABEL_MAX) {
                parts.push(dot_rec(&l));
            }
            for (fi, (fname, _)) in o.fields.iter().enumerate() {
                parts.push(format!("<f{fi}> {}", dot_rec(&truncate(fname, NAME_MAX))));
            }
            if let Some(s) = &o.gc_state {
                parts.push(dot_rec(&truncate(s, LABEL_MAX)));
            }
            let mut attrs = vec![format!("label=\"{{{}}}\"", parts.join("|"))];
            let mut classes = Vec::new();
            if o.unreachable {
                classes.push("unreachable");
                attrs.push("color=\"#c62828\"".into());
                attrs.push("style=dashed".into());
            }
            if o.in_cycle {
                classes.push("cycle");
            }
            if o.freed {
                classes.push("freed");
                attrs.push("fontcolor=\"#9e9e9e\"".into());
                if !o.unreachable {
                    attrs.push("color=\"#9e9e9e\"".into());
                }
            }
            if !classes.is_empty() {
                attrs.push(format!("class=\"{}\"", classes.join(" ")));
            }
            if let Some(g) = o.gc_refs {
                attrs.push(format!("xlabel=\"gc_refs {g}\""));
            }
            let _ = writeln!(
                out,
                "  obj{} [{}];  // {}",
                oi + 1,
                attrs.join(", "),
                r.names[oi]
            );
        }
        for e in &r.edges {
            let from = match e.src {
                Src::Var(f, v) => format!("frame{f}:v{v}"),
                Src::Field(o, f) => format!("obj{}:f{f}", o + 1),
            };
            match e.to {
                Some(t) => {
                    let mut attrs = Vec::new();
                    if e.weak {
                        attrs.push("style=dashed".to_string());
                    }
                    if e.highlight {
                        attrs.push(format!("color=\"{C_PATH}\", penwidth=2.5"));
                    }
                    let style = if attrs.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", attrs.join(", "))
                    };
                    let _ = writeln!(out, "  {from} -> obj{}{style};", t + 1);
                }
                None => {
                    let _ = writeln!(out, "  // {from} -> an object not shown");
                }
            }
        }
        out.push_str("}\n");
        out
    }

    /// The picture as one SVG document (see the module documentation for its rules).
    pub fn to_svg(&self) -> String {
        heap_svg(self)
    }
}

/// What [`HeapGraph::describe`] says after an arrow's target: ` (weak)`, ` (chain)`.
fn edge_marks(e: &REdge) -> String {
    let mut s = String::new();
    if e.weak {
        s.push_str(" (weak)");
    }
    if e.highlight {
        s.push_str(" (chain)");
    }
    s
}

/// Escape a record field for DOT: `{}|<>"\` and spaces at the ends matter there.
fn dot_rec(s: &str) -> String {
    let mut out = String::new();
    for c in clean(s).chars() {
        if matches!(c, '{' | '}' | '|' | '<' | '>' | '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn dot_quote(s: &str) -> String {
    let mut out = String::new();
    for c in clean(s).chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ======================================================================================
// The heap picture: layout and drawing
// ======================================================================================

const FS: f64 = 13.0; // monospace font size in boxes
const CW: f64 = 7.9; // its advance (DejaVu Sans Mono: 0.602 em), rounded up
const ROW: f64 = 22.0; // a row's height
const HEAD: f64 = 24.0; // the header row's height
const PAD: f64 = 8.0; // text padding inside a box
const PTR: f64 = 24.0; // the pointer cell at the right of a row
const VGAP: f64 = 24.0; // between boxes in a column
const FGAP: f64 = 16.0; // between frames
const CGAP: f64 = 64.0; // between columns, before channels
const CHAN: f64 = 8.0; // between channels of back arrows
const WRAP_AT: f64 = 960.0; // a picture wider than this continues in a band below
const BAND_INDENT: f64 = 40.0; // where a continuation band starts, leaving room to enter it
const MAX_CROSSING: usize = 3; // arrows allowed between the two bands of a split picture
const BADGE_FS: f64 = 10.5;
const BADGE_CW: f64 = 6.4;
const BADGE_H: f64 = 16.0;

const C_TEXT: &str = "#1a1a1a";
const C_MUTED: &str = "#6b7280";
const C_EDGE: &str = "#2d3748";
const C_WEAK: &str = "#4a5568";
const C_PATH: &str = "#d35400";
const C_GREY: &str = "#a0a0a0";
const C_RED: &str = "#c62828";
const C_FRAME_HEAD: &str = "#e9ecf1";
const C_FRAME_LINE: &str = "#8a94a3";
const C_OBJ_HEAD: &str = "#dde8f7";
const C_OBJ_LINE: &str = "#5f7391";
const C_UNREACH_HEAD: &str = "#fbe3e3";
const C_FREED_HEAD: &str = "#eeeeee";

/// A box on the canvas: a frame or an object.
struct Bx {
    col: usize,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    /// Header text (frame name, or `type · refcnt · size`).
    head: String,
    /// The bold part at the start of the header.
    head_bold: usize,
    /// A value row under the header; `muted` for a note like "(no names)".
    label: Option<(String, bool)>,
    /// Anchor rows: frame names or field names.
    rows: Vec<String>,
    /// Fields not shown (beyond `FIELDS_MAX`).
    more: usize,
    /// The collector's state, as a footer row.
    state: Option<String>,
    badges: Vec<Badge>,
    is_frame: bool,
    unreachable: bool,
    freed: bool,
    /// Pointer cells that have an arrow (by anchor row index, `rows.len()` = the more row).
    dots: Vec<bool>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Badge {
    Cycle,
    GcRefs(i64),
}

impl Badge {
    fn text(self) -> String {
        match self {
            Badge::Cycle => "cycle".to_string(),
            Badge::GcRefs(v) => format!("gc_refs {v}"),
        }
    }
    fn width(self) -> f64 {
        text_cols(&self.text()) as f64 * BADGE_CW + 12.0
    }
    fn colors(self) -> (&'static str, &'static str, &'static str) {
        // fill, stroke, text
        match self {
            Badge::Cycle => ("#fff1e0", "#e07b00", "#8a4b00"),
            Badge::GcRefs(_) => ("#fff9d6", "#c9a400", "#5c4a00"),
        }
    }
}

impl Bx {
    fn label_h(&self) -> f64 {
        if self.label.is_some() {
            ROW
        } else {
            0.0
        }
    }
    /// Center y of anchor row `i` (the "more" row for hidden fields).
    fn row_y(&self, i: usize) -> f64 {
        let i = i.min(self.rows.len());
        self.y + HEAD + self.label_h() + ROW * i as f64 + ROW / 2.0
    }
    fn right(&self) -> f64 {
        self.x + self.w
    }
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
    fn measure(&mut self) {
        let head = text_cols(&self.head) as f64 * CW;
        let label = self
            .label
            .as_ref()
            .map_or(0.0, |(l, _)| text_cols(l) as f64 * CW);
        let rows = self
            .rows
            .iter()
            .map(|r| text_cols(r) as f64 * CW + PTR + 6.0)
            .fold(0.0, f64::max);
        let more = if self.more > 0 {
            (text_cols(&more_text(self.more)) as f64) * CW + PTR
        } else {
            0.0
        };
        let state = self
            .state
            .as_ref()
            .map_or(0.0, |s| text_cols(s) as f64 * CW);
        let badges: f64 = self.badges.iter().map(|b| b.width() + 4.0).sum::<f64>();
        let head = if badges > 0.0 {
            head + 8.0 + badges
        } else {
            head
        };
        let min = if self.is_frame { 80.0 } else { 96.0 };
        self.w = (head.max(label).max(rows).max(more).max(state) + 2.0 * PAD).max(min);
        let n_rows =
            self.rows.len() + usize::from(self.more > 0) + usize::from(self.state.is_some());
        self.h = HEAD + self.label_h() + ROW * n_rows as f64;
        self.dots = vec![false; self.rows.len() + 1];
    }
}

fn more_text(more: usize) -> String {
    format!("… {more} more")
}

/// How an arrow is drawn.
enum Route {
    /// To a later column: a curve from the pointer into the target's left side.
    Forward,
    /// To the same column: out to the channel right of it, into the target's right side.
    Same { xs_k: usize },
    /// To an earlier column: out right, along a free lane, down the channel right of the
    /// target's column, into its right side.
    Back { xs_k: usize, xt_k: usize, lane: f64 },
    /// To a box in the next or previous band: out to the channel right of the source,
    /// along a lane in the corridor between the bands, then into the target's left side
    /// (`entry`: an x left of it) going down, or its right side (channel `xt_k`) going up.
    Cross {
        xs_k: usize,
        lane: f64,
        down: bool,
        xt_k: usize,
        entry: f64,
    },
    /// To an object not in the picture: a short stub with a question mark.
    Missing,
}

struct Arrow {
    from: usize, // box index
    row: usize,
    to: Option<usize>, // box index
    weak: bool,
    highlight: bool,
    grey: bool,
    route: Route,
}

fn heap_svg(g: &HeapGraph) -> String {
    let r = Resolved::new(g);
    let nf = g.frames.len();
    let no = g.objects.len();

    // ---- boxes (frames first, then objects) ----
    let mut boxes: Vec<Bx> = Vec::with_capacity(nf + no);
    for f in &g.frames {
        let rows: Vec<String> = f.vars.iter().map(|(v, _)| truncate(v, NAME_MAX)).collect();
        let label = if rows.is_empty() {
            Some(("(no names)".to_string(), true))
        } else {
            None
        };
        let head = truncate(&f.name, FRAME_MAX);
        let head_bold = head.chars().count();
        boxes.push(Bx {
            col: 0,
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0,
            head,
            head_bold,
            label,
            rows,
            more: 0,
            state: None,
            badges: Vec::new(),
            is_frame: true,
            unreachable: false,
            freed: false,
            dots: Vec::new(),
        });
    }
    for o in &g.objects {
        let shown = o.fields.len().min(FIELDS_MAX);
        let rows: Vec<String> = o
            .fields
            .iter()
            .take(shown)
            .map(|(f, _)| truncate(f, NAME_MAX))
            .collect();
        let mut badges = Vec::new();
        if o.in_cycle {
            badges.push(Badge::Cycle);
        }
        if let Some(v) = o.gc_refs {
            badges.push(Badge::GcRefs(v));
        }
        boxes.push(Bx {
            col: 1,
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0,
            head: header_text(o),
            head_bold: type_of(o).chars().count(),
            label: shown_label(o, LABEL_MAX).map(|l| (l, false)),
            rows,
            more: o.fields.len() - shown,
            state: o.gc_state.as_ref().map(|s| truncate(s, LABEL_MAX)),
            badges,
            is_frame: false,
            unreachable: o.unreachable,
            freed: o.freed,
            dots: Vec::new(),
        });
    }
    for b in &mut boxes {
        b.measure();
    }
    let src_box = |s: Src| -> (usize, usize) {
        match s {
            Src::Var(f, v) => (f, v),
            Src::Field(o, f) => (nf + o, f),
        }
    };

    // ---- columns: breadth-first from the frames, then from whatever is left ----
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); no];
    let mut var_edges: Vec<usize> = Vec::new();
    for (ei, e) in r.edges.iter().enumerate() {
        match e.src {
            Src::Var(..) => var_edges.push(ei),
            Src::Field(o, _) => out_edges[o].push(ei),
        }
    }
    var_edges.sort_by_key(|&ei| r.edges[ei].src);
    for list in &mut out_edges {
        list.sort_by_key(|&ei| r.edges[ei].src);
    }
    let mut col: Vec<usize> = vec![0; no];
    let mut parent: Vec<Option<usize>> = vec![None; no]; // discovering edge
    let mut order: Vec<usize> = Vec::with_capacity(no);
    let mut queue: VecDeque<usize> = VecDeque::new();
    let bfs = |queue: &mut VecDeque<usize>,
               col: &mut Vec<usize>,
               parent: &mut Vec<Option<usize>>,
               order: &mut Vec<usize>| {
        while let Some(u) = queue.pop_front() {
            for &ei in &out_edges[u] {
                if let Some(t) = r.edges[ei].to {
                    if col[t] == 0 {
                        col[t] = col[u] + 1;
                        parent[t] = Some(ei);
                        order.push(t);
                        queue.push_back(t);
                    }
                }
            }
        }
    };
    for &ei in &var_edges {
        if let Some(t) = r.edges[ei].to {
            if col[t] == 0 {
                col[t] = 1;
                parent[t] = Some(ei);
                order.push(t);
                queue.push_back(t);
            }
        }
    }
    bfs(&mut queue, &mut col, &mut parent, &mut order);
    for i in 0..no {
        if col[i] == 0 {
            col[i] = 1;
            order.push(i);
            queue.push_back(i);
            bfs(&mut queue, &mut col, &mut parent, &mut order);
        }
    }
    let ncols = col.iter().copied().max().unwrap_or(0) + 1;
    let mut columns: Vec<Vec<usize>> = vec![Vec::new(); ncols];
    for &o in &order {
        boxes[nf + o].col = col[o];
        columns[col[o]].push(nf + o);
    }

    // ---- vertical placement ----
    // Frames are stacked. Objects are placed depth-first along the discovery tree, each
    // level with the row that discovered it, and pushed down so that it and the chain of
    // first children after it clear what each of their columns already holds: a tree
    // comes out as bands, each parent beside its children, arrows short and mostly flat.
    let mut y = 0.0;
    for b in boxes.iter_mut().take(nf) {
        b.y = y;
        y += b.h + FGAP;
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nf + no]; // box -> object indices
    for &o in &order {
        if let Some(ei) = parent[o] {
            let (sb, _) = src_box(r.edges[ei].src);
            children[sb].push(o);
        }
    }
    let mut frontier: Vec<Option<f64>> = vec![None; ncols];
    let mut placed = vec![false; no];
    let mut roots: Vec<(usize, Option<usize>)> = Vec::new(); // (object, discovering edge)
    for &ei in &var_edges {
        if let Some(t) = r.edges[ei].to {
            if parent[t] == Some(ei) {
                roots.push((t, Some(ei)));
            }
        }
    }
    for &o in &order {
        if parent[o].is_none() {
            roots.push((o, None));
        }
    }
    for (root, ei) in roots {
        let desired = ei.map_or(0.0, |ei| {
            let (sb, row) = src_box(r.edges[ei].src);
            boxes[sb].row_y(row) - HEAD / 2.0
        });
        let mut stack: Vec<(usize, f64)> = vec![(root, desired)];
        while let Some((o, desired)) = stack.pop() {
            if placed[o] {
                continue;
            }
            placed[o] = true;
            let bi = nf + o;
            // The lowest top that clears the columns of this box and its first-child chain.
            let mut need = frontier[boxes[bi].col].map_or(f64::NEG_INFINITY, |f| f + VGAP);
            let (mut cur, mut offset) = (bi, 0.0);
            let mut steps = 0;
            while let Some(&ch) = children[cur].first() {
                let Some(cei) = parent[ch] else { break };
                let (_, row) = src_box(r.edges[cei].src);
                offset += boxes[cur].row_y(row) - boxes[cur].y - HEAD / 2.0;
                cur = nf + ch;
                if let Some(f) = frontier[boxes[cur].col] {
                    need = need.max(f + VGAP - offset);
                }
                steps += 1;
                if steps > no {
                    break;
                }
            }
            let y = desired.max(need);
            boxes[bi].y = y;
            frontier[boxes[bi].col] = Some(y + boxes[bi].h);
            for &ch in children[bi].iter().rev() {
                if let Some(cei) = parent[ch] {
                    let (_, row) = src_box(r.edges[cei].src);
                    stack.push((ch, boxes[bi].row_y(row) - HEAD / 2.0));
                }
            }
        }
    }

    // ---- bands: a picture too wide for a page continues below itself ----
    let mut col_w: Vec<f64> = vec![0.0; ncols];
    for b in &boxes {
        col_w[b.col] = col_w[b.col].max(b.w);
    }
    let links: Vec<(usize, usize, bool)> = r
        .edges
        .iter()
        .filter_map(|e| {
            let (sb, _) = src_box(e.src);
            e.to.map(|t| (boxes[sb].col, boxes[nf + t].col, boxes[sb].is_frame))
        })
        .collect();
    let band = split_bands(&col_w, &links);
    let nbands = band.iter().copied().max().unwrap_or(0) + 1;
    // Arrows between bands, per corridor (the corridor above band b, b >= 1).
    let mut crossing = vec![0usize; nbands];
    for &(cs, ct, _) in &links {
        if band[cs] != band[ct] {
            crossing[band[cs].max(band[ct])] += 1;
        }
    }
    // Each band below the first starts under everything above it, after its corridor.
    let mut corridor_top = vec![0.0f64; nbands];
    for bb in 1..nbands {
        let above = boxes
            .iter()
            .filter(|b| band[b.col] < bb)
            .map(Bx::bottom)
            .fold(f64::NEG_INFINITY, f64::max);
        let top = boxes
            .iter()
            .filter(|b| band[b.col] == bb)
            .map(|b| b.y)
            .fold(f64::INFINITY, f64::min);
        if !(above.is_finite() && top.is_finite()) {
            continue;
        }
        corridor_top[bb] = above + 14.0;
        let start = corridor_top[bb] + 12.0 + 10.0 * crossing[bb] as f64 + 14.0;
        for b in boxes.iter_mut().filter(|b| band[b.col] == bb) {
            b.y += start - top;
        }
    }
    let mut lane_used = vec![0usize; nbands];
    let mut entries = vec![0usize; ncols];

    // ---- arrows and their routes; back arrows get channels and lanes ----
    let mut chan_count: Vec<usize> = vec![0; ncols];
    let mut blocked: Vec<Vec<(f64, f64)>> = vec![Vec::new(); ncols];
    for (c, list) in columns.iter().enumerate() {
        for &bi in list {
            let b = &boxes[bi];
            blocked[c].push((b.y - 6.0, b.bottom() + 6.0));
        }
        // A lane stays inside its own band.
        let bb = band[c];
        if bb + 1 < nbands {
            blocked[c].push((corridor_top[bb + 1] - 8.0, f64::INFINITY));
        }
        if bb > 0 {
            blocked[c].push((f64::NEG_INFINITY, corridor_top[bb] + 8.0));
        }
    }
    let mut arrows: Vec<Arrow> = Vec::new();
    for e in &r.edges {
        let (sb, row) = src_box(e.src);
        let tb = e.to.map(|t| nf + t);
        let grey = boxes[sb].freed || tb.is_some_and(|t| boxes[t].freed);
        let route = match tb {
            None => Route::Missing,
            Some(t) => {
                let (cs, ct) = (boxes[sb].col, boxes[t].col);
                if band[cs] != band[ct] {
                    let down = band[ct] > band[cs];
                    let corridor = band[cs].max(band[ct]);
                    let lane = corridor_top[corridor] + 12.0 + 10.0 * lane_used[corridor] as f64;
                    lane_used[corridor] += 1;
                    let xs_k = chan_count[cs];
                    chan_count[cs] += 1;
                    let (mut xt_k, mut entry) = (0, 0.0);
                    if down {
                        entry = (14.0 + 7.0 * entries[ct] as f64).min(BAND_INDENT - 4.0);
                        entries[ct] += 1;
                    } else {
                        xt_k = chan_count[ct];
                        chan_count[ct] += 1;
                    }
                    Route::Cross {
                        xs_k,
                        lane,
                        down,
                        xt_k,
                        entry,
                    }
                } else if boxes[sb].is_frame || ct > cs {
                    Route::Forward
                } else if ct == cs {
                    let k = chan_count[cs];
                    chan_count[cs] += 1;
                    Route::Same { xs_k: k }
                } else {
                    let xs_k = chan_count[cs];
                    chan_count[cs] += 1;
                    let xt_k = chan_count[ct];
                    chan_count[ct] += 1;
                    let sy = boxes[sb].row_y(row);
                    let ty = boxes[t].y + HEAD / 2.0;
                    let lane = free_lane(&blocked[ct + 1..=cs], sy.min(ty), sy.max(ty));
                    for bl in &mut blocked[ct + 1..=cs] {
                        bl.push((lane - 6.0, lane + 6.0));
                    }
                    Route::Back { xs_k, xt_k, lane }
                }
            }
        };
        let drow = row.min(boxes[sb].rows.len());
        if let Some(d) = boxes[sb].dots.get_mut(drow) {
            *d = true;
        }
        arrows.push(Arrow {
            from: sb,
            row,
            to: tb,
            weak: e.weak,
            highlight: e.highlight,
            grey,
            route,
        });
    }

    // ---- horizontal placement ----
    let mut col_x: Vec<f64> = vec![0.0; ncols];
    let mut x = 0.0;
    for c in 0..ncols {
        if c > 0 && band[c] != band[c - 1] {
            x = BAND_INDENT;
        }
        col_x[c] = x;
        if col_w[c] > 0.0 {
            x += col_w[c] + CGAP + CHAN * chan_count[c] as f64;
        }
    }
    for b in &mut boxes {
        b.x = col_x[b.col];
    }
    let chan_x = |c: usize, k: usize| col_x[c] + col_w[c] + 14.0 + CHAN * k as f64;

    // ---- paths ----
    struct Drawn {
        d: String,
        head: (f64, f64, f64, f64),
        color: &'static str,
        dashed: bool,
        thick: bool,
        question: Option<(f64, f64)>,
    }
    let mut drawn: Vec<Drawn> = Vec::new();
    let (mut minx, mut miny, mut maxx, mut maxy) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for b in &boxes {
        minx = minx.min(b.x);
        maxx = maxx.max(b.right());
        miny = miny.min(b.y);
        maxy = maxy.max(b.bottom());
    }
    for a in &arrows {
        let s = &boxes[a.from];
        let (sx, sy) = (s.right() - PTR / 2.0, s.row_y(a.row));
        let color = if a.grey {
            C_GREY
        } else if a.highlight {
            C_PATH
        } else if a.weak {
            C_WEAK
        } else {
            C_EDGE
        };
        let d = match (&a.route, a.to) {
            (Route::Forward, Some(t)) => {
                let t = &boxes[t];
                let ty = t.y + HEAD / 2.0;
                let tx = t.x;
                let ex = tx - ARROW_L * 0.8;
                // Straight out to the right edge of the source's column (wider boxes
                // above or below it are not crossed), then a curve into the target.
                let cx = (col_x[s.col] + col_w[s.col]).max(sx).min(ex);
                let dx = ((ex - cx) * 0.5).max(12.0);
                let mut d = format!("M{} {}", n(sx), n(sy));
                if cx - sx > 0.5 {
                    let _ = write!(d, "H{}", n(cx));
                }
                let _ = write!(
                    d,
                    "C{} {} {} {} {} {}",
                    n(cx + dx),
                    n(sy),
                    n(ex - dx),
                    n(ty),
                    n(ex),
                    n(ty)
                );
                Drawn {
                    d,
                    head: (tx, ty, 1.0, 0.0),
                    color,
                    dashed: a.weak,
                    thick: a.highlight,
                    question: None,
                }
            }
            (Route::Same { xs_k }, Some(t)) => {
                let t = &boxes[t];
                let xs = chan_x(s.col, *xs_k);
                let ty = t.y + HEAD / 2.0;
                let tip = t.right();
                let pts = [(sx, sy), (xs, sy), (xs, ty), (tip + ARROW_L * 0.8, ty)];
                maxx = maxx.max(xs);
                Drawn {
                    d: rounded_path(&pts, 7.0),
                    head: (tip, ty, -1.0, 0.0),
                    color,
                    dashed: a.weak,
                    thick: a.highlight,
                    question: None,
                }
            }
            (Route::Back { xs_k, xt_k, lane }, Some(t)) => {
                let t = &boxes[t];
                let xs = chan_x(s.col, *xs_k);
                let xt = chan_x(t.col, *xt_k);
                let ty = t.y + HEAD / 2.0;
                let tip = t.right();
                let pts = [
                    (sx, sy),
                    (xs, sy),
                    (xs, *lane),
                    (xt, *lane),
                    (xt, ty),
                    (tip + ARROW_L * 0.8, ty),
                ];
                maxx = maxx.max(xs);
                miny = miny.min(*lane - 4.0);
                maxy = maxy.max(*lane + 4.0);
                Drawn {
                    d: rounded_path(&pts, 7.0),
                    head: (tip, ty, -1.0, 0.0),
                    color,
                    dashed: a.weak,
                    thick: a.highlight,
                    question: None,
                }
            }
            (
                Route::Cross {
                    xs_k,
                    lane,
                    down,
                    xt_k,
                    entry,
                },
                Some(t),
            ) => {
                let t = &boxes[t];
                let xs = chan_x(s.col, *xs_k);
                let ty = t.y + HEAD / 2.0;
                let (xe, tip, end, dir) = if *down {
                    let tip = t.x;
                    (tip - entry, tip, tip - ARROW_L * 0.8, 1.0)
                } else {
                    let tip = t.right();
                    (chan_x(t.col, *xt_k), tip, tip + ARROW_L * 0.8, -1.0)
                };
                let pts = [
                    (sx, sy),
                    (xs, sy),
                    (xs, *lane),
                    (xe, *lane),
                    (xe, ty),
                    (end, ty),
                ];
                maxx = maxx.max(xs).max(xe);
                Drawn {
                    d: rounded_path(&pts, 7.0),
                    head: (tip, ty, dir, 0.0),
                    color,
                    dashed: a.weak,
                    thick: a.highlight,
                    question: None,
                }
            }
            _ => {
                let end = s.right() + 18.0;
                maxx = maxx.max(end + 14.0);
                Drawn {
                    d: format!("M{} {}L{} {}", n(sx), n(sy), n(end - ARROW_L * 0.8), n(sy)),
                    head: (end, sy, 1.0, 0.0),
                    color: C_MUTED,
                    dashed: a.weak,
                    thick: a.highlight,
                    question: Some((end + 3.0, sy)),
                }
            }
        };
        drawn.push(d);
    }

    // ---- legend: the marks actually used ----
    let any = |f: &dyn Fn(&ObjView) -> bool| g.objects.iter().any(f);
    let mut legend: Vec<LegendItem> = Vec::new();
    if any(&|o| o.unreachable) {
        legend.push(LegendItem::Unreachable);
    }
    if any(&|o| o.in_cycle) {
        legend.push(LegendItem::Cycle);
    }
    if any(&|o| o.gc_refs.is_some()) {
        legend.push(LegendItem::GcRefs);
    }
    if any(&|o| o.freed) {
        legend.push(LegendItem::Freed);
    }
    if arrows.iter().any(|a| a.weak) {
        legend.push(LegendItem::Weak);
    }
    if arrows.iter().any(|a| a.highlight) {
        legend.push(LegendItem::Path);
    }
    if arrows.iter().any(|a| a.to.is_none()) {
        legend.push(LegendItem::Missing);
    }

    // ---- canvas ----
    const M: f64 = 14.0;
    let title = g.title.as_ref().map(|t| truncate(t, 100));
    let title_h = if title.is_some() { 26.0 } else { 0.0 };
    let headings_h = if boxes.is_empty() { 0.0 } else { 20.0 };
    let content_w = if boxes.is_empty() { 160.0 } else { maxx - minx };
    let content_h = if boxes.is_empty() { 30.0 } else { maxy - miny };
    let ox = M - minx;
    let oy = M + title_h + headings_h - miny;
    let title_w = title.as_ref().map_or(0.0, |t| sans_w(t, 15.0));
    let legend_avail = content_w.max(title_w).max(420.0);
    let (legend_lines, legend_w) = layout_legend(&legend, legend_avail);
    let legend_h = if legend.is_empty() {
        0.0
    } else {
        14.0 + 22.0 * legend_lines.len() as f64
    };
    let width = content_w.max(title_w).max(legend_w) + 2.0 * M;
    let height = M + title_h + headings_h + content_h + legend_h + M;

    let svg_title = match &title {
        Some(t) => t.clone(),
        None => format!("Heap: {} frames, {} objects", nf, no),
    };
    let desc = g.describe().replace('\n', "; ");
    let mut out = String::new();
    svg_open(&mut out, width, height, &svg_title, &desc);
    if let Some(t) = &title {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"bold\">{}</text>",
            n(M),
            n(M + 15.0),
            esc(t)
        );
    }
    if boxes.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"{C_MUTED}\" font-style=\"italic\">(nothing to show)</text>",
            n(M),
            n(M + title_h + 18.0)
        );
    } else {
        let hy = M + title_h + 12.0;
        if nf > 0 {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"{C_MUTED}\" font-size=\"11.5\">Frames</text>",
                n(ox + col_x[0]),
                n(hy)
            );
        }
        if no > 0 && ncols > 1 {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"{C_MUTED}\" font-size=\"11.5\">Objects</text>",
                n(ox + col_x[1]),
                n(hy)
            );
        }
    }
    let _ = writeln!(
        out,
        "<g transform=\"translate({} {})\" font-family=\"{MONO}\" font-size=\"{}\">",
        n(ox),
        n(oy),
        n(FS)
    );
    for b in &boxes {
        draw_box(&mut out, b);
    }
    // Highlighted arrows last, on top of the others.
    for d in drawn
        .iter()
        .filter(|d| !d.thick)
        .chain(drawn.iter().filter(|d| d.thick))
    {
        let dash = if d.dashed {
            " stroke-dasharray=\"5 3\""
        } else {
            ""
        };
        let width = if d.thick { "2.6" } else { "1.4" };
        let _ = writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\"{dash}/>",
            d.d, d.color
        );
        arrowhead(&mut out, d.head.0, d.head.1, d.head.2, d.head.3, d.color);
        if let Some((qx, qy)) = d.question {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" fill=\"{C_MUTED}\">?</text>",
                n(qx),
                n(qy)
            );
        }
    }
    for b in &boxes {
        for (i, &has) in b.dots.iter().enumerate() {
            if has {
                let color = if b.freed { C_GREY } else { C_EDGE };
                let _ = writeln!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"3.2\" fill=\"{color}\"/>",
                    n(b.right() - PTR / 2.0),
                    n(b.row_y(i))
                );
            }
        }
    }
    out.push_str("</g>\n");
    if !legend.is_empty() {
        let y0 = M + title_h + headings_h + content_h + 14.0;
        draw_legend(&mut out, &legend_lines, M, y0);
    }
    out.push_str("</svg>\n");
    out
}

/// Which band each column goes in. One band, unless the columns (with the channels their
/// same-column and back arrows will need) are wider than [`WRAP_AT`]: then the columns are
/// split in two bands, the second drawn below the first, where the split leaves both bands
/// within [`WRAP_AT`] and the fewest arrows crossing between them (at most
/// [`MAX_CROSSING`]). If no such split exists, each band takes as many columns as fit
/// (a long chain), provided every arrow joins neighbouring bands and at most
/// [`MAX_CROSSING`] cross each boundary; otherwise the picture stays whole, and wide.
/// `links` are the arrows as (source column, target column, from a frame).
fn split_bands(col_w: &[f64], links: &[(usize, usize, bool)]) -> Vec<usize> {
    let n = col_w.len();
    let mut chans = vec![0usize; n];
    for &(cs, ct, frame) in links {
        if !frame && ct <= cs {
            chans[cs] += 1;
            if ct < cs {
                chans[ct] += 1;
            }
        }
    }
    // A column's share of the width: its box, its channels, the gap after it.
    let step = |c: usize| {
        if col_w[c] > 0.0 {
            col_w[c] + CGAP + CHAN * chans[c] as f64
        } else {
            0.0
        }
    };
    let width = |cols: std::ops::Range<usize>, start: f64| {
        start + cols.map(step).sum::<f64>() - CGAP + 14.0
    };
    let one = vec![0; n];
    if n < 3 || width(0..n, 0.0) <= WRAP_AT {
        return one;
    }
    // Split before column k: the first band keeps the frames and a column of objects.
    let mut best: Option<(usize, f64, usize)> = None; // (crossing, widest, k)
    for k in 2..n {
        let widest = width(0..k, 0.0).max(width(k..n, BAND_INDENT));
        if widest > WRAP_AT {
            continue;
        }
        let crossing = links
            .iter()
            .filter(|&&(cs, ct, _)| (cs < k) != (ct < k))
            .count();
        if crossing > MAX_CROSSING {
            continue;
        }
        let better = match best {
            None => true,
            Some((c, w, _)) => crossing < c || (crossing == c && widest < w),
        };
        if better {
            best = Some((crossing, widest, k));
        }
    }
    if let Some((_, _, k)) = best {
        return (0..n).map(|c| usize::from(c >= k)).collect();
    }
    // More than two bands (a long chain): as many columns in each as fit, provided every
    // arrow joins neighbouring bands and few cross each boundary.
    let mut band: Vec<usize> = vec![0; n];
    let (mut b, mut start) = (0usize, 0);
    for (c, slot) in band.iter_mut().enumerate() {
        let least = if b == 0 { 2 } else { 1 };
        let indent = if b == 0 { 0.0 } else { BAND_INDENT };
        if c - start >= least && width(start..c + 1, indent) > WRAP_AT {
            b += 1;
            start = c;
        }
        *slot = b;
    }
    let neighbours = links
        .iter()
        .all(|&(cs, ct, _)| band[cs].abs_diff(band[ct]) <= 1);
    let few = (1..=b).all(|bb| {
        links
            .iter()
            .filter(|&&(cs, ct, _)| band[cs].max(band[ct]) == bb && band[cs] != band[ct])
            .count()
            <= MAX_CROSSING
    });
    if neighbours && few {
        band
    } else {
        one
    }
}

/// A lane (a y) for a back arrow across columns whose boxes and lanes are `blocked`:
/// free, and as close as possible to `[lo, hi]` (inside it if there is room: centred in
/// the free stretch there).
fn free_lane(blocked: &[Vec<(f64, f64)>], lo: f64, hi: f64) -> f64 {
    let mut iv: Vec<(f64, f64)> = blocked.iter().flatten().copied().collect();
    iv.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    // Merge into disjoint blocked stretches.
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in iv {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    if merged.is_empty() {
        return (lo + hi) / 2.0;
    }
    let mut free: Vec<(f64, f64)> = Vec::new();
    free.push((f64::NEG_INFINITY, merged[0].0));
    for w in merged.windows(2) {
        if w[1].0 - w[0].1 >= 2.0 {
            free.push((w[0].1, w[1].0));
        }
    }
    free.push((merged[merged.len() - 1].1, f64::INFINITY));
    let mut best: Option<(f64, f64)> = None; // (cost, y)
    for (a, b) in free {
        let (ia, ib) = (a.max(lo), b.min(hi));
        let (cost, y) = if ia <= ib {
            // Room inside [lo, hi]: centre in the free stretch when it is bounded.
            let y = if a.is_finite() && b.is_finite() {
                clampf((a + b) / 2.0, ia, ib)
            } else if a.is_finite() {
                ia.max(a + 6.0)
            } else {
                ib.min(b - 6.0)
            };
            (0.0, y)
        } else if b < lo {
            let y = if a.is_finite() {
                (a + b) / 2.0
            } else {
                b - 6.0
            };
            (lo - y, y)
        } else {
            let y = if b.is_finite() {
                (a + b) / 2.0
            } else {
                a + 6.0
            };
            (y - hi, y)
        };
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, y));
        }
    }
    best.map_or((lo + hi) / 2.0, |(_, y)| y)
}

fn draw_box(out: &mut String, b: &Bx) {
    let (stroke, head_fill, dash, sw) = if b.is_frame {
        (C_FRAME_LINE, C_FRAME_HEAD, "", "1.2")
    } else if b.unreachable {
        let head = if b.freed {
            C_FREED_HEAD
        } else {
            C_UNREACH_HEAD
        };
        (C_RED, head, " stroke-dasharray=\"6 3\"", "1.8")
    } else if b.freed {
        (C_GREY, C_FREED_HEAD, "", "1.2")
    } else {
        (C_OBJ_LINE, C_OBJ_HEAD, "", "1.2")
    };
    let text = if b.freed { C_GREY } else { C_TEXT };
    let opacity = if b.freed { " opacity=\"0.75\"" } else { "" };
    let _ = writeln!(out, "<g{opacity}>");
    let (x, y, w, h) = (b.x, b.y, b.w, b.h);
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\" stroke=\"none\"/>",
        n(x),
        n(y),
        n(w),
        n(h)
    );
    // Header band (rounded at the top only: a rounded rect plus a square strip).
    let _ = writeln!(
        out,
        "<path d=\"M{} {}V{}Q{} {} {} {}H{}Q{} {} {} {}V{}Z\" fill=\"{head_fill}\"/>",
        n(x),
        n(y + HEAD),
        n(y + 3.0),
        n(x),
        n(y),
        n(x + 3.0),
        n(y),
        n(x + w - 3.0),
        n(x + w),
        n(y),
        n(x + w),
        n(y + 3.0),
        n(y + HEAD)
    );
    let head_y = y + HEAD / 2.0;
    let (bold, rest) = split_at_chars(&b.head, b.head_bold);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" fill=\"{text}\"><tspan font-weight=\"bold\">{}</tspan>{}</text>",
        n(x + PAD),
        n(head_y),
        esc(&bold),
        esc(&rest)
    );
    let mut ry = y + HEAD;
    let divider = |out: &mut String, yy: f64| {
        let _ = writeln!(
            out,
            "<path d=\"M{} {}H{}\" stroke=\"{stroke}\" stroke-opacity=\"0.45\" stroke-width=\"1\"/>",
            n(x),
            n(yy),
            n(x + w)
        );
    };
    divider(out, ry);
    if let Some((l, muted)) = &b.label {
        let (fill, style) = if *muted {
            (C_MUTED, " font-style=\"italic\"")
        } else {
            (text, "")
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" fill=\"{fill}\"{style}>{}</text>",
            n(x + PAD),
            n(ry + ROW / 2.0),
            esc(l)
        );
        ry += ROW;
    }
    let n_ptr_rows = b.rows.len() + usize::from(b.more > 0);
    for i in 0..n_ptr_rows {
        if i > 0 || b.label.is_some() {
            divider(out, ry);
        }
        let t = match b.rows.get(i) {
            Some(r) => r.clone(),
            None => more_text(b.more),
        };
        let fill = if i < b.rows.len() { text } else { C_MUTED };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" fill=\"{fill}\">{}</text>",
            n(x + PAD),
            n(ry + ROW / 2.0),
            esc(&t)
        );
        let _ = writeln!(
            out,
            "<path d=\"M{} {}V{}\" stroke=\"{stroke}\" stroke-opacity=\"0.45\" stroke-width=\"1\"/>",
            n(x + w - PTR),
            n(ry),
            n(ry + ROW)
        );
        ry += ROW;
    }
    if let Some(s) = &b.state {
        divider(out, ry);
        let low = s.to_ascii_lowercase();
        let fill = if b.freed {
            C_GREY
        } else if low.contains("unreachable") {
            C_RED
        } else if low.contains("reachable") {
            "#2e7d32"
        } else {
            C_MUTED
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" font-style=\"italic\" fill=\"{fill}\">{}</text>",
            n(x + PAD),
            n(ry + ROW / 2.0),
            esc(s)
        );
    }
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{sw}\"{dash}/>",
        n(x),
        n(y),
        n(w),
        n(h)
    );
    // Badges at the right end of the header row.
    let mut bx = x + w - PAD + 2.0;
    for badge in b.badges.iter().rev() {
        let bw = badge.width();
        bx -= bw;
        draw_badge(out, *badge, bx, head_y);
        bx -= 4.0;
    }
    out.push_str("</g>\n");
}

fn draw_badge(out: &mut String, badge: Badge, x: f64, cy: f64) {
    draw_pill(out, badge.colors(), x, cy, badge.width(), &badge.text());
}

/// A badge's rounded box and centred label (also the legend's sample of a badge).
fn draw_pill(out: &mut String, colors: (&str, &str, &str), x: f64, cy: f64, w: f64, label: &str) {
    let (fill, stroke, text) = colors;
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
        n(x),
        n(cy - BADGE_H / 2.0),
        n(w),
        n(BADGE_H),
        n(BADGE_H / 2.0)
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" text-anchor=\"middle\" font-family=\"{MONO}\" font-size=\"{}\" fill=\"{text}\">{}</text>",
        n(x + w / 2.0),
        n(cy),
        n(BADGE_FS),
        esc(label)
    );
}

fn split_at_chars(s: &str, k: usize) -> (String, String) {
    let a: String = s.chars().take(k).collect();
    let b: String = s.chars().skip(k).collect();
    (a, b)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LegendItem {
    Unreachable,
    Cycle,
    GcRefs,
    Freed,
    Weak,
    Path,
    Missing,
}

impl LegendItem {
    fn text(self) -> &'static str {
        match self {
            LegendItem::Unreachable => "unreachable from every frame",
            LegendItem::Cycle => "part of a reference cycle",
            LegendItem::GcRefs => "references from outside the set being collected",
            LegendItem::Freed => "just deallocated",
            LegendItem::Weak => "weak reference (does not count)",
            LegendItem::Path => "back-reference chain",
            LegendItem::Missing => "refers to an object not drawn",
        }
    }
    fn swatch_w(self) -> f64 {
        match self {
            LegendItem::Cycle => Badge::Cycle.width(),
            LegendItem::GcRefs => Badge::GcRefs(0).width() - BADGE_CW,
            _ => 26.0,
        }
    }
    fn width(self) -> f64 {
        self.swatch_w() + 6.0 + sans_w(self.text(), 12.0) + 22.0
    }
}

/// Legend items in lines no wider than `avail`; returns the lines and the widest.
fn layout_legend(items: &[LegendItem], avail: f64) -> (Vec<Vec<LegendItem>>, f64) {
    let mut lines: Vec<Vec<LegendItem>> = Vec::new();
    let mut cur: Vec<LegendItem> = Vec::new();
    let mut cur_w = 0.0;
    let mut widest: f64 = 0.0;
    for &it in items {
        let w = it.width();
        if !cur.is_empty() && cur_w + w > avail {
            widest = widest.max(cur_w);
            lines.push(std::mem::take(&mut cur));
            cur_w = 0.0;
        }
        cur.push(it);
        cur_w += w;
    }
    if !cur.is_empty() {
        widest = widest.max(cur_w);
        lines.push(cur);
    }
    (lines, widest)
}

fn draw_legend(out: &mut String, lines: &[Vec<LegendItem>], x0: f64, y0: f64) {
    let _ = writeln!(out, "<g font-size=\"12\">");
    for (li, line) in lines.iter().enumerate() {
        let cy = y0 + 11.0 + 22.0 * li as f64;
        let mut x = x0;
        for &it in line {
            match it {
                LegendItem::Unreachable => {
                    let _ = writeln!(
                        out,
                        "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"14\" rx=\"2\" fill=\"{C_UNREACH_HEAD}\" stroke=\"{C_RED}\" stroke-width=\"1.8\" stroke-dasharray=\"6 3\"/>",
                        n(x + 1.0),
                        n(cy - 7.0)
                    );
                }
                LegendItem::Cycle => draw_badge(out, Badge::Cycle, x, cy),
                LegendItem::GcRefs => draw_pill(
                    out,
                    Badge::GcRefs(0).colors(),
                    x,
                    cy,
                    it.swatch_w(),
                    "gc_refs",
                ),
                LegendItem::Freed => {
                    let _ = writeln!(
                        out,
                        "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"14\" rx=\"2\" fill=\"{C_FREED_HEAD}\" stroke=\"{C_GREY}\" stroke-width=\"1.2\"/>",
                        n(x + 1.0),
                        n(cy - 7.0)
                    );
                }
                LegendItem::Weak | LegendItem::Path | LegendItem::Missing => {
                    let color = match it {
                        LegendItem::Weak => C_WEAK,
                        LegendItem::Path => C_PATH,
                        _ => C_MUTED,
                    };
                    let width = if it == LegendItem::Path { "2.6" } else { "1.4" };
                    let dash = if it == LegendItem::Weak {
                        " stroke-dasharray=\"5 3\""
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "<path d=\"M{} {}H{}\" stroke=\"{color}\" stroke-width=\"{width}\"{dash}/>",
                        n(x),
                        n(cy),
                        n(x + 18.0)
                    );
                    arrowhead(out, x + 26.0, cy, 1.0, 0.0, color);
                }
            }
            let tx = x + it.swatch_w() + 6.0;
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" fill=\"{C_TEXT}\">{}</text>",
                n(tx),
                n(cy),
                esc(it.text())
            );
            x += it.width();
        }
    }
    out.push_str("</g>\n");
}

// ======================================================================================
// Line charts
// ======================================================================================

/// One line of a [`Plot`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Shown in the legend.
    pub name: String,
    /// `(x, y)` points in drawing order; non-finite ones are skipped.
    pub points: Vec<(f64, f64)>,
}

/// A line chart of numbers that move over time, e.g. the generation-0 count while
/// allocating (with collections as markers) or a list's allocated size over appends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plot {
    /// Drawn above the chart.
    pub title: String,
    /// Under the x axis.
    pub x_label: String,
    /// Beside the y axis.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
    /// Vertical lines at an x, e.g. `(700.0, "gen-0 collection")`; each distinct label
    /// has its own colour and one legend entry.
    pub markers: Vec<(f64, String)>,
    /// Draw as a step function (the value holds until the next point).
    pub step: bool,
}

const SERIES_COLORS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];
const SERIES_DASH: [&str; 4] = ["", "7 3", "2 3", "7 3 2 3"];
const MARKER_COLORS: [&str; 4] = ["#8e44ad", "#d35400", "#16a085", "#7f8c8d"];

/// An axis: its range and ticks at a 1-2-5 step.
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
    decimals: usize,
    group: bool,
}

impl Axis {
    /// An axis covering `[min, max]` (already finite, `min <= max`).
    fn new(min: f64, max: f64, zero_ok: bool) -> Axis {
        let (mut lo, mut hi) = (min, max);
        if !(lo.is_finite() && hi.is_finite()) || lo > hi {
            lo = 0.0;
            hi = 1.0;
        }
        if zero_ok {
            // Measurements that are all positive (or all negative) start at zero, unless
            // that would squash them into a thin band.
            if lo >= 0.0 && lo <= hi / 3.0 {
                lo = 0.0;
            } else if hi <= 0.0 && hi >= lo / 3.0 {
                hi = 0.0;
            }
        }
        if hi - lo <= f64::EPSILON * lo.abs().max(hi.abs()).max(1e-300) {
            let v = lo;
            if v == 0.0 {
                lo = 0.0;
                hi = 1.0;
            } else if zero_ok && v > 0.0 {
                lo = 0.0;
                hi = v * 1.2;
            } else if zero_ok && v < 0.0 {
                lo = v * 1.2;
                hi = 0.0;
            } else {
                let pad = v.abs().max(1.0) * 0.1;
                lo = v - pad;
                hi = v + pad;
            }
        }
        let mut step = nice_step((hi - lo) / 5.0);
        if !(step.is_finite() && step > 0.0) {
            step = 1.0;
        }
        let mut t0 = (lo / step).floor() * step;
        let mut t1 = (hi / step).ceil() * step;
        if !(t0.is_finite() && t1.is_finite()) || t1 <= t0 {
            t0 = lo;
            t1 = if hi > lo { hi } else { lo + 1.0 };
        }
        let count = ((t1 - t0) / step).round();
        let count = if count.is_finite() && count >= 1.0 {
            (count as usize).min(60)
        } else {
            1
        };
        let ticks: Vec<f64> = (0..=count)
            .map(|k| {
                let v = t0 + step * k as f64;
                if v.abs() < step * 1e-9 {
                    0.0
                } else {
                    v
                }
            })
            .collect();
        let decimals = if step >= 1.0 {
            0
        } else {
            let d = -step.log10().floor();
            if d.is_finite() {
                (d as usize).min(12)
            } else {
                0
            }
        };
        let span = t0.abs().max(t1.abs());
        Axis {
            lo: t0,
            hi: t1,
            ticks,
            decimals,
            group: span >= 10_000.0,
        }
    }

    fn frac(&self, v: f64) -> f64 {
        let span = self.hi - self.lo;
        if span > 0.0 && span.is_finite() {
            (v - self.lo) / span
        } else {
            0.5
        }
    }

    fn label(&self, v: f64) -> String {
        fmt_tick(v, self.decimals, self.group)
    }
}

/// The 1-2-5 step nearest above `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// A tick label: fixed decimals, thousands grouped with commas when the axis is large.
fn fmt_tick(v: f64, decimals: usize, group: bool) -> String {
    if !v.is_finite() {
        return "?".to_string();
    }
    if v.abs() >= 1e15 {
        return format!("{v:e}");
    }
    let s = format!("{v:.decimals$}");
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s.as_str()),
    };
    let (int, frac) = match rest.find('.') {
        Some(p) => rest.split_at(p),
        None => (rest, ""),
    };
    let int = if group {
        let digits: Vec<char> = int.chars().collect();
        let mut g = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                g.push(',');
            }
            g.push(*c);
        }
        g
    } else {
        int.to_string()
    };
    let all_zero = int
        .chars()
        .chain(frac.chars())
        .all(|c| matches!(c, '0' | '.' | ','));
    let sign = if all_zero { "" } else { sign };
    format!("{sign}{int}{frac}")
}

impl Plot {
    fn finite_series(&self) -> Vec<Vec<(f64, f64)>> {
        self.series
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .copied()
                    .filter(|(x, y)| x.is_finite() && y.is_finite())
                    .collect()
            })
            .collect()
    }

    fn marker_groups(&self) -> Vec<(String, Vec<f64>)> {
        let mut groups: Vec<(String, Vec<f64>)> = Vec::new();
        for (x, label) in &self.markers {
            if !x.is_finite() {
                continue;
            }
            let label = truncate(label, 40);
            match groups.iter_mut().find(|(l, _)| *l == label) {
                Some((_, xs)) => xs.push(*x),
                None => groups.push((label, vec![*x])),
            }
        }
        groups
    }

    fn axes(&self) -> (Axis, Axis) {
        let pts = self.finite_series();
        let xs = pts
            .iter()
            .flatten()
            .map(|p| p.0)
            .chain(self.markers.iter().map(|m| m.0).filter(|x| x.is_finite()));
        let ys = pts.iter().flatten().map(|p| p.1);
        let range = |it: &mut dyn Iterator<Item = f64>| {
            it.fold(None, |acc: Option<(f64, f64)>, v| match acc {
                None => Some((v, v)),
                Some((a, b)) => Some((a.min(v), b.max(v))),
            })
        };
        let (x0, x1) = range(&mut { xs }).unwrap_or((0.0, 1.0));
        let (y0, y1) = range(&mut { ys }).unwrap_or((0.0, 1.0));
        (Axis::new(x0, x1, false), Axis::new(y0, y1, true))
    }

    /// A short text description: the axes, each series' extent and the markers.
    pub fn describe(&self) -> String {
        let mut lines = Vec::new();
        let (ax, ay) = self.axes();
        lines.push(format!(
            "plot: {}; x: {} ({} to {}); y: {} ({} to {})",
            truncate(&self.title, 100),
            truncate(&self.x_label, 60),
            fmt_val(ax.lo),
            fmt_val(ax.hi),
            truncate(&self.y_label, 60),
            fmt_val(ay.lo),
            fmt_val(ay.hi)
        ));
        for (s, pts) in self.series.iter().zip(self.finite_series()) {
            let name = truncate(&s.name, 40);
            match (pts.first(), pts.last()) {
                (Some(first), Some(last)) => {
                    let ymin = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
                    let ymax = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
                    lines.push(format!(
                        "series {name}: {} point{}{}, from ({}, {}) to ({}, {}), y between {} and {}",
                        pts.len(),
                        if pts.len() == 1 { "" } else { "s" },
                        if self.step { " (steps)" } else { "" },
                        fmt_val(first.0),
                        fmt_val(first.1),
                        fmt_val(last.0),
                        fmt_val(last.1),
                        fmt_val(ymin),
                        fmt_val(ymax)
                    ));
                }
                _ => lines.push(format!("series {name}: no points")),
            }
        }
        for (label, xs) in self.marker_groups() {
            let shown: Vec<String> = xs.iter().take(12).map(|x| fmt_val(*x)).collect();
            let more = if xs.len() > 12 {
                format!(" and {} more", xs.len() - 12)
            } else {
                String::new()
            };
            lines.push(format!("markers {label}: x = {}{more}", shown.join(", ")));
        }
        lines.join("\n")
    }

    /// The chart as one SVG document (inline-able; see the module documentation).
    pub fn to_svg(&self) -> String {
        const W: f64 = 680.0;
        const M: f64 = 14.0;
        const PH: f64 = 240.0;
        let (ax, ay) = self.axes();
        let pts = self.finite_series();
        let groups = self.marker_groups();
        let title = truncate(&self.title, 90);
        let x_label = truncate(&self.x_label, 90);
        let y_label = truncate(&self.y_label, 60);

        // Legend entries: series, then marker groups.
        struct Entry {
            text: String,
            color: &'static str,
            dash: &'static str,
            marker: bool,
        }
        let mut entries: Vec<Entry> = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            entries.push(Entry {
                text: truncate(&s.name, 40),
                color: SERIES_COLORS[i % SERIES_COLORS.len()],
                dash: SERIES_DASH[(i / SERIES_COLORS.len() + i) % SERIES_DASH.len()],
                marker: false,
            });
        }
        for (i, (label, xs)) in groups.iter().enumerate() {
            let text = if xs.len() > 1 {
                format!("{label} (×{})", xs.len())
            } else {
                label.clone()
            };
            entries.push(Entry {
                text,
                color: MARKER_COLORS[i % MARKER_COLORS.len()],
                dash: "4 3",
                marker: true,
            });
        }
        let title_h = if title.is_empty() { 0.0 } else { 24.0 };
        // Lay the legend out in lines.
        let mut legend_pos: Vec<(f64, f64)> = Vec::new();
        let (mut lx, mut ly) = (M, M + title_h + 10.0);
        let mut widest: f64 = 0.0;
        for e in &entries {
            let w = 26.0 + sans_w(&e.text, 12.0) + 18.0;
            if lx > M && lx + w > W - M {
                lx = M;
                ly += 20.0;
            }
            legend_pos.push((lx, ly));
            lx += w;
            widest = widest.max(lx);
        }
        let legend_h = if entries.is_empty() {
            0.0
        } else {
            ly - (M + title_h) + 14.0
        };

        let y_labels: Vec<String> = ay.ticks.iter().map(|&t| ay.label(t)).collect();
        let ytick_w = y_labels
            .iter()
            .map(|l| text_cols(l) as f64 * 6.8)
            .fold(0.0, f64::max);
        let left = M + if y_label.is_empty() { 0.0 } else { 20.0 } + ytick_w + 10.0;
        let top = M + title_h + legend_h + 12.0;
        let x_labels: Vec<String> = ax.ticks.iter().map(|&t| ax.label(t)).collect();
        let last_xl = x_labels.last().map_or(0.0, |l| text_cols(l) as f64 * 3.4);
        let right = 16.0 + last_xl;
        let width = W.max(widest + M);
        let pw = (width - left - right).max(60.0);
        let bottom = top + PH;
        let height = bottom + 24.0 + if x_label.is_empty() { 0.0 } else { 20.0 } + M;
        let px = |x: f64| left + ax.frac(x) * pw;
        let py = |y: f64| bottom - ay.frac(y) * PH;

        let mut out = String::new();
        let svg_title = if title.is_empty() {
            "chart".to_string()
        } else {
            title.clone()
        };
        svg_open(
            &mut out,
            width,
            height,
            &svg_title,
            &self.describe().replace('\n', "; "),
        );
        if !title.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"bold\">{}</text>",
                n(M),
                n(M + 15.0),
                esc(&title)
            );
        }
        // Grid and tick labels.
        for (t, l) in ay.ticks.iter().zip(&y_labels) {
            let y = py(*t);
            let _ = writeln!(
                out,
                "<path d=\"M{} {}H{}\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>",
                n(left),
                n(y),
                n(left + pw)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"central\" font-size=\"11.5\" fill=\"#444444\">{}</text>",
                n(left - 6.0),
                n(y),
                esc(l)
            );
        }
        for (t, l) in ax.ticks.iter().zip(&x_labels) {
            let x = px(*t);
            let _ = writeln!(
                out,
                "<path d=\"M{} {}V{}\" stroke=\"#f0f0f0\" stroke-width=\"1\"/>",
                n(x),
                n(top),
                n(bottom)
            );
            let _ = writeln!(
                out,
                "<path d=\"M{} {}V{}\" stroke=\"#555555\" stroke-width=\"1\"/>",
                n(x),
                n(bottom),
                n(bottom + 4.0)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11.5\" fill=\"#444444\">{}</text>",
                n(x),
                n(bottom + 17.0),
                esc(l)
            );
        }
        // Axes.
        let _ = writeln!(
            out,
            "<path d=\"M{} {}V{}H{}\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1\"/>",
            n(left),
            n(top),
            n(bottom),
            n(left + pw)
        );
        if !x_label.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
                n(left + pw / 2.0),
                n(bottom + 38.0),
                esc(&x_label)
            );
        }
        if !y_label.is_empty() {
            let (x, y) = (M + 8.0, top + PH / 2.0);
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" transform=\"rotate(-90 {} {})\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"12\">{}</text>",
                n(x),
                n(y),
                n(x),
                n(y),
                esc(&y_label)
            );
        }
        // Markers under the lines.
        for (i, (_, xs)) in groups.iter().enumerate() {
            let color = MARKER_COLORS[i % MARKER_COLORS.len()];
            for &x in xs {
                let _ = writeln!(
                    out,
                    "<path d=\"M{} {}V{}\" stroke=\"{color}\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>",
                    n(px(x)),
                    n(top),
                    n(bottom)
                );
            }
        }
        // The series.
        for (i, p) in pts.iter().enumerate() {
            let color = SERIES_COLORS[i % SERIES_COLORS.len()];
            let dash = SERIES_DASH[(i / SERIES_COLORS.len() + i) % SERIES_DASH.len()];
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(" stroke-dasharray=\"{dash}\"")
            };
            if p.len() >= 2 {
                let mut d = String::new();
                for (k, &(x, y)) in p.iter().enumerate() {
                    if k == 0 {
                        let _ = write!(d, "M{} {}", n(px(x)), n(py(y)));
                    } else if self.step {
                        let _ = write!(d, "H{}V{}", n(px(x)), n(py(y)));
                    } else {
                        let _ = write!(d, "L{} {}", n(px(x)), n(py(y)));
                    }
                }
                let _ = writeln!(
                    out,
                    "<path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-linejoin=\"round\"{dash}/>"
                );
            }
            if p.len() == 1 || (p.len() <= 40 && !self.step) {
                let r = if p.len() == 1 { 3.5 } else { 2.6 };
                for &(x, y) in p {
                    let _ = writeln!(
                        out,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{r}\" fill=\"{color}\"/>",
                        n(px(x)),
                        n(py(y))
                    );
                }
            }
        }
        if pts.iter().all(|p| p.is_empty()) {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{C_MUTED}\" font-style=\"italic\">(no data)</text>",
                n(left + pw / 2.0),
                n(top + PH / 2.0)
            );
        }
        // Legend.
        for (e, (x, y)) in entries.iter().zip(&legend_pos) {
            let cy = y + 6.0;
            if e.marker {
                let _ = writeln!(
                    out,
                    "<path d=\"M{} {}V{}\" stroke=\"{}\" stroke-width=\"1.2\" stroke-dasharray=\"3 2\"/>",
                    n(x + 11.0),
                    n(cy - 7.0),
                    n(cy + 7.0),
                    e.color
                );
            } else {
                let dash = if e.dash.is_empty() {
                    String::new()
                } else {
                    format!(" stroke-dasharray=\"{}\"", e.dash)
                };
                let _ = writeln!(
                    out,
                    "<path d=\"M{} {}H{}\" stroke=\"{}\" stroke-width=\"2\"{dash}/>",
                    n(*x),
                    n(cy),
                    n(x + 22.0),
                    e.color
                );
            }
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" font-size=\"12\">{}</text>",
                n(x + 26.0),
                n(cy),
                esc(&e.text)
            );
        }
        out.push_str("</svg>\n");
        out
    }
}

// ======================================================================================
// The allocator map
// ======================================================================================

/// pymalloc's arenas, one row of pool cells each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArenaMap {
    /// The arenas, top to bottom.
    pub arenas: Vec<ArenaRow>,
}

/// One arena: 64 pools of 16 KiB in a 1 MiB arena (3.11), or 64 pools of 4 KiB in a
/// 256 KiB arena (the older geometry).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArenaRow {
    /// E.g. `"arena 0"`.
    pub label: String,
    /// The pools in address order.
    pub pools: Vec<PoolCell>,
}

/// One pool: its size class and how many of its blocks are in use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolCell {
    /// Block size in bytes; `None`: a free pool.
    pub size_class: Option<usize>,
    /// Blocks in use.
    pub used: usize,
    /// Blocks the pool can hold.
    pub total: usize,
}

impl PoolCell {
    fn fill(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.used.min(self.total) as f64) / (self.total as f64)
        }
    }
}

/// White to blue by `f` in `[0, 1]`.
fn shade(f: f64) -> String {
    let f = clampf(f, 0.0, 1.0);
    let (r0, g0, b0) = (255.0, 255.0, 255.0);
    let (r1, g1, b1) = (21.0, 101.0, 192.0);
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

impl ArenaMap {
    /// A short text description: per arena, its pools in use by size class, and the free ones.
    pub fn describe(&self) -> String {
        if self.arenas.is_empty() {
            return "(no arenas)".to_string();
        }
        let mut lines = Vec::new();
        for a in &self.arenas {
            let mut by_size: BTreeMap<usize, (usize, usize, usize)> = BTreeMap::new();
            let mut free = 0;
            for p in &a.pools {
                match p.size_class {
                    Some(s) => {
                        let e = by_size.entry(s).or_insert((0, 0, 0));
                        e.0 += 1;
                        e.1 = e.1.saturating_add(p.used.min(p.total));
                        e.2 = e.2.saturating_add(p.total);
                    }
                    None => free += 1,
                }
            }
            let used: Vec<String> = by_size
                .iter()
                .map(|(s, (pools, u, t))| {
                    let pl = if *pools == 1 { "pool" } else { "pools" };
                    format!("{s} B: {pools} {pl}, {u}/{t} blocks")
                })
                .collect();
            let used = if used.is_empty() {
                "none in use".to_string()
            } else {
                format!("in use: {}", used.join("; "))
            };
            lines.push(format!(
                "{}: {} pools, {} free; {}",
                truncate(&a.label, 40),
                a.pools.len(),
                free,
                used
            ));
        }
        lines.join("\n")
    }

    /// The map as one SVG document: a row of cells per arena (wrapping after 32), each
    /// labelled with its block size and shaded by the share of its blocks in use.
    pub fn to_svg(&self) -> String {
        const M: f64 = 14.0;
        const CELL: f64 = 22.0;
        const STEP: f64 = 24.0;
        const PER_LINE: usize = 32;
        let labels: Vec<String> = self.arenas.iter().map(|a| truncate(&a.label, 24)).collect();
        let label_w = labels
            .iter()
            .map(|l| text_cols(l) as f64 * 7.4)
            .fold(0.0, f64::max)
            .max(text_cols("64/64 pools used") as f64 * 6.0)
            + 16.0;
        let max_pools = self.arenas.iter().map(|a| a.pools.len()).max().unwrap_or(0);
        let per_line = max_pools.clamp(1, PER_LINE);
        let title = "pymalloc arenas: pools by block size";
        let top = M + 28.0;
        let mut y = top;
        let mut rows_y = Vec::new();
        for a in &self.arenas {
            rows_y.push(y);
            let lines = a.pools.len().div_ceil(per_line).max(1);
            y += lines as f64 * STEP + 12.0;
        }
        let grid_w = per_line as f64 * STEP;
        let legend_y = y + 4.0;
        let legend_text =
            "number: block size in bytes; shade: share of its blocks in use; grey: free pool";
        let width =
            (M + label_w + grid_w + M).max(sans_w(legend_text, 11.5) + 5.0 * 26.0 + 2.0 * M);
        let height = legend_y + 22.0 + M;
        let mut out = String::new();
        svg_open(
            &mut out,
            width,
            height,
            title,
            &self.describe().replace('\n', "; "),
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"bold\">{}</text>",
            n(M),
            n(M + 15.0),
            esc(title)
        );
        if self.arenas.is_empty() {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" fill=\"{C_MUTED}\" font-style=\"italic\">(no arenas)</text>",
                n(M),
                n(top + 12.0)
            );
        }
        for ((a, label), &ry) in self.arenas.iter().zip(&labels).zip(&rows_y) {
            let in_use = a.pools.iter().filter(|p| p.size_class.is_some()).count();
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-family=\"{MONO}\" font-size=\"12.5\" font-weight=\"bold\">{}</text>",
                n(M),
                n(ry + 10.0),
                esc(label)
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"10.5\" fill=\"{C_MUTED}\">{}/{} pools used</text>",
                n(M),
                n(ry + 24.0),
                in_use,
                a.pools.len()
            );
            for (i, p) in a.pools.iter().enumerate() {
                let cx = M + label_w + (i % per_line) as f64 * STEP;
                let cy = ry + (i / per_line) as f64 * STEP;
                let tip = match p.size_class {
                    Some(s) => format!(
                        "pool {i}: {s}-byte blocks, {} of {} in use",
                        p.used, p.total
                    ),
                    None => format!("pool {i}: free"),
                };
                let (fill, stroke, text, fg) = match p.size_class {
                    Some(s) => {
                        let f = p.fill();
                        let fg = if f > 0.55 { "#ffffff" } else { C_TEXT };
                        (shade(f), "#1565c0", truncate(&s.to_string(), 4), fg)
                    }
                    None => ("#f1f1f1".to_string(), "#cfcfcf", String::new(), C_MUTED),
                };
                let _ = write!(
                    out,
                    "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{CELL}\" height=\"{CELL}\" rx=\"2\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
                    esc(&tip),
                    n(cx),
                    n(cy)
                );
                if !text.is_empty() {
                    let _ = write!(
                        out,
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" font-family=\"{MONO}\" font-size=\"8.5\" fill=\"{fg}\">{}</text>",
                        n(cx + CELL / 2.0),
                        n(cy + CELL / 2.0),
                        esc(&text)
                    );
                }
                out.push_str("</g>\n");
            }
        }
        // Legend: swatches for a free pool and 25/50/75/100% full.
        let mut lx = M;
        let cy = legend_y + 8.0;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"16\" rx=\"2\" fill=\"#f1f1f1\" stroke=\"#cfcfcf\"/>",
            n(lx),
            n(cy - 8.0)
        );
        lx += 22.0;
        for f in [0.25, 0.5, 0.75, 1.0] {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"16\" rx=\"2\" fill=\"{}\" stroke=\"#1565c0\"/>",
                n(lx),
                n(cy - 8.0),
                shade(f)
            );
            lx += 22.0;
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\" font-size=\"11.5\">{}</text>",
            n(lx + 4.0),
            n(cy),
            esc(legend_text)
        );
        out.push_str("</svg>\n");
        out
    }
}

/// The outlines of the boxes (frames and objects) of a heap picture: the
/// `<rect ... rx="3" fill="none" .../>` lines [`HeapGraph::to_svg`] writes, as
/// `[x, y, width, height]` (NaN for a missing attribute). For tests of the layout.
pub fn box_outlines(svg: &str) -> Vec<[f64; 4]> {
    let attr = |line: &str, key: &str| -> f64 {
        let key = format!(" {key}=\"");
        line.find(&key)
            .and_then(|at| line[at + key.len()..].split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    svg.lines()
        .filter(|l| l.starts_with("<rect ") && l.contains(" rx=\"3\" fill=\"none\""))
        .map(|l| {
            [
                attr(l, "x"),
                attr(l, "y"),
                attr(l, "width"),
                attr(l, "height"),
            ]
        })
        .collect()
}

/// Two boxes of a heap picture ([`box_outlines`]) that overlap, if any (a box with a
/// missing coordinate counts as overlapping everything).
pub fn overlapping_boxes(svg: &str) -> Option<([f64; 4], [f64; 4])> {
    let boxes = box_outlines(svg);
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a[0] + a[2] <= b[0]
                || b[0] + b[2] <= a[0]
                || a[1] + a[3] <= b[1]
                || b[1] + b[3] <= a[1];
            if !apart {
                return Some((*a, *b));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(
        key: ObjKey,
        t: &str,
        label: &str,
        refcnt: i64,
        fields: Vec<(&str, Option<ObjKey>)>,
    ) -> ObjView {
        ObjView {
            key,
            type_name: t.to_string(),
            label: label.to_string(),
            refcnt,
            size: 56,
            fields: fields
                .into_iter()
                .map(|(f, k)| (f.to_string(), k))
                .collect(),
            ..ObjView::default()
        }
    }

    fn edges_of(g: &mut HeapGraph) {
        let mut edges = Vec::new();
        for (fi, f) in g.frames.iter().enumerate() {
            for (vi, (_, k)) in f.vars.iter().enumerate() {
                edges.push(EdgeView {
                    from: EdgeFrom::Var { frame: fi, var: vi },
                    to: *k,
                    weak: false,
                    highlight: false,
                });
            }
        }
        for o in &g.objects {
            for (i, (_, t)) in o.fields.iter().enumerate() {
                if let Some(t) = t {
                    edges.push(EdgeView {
                        from: EdgeFrom::Field {
                            obj: o.key,
                            field: i,
                        },
                        to: *t,
                        weak: false,
                        highlight: false,
                    });
                }
            }
        }
        g.edges = edges;
    }

    /// `user_1` -> User -> Purchase_History -> User; with `deleted`, no name and both
    /// marked unreachable with gc_refs 0.
    fn user_cycle(deleted: bool) -> HeapGraph {
        let (u, p) = (0x7f00_1000, 0x7f00_2000);
        let mut user = obj(
            u,
            "User",
            "User",
            if deleted { 1 } else { 2 },
            vec![(".purchase_history", Some(p))],
        );
        let mut ph = obj(
            p,
            "Purchase_History",
            "Purchase_History",
            1,
            vec![(".user", Some(u))],
        );
        for o in [&mut user, &mut ph] {
            o.in_cycle = true;
            if deleted {
                o.unreachable = true;
                o.gc_refs = Some(0);
            }
        }
        let vars = if deleted {
            vec![]
        } else {
            vec![("user_1".to_string(), u)]
        };
        let mut g = HeapGraph {
            title: Some(if deleted {
                "After del user_1: the cycle keeps both alive".into()
            } else {
                "user_1 = User(); a Purchase_History refers back to it".into()
            }),
            frames: vec![FrameView {
                name: "Global frame".into(),
                vars,
            }],
            objects: vec![user, ph],
            edges: vec![],
        };
        edges_of(&mut g);
        g
    }

    /// Every line starts with `<` (no blank, no indented line), one `<svg>` root with the
    /// required attributes and a `<title>`, tags balanced, no NaN or infinity anywhere.
    fn check_inline(svg: &str) {
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.contains(" viewBox=\"0 0 ") && svg.contains(" height=\""));
        assert!(svg.lines().nth(1).is_some_and(|l| l.starts_with("<title>")));
        for line in svg.lines() {
            assert!(!line.trim().is_empty(), "blank line in {svg}");
            assert!(
                line.starts_with('<'),
                "line not starting with a tag: {line:?}"
            );
        }
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "non-finite number in {svg}"
        );
        // Tags balance; every `&` starts an entity.
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let Some(end) = rest[start..].find('>') else {
                panic!("unclosed tag")
            };
            let tag = &rest[start + 1..start + end];
            assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split(' ').next().unwrap_or("").to_string();
                stack.push(name);
            }
            rest = &rest[start + end + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        for (i, _) in svg.match_indices('&') {
            let ent = &svg[i..(i + 6).min(svg.len())];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| ent.starts_with(e)),
                "bare & at {ent}"
            );
        }
    }

    fn sample_plot() -> Plot {
        Plot {
            title: "gen-0 count".into(),
            x_label: "allocations".into(),
            y_label: "count".into(),
            series: vec![Series {
                name: "count".into(),
                points: (0..1500).map(|i| (i as f64, (i % 701) as f64)).collect(),
            }],
            markers: vec![
                (700.0, "gen-0 collection".into()),
                (1401.0, "gen-0 collection".into()),
            ],
            step: false,
        }
    }

    fn sample_arenas() -> ArenaMap {
        let pools = (0..64)
            .map(|i| {
                if i < 5 {
                    PoolCell {
                        size_class: Some(16 * (i + 1)),
                        used: i * 10,
                        total: 16384 / (16 * (i + 1)),
                    }
                } else {
                    PoolCell::default()
                }
            })
            .collect();
        ArenaMap {
            arenas: vec![ArenaRow {
                label: "arena 0".into(),
                pools,
            }],
        }
    }

    #[test]
    fn same_input_same_bytes() {
        let g = user_cycle(false);
        assert_eq!(g.to_svg(), g.clone().to_svg());
        assert_eq!(g.to_dot(), g.clone().to_dot());
        assert_eq!(g.describe(), g.clone().describe());
        let p = sample_plot();
        assert_eq!(p.to_svg(), p.clone().to_svg());
        let a = sample_arenas();
        assert_eq!(a.to_svg(), a.clone().to_svg());
    }

    #[test]
    fn every_picture_is_inline_able() {
        for g in [user_cycle(false), user_cycle(true), HeapGraph::default()] {
            check_inline(&g.to_svg());
        }
        check_inline(&sample_plot().to_svg());
        check_inline(&sample_arenas().to_svg());
        check_inline(&ArenaMap::default().to_svg());
        check_inline(&Plot::default().to_svg());
    }

    #[test]
    fn text_is_escaped() {
        let nasty = "<&>\"' x</text>";
        let mut g = HeapGraph {
            title: Some(nasty.into()),
            frames: vec![FrameView {
                name: nasty.into(),
                vars: vec![(nasty.into(), 1)],
            }],
            objects: vec![obj(1, nasty, nasty, 1, vec![(nasty, Some(1))])],
            edges: vec![],
        };
        g.objects[0].gc_state = Some(nasty.into());
        edges_of(&mut g);
        let svg = g.to_svg();
        check_inline(&svg);
        assert!(!svg.contains("<&>"));
        assert!(svg.contains("&lt;&amp;&gt;&quot;&#39;"));
        let p = Plot {
            title: nasty.into(),
            x_label: nasty.into(),
            y_label: nasty.into(),
            series: vec![Series {
                name: nasty.into(),
                points: vec![(0.0, 1.0), (1.0, 2.0)],
            }],
            markers: vec![(0.5, nasty.into())],
            step: true,
        };
        let svg = p.to_svg();
        check_inline(&svg);
        assert!(svg.contains("&lt;&amp;&gt;&quot;&#39;"));
        let a = ArenaMap {
            arenas: vec![ArenaRow {
                label: nasty.into(),
                pools: vec![PoolCell::default()],
            }],
        };
        check_inline(&a.to_svg());
        // DOT record labels escape their own specials.
        let dot = g.to_dot();
        assert!(dot.contains("\\<&\\>\\\"'"), "{dot}");
    }

    #[test]
    fn newlines_in_text_do_not_break_lines() {
        let g = HeapGraph {
            title: Some("two\n\nlines\r\n  indented".into()),
            objects: vec![obj(1, "str", "'a\nb'", 1, vec![("\n  x", None)])],
            ..HeapGraph::default()
        };
        check_inline(&g.to_svg());
        assert!(!g.describe().contains("\n\n"));
    }

    #[test]
    fn describe_three_object_cycle_with_one_name() {
        let mut g = HeapGraph {
            title: None,
            frames: vec![FrameView {
                name: "Global frame".into(),
                vars: vec![("a".into(), 10)],
            }],
            objects: vec![
                obj(10, "Node", "", 2, vec![(".next", Some(20))]),
                obj(20, "Node", "", 1, vec![(".next", Some(30))]),
                obj(30, "Node", "", 1, vec![(".next", Some(10))]),
            ],
            edges: vec![],
        };
        for o in &mut g.objects {
            o.in_cycle = true;
        }
        edges_of(&mut g);
        assert_eq!(
            g.describe(),
            "Global frame: a -> Node#1\n\
             Node#1 (refcnt 2, 56 bytes, in a cycle): .next -> Node#2\n\
             Node#2 (refcnt 1, 56 bytes, in a cycle): .next -> Node#3\n\
             Node#3 (refcnt 1, 56 bytes, in a cycle): .next -> Node#1"
        );
        let svg = g.to_svg();
        check_inline(&svg);
        // The description is the picture's alt text.
        assert!(svg.contains("<desc>Global frame: a -&gt; Node#1; Node#1"));
        assert!(svg.contains(">cycle</text>"));
    }

    #[test]
    fn overlapping_boxes_are_found() {
        let rect = |x: u32, y: u32| {
            format!("<rect x=\"{x}\" y=\"{y}\" width=\"50\" height=\"20\" rx=\"3\" fill=\"none\"/>")
        };
        let apart = [rect(0, 0), rect(60, 0), rect(0, 30)].join("\n");
        assert_eq!(box_outlines(&apart).len(), 3);
        assert_eq!(overlapping_boxes(&apart), None);
        let touching = [rect(0, 0), rect(40, 10)].join("\n");
        assert_eq!(
            overlapping_boxes(&touching),
            Some(([0.0, 0.0, 50.0, 20.0], [40.0, 10.0, 50.0, 20.0]))
        );
    }

    /// No two boxes of a picture overlap.
    fn check_no_overlap(svg: &str) {
        if let Some((a, b)) = overlapping_boxes(svg) {
            panic!("boxes overlap: {a:?} and {b:?}");
        }
    }

    /// `head` -> o1 -> o2 -> ... -> o7, each box wide: one row would be far too wide.
    fn long_chain() -> HeapGraph {
        let n = 7u64;
        let mut g = HeapGraph {
            frames: vec![FrameView {
                name: "Global frame".into(),
                vars: vec![("head".into(), 16)],
            }],
            ..HeapGraph::default()
        };
        for i in 1..=n {
            let next = (i < n).then_some((i + 1) * 16);
            g.objects.push(obj(
                i * 16,
                "SomewhatLongTypeName",
                "a label of some length",
                1,
                vec![(".next", next)],
            ));
        }
        edges_of(&mut g);
        g
    }

    #[test]
    fn a_long_chain_continues_below_itself() {
        let g = long_chain();
        let before = g.describe();
        let svg = g.to_svg();
        check_inline(&svg);
        check_no_overlap(&svg);
        let width: f64 = svg
            .split("width=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .expect("width");
        assert!(width <= WRAP_AT + 2.0 * 14.0, "width {width}");
        // Two bands: some box starts well below the first band's boxes.
        let ys: Vec<f64> = box_outlines(&svg).iter().map(|b| b[1]).collect();
        assert!(ys.iter().any(|&y| y > 100.0), "{ys:?}");
        assert_eq!(g.describe(), before, "wrapping changes only the drawing");
    }

    #[test]
    fn user_cycle_texts() {
        let g = user_cycle(false);
        assert_eq!(
            g.describe(),
            "title: user_1 = User(); a Purchase_History refers back to it\n\
             Global frame: user_1 -> User#1\n\
             User#1 (refcnt 2, 56 bytes, in a cycle): .purchase_history -> Purchase_History#2\n\
             Purchase_History#2 (refcnt 1, 56 bytes, in a cycle): .user -> User#1"
        );
        let d = user_cycle(true);
        assert!(d.describe().contains("Global frame: no names"));
        assert!(d
            .describe()
            .contains("User#1 (refcnt 1, 56 bytes, unreachable, in a cycle, gc_refs 0)"));
        let svg = d.to_svg();
        assert!(svg.contains("unreachable from every frame"));
        assert!(svg.contains("gc_refs 0"));
        // The legend lists only the marks used.
        assert!(!g.to_svg().contains("unreachable from every frame"));
        assert!(!svg.contains("weak reference"));
        let dot = d.to_dot();
        assert!(dot.contains("class=\"unreachable cycle\""));
        assert!(dot.contains("obj2:f0 -> obj1;"));
    }

    #[test]
    fn arrows_start_at_their_rows() {
        let g = user_cycle(false);
        let svg = g.to_svg();
        // One dot per name or field row with an arrow, each at that row's centre.
        let dots: Vec<&str> = svg.lines().filter(|l| l.starts_with("<circle")).collect();
        assert_eq!(dots.len(), 3);
        // The name's arrow starts at its dot.
        let cy = |l: &str| {
            l.split("cy=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_string()
        };
        let cx = |l: &str| {
            l.split("cx=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_string()
        };
        for dot in dots {
            let start = format!("<path d=\"M{} {}", cx(dot), cy(dot));
            assert!(svg.contains(&start), "no arrow starts at {dot}");
        }
    }

    #[test]
    fn long_labels_are_truncated() {
        let long: String = format!(
            "[{}]",
            (0..200)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let t = truncate(&long, 40);
        assert!(t.chars().count() <= 40, "{t}");
        assert!(t.starts_with("[0, 1, 2,") && t.ends_with(", …]"), "{t}");
        let s = truncate(&format!("'{}'", "x".repeat(100)), 20);
        assert_eq!(s, format!("'{}…'", "x".repeat(17)));
        assert_eq!(truncate("short", 40), "short");
        assert_eq!(truncate(&"y".repeat(50), 10), format!("{}…", "y".repeat(9)));
        assert_eq!(truncate("日本語日本語", 5), "日本…");
        assert_eq!(truncate("abc", 0), "…");
        let mut g = HeapGraph::default();
        g.objects.push(obj(
            1,
            &"T".repeat(100),
            &long,
            1,
            vec![(&"f".repeat(100), None)],
        ));
        let svg = g.to_svg();
        check_inline(&svg);
        assert!(!svg.contains(&long[..60]));
        assert!(svg.contains("…]"));
    }

    #[test]
    fn empty_graph() {
        let g = HeapGraph::default();
        assert_eq!(g.describe(), "(empty: no frames, no objects)");
        let svg = g.to_svg();
        check_inline(&svg);
        assert!(svg.contains("(nothing to show)"));
        assert_eq!(g.to_dot(), "digraph heap {\n  graph [rankdir=LR, fontname=\"monospace\"];\n  node [shape=record, fontname=\"monospace\", fontsize=11];\n}\n");
    }

    #[test]
    fn plot_with_one_point_and_with_flat_values() {
        let one = Plot {
            title: "one".into(),
            series: vec![Series {
                name: "s".into(),
                points: vec![(3.0, 7.0)],
            }],
            ..Plot::default()
        };
        let svg = one.to_svg();
        check_inline(&svg);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(one.describe().contains("1 point,"));
        let flat = Plot {
            series: vec![Series {
                name: "s".into(),
                points: vec![(0.0, 5.0), (1.0, 5.0), (2.0, 5.0)],
            }],
            step: true,
            ..Plot::default()
        };
        check_inline(&flat.to_svg());
        let zero = Plot {
            series: vec![Series {
                name: "z".into(),
                points: vec![(1.0, 0.0), (1.0, 0.0)],
            }],
            ..Plot::default()
        };
        check_inline(&zero.to_svg());
        let neg = Plot {
            series: vec![Series {
                name: "n".into(),
                points: vec![(0.0, -3.0), (1.0, -3.0)],
            }],
            ..Plot::default()
        };
        check_inline(&neg.to_svg());
    }

    #[test]
    fn plot_ticks_are_1_2_5() {
        let a = Axis::new(0.0, 1656.0, true);
        assert_eq!(a.ticks, vec![0.0, 500.0, 1000.0, 1500.0, 2000.0]);
        let a = Axis::new(0.0, 0.7, false);
        assert_eq!(a.label(a.ticks[1]), "0.2");
        let a = Axis::new(5_000_000.0, 5_740_000.0, true);
        assert_eq!(a.label(5_200_000.0), "5,200,000");
        assert_eq!(fmt_tick(-0.0, 1, false), "0.0");
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(0.013), 0.02);
    }

    #[test]
    fn plot_describe_and_markers() {
        let p = sample_plot();
        let d = p.describe();
        assert!(
            d.starts_with("plot: gen-0 count; x: allocations (0 to 1500); y: count (0 to 800)"),
            "{d}"
        );
        assert!(d.contains("markers gen-0 collection: x = 700, 1401"));
        let svg = p.to_svg();
        assert!(svg.contains("gen-0 collection (×2)"));
    }

    #[test]
    fn plot_survives_odd_numbers() {
        let p = Plot {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            series: vec![
                Series {
                    name: "nan".into(),
                    points: vec![(f64::NAN, 1.0), (1.0, f64::INFINITY)],
                },
                Series {
                    name: "huge".into(),
                    points: vec![(0.0, 1e300), (1.0, -1e300), (f64::MAX, f64::MIN)],
                },
                Series {
                    name: "tiny".into(),
                    points: vec![(0.0, 1e-300), (1e-300, 2e-300)],
                },
                Series {
                    name: "empty".into(),
                    points: vec![],
                },
            ],
            markers: vec![(f64::NAN, "x".into()), (-5.0, "m".into())],
            step: false,
        };
        check_inline(&p.to_svg());
        let _ = p.describe();
    }

    #[test]
    fn arena_map() {
        let a = sample_arenas();
        let svg = a.to_svg();
        check_inline(&svg);
        assert_eq!(svg.matches("<rect").count(), 1 + 64 + 5);
        assert!(svg.contains(">80</text>"));
        assert_eq!(
            a.describe(),
            "arena 0: 64 pools, 59 free; in use: 16 B: 1 pool, 0/1024 blocks; 32 B: 1 pool, 10/512 blocks; \
             48 B: 1 pool, 20/341 blocks; 64 B: 1 pool, 30/256 blocks; 80 B: 1 pool, 40/204 blocks"
        );
        let odd = ArenaMap {
            arenas: vec![
                ArenaRow {
                    label: String::new(),
                    pools: vec![],
                },
                ArenaRow {
                    label: "x".into(),
                    pools: vec![
                        PoolCell {
                            size_class: Some(usize::MAX),
                            used: usize::MAX,
                            total: 0
                        };
                        100
                    ],
                },
            ],
        };
        check_inline(&odd.to_svg());
        let _ = odd.describe();
    }

    /// A small deterministic generator, so the no-panic test needs no extra crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn below(&mut self, n: u64) -> u64 {
            if n == 0 {
                0
            } else {
                self.next() % n
            }
        }
    }

    #[test]
    fn random_graphs_never_panic() {
        let mut r = Lcg(7);
        for round in 0..200 {
            let n_obj = r.below(30) as usize;
            let n_frames = r.below(4) as usize;
            let key = |r: &mut Lcg| r.below(n_obj as u64 + 3) * 16; // some keys are missing
            let mut g = HeapGraph {
                title: (round % 3 == 0).then(|| "t".repeat(round)),
                ..HeapGraph::default()
            };
            for f in 0..n_frames {
                let vars = (0..r.below(6))
                    .map(|v| (format!("v{v}"), key(&mut r)))
                    .collect();
                g.frames.push(FrameView {
                    name: format!("f{f}"),
                    vars,
                });
            }
            for i in 0..n_obj {
                let fields = (0..r.below(20))
                    .map(|f| {
                        (
                            format!("[{f}]"),
                            if r.below(3) == 0 {
                                None
                            } else {
                                Some(key(&mut r))
                            },
                        )
                    })
                    .collect();
                let mut o = obj(
                    i as u64 * 16,
                    "T",
                    &"x".repeat(r.below(80) as usize),
                    r.below(5) as i64 - 1,
                    vec![],
                );
                o.fields = fields;
                o.unreachable = r.below(2) == 0;
                o.in_cycle = r.below(2) == 0;
                o.freed = r.below(5) == 0;
                o.gc_refs = (r.below(2) == 0).then(|| r.below(9) as i64 - 4);
                o.gc_state = (r.below(3) == 0).then(|| "tentatively unreachable".to_string());
                g.objects.push(o);
            }
            if round % 2 == 0 {
                edges_of(&mut g);
            }
            // Edges with bad indices and keys, weak ones, duplicates.
            for _ in 0..r.below(10) {
                let from = if r.below(2) == 0 {
                    EdgeFrom::Var {
                        frame: r.below(6) as usize,
                        var: r.below(8) as usize,
                    }
                } else {
                    EdgeFrom::Field {
                        obj: key(&mut r),
                        field: r.below(25) as usize,
                    }
                };
                g.edges.push(EdgeView {
                    from,
                    to: key(&mut r),
                    weak: r.below(2) == 0,
                    highlight: r.below(3) == 0,
                });
            }
            let svg = g.to_svg();
            check_inline(&svg);
            check_no_overlap(&svg);
            assert_eq!(svg, g.to_svg());
            let _ = g.to_dot();
            let d = g.describe();
            assert!(d.lines().all(|l| !l.is_empty()));
        }
    }

    /// Writes example renders when `PYHEAP_PICTURE_DIR` is set (for looking at them).
    #[test]
    fn write_examples_when_asked() {
        let Ok(dir) = std::env::var("PYHEAP_PICTURE_DIR") else {
            return;
        };
        let dir = std::path::Path::new(&dir);
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(dir.join("user_cycle.svg"), user_cycle(false).to_svg());
        let _ = std::fs::write(
            dir.join("user_cycle_deleted.svg"),
            user_cycle(true).to_svg(),
        );
        let _ = std::fs::write(dir.join("long_chain.svg"), long_chain().to_svg());
        let _ = std::fs::write(dir.join("plot.svg"), sample_plot().to_svg());
        let _ = std::fs::write(dir.join("arenas.svg"), sample_arenas().to_svg());
    }
}
