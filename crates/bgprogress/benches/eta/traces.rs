//! The transfers replayed: synthetic families drawn here, and recorded traces of real links
//! read from a folder (`../shared/eta-traces/`, or `TRACES=DIR`).

use std::collections::HashMap;
use std::path::Path;

/// The replay's step: 10 ms.
pub const STEP: f64 = 0.01;
const MB: f64 = 1e6;

/// One download: bytes arriving per 10 ms step, its last step bringing its last byte.
pub struct Transfer {
    pub name: String,
    pub steps: Vec<u64>,
}

/// A small deterministic generator (xorshift64*), uniform in [0, 1).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A segment of a synthetic family: seconds, and bytes per second at time t into it.
type Segment = (f64, fn(f64) -> f64);

/// The synthetic families: shapes drawn to test one behaviour each.
pub const FAMILIES: [&str; 9] = [
    "steady",
    "noisy",
    "bursty, short gaps",
    "bursty, long gaps",
    "speed drop",
    "speed rise",
    "20 s stall",
    "slow start",
    "small files",
];

fn family(name: &str) -> (Vec<Segment>, f64) {
    fn repeat(parts: &[Segment], n: usize) -> Vec<Segment> {
        parts
            .iter()
            .copied()
            .cycle()
            .take(parts.len() * n)
            .collect()
    }
    match name {
        "steady" => (vec![(60.0, |_| 10.0 * MB)], 0.05),
        "noisy" => (vec![(60.0, |_| 10.0 * MB)], 0.5),
        "bursty, short gaps" => (repeat(&[(1.0, |_| 20.0 * MB), (0.5, |_| 0.0)], 40), 0.1),
        "bursty, long gaps" => (repeat(&[(1.0, |_| 50.0 * MB), (7.0, |_| 0.0)], 10), 0.1),
        "speed drop" => (vec![(15.0, |_| 20.0 * MB), (45.0, |_| 5.0 * MB)], 0.2),
        "speed rise" => (vec![(15.0, |_| 5.0 * MB), (45.0, |_| 20.0 * MB)], 0.2),
        "20 s stall" => (
            vec![
                (30.0, |_| 10.0 * MB),
                (20.0, |_| 0.0),
                (30.0, |_| 10.0 * MB),
            ],
            0.2,
        ),
        "slow start" => (vec![(10.0, |t| MB * t), (110.0, |_| 10.0 * MB)], 0.2),
        "small files" => (repeat(&[(0.1, |_| 10.0 * MB), (0.2, |_| 0.0)], 200), 0.2),
        _ => unreachable!("{name}"),
    }
}

/// A synthetic family with one seed: the noise (± `noise`, uniform) changes every 100 ms.
pub fn synthetic(name: &str, seed: u64) -> Transfer {
    let (segments, noise) = family(name);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (mut steps, mut carry, mut mult, mut i) = (Vec::new(), 0.0, 1.0, 0usize);
    for (seconds, rate) in segments {
        for k in 0..(seconds / STEP).round() as usize {
            if i % 10 == 0 {
                mult = 1.0 + noise * (2.0 * rng.next() - 1.0);
            }
            carry += (rate(k as f64 * STEP) * STEP * mult).max(0.0);
            let whole = carry.floor();
            carry -= whole;
            steps.push(whole as u64);
            i += 1;
        }
    }
    trim(&mut steps);
    Transfer {
        name: name.to_string(),
        steps,
    }
}

fn trim(steps: &mut Vec<u64>) {
    while steps.last() == Some(&0) {
        steps.pop();
    }
}

/// The windows (seconds) of the folder's README table: `| file | family | start–end | ... |`.
fn windows(readme: &str) -> HashMap<String, (f64, f64)> {
    let mut out = HashMap::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 {
            continue;
        }
        let window = cells[3].replace('–', "-");
        let Some((a, b)) = window.split_once('-') else {
            continue;
        };
        if let (Ok(a), Ok(b)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
            if b > a {
                out.insert(cells[1].to_string(), (a, b));
            }
        }
    }
    out
}

/// Every trace of `dir` (`*.txt`), each cut to its window, in name order. A trace without a
/// window in the README is replayed whole; one that cannot be read is an error.
pub fn real(dir: &Path) -> Result<Vec<Transfer>, String> {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    let windows = windows(&readme);
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let window = windows.get(&stem).copied();
            let steps = parse(&text, window).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(Transfer { name: stem, steps })
        })
        .collect()
}

/// One trace file (see the folder's README for the two formats), cut to `window`.
fn parse(text: &str, window: Option<(f64, f64)>) -> Result<Vec<u64>, String> {
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let format = lines.next().ok_or("no format line")?.trim();
    let (from, to) = window.unwrap_or((0.0, f64::INFINITY));
    let mut steps = Vec::new();
    match format {
        "format pkts10ms" => {
            for (second, line) in lines.enumerate() {
                let s = second as f64;
                if s < from - 1e-9 || s >= to - 1e-9 {
                    continue;
                }
                for count in line.split_whitespace() {
                    let n: u64 = count.parse().map_err(|_| format!("not a count: {count}"))?;
                    steps.push(n * 1500);
                }
            }
        }
        "format intervals" => {
            let mut spans = Vec::new();
            for line in lines {
                let v: Vec<f64> = line
                    .split_whitespace()
                    .map(|x| x.parse::<f64>().map_err(|_| format!("not a number: {x}")))
                    .collect::<Result<_, _>>()?;
                if v.len() != 3 || v[1] <= v[0] {
                    return Err(format!("not an interval: {line}"));
                }
                spans.push((v[0], v[1], v[2] * 1e6 / 8.0));
            }
            let end = to.min(spans.last().map_or(0.0, |s| s.1));
            let (mut carry, mut k, mut span) = (0.0, 0usize, 0usize);
            loop {
                let mid = from + (k as f64 + 0.5) * STEP;
                if mid >= end {
                    break;
                }
                while span < spans.len() && spans[span].1 <= mid {
                    span += 1;
                }
                // A gap in the recording ends the download: a window must not cross one.
                if span == spans.len() || spans[span].0 > mid {
                    break;
                }
                carry += spans[span].2 * STEP;
                let whole = carry.floor();
                carry -= whole;
                steps.push(whole as u64);
                k += 1;
            }
        }
        other => return Err(format!("unknown format: {other}")),
    }
    trim(&mut steps);
    if steps.is_empty() {
        return Err("no bytes in the window".into());
    }
    Ok(steps)
}
