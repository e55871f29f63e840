//! `make bench-eta`: the tracker's ETA against the estimators of popular progress libraries,
//! on synthetic transfers replayed at 10 ms steps with the ETA read ten times a second.
//!
//! The peers, written from their published descriptions (no code copied):
//! - `average`: remaining ÷ (bytes so far ÷ time so far);
//! - `tqdm`: exponential moving averages (smoothing 0.3) of the bytes and of the time between
//!   display refreshes (at most every 0.1 s), bias-corrected;
//! - `indicatif`: indicatif 0.17's estimator: an exponentially weighted average of the speed
//!   whose data older than 15 s keeps 10 % of the weight, applied twice;
//! - `window5`: the bytes of the last 5 s ÷ 5 s (bgprogress's estimator before this one).
//!
//! Metrics per trace family and estimator, between 5 % and 95 % of the transfer's duration,
//! each the mean over five seeds: median and 90th-percentile relative error
//! |ETA − true remaining| ÷ true remaining (infinite or unavailable counts as 100 %, errors
//! are capped at 1000 %), and jitter, the mean of |ΔETA + Δt| ÷ true remaining per second (a
//! perfect countdown has none; a step to or from an unavailable ETA counts 100 %, and a step
//! is capped at 1000 %). "ok" means ours is the best or within 10 % (or 0.5 points,
//! whichever is larger) of the best, on median error and on jitter alike.

use std::time::Duration;

use bgprogress::{ManualClock, Tracker};

const STEP: f64 = 0.01;
const POLL: f64 = 0.1;
const MB: f64 = 1e6;
const SEEDS: [u64; 5] = [7, 11, 23, 31, 47];

/// A small deterministic generator (xorshift64*), uniform in [0, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// (family, segments of (seconds, bytes per second at time t into the segment), noise).
type Segment = (f64, fn(f64) -> f64);

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

const FAMILIES: [&str; 9] = [
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

/// Bytes per 10 ms step; the noise (± `noise`, uniform) changes every 100 ms.
fn trace(name: &str, seed: u64) -> Vec<u64> {
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
    while steps.last() == Some(&0) {
        steps.pop();
    }
    steps
}

/// An ETA estimator fed (time, bytes so far, total) at each look.
trait Estimator {
    fn name(&self) -> &'static str;
    fn eta(&mut self, t: f64, bytes: f64, total: f64) -> Option<f64>;
}

struct Average;
impl Estimator for Average {
    fn name(&self) -> &'static str {
        "average"
    }
    fn eta(&mut self, t: f64, b: f64, total: f64) -> Option<f64> {
        (b > 0.0 && t > 0.0).then(|| (total - b) / (b / t))
    }
}

#[derive(Default)]
struct Tqdm {
    last: (f64, f64),
    dn: f64,
    dt: f64,
    calls: i32,
}
impl Estimator for Tqdm {
    fn name(&self) -> &'static str {
        "tqdm"
    }
    fn eta(&mut self, t: f64, b: f64, total: f64) -> Option<f64> {
        const A: f64 = 0.3;
        if t - self.last.0 >= POLL - 1e-9 {
            self.dn = A * (b - self.last.1) + (1.0 - A) * self.dn;
            self.dt = A * (t - self.last.0) + (1.0 - A) * self.dt;
            self.calls += 1;
            self.last = (t, b);
        }
        if self.calls == 0 {
            return None;
        }
        let debias = 1.0 - (1.0 - A).powi(self.calls);
        let (dn, dt) = (self.dn / debias, self.dt / debias);
        Some(if dn > 0.0 {
            (total - b) * dt / dn
        } else {
            f64::INFINITY
        })
    }
}

#[derive(Default)]
struct Indicatif {
    last: (f64, f64),
    s1: f64,
    s2: f64,
}
impl Estimator for Indicatif {
    fn name(&self) -> &'static str {
        "indicatif"
    }
    fn eta(&mut self, t: f64, b: f64, total: f64) -> Option<f64> {
        let dt = t - self.last.0;
        if dt > 0.0 {
            let rate = (b - self.last.1) / dt;
            let keep = 0.1f64.powf(dt / 15.0);
            self.s1 = keep * self.s1 + (1.0 - keep) * rate;
            self.s2 = keep * self.s2 + (1.0 - keep) * self.s1;
            self.last = (t, b);
        }
        // Both averages start at 0: divide by the weight the data has had so far.
        let x = t / 15.0 * 10f64.ln();
        let weight = 1.0 - (-x).exp() * (1.0 + x);
        if t <= 0.0 || weight <= 1e-9 {
            return None;
        }
        let rate = self.s2 / weight;
        Some(if rate > 0.0 {
            (total - b) / rate
        } else {
            f64::INFINITY
        })
    }
}

