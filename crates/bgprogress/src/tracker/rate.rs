//! The transfer rate and the ETA: the average speed since the last change of speed.
//!
//! # The estimator
//!
//! - **Samples on a fixed grid.** Writers never read the clock; the `rate`/`eta` calls observe
//!   (time, bytes added) and the estimator fills the grid points ([`GRID`], 100 ms of the
//!   tracker's own clock) since the last observation by linear interpolation. Everything below
//!   runs on grid points, so the figures do not depend on when, or how often, callers look
//!   (beyond the interpolation between two looks).
//! - **A segment average.** The rate is the bytes of the current *segment* divided by its
//!   duration: as long as the speed stays the same, the segment grows and the average over it
//!   is as steady as an average since the start.
//! - **Change detection.** On every grid point, the mean of the last [`SHORT`] is compared
//!   with the mean of the rest of the segment; when they differ by more than five standard
//!   errors (of the segment's own 100 ms increments, so bursty transfers need far larger
//!   differences than smooth ones) and by more than 20 %, a new segment starts at the grid
//!   point where the change fits best, unless no byte came after that point. A period without
//!   bytes starts no segment: a stall is not a new speed.
//! - **Stalls.** While no byte arrives the segment's average falls slowly (its duration grows),
//!   so the ETA grows but stays finite. When bytes resume after more than [`STALL`] without
//!   any, a new segment starts there, weighted with one second at the speed before the stall,
//!   so the first answers after a long pause are right at once.
//! - **A countdown filter.** The ETA is a countdown (it drops one second per second) pulled
//!   towards `remaining ÷ rate` with a time constant of one second, and reset to it when
//!   they differ by more than the estimate itself or a change starts a segment.

use core::time::Duration;

use crate::Error;

/// The shortest span that [`Tracker::rate`](crate::Tracker::rate) measures over: 100 ms.
pub const RATE_MIN_SPAN: Duration = Duration::from_millis(100);

/// The step of the estimator's grid, in seconds.
const GRID: f64 = 0.1;
/// The recent span compared with the rest of the segment: 4 s of grid steps.
const SHORT: usize = 40;
/// A segment must be this long (grid steps) before a change is looked for.
const MIN_SEGMENT: u64 = SHORT as u64 + 5;
/// Standard errors by which the recent mean must differ to be a change.
const CHANGE_SIGMAS: f64 = 5.0;
/// ... and by this fraction of the larger mean.
const CHANGE_FRACTION: f64 = 0.2;
/// No byte for this long (s) and then bytes: a stall ended, a new segment starts.
const STALL: f64 = 10.0;
/// Seconds of the speed before a stall that weigh on the segment after it.
const PRIOR_SECONDS: f64 = 1.0;
/// The countdown filter's time constant (s).
const FILTER_SECONDS: f64 = 1.0;
/// No change is looked for while no byte came for this long (s): the end of a burst, or the
/// start of a stall, is not a new speed.
const QUIET: f64 = 0.5;
/// Grid points kept: enough to look back over twice [`SHORT`].
const RING: usize = 128;

/// Mean and variance of a segment's 100 ms increments (Welford).
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

    fn variance(&self) -> f64 {
        if self.n > 1.0 {
            self.m2 / (self.n - 1.0)
        } else {
            0.0
        }
    }
}

/// The estimator's state: see the module documentation.
#[derive(Debug)]
pub(super) struct Estimator {
    /// Bytes at the newest grid points, `ring[index % RING]` for grid point `index`.
    ring: [f64; RING],
    /// The index and time (s) of the newest grid point.
    newest: u64,
    newest_t: f64,
    /// The segment: its first grid point, and its time and bytes there.
    seg: u64,
    seg_t: f64,
    seg_b: f64,
    spread: Spread,
    /// The speed before the stall that started this segment, if one did.
    prior: Option<f64>,
    /// The time of the newest grid step that brought bytes, once any did.
    last_bytes_t: Option<f64>,
    /// The newest observation: time, bytes (as a float, from the wrapping counter), counter.
    obs_t: f64,
    obs_b: f64,
    obs_added: u64,
    /// The countdown filter: the ETA (s) at a time, while the total is known.
    filtered: Option<(f64, f64)>,
}

