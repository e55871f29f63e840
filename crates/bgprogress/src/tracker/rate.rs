//! The transfer rate and the ETA: a long-run rate that believes a change of speed only when
//! it is large and sustained.
//!
//! # Why this estimator
//!
//! Judged on recorded traces of real links (`make bench-eta`, `docs/eta.md`), the best
//! predictor of the time left is usually the average since the start, as curl and wget
//! show it: on cellular and broadband links the speed swings by factors of 2 to 10 for seconds
//! or minutes and then comes back, so an ETA that follows the last seconds is wrong most of the
//! time and jumps all the time. Two things beat the plain average: a change of speed so large
//! and clean that it stands far out of the link's own second-to-second swings (a new route, a
//! throttle, the end of a slow start), and a link that has become faster (an ETA from the slow
//! past overstates the time left; one from the recent fast spell errs by less, and usually
//! not at all). The estimator is built from those three observations.
//!
//! # The estimator
//!
//! - **Samples on a fixed grid.** Writers never read the clock; the `rate`/`eta` calls observe
//!   (time, bytes added) and the estimator fills the grid points ([`GRID`], 100 ms of the
//!   tracker's own clock) since the last observation by linear interpolation. Everything below
//!   runs on grid points, so the figures do not depend on when, or how often, callers look,
//!   beyond the interpolation between two looks (a change that one reader sees within a
//!   second, one that looks once a second sees spread over that second).
//! - **The segment.** The rate is measured over the current *segment*: from the first byte,
//!   until a change of speed is believed or a stall ends.
//! - **Two averages, the faster wins.** The segment's plain average, bytes ÷ time, and a
//!   *fading* average whose weight on each grid point grows with its time since the segment
//!   began (to the power `1 / MEMORY − 1`, so it remembers about the last [`MEMORY`] of the
//!   segment). The rate is the larger of the two: a link that speeds up is followed within
//!   seconds, a link that slows down is believed only as the plain average takes it in — or
//!   when the slowdown is a change.
//! - **A change is large and sustained.** On every grid point with bytes flowing and no gap
//!   (no byte for [`GAP`]) in the last [`SHORT`], the mean of the last [`SHORT`] is compared with
//!   the mean of the rest of the segment. It is a change when one is at least [`CHANGE_RATIO`]
//!   times the other, *and* the logarithm of that ratio is more than [`CHANGE_SIGMAS`] times the
//!   standard deviation of the logarithms of the segment's 2 s block rates before the recent
//!   span (so a link that swings by 3x from one second to the next needs an enormous change),
//!   on [`SUSTAIN`] grid points in a row. A new segment then starts a second after the grid
//!   point where the change fits best (the second a reader that looks once a second sees the
//!   step spread over), unless no byte came after it. Gaps and stalls start no segment: a
//!   period without bytes is not a new speed.
//! - **Stalls.** While no byte arrives both averages fall (their durations grow), so the ETA
//!   grows but stays finite. When bytes resume after more than [`STALL`] without any, a new
//!   segment starts there, weighted with one second at the speed before the stall, so the
//!   first answers after a long pause are right at once.
//! - **A countdown filter.** The ETA is a countdown (it drops one second per second) pulled
//!   towards `remaining ÷ rate` with a time constant of [`FILTER_SECONDS`], and reset to it
//!   when they differ by more than the estimate itself or a segment starts.

use core::time::Duration;

use crate::Error;

/// The shortest span that [`Tracker::rate`](crate::Tracker::rate) measures over: 100 ms.
pub const RATE_MIN_SPAN: Duration = Duration::from_millis(100);