struct Window5 {
    samples: Vec<(f64, f64)>,
}
impl Estimator for Window5 {
    fn name(&self) -> &'static str {
        "window5"
    }
    fn eta(&mut self, t: f64, b: f64, total: f64) -> Option<f64> {
        const W: f64 = 5.0;
        if self.samples.last().is_some_and(|s| t >= s.0 + W / 10.0) {
            self.samples.push((t, b));
        }
        while self.samples.len() > 2 && self.samples[1].0 + W <= t {
            self.samples.remove(0);
        }
        let (t0, b0) = self.samples[0];
        if b <= 0.0 || t - t0 < 0.1 {
            return None;
        }
        let rate = (b - b0) / (t - t0);
        Some(if rate > 0.0 {
            (total - b) / rate
        } else {
            f64::INFINITY
        })
    }
}

/// One look: time, the estimate (None: unavailable), the true remaining time.
type Look = (f64, Option<f64>, f64);

/// Replays `steps` through a peer, looking every `poll` seconds from `phase`.
fn replay_peer(steps: &[u64], est: &mut dyn Estimator, poll: f64, phase: f64) -> Vec<Look> {
    let total = steps.iter().sum::<u64>() as f64;
    let end = steps.len() as f64 * STEP;
    let (mut b, mut next, mut out) = (0.0, if phase > 0.0 { phase } else { poll }, Vec::new());
    for (i, s) in steps.iter().enumerate() {
        b += *s as f64;
        let t = (i + 1) as f64 * STEP;
        if t + 1e-9 >= next {
            out.push((t, est.eta(t, b, total), end - t));
            next += poll;
        }
    }
    out
}

/// Replays `steps` through a `Tracker` on a manual clock, reading `eta` as a UI would.
fn replay_ours(steps: &[u64], poll: f64, phase: f64) -> Vec<Look> {
    let clock = ManualClock::default();
    let tracker = Tracker::with_clock(&clock);
    let total: u64 = steps.iter().sum();
    tracker.add_file(total).expect("a total below u64::MAX");
    let end = steps.len() as f64 * STEP;
    let (mut next, mut out) = (if phase > 0.0 { phase } else { poll }, Vec::new());
    for (i, s) in steps.iter().enumerate() {
        clock.advance(Duration::from_millis(10));
        tracker.add_bytes(*s).expect("within the total");
        let t = (i + 1) as f64 * STEP;
        if t + 1e-9 >= next {
            out.push((t, tracker.eta().ok(), end - t));
            next += poll;
        }
    }
    out
}

/// (median error, 90th-percentile error, jitter) between 5 % and 95 % of the duration.
fn metrics(looks: &[Look]) -> (f64, f64, f64) {
    let end = looks.last().map_or(0.0, |l| l.0 + l.2);
    let inside: Vec<&Look> = looks
        .iter()
        .filter(|l| l.0 >= 0.05 * end && l.0 <= 0.95 * end)
        .collect();
    let mut errors: Vec<f64> = inside
        .iter()
        .map(|(_, e, truth)| match e {
            Some(e) if e.is_finite() => ((e - truth).abs() / truth).min(10.0),
            _ => 1.0,
        })
        .collect();
    errors.sort_by(f64::total_cmp);
    let pick = |q: f64| errors[((errors.len() - 1) as f64 * q) as usize];
    let jitter: Vec<f64> = inside
        .windows(2)
        .map(|w| {
            let ((t0, e0, _), (t1, e1, truth)) = (w[0], w[1]);
            match (e0, e1) {
                (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
                    (((b - a) + (t1 - t0)).abs() / truth / (t1 - t0)).min(10.0)
                }
                _ => 1.0,
            }
        })
        .collect();
    (
        pick(0.5),
        pick(0.9),
        jitter.iter().sum::<f64>() / jitter.len().max(1) as f64,
    )
}

fn mean3(all: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let n = all.len() as f64;
    all.iter().fold((0.0, 0.0, 0.0), |a, m| {
        (a.0 + m.0 / n, a.1 + m.1 / n, a.2 + m.2 / n)
    })
}