impl Estimator {
    /// An estimator whose clock starts at `start`, with nothing added.
    pub(super) fn new(start: Duration) -> Self {
        let t = start.as_secs_f64();
        Estimator {
            ring: [0.0; RING],
            newest: 0,
            newest_t: t,
            seg: 0,
            seg_t: t,
            seg_b: 0.0,
            spread: Spread::default(),
            prior: None,
            last_bytes_t: None,
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
    pub(super) fn observe(&mut self, now: Duration, added: u64, remaining: Option<u64>) {
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
                if t - last - GRID > STALL {
                    // Bytes again after a stall: a new segment, with the speed before it.
                    let before = (bytes - inc - self.seg_b) / (last - self.seg_t).max(GRID);
                    self.start_segment(self.newest - 1, Some(before).filter(|r| *r > 0.0));
                }
            }
            self.last_bytes_t = Some(t);
        }
        self.spread.add(inc);
        self.look_for_a_change(t);
        self.filter(t, bytes, remaining);
    }

    fn start_segment(&mut self, index: u64, prior: Option<f64>) {
        self.seg = index;
        self.seg_t = self.newest_t - (self.newest - index) as f64 * GRID;
        self.seg_b = self.bytes_at(index);
        self.prior = prior;
        self.spread = Spread::default();
        for i in index + 1..=self.newest {
            self.spread.add(self.bytes_at(i) - self.bytes_at(i - 1));
        }
        self.filtered = None;
    }

    /// Compares the last [`SHORT`] with the rest of the segment (see the module doc).
    fn look_for_a_change(&mut self, t: f64) {
        let len = self.newest - self.seg;
        let quiet = self.last_bytes_t.map_or(true, |last| t - last >= QUIET);
        if len < MIN_SEGMENT || quiet {
            return;
        }
        let short = SHORT as u64;
        let split_b = self.bytes_at(self.newest - short);
        let recent = (self.bytes_at(self.newest) - split_b) / short as f64;
        let before = (split_b - self.seg_b) / (len - short) as f64;
        let variance = self.spread.variance();
        let se = (variance / short as f64 + variance / (len - short) as f64).sqrt();
        let diff = (recent - before).abs();
        if diff > CHANGE_SIGMAS * se && diff > CHANGE_FRACTION * recent.max(before) {
            let at = self.best_split();
            // A split after which no byte came is the start of a gap, not a new speed: a
            // segment without bytes would have no rate.
            if self.bytes_at(self.newest) > self.bytes_at(at) {
                self.start_segment(at, None);
            }
        }
    }

    /// The grid point of the last `2 * SHORT` after which the mean changed the most.
    fn best_split(&self) -> u64 {
        let end = self.newest;
        let lo = (self.seg + 1).max(end.saturating_sub(2 * SHORT as u64));
        let (b0, b_end) = (self.seg_b, self.bytes_at(end));
        let mut best = (f64::NEG_INFINITY, end - SHORT as u64);
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

    /// The segment's speed at (`t`, `bytes`), with the prior after a stall.
    fn segment_rate(&self, t: f64, bytes: f64) -> Option<f64> {
        let w = if self.prior.is_some() {
            PRIOR_SECONDS
        } else {
            0.0
        };
        let num = (bytes - self.seg_b) + self.prior.unwrap_or(0.0) * w;
        let den = (t - self.seg_t) + w;
        (den >= RATE_MIN_SPAN.as_secs_f64() && num > 0.0).then(|| num / den)
    }

    fn filter(&mut self, t: f64, bytes: f64, remaining: Option<f64>) {
        let (Some(rate), Some(remaining)) = (self.segment_rate(t, bytes), remaining) else {
            return;
        };
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

    /// Bytes per second now: the current segment's average (see the module documentation).
    pub(super) fn rate(&self) -> Result<f64, Error> {
        if self.last_bytes_t.is_none() {
            return Err(Error::NotEnoughData);
        }
        self.segment_rate(self.obs_t, self.obs_b)
            .ok_or(Error::NotEnoughData)
    }

    /// Seconds until the `remaining` bytes are in, from the countdown filter at the last
    /// observation (before the filter's first grid point, `remaining` ÷ the rate).
    pub(super) fn eta(&self, remaining: u64) -> Result<f64, Error> {
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
        let total: f64 = rates.iter().map(|r| r * GRID).sum();
        let end = rates.iter().rposition(|r| *r > 0.0).map_or(0, |i| i + 1) as f64 * GRID;
        let mut e = Estimator::new(Duration::ZERO);
        let (mut added, mut out) = (0.0f64, Vec::new());
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
            }
        }
        out
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
        let out = replay(&rates, 1);
        // 6 s after the drop the estimate is within 5 % of the truth; a 20 s average of the
        // whole transfer would still be 2x off.
        let (_, rate, eta, truth) = out[259];
        assert!((rate.unwrap() / (5.0 * MB) - 1.0).abs() < 0.05, "{rate:?}");
        assert!(
            (eta.unwrap() / truth - 1.0).abs() < 0.05,
            "{eta:?} vs {truth}"
        );
    }