/// The step of the estimator's grid, in seconds.
const GRID: f64 = 0.1;
/// Grid points per second.
const PER_SECOND: u64 = 10;
/// Grid steps in a block, whose rates measure how much the link swings: 2 s.
const BLOCK: u64 = 20;
/// The recent span compared with the rest of the segment: 8 s of grid steps.
const SHORT: u64 = 80;
/// A segment must be this long (grid steps) before a change is looked for.
const MIN_SEGMENT: u64 = SHORT + 100;
/// The larger of the two means must be this many times the smaller to be a change ...
const CHANGE_RATIO: f64 = 1.8;
/// ... their log ratio this many standard deviations of the log block rates ...
const CHANGE_SIGMAS: f64 = 6.0;
/// ... on this many grid points in a row (2 s).
const SUSTAIN: u32 = 20;
/// No byte for this long (s) is a gap: no change is looked for while one is in the recent span.
const GAP: f64 = 1.0;
/// No byte for this long (s) and then bytes: a stall ended, a new segment starts.
const STALL: f64 = 10.0;
/// Seconds of the speed before a stall that weigh on the segment after it.
const PRIOR_SECONDS: f64 = 1.0;
/// The fading average's memory, as a fraction of the segment's age.
const MEMORY: f64 = 0.3;
/// The countdown filter's time constant (s).
const FILTER_SECONDS: f64 = 3.0;
/// Grid points kept: enough to look back over twice [`SHORT`], and a block before that.
const RING: usize = 256;

/// Mean and variance (Welford).
#[derive(Debug, Default, Clone, Copy)]
struct Spread {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Spread {
    fn add(&mut self, x: f64) {
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }

    fn sd(&self) -> f64 {
        if self.n > 1.0 {
            (self.m2 / (self.n - 1.0)).sqrt()
        } else {
            0.0
        }
    }
}

/// The estimator's state: see the module documentation.
#[derive(Debug)]
pub(crate) struct Estimator {
    /// Bytes at the newest grid points, `ring[index % RING]` for grid point `index`.
    ring: [f64; RING],
    /// The index and time (s) of the newest grid point.
    newest: u64,
    newest_t: f64,
    /// The segment: its first grid point, and its time and bytes there.
    seg: u64,
    seg_t: f64,
    seg_b: f64,
    /// The speed before the stall that started this segment, if one did.
    prior: Option<f64>,
    /// The segment's fading average (bytes per second), once it has a grid point.
    fading: Option<f64>,
    /// The logarithms of the segment's block rates, before the recent span.
    blocks: Spread,
    /// The time of the newest grid step that brought bytes, once any did.
    last_bytes_t: Option<f64>,
    /// When bytes came again after the newest gap, if there was one.
    gap_end_t: Option<f64>,
    /// Grid points in a row on which the recent span was a change.
    held: u32,
    /// The newest observation: time, bytes (as a float, from the wrapping counter), counter.
    obs_t: f64,
    obs_b: f64,
    obs_added: u64,
    /// The countdown filter: the ETA (s) at a time, while the total is known.
    filtered: Option<(f64, f64)>,
}

impl Estimator {
    /// An estimator whose clock starts at `start`, with nothing added.
    pub(crate) fn new(start: Duration) -> Self {
        let t = start.as_secs_f64();
        Estimator {
            ring: [0.0; RING],
            newest: 0,
            newest_t: t,
            seg: 0,
            seg_t: t,
            seg_b: 0.0,
            prior: None,
            fading: None,
            blocks: Spread::default(),
            last_bytes_t: None,
            gap_end_t: None,
            held: 0,
            obs_t: t,
            obs_b: 0.0,
            obs_added: 0,
            filtered: None,
        }
    }

    fn bytes_at(&self, index: u64) -> f64 {
        self.ring[(index % RING as u64) as usize]
    }

    /// Takes in a look at the counts: `added` (every byte ever added, wrapping) at `now`, and
    /// the bytes that remain when the total is known. Fills the grid up to `now`.
    pub(crate) fn observe(&mut self, now: Duration, added: u64, remaining: Option<u64>) {
        let t = now.as_secs_f64();
        let b = self.obs_b + added.wrapping_sub(self.obs_added) as f64;
        let (t_prev, b_prev) = (self.obs_t, self.obs_b);
        while self.newest_t + GRID <= t + 1e-9 {
            let gt = self.newest_t + GRID;
            let gb = if t > t_prev {
                b_prev + (b - b_prev) * ((gt - t_prev) / (t - t_prev)).min(1.0)
            } else {
                b
            };
            // The bytes that remained at that grid point, the total being what it is now.
            let rem = remaining.map(|r| r as f64 + (b - gb));
            self.push(gt, gb, rem);
        }
        if remaining.is_none() {
            self.filtered = None;
        }
        self.obs_t = t.max(self.obs_t);
        self.obs_b = b;
        self.obs_added = added;
    }

