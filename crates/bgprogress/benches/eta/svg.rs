//! One picture per trace: the true remaining time and each estimator's ETA over the
//! transfer, and the link's throughput beneath.

use std::fmt::Write;

use super::score::Look;
use super::traces::STEP;

const W: f64 = 960.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 30.0;
const ETA_H: f64 = 300.0;
const GAP: f64 = 40.0;
const RATE_H: f64 = 90.0;
const COLOURS: [&str; 7] = [
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#7f7f7f",
];

/// The SVG of one transfer: `series` are (name, looks) with bgprogress first.
pub fn plot(title: &str, steps: &[u64], series: &[(&str, &[Look])]) -> String {
    let end = steps.len() as f64 * STEP;
    let truth_max = series[0].1.iter().map(|l| l.truth).fold(1.0, f64::max);
    let y_max = nice(1.5 * truth_max);
    let x = |t: f64| LEFT + t / end * (W - LEFT - RIGHT);
    let y = |eta: f64| TOP + ETA_H - eta.min(y_max) / y_max * ETA_H;
    let h = TOP + ETA_H + GAP + RATE_H + 30.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="18" font-size="14">{}</text>"#,
        escape(title)
    );
    axes(&mut s, end, y_max, TOP, ETA_H, "s left", &x);
    // The truth, then each estimator; values above the axis are drawn at its top.
    let mut line = |name: &str, colour: &str, width: f64, points: Vec<(f64, Option<f64>)>| {
        let mut d = String::new();
        let mut pen = false;
        for (t, v) in points {
            match v.filter(|v| v.is_finite()) {
                Some(v) => {
                    let _ = write!(d, "{}{:.1},{:.1} ", if pen { "L" } else { "M" }, x(t), y(v));
                    pen = true;
                }
                None => pen = false,
            }
        }
        let _ = writeln!(
            s,
            r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"><title>{}</title></path>"#,
            escape(name)
        );
    };
    line(
        "true remaining",
        "black",
        2.0,
        series[0].1.iter().map(|l| (l.t, Some(l.truth))).collect(),
    );
    for (i, (name, looks)) in series.iter().enumerate().rev() {
        let width = if i == 0 { 1.8 } else { 1.0 };
        line(
            name,
            COLOURS[i % COLOURS.len()],
            width,
            looks.iter().map(|l| (l.t, l.eta)).collect(),
        );
    }
    let mut legend = vec![("true remaining", "black")];
    for (i, (name, _)) in series.iter().enumerate() {
        legend.push((name, COLOURS[i % COLOURS.len()]));
    }
    for (i, (name, colour)) in legend.iter().enumerate() {
        let ly = TOP + 10.0 + i as f64 * 18.0;
        let lx = W - RIGHT + 15.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="2"/><text x="{}" y="{}">{}</text>"#,
            lx + 20.0,
            lx + 26.0,
            ly + 4.0,
            escape(name)
        );
    }
    // Throughput: one bar per second.
    let per_second: Vec<f64> = steps
        .chunks(100)
        .map(|c| c.iter().sum::<u64>() as f64 * 8.0 / 1e6 * 100.0 / c.len() as f64)
        .collect();
    let r_max = nice(per_second.iter().copied().fold(0.001, f64::max));
    let top = TOP + ETA_H + GAP;
    axes(&mut s, end, r_max, top, RATE_H, "Mbit/s", &x);
    let mut d = String::new();
    for (i, r) in per_second.iter().enumerate() {
        let y0 = top + RATE_H - r / r_max * RATE_H;
        let _ = write!(
            d,
            "M{:.1},{:.1}H{:.1}V{:.1}H{:.1}Z ",
            x(i as f64),
            top + RATE_H,
            x((i + 1) as f64).min(x(end)),
            y0,
            x(i as f64)
        );
    }
    let _ = writeln!(s, r##"<path d="{d}" fill="#999999"/>"##);
    s.push_str("</svg>\n");
    s
}

fn axes(
    s: &mut String,
    end: f64,
    y_max: f64,
    top: f64,
    height: f64,
    unit: &str,
    x: &dyn Fn(f64) -> f64,
) {
    let bottom = top + height;
    let _ = writeln!(
        s,
        r#"<path d="M{LEFT},{top}V{bottom}H{}" fill="none" stroke="black"/>"#,
        x(end)
    );
    for k in 0..=4 {
        let v = y_max * k as f64 / 4.0;
        let yy = bottom - height * k as f64 / 4.0;
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text><line x1="{LEFT}" y1="{yy}" x2="{}" y2="{yy}" stroke="#dddddd"/>"##,
            LEFT - 5.0,
            yy + 4.0,
            fmt(v),
            x(end)
        );
    }
    let _ = writeln!(s, r#"<text x="5" y="{}" >{unit}</text>"#, top - 6.0);
    let step = nice(end / 6.0);
    let mut t = 0.0;
    while t <= end + 1e-9 {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{} s</text>"#,
            x(t),
            bottom + 15.0,
            fmt(t)
        );
        t += step;
    }
}

/// A round number at or above `v`: 1, 2 or 5 times a power of ten.
fn nice(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * p)
}

fn fmt(v: f64) -> String {
    if v >= 10.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