    #[test]
    fn noise_does_not_start_segments() {
        // +-50 % every 100 ms around 10 MB/s, from a fixed pseudo-random sequence.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let rates: Vec<f64> = (0..600)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                10.0 * MB * (0.5 + (x % 1000) as f64 / 1000.0)
            })
            .collect();
        let out = replay(&rates, 1);
        for (t, _, eta, truth) in &out[100..550] {
            let err = (eta.unwrap() - truth).abs() / truth;
            assert!(err < 0.1, "at {t}: {eta:?} vs {truth}");
        }
    }

    #[test]
    fn stalls_stay_finite_and_resumption_is_right_at_once() {
        let mut rates = steps(30.0, 10.0 * MB);
        rates.extend(steps(20.0, 0.0));
        rates.extend(steps(30.0, 10.0 * MB));
        let out = replay(&rates, 1);
        // Through the stall: finite answers, growing.
        for (t, rate, eta, _) in &out[300..500] {
            assert!(rate.as_ref().is_ok_and(|r| *r > 0.0), "at {t}");
            assert!(eta.as_ref().is_ok_and(|e| e.is_finite()), "at {t}");
        }
        // 1 s after bytes resume: within 2x of the truth (here, within 10 %).
        let (_, _, eta, truth) = out[509];
        assert!(
            (eta.unwrap() / truth - 1.0).abs() < 0.1,
            "{eta:?} vs {truth}"
        );
    }

    #[test]
    fn looks_once_a_second_give_the_same_figures_on_a_smooth_transfer() {
        let mut rates = steps(10.0, 2.0 * MB);
        rates.extend(steps(40.0, 8.0 * MB));
        let every = replay(&rates, 1);
        let seldom = replay(&rates, 10);
        for (t, _, eta, truth) in seldom.iter().filter(|s| s.0 > 20.0 && s.0 < 45.0) {
            let i = (t / GRID).round() as usize - 1;
            let other = every[i].2.as_ref().unwrap();
            assert!(
                (eta.as_ref().unwrap() - other).abs() / truth < 0.02,
                "at {t}"
            );
        }
    }

    /// A short gap after a drop: the change test must not start a segment at the gap's
    /// first point (a segment with no bytes has no rate), at either reader rate.
    #[test]
    fn a_gap_after_a_drop_keeps_a_rate_and_a_finite_eta() {
        let mut rates = steps(20.0, 60e3);
        rates.extend(steps(5.0, 50e3));
        rates.extend(steps(5.0, 0.0));
        rates.extend(steps(10.0, 50e3));
        for poll in [1, 10] {
            let out = replay(&rates, poll);
            for (t, rate, eta, truth) in out.iter().filter(|o| o.0 > 25.0 && o.0 <= 30.0) {
                assert!(
                    rate.as_ref().is_ok_and(|r| *r > 0.0),
                    "poll {poll} at {t}: {rate:?}"
                );
                let eta = *eta.as_ref().unwrap();
                // The truth through the gap is 10 s to 15 s: finite and within reason.
                assert!(eta < 10.0 * truth, "poll {poll} at {t}: {eta} vs {truth}");
            }
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