    /// One grid point: `bytes` at time `t`, and the bytes then remaining if known.
    fn push(&mut self, t: f64, bytes: f64, remaining: Option<f64>) {
        let previous = self.bytes_at(self.newest);
        self.newest += 1;
        self.newest_t = t;
        self.ring[(self.newest % RING as u64) as usize] = bytes;
        let inc = bytes - previous;
        if self.last_bytes_t.is_none() {
            if inc <= 0.0 {
                // Nothing yet: the segment starts at the first bytes.
                self.start_segment(self.newest, None);
                return;
            }
            self.start_segment(self.newest - 1, None);
        }
        if inc > 0.0 {
            if let Some(last) = self.last_bytes_t {
                let quiet = t - last - GRID;
                if quiet > STALL {
                    // Bytes again after a stall: a new segment, with the speed before it.
                    let before = (bytes - inc - self.seg_b) / (last - self.seg_t).max(GRID);
                    self.start_segment(self.newest - 1, Some(before).filter(|r| *r > 0.0));
                }
                if quiet >= GAP - 1e-9 {
                    self.gap_end_t = Some(t - GRID);
                }
            }
            self.last_bytes_t = Some(t);
        }
        self.take(self.newest);
        self.look_for_a_change(t);
        self.filter(remaining);
    }

    fn start_segment(&mut self, index: u64, prior: Option<f64>) {
        self.seg = index;
        self.seg_t = self.newest_t - (self.newest - index) as f64 * GRID;
        self.seg_b = self.bytes_at(index);
        self.prior = prior;
        self.fading = prior;
        self.blocks = Spread::default();
        self.held = 0;
        self.filtered = None;
        // A split is in the past: the grid points since belong to the new segment.
        for i in index + 1..=self.newest {
            self.take(i);
        }
    }

    /// Takes grid point `index` of the segment into the fading average and, once it is
    /// [`SHORT`] old, the block that ends there into the block spread.
    fn take(&mut self, index: u64) {
        let inc = self.bytes_at(index) - self.bytes_at(index - 1);
        let prior_steps = if self.prior.is_some() {
            PRIOR_SECONDS / GRID
        } else {
            0.0
        };
        let n = (index - self.seg) as f64 + prior_steps;
        let weight = (1.0 / (MEMORY * n)).min(1.0);
        let x = inc / GRID;
        self.fading = Some(self.fading.map_or(x, |r| r + weight * (x - r)));
        let age = index - self.seg;
        if age >= SHORT + BLOCK && (age - SHORT) % BLOCK == 0 {
            let end = index - SHORT;
            let block = self.bytes_at(end) - self.bytes_at(end - BLOCK);
            if block > 0.0 {
                self.blocks.add(block.ln());
            }
        }
    }

    /// Compares the last [`SHORT`] with the rest of the segment (see the module doc).
    fn look_for_a_change(&mut self, t: f64) {
        let len = self.newest - self.seg;
        let recent_span = SHORT as f64 * GRID;
        let flowing = self.last_bytes_t.is_some_and(|last| t - last < GAP)
            && self.gap_end_t.map_or(true, |end| t - end >= recent_span);
        if len < MIN_SEGMENT || !flowing {
            self.held = 0;
            return;
        }
        let split_b = self.bytes_at(self.newest - SHORT);
        let recent = (self.bytes_at(self.newest) - split_b) / SHORT as f64;
        let before = (split_b - self.seg_b) / (len - SHORT) as f64;
        let (lo, hi) = (recent.min(before), recent.max(before));
        let change =
            lo > 0.0 && hi > CHANGE_RATIO * lo && (hi / lo).ln() > CHANGE_SIGMAS * self.blocks.sd();
        self.held = if change { self.held + 1 } else { 0 };
        if self.held >= SUSTAIN {
            let at = (self.best_split() + PER_SECOND).min(self.newest - 1);
            // A split after which no byte came is the start of a gap, not a new speed.
            if self.bytes_at(self.newest) > self.bytes_at(at) {
                self.start_segment(at, None);
            }
        }
    }