fn peers() -> Vec<Box<dyn Estimator>> {
    vec![
        Box::new(Average),
        Box::new(Tqdm::default()),
        Box::new(Indicatif::default()),
        Box::new(Window5 {
            samples: vec![(0.0, 0.0)],
        }),
    ]
}

fn main() {
    let names: Vec<&str> = std::iter::once("bgprogress")
        .chain(peers().iter().map(|p| p.name()))
        .collect();
    println!(
        "ETA on synthetic transfers: median error / 90th percentile / jitter, mean of {} seeds",
        SEEDS.len()
    );
    print!("| {:18} |", "trace");
    for n in &names {
        print!(" {n:>24} |");
    }
    println!(" bgprogress vs best |");
    print!("|{:-<20}|", "");
    for _ in &names {
        print!("{:-<26}|", "");
    }
    println!("{:-<20}|", "");
    let mut all_ok = true;
    for fam in FAMILIES {
        let runs: Vec<Vec<(f64, f64, f64)>> = SEEDS
            .iter()
            .map(|&seed| {
                let steps = trace(fam, seed);
                let mut row = vec![metrics(&replay_ours(&steps, POLL, 0.0))];
                for mut p in peers() {
                    row.push(metrics(&replay_peer(&steps, p.as_mut(), POLL, 0.0)));
                }
                row
            })
            .collect();
        let per_estimator: Vec<(f64, f64, f64)> = (0..names.len())
            .map(|e| mean3(&runs.iter().map(|r| r[e]).collect::<Vec<_>>()))
            .collect();
        let best_med = per_estimator
            .iter()
            .map(|m| m.0)
            .fold(f64::INFINITY, f64::min);
        let best_jit = per_estimator
            .iter()
            .map(|m| m.2)
            .fold(f64::INFINITY, f64::min);
        let ours = per_estimator[0];
        let ok = ours.0 <= (best_med * 1.1).max(best_med + 0.005)
            && ours.2 <= (best_jit * 1.1).max(best_jit + 0.005);
        all_ok &= ok;
        print!("| {fam:18} |");
        for m in &per_estimator {
            print!(
                " {:>6.1}% {:>6.1}% {:>7.2}% |",
                m.0 * 100.0,
                m.1 * 100.0,
                m.2 * 100.0
            );
        }
        println!(" {:>18} |", if ok { "ok" } else { "MISSED" });
    }

    // Through a 20 s stall: never unavailable while bytes came in the last 5 s, and within
    // 2x of the truth 1 s after they resume.
    let steps = trace("20 s stall", SEEDS[0]);
    let looks = replay_ours(&steps, POLL, 0.0);
    let unavailable_early = looks
        .iter()
        .filter(|(t, e, _)| *t > 0.5 && (*t < 35.0 || *t > 50.5) && !e.is_some_and(f64::is_finite))
        .count();
    let (_, resumed, truth) = looks
        .iter()
        .find(|(t, _, _)| *t >= 51.0 - 1e-9)
        .copied()
        .expect("a look 1 s after the stall");
    let ratio = resumed.map_or(f64::INFINITY, |e| (e / truth).max(truth / e));
    println!(
        "stall: {unavailable_early} looks without a finite ETA while bytes came in the last 5 s; 1 s after resuming: {:.1} s for {:.1} s ({:.2}x)",
        resumed.unwrap_or(f64::NAN),
        truth,
        ratio
    );
    all_ok &= unavailable_early == 0 && ratio <= 2.0;

    // Who looks when: looks once a second, at two phases, against looks every 100 ms.
    for fam in FAMILIES {
        let steps = trace(fam, SEEDS[0]);
        let every = metrics(&replay_ours(&steps, POLL, 0.0));
        let seldom: Vec<(f64, f64, f64)> = [0.37, 0.81]
            .iter()
            .map(|&phase| metrics(&replay_ours(&steps, 1.0, phase)))
            .collect();
        println!(
            "polls: {fam:18} median error {:.1}% looking every 100 ms; {:.1}% and {:.1}% looking once a second",
            every.0 * 100.0,
            seldom[0].0 * 100.0,
            seldom[1].0 * 100.0
        );
    }
    println!(
        "bench-eta: {}",
        if all_ok {
            "every goal met"
        } else {
            "GOALS MISSED"
        }
    );
    if !all_ok {
        std::process::exit(1);
    }
}