    /// The grid point of the last `2 * SHORT` after which the mean changed the most.
    fn best_split(&self) -> u64 {
        let end = self.newest;
        let lo = (self.seg + 1).max(end.saturating_sub(2 * SHORT));
        let (b0, b_end) = (self.seg_b, self.bytes_at(end));
        let mut best = (f64::NEG_INFINITY, end - SHORT);
        for i in lo..end.saturating_sub(1) {
            let (n1, n2) = ((i - self.seg) as f64, (end - i) as f64);
            let bi = self.bytes_at(i);
            let (m1, m2) = ((bi - b0) / n1, (b_end - bi) / n2);
            let score = (m1 - m2) * (m1 - m2) * n1 * n2 / (n1 + n2);
            if score > best.0 {
                best = (score, i);
            }
        }
        best.1
    }

    /// The segment's rate at time `t` with `bytes` in: the larger of its plain average up to
    /// then (with the prior after a stall) and its fading average at the newest grid point.
    fn segment_rate(&self, t: f64, bytes: f64) -> Option<f64> {
        let w = if self.prior.is_some() {
            PRIOR_SECONDS
        } else {
            0.0
        };
        let num = (bytes - self.seg_b) + self.prior.unwrap_or(0.0) * w;
        let den = (t - self.seg_t) + w;
        let average = (den >= RATE_MIN_SPAN.as_secs_f64() - 1e-9 && num > 0.0).then(|| num / den);
        let fading = self.fading.filter(|r| *r > 0.0);
        match (average, fading) {
            (Some(a), Some(f)) => Some(a.max(f)),
            (a, f) => a.or(f),
        }
    }

    /// One step of the countdown filter at the newest grid point.
    fn filter(&mut self, remaining: Option<f64>) {
        let rate = self.segment_rate(self.newest_t, self.bytes_at(self.newest));
        let (Some(rate), Some(remaining)) = (rate, remaining) else {
            return;
        };
        let t = self.newest_t;
        let raw = remaining / rate;
        self.filtered = Some(match self.filtered {
            Some((eta, at)) => {
                let predicted = eta - (t - at);
                if predicted <= 0.0 || (raw - predicted).abs() > raw {
                    (raw, t)
                } else {
                    let gain = 1.0 - (-(t - at) / FILTER_SECONDS).exp();
                    (predicted + gain * (raw - predicted), t)
                }
            }
            None => (raw, t),
        });
    }

    /// Bytes per second at the last observation (see the module documentation).
    pub(crate) fn rate(&self) -> Result<f64, Error> {
        if self.last_bytes_t.is_none() {
            return Err(Error::NotEnoughData);
        }
        self.segment_rate(self.obs_t, self.obs_b)
            .ok_or(Error::NotEnoughData)
    }

    /// Seconds until the `remaining` bytes are in, from the countdown filter at the last
    /// observation (before the filter's first grid point, `remaining` ÷ the rate).
    pub(crate) fn eta(&self, remaining: u64) -> Result<f64, Error> {
        let rate = self.rate()?;
        Ok(match self.filtered {
            Some((eta, at)) => (eta - (self.obs_t - at)).max(0.0),
            None => remaining as f64 / rate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: f64 = 1e6;

    /// At one look: the time, the rate, the ETA and the true remaining time.
    type Look = (f64, Result<f64, Error>, Result<f64, Error>, f64);

    /// Replays a transfer of `rates` (bytes per second, one per 100 ms), looking every `poll`
    /// grid steps.
    fn replay(rates: &[f64], poll: usize) -> Vec<Look> {
        run(rates, poll).0
    }

    /// [`replay`], and the times at which segments started after the first.
    fn run(rates: &[f64], poll: usize) -> (Vec<Look>, Vec<f64>) {
        let total: f64 = rates.iter().map(|r| r * GRID).sum();
        let end = rates.iter().rposition(|r| *r > 0.0).map_or(0, |i| i + 1) as f64 * GRID;
        let mut e = Estimator::new(Duration::ZERO);
        let (mut added, mut out, mut starts) = (0.0f64, Vec::new(), Vec::new());
        let mut first = None;
        for (i, r) in rates.iter().enumerate() {
            added += r * GRID;
            if (i + 1) % poll == 0 {
                let t = (i + 1) as f64 * GRID;
                let remaining = (total - added).round().max(0.0) as u64;
                e.observe(
                    Duration::from_secs_f64(t),
                    added.round() as u64,
                    Some(remaining),
                );
                out.push((t, e.rate(), e.eta(remaining), end - t));
                if e.last_bytes_t.is_some() {
                    match first {
                        None => first = Some(e.seg),
                        Some(seg) if seg != e.seg => {
                            starts.push(e.seg_t);
                            first = Some(e.seg);
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        (out, starts)
    }

    /// A link that swings as real ones do: a new level every `every` grid steps, uniform
    /// between 0.3 and 1.73 times `mean`, and ±50 % on each 100 ms, from a fixed
    /// pseudo-random sequence; `seconds` long.
    fn swinging(seconds: f64, mean: f64, seed: u64, every: usize) -> Vec<f64> {
        let mut x = seed | 1;
        let mut level = mean;
        (0..(seconds / GRID).round() as usize)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if i % every == 0 {
                    level = mean * (0.3 + (x % 1000) as f64 / 700.0);
                }
                level * (0.5 + ((x >> 20) % 1000) as f64 / 1000.0)
            })
            .collect()
    }

    fn steps(seconds: f64, rate: f64) -> Vec<f64> {
        vec![rate; (seconds / GRID).round() as usize]
    }

    #[test]
    fn steady_speed_is_exact() {
        let out = replay(&steps(30.0, 10.0 * MB), 1);
        let (_, rate, eta, truth) = out[100];
        assert!((rate.unwrap() - 10.0 * MB).abs() < 1.0);
        assert!((eta.unwrap() - truth).abs() < 0.01, "{eta:?} {truth}");
    }

    #[test]
    fn nothing_before_the_first_byte() {
        let mut rates = steps(2.0, 0.0);
        rates.extend(steps(5.0, MB));
        let out = replay(&rates, 1);
        assert_eq!(out[5].1, Err(Error::NotEnoughData));
        assert!(out[25].1.is_ok());
    }

    #[test]
    fn a_drop_is_followed_within_seconds() {
        let mut rates = steps(20.0, 20.0 * MB);
        rates.extend(steps(30.0, 5.0 * MB));
        let (out, starts) = run(&rates, 1);
        // One change, believed about 7 s after it (8 s compared, 2 s sustained), starting a
        // second after the step.
        assert_eq!(starts.len(), 1, "{starts:?}");
        assert!((starts[0] - 21.0).abs() < 0.5, "{starts:?}");
        // 10 s after the drop the estimate is within 5 % of the truth; the average of the
        // whole transfer would still be 2x off.
        let (_, rate, eta, truth) = out[299];
        assert!((rate.unwrap() / (5.0 * MB) - 1.0).abs() < 0.05, "{rate:?}");
        assert!(
            (eta.unwrap() / truth - 1.0).abs() < 0.05,
            "{eta:?} vs {truth}"
        );
    }

    #[test]
    fn a_rise_is_followed_at_once_by_the_fading_average() {
        let mut rates = steps(20.0, 5.0 * MB);
        rates.extend(steps(30.0, 20.0 * MB));
        let out = replay(&rates, 1);
        // 3 s after the rise, before any change is believed, the rate is well above the
        // plain average's (20 s at 5 and 3 s at 20: 7.0 MB/s) ...
        let (_, rate, _, _) = out[229];
        assert!(rate.unwrap() > 10.0 * MB, "{rate:?}");
        // ... and 10 s after it, within 5 % of the new speed.
        let (_, rate, _, _) = out[299];
        assert!((rate.unwrap() / (20.0 * MB) - 1.0).abs() < 0.05, "{rate:?}");
    }

    /// Ordinary fluctuation (regression): on a link whose speed swings between 0.3 and 1.7
    /// times its mean every 3 s, no change of speed is believed, and from 20 s on the ETA
    /// moves, besides counting down, by less than 1.4 % of the time left per second on
    /// average (5 % at most).
    #[test]
    fn ordinary_fluctuation_starts_no_segment() {
        for seed in [0x2545_F491_4F6C_DD1D, 0x9E37_79B9_7F4A_7C15, 12345] {
            let rates = swinging(120.0, MB, seed, 30);
            for poll in [1, 10] {
                let (out, starts) = run(&rates, poll);
                assert!(starts.is_empty(), "seed {seed:x} poll {poll}: {starts:?}");
                let apart = 10 / poll;
                let looks: Vec<&Look> = out.iter().filter(|o| o.0 >= 20.0 && o.0 < 110.0).collect();
                let steps: Vec<f64> = looks
                    .windows(apart + 1)
                    .map(|w| {
                        let (a, b) = (w[0], w[apart]);
                        let step = b.2.as_ref().unwrap() - a.2.as_ref().unwrap() + (b.0 - a.0);
                        step.abs() / a.3
                    })
                    .collect();
                let mean = steps.iter().sum::<f64>() / steps.len() as f64;
                let max = steps.iter().copied().fold(0.0, f64::max);
                assert!(
                    mean < 0.014 && max < 0.05,
                    "seed {seed:x} poll {poll}: {mean} {max}"
                );
            }
        }
    }

    /// A short gap after a steady rate (regression): 30 s at 1 MB/s, 5 s without a byte,
    /// then 1 MB/s again. A gap is not a new speed: 0.4 s after bytes resume the ETA is
    /// within 20 % of the truth, and no segment started.
    #[test]
    fn a_short_gap_after_a_steady_rate_is_not_a_new_speed() {
        let mut rates = steps(30.0, MB);
        rates.extend(steps(5.0, 0.0));
        rates.extend(steps(20.0, MB));
        for poll in [1, 2] {
            let (out, starts) = run(&rates, poll);
            assert!(starts.is_empty(), "poll {poll}: {starts:?}");
            let (t, _, eta, truth) = *out.iter().find(|o| o.0 >= 35.4 - 1e-9).unwrap();
            let eta = eta.unwrap();
            assert!(
                (eta / truth - 1.0).abs() < 0.2,
                "poll {poll} at {t}: {eta} vs {truth}"
            );
        }
    }

    /// Who looks when (regression): on a link that swings every second, a reader that looks
    /// once a second sees as many changes as one at 10 Hz, and gets the same ETA at the same
    /// instants, within 1 % of the truth at the median and 5 % at worst.
    #[test]
    fn the_reader_rate_does_not_change_the_estimate() {
        for seed in [0x2545_F491_4F6C_DD1D, 0x9E37_79B9_7F4A_7C15, 12345] {
            let rates = swinging(120.0, MB, seed, 10);
            let (often, often_starts) = run(&rates, 1);
            let (seldom, seldom_starts) = run(&rates, 10);
            assert_eq!(often_starts.len(), seldom_starts.len(), "seed {seed:x}");
            let mut diffs: Vec<f64> = seldom
                .iter()
                .filter(|s| s.0 >= 5.0 && s.0 < 115.0)
                .map(|(t, _, eta, truth)| {
                    let other = &often[(t / GRID).round() as usize - 1];
                    (eta.as_ref().unwrap() - other.2.as_ref().unwrap()).abs() / truth
                })
                .collect();
            diffs.sort_by(f64::total_cmp);
            let (median, worst) = (diffs[diffs.len() / 2], diffs[diffs.len() - 1]);
            assert!(
                median < 0.01 && worst < 0.05,
                "seed {seed:x}: {median} {worst}"
            );
        }
    }
    #[test]
    fn a_wrapped_counter_is_still_data() {
        let mut e = Estimator::new(Duration::ZERO);
        e.observe(Duration::from_secs(1), u64::MAX - 9, Some(100));
        e.observe(Duration::from_secs(2), 10, Some(80)); // 20 more bytes, wrapped
        let r = e.rate().unwrap();
        assert!(r > 0.0 && r < 1e20, "{r}");
    }
}
