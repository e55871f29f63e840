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
//! not at all, for a spell that has lasted a while tends to last as long again). The
//! estimator is built from those three observations.
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
//!   period without bytes is not a new speed, nor is one in which each second brings no more
//!   than [`TRICKLE`] of what the plain average brings (an outage through which a packet a
//!   second gets by); its grid steps count as steps without bytes.
//! - **Stalls.** While no byte arrives both averages fall (their durations grow), so the ETA
//!   grows but stays finite. When bytes resume after more than [`STALL`] without any, a new
//!   segment starts there, weighted with one second at the speed before the stall, so the
//!   first answers after a long pause are right at once.
//! - **A faster spell.** The estimator also follows the segment's newest *spell* faster than
//!   [`SPELL_RATIO`] times its plain average: a one-sided cumulative sum of each grid
//!   point's bytes above that reference, which begins anew wherever it falls to zero (a
//!   CUSUM; the spell began where it last did). Once a spell has lasted [`MIN_SPELL`], the
//!   time left is also figured as if the spell lasts as long again as it has and the rest
//!   comes at the plain average, and the ETA takes the sooner of that and `remaining ÷
//!   rate`. The rate itself is not changed by it. On the recorded links this is what brings
//!   the end of a transfer that has sped up within reach: the fading average of a long
//!   segment still weighs the slow part.
//! - **A countdown filter.** The ETA is a countdown (it drops one second per second) pulled
//!   towards that figure with a time constant of [`FILTER_SECONDS`], and reset to it when
//!   they differ by more than the estimate itself or a segment starts.

use core::time::Duration;

use crate::Error;

/// The shortest span that [`Tracker::rate`](crate::Tracker::rate) measures over: 100 ms.
pub const RATE_MIN_SPAN: Duration = Duration::from_millis(100);

/// The step of the estimator's grid, in seconds: [`RATE_MIN_SPAN`].
const GRID: f64 = 0.1;
/// Grid points per second.
const PER_SECOND: u64 = 10;
/// Grid steps in a block, whose rates measure how much the link swings: 2 s.
const BLOCK: u64 = 20;
/// The recent span compared with the rest of the segment: 8 s of grid steps.
const SHORT: u64 = 80;
const _: () = assert!(SHORT % BLOCK == 0, "blocks end on multiples of BLOCK");
/// A segment must be this long (grid steps) before a change is looked for.
const MIN_SEGMENT: u64 = SHORT + 100;
/// The larger of the two means must be this many times the smaller to be a change ...
const CHANGE_RATIO: f64 = 1.8;
/// ... their log ratio this many standard deviations of the log block rates ...
const CHANGE_SIGMAS: f64 = 6.0;
/// ... on this many grid points in a row (2 s).
const SUSTAIN: u32 = 20;
/// No byte for this many grid steps (1 s) is a gap: no change is looked for while one is in
/// the recent span.
const GAP: u64 = 10;
/// A grid step whose last second brought at most this fraction of the segment's plain
/// average's second counts, for gaps and stalls, as a step without bytes: a link that
/// trickles (a packet a second) is out, not at a new speed.
const TRICKLE: f64 = 0.02;
/// No byte for more than this many grid steps (10 s) and then bytes: a stall ended, a new
/// segment starts.
const STALL: u64 = 100;
/// Seconds of the speed before a stall that weigh on the segment after it.
const PRIOR_SECONDS: f64 = 1.0;
/// The fading average's memory, as a fraction of the segment's age.
const MEMORY: f64 = 0.3;
/// The countdown filter's time constant (s).
const FILTER_SECONDS: f64 = 3.0;
/// A faster spell runs above this many times the segment's plain average ...
const SPELL_RATIO: f64 = 1.1;
/// ... and counts once it has lasted this many grid steps (8 s).
const MIN_SPELL: u64 = SHORT;
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

/// Whether two positive means differ by a change of speed: one is more than
/// [`CHANGE_RATIO`] times the other, and the logarithm of their ratio more than
/// [`CHANGE_SIGMAS`] times `sd`, the deviation of the logarithms of the link's block rates.
fn is_change(a: f64, b: f64, sd: f64) -> bool {
    let (lo, hi) = (a.min(b), a.max(b));
    hi > CHANGE_RATIO * lo && (hi / lo).ln() > CHANGE_SIGMAS * sd
}

/// The newest faster spell of a segment: where it began, and how far its bytes are ahead of
/// [`SPELL_RATIO`] times the segment's plain average since then (a one-sided cumulative sum,
/// which begins anew wherever it falls to zero).
#[derive(Debug, Clone, Copy)]
struct Spell {
    /// The grid point after which it began, and the bytes there.
    start: u64,
    start_b: f64,
    /// Bytes ahead of the reference, never below zero.
    lead: f64,
}

impl Spell {
    fn at(start: u64, start_b: f64) -> Self {
        Spell {
            start,
            start_b,
            lead: 0.0,
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
    /// The newest grid point whose step brought bytes, and more than a trickle, once any did.
    last_bytes: Option<u64>,
    /// The grid point after which bytes came again after the newest gap, if there was one.
    gap_end: Option<u64>,
    /// Grid points in a row on which the recent span was a change.
    held: u32,
    /// The segment's newest faster spell.
    spell: Spell,
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
            last_bytes: None,
            gap_end: None,
            held: 0,
            spell: Spell::at(0, 0.0),
            obs_t: t,
            obs_b: 0.0,
            obs_added: 0,
            filtered: None,
        }
    }

    /// The time (s) of grid point `index`, at most the newest.
    fn time_at(&self, index: u64) -> f64 {
        self.newest_t - (self.newest - index) as f64 * GRID
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
        // A grid point is due only after the previous look's (which filled the grid up to
        // its time), so t > t_prev in the loop.
        while self.newest_t + GRID <= t + 1e-9 {
            let gt = self.newest_t + GRID;
            let gb = b_prev + (b - b_prev) * ((gt - t_prev) / (t - t_prev)).min(1.0);
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
        // Whether a segment started at the previous point (it then took this one in).
        let mut started = false;
        if self.last_bytes.is_none() {
            if inc <= 0.0 {
                // Nothing yet: the segment starts at the first bytes.
                self.start_segment(self.newest, None);
                return;
            }
            self.start_segment(self.newest - 1, None);
            started = true;
        }
        if inc > 0.0 && !self.trickling() {
            if let Some(last) = self.last_bytes {
                // The grid steps without a byte (or with a trickle) before this one.
                let quiet = self.newest - last - 1;
                if quiet > STALL {
                    // Bytes again after a stall: a new segment, with the speed before it.
                    let span = (last - self.seg).max(1) as f64 * GRID;
                    let before = (bytes - inc - self.seg_b) / span;
                    // Positive: the segment's first point brought bytes.
                    self.start_segment(self.newest - 1, Some(before));
                    started = true;
                }
                if quiet >= GAP {
                    self.gap_end = Some(self.newest - 1);
                }
            }
            self.last_bytes = Some(self.newest);
        }
        if !started {
            self.take(self.newest);
        }
        self.look_for_a_change();
        self.filter(remaining);
    }

    /// Whether the second up to the newest grid point brought at most [`TRICKLE`] times what
    /// the segment's plain average brings in a second (never in the grid's first second).
    /// Asked once the segment has a grid step, as the average is.
    fn trickling(&self) -> bool {
        let Some(second_ago) = self.newest.checked_sub(PER_SECOND) else {
            return false;
        };
        let bytes = self.bytes_at(self.newest);
        let second = bytes - self.bytes_at(second_ago);
        second <= TRICKLE * self.plain_average(self.newest_t, bytes)
    }

    fn start_segment(&mut self, index: u64, prior: Option<f64>) {
        self.seg = index;
        self.seg_t = self.time_at(index);
        self.seg_b = self.bytes_at(index);
        self.prior = prior;
        self.fading = prior;
        self.blocks = Spread::default();
        self.held = 0;
        self.spell = Spell::at(index, self.seg_b);
        self.filtered = None;
        // A split is in the past: the grid points since belong to the new segment.
        for i in index + 1..=self.newest {
            self.take(i);
        }
    }

    /// Takes grid point `index` of the segment into the fading average, into the spell and,
    /// once it is [`SHORT`] old, the block that ends there into the block spread.
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
        self.follow_the_spell(index, inc);
        let age = index - self.seg;
        // A block ends every BLOCK points of age, the first SHORT + BLOCK after the start.
        if age >= SHORT + BLOCK && age % BLOCK == 0 {
            let end = index - SHORT;
            let block = self.bytes_at(end) - self.bytes_at(end - BLOCK);
            if block > 0.0 {
                self.blocks.add(block.ln());
            }
        }
    }

    /// Compares the last [`SHORT`] with the rest of the segment (see the module doc).
    fn look_for_a_change(&mut self) {
        let (len, now) = (self.newest - self.seg, self.newest);
        let flowing = self.last_bytes.is_some_and(|last| now - last < GAP)
            && self.gap_end.map_or(true, |end| now - end >= SHORT);
        if len < MIN_SEGMENT || !flowing {
            self.held = 0;
            return;
        }
        let split_b = self.bytes_at(self.newest - SHORT);
        let recent = (self.bytes_at(self.newest) - split_b) / SHORT as f64;
        let before = (split_b - self.seg_b) / (len - SHORT) as f64;
        // Both means are positive: bytes came in the last GAP points (flowing), and in the
        // segment's first point (a segment starts before bytes, or, after a change, at most
        // a few seconds before bytes the change test saw, far less than the rest's span).
        let change = is_change(recent, before, self.blocks.sd());
        self.held = if change { self.held + 1 } else { 0 };
        if self.held >= SUSTAIN {
            let at = (self.best_split() + PER_SECOND).min(self.newest - 1);
            // A split after which no byte came is the start of a gap, not a new speed.
            if self.bytes_at(self.newest) > self.bytes_at(at) {
                self.start_segment(at, None);
            }
        }
    }

    /// Takes grid point `index`'s increment `inc` into the spell: its lead grows by the bytes
    /// above [`SPELL_RATIO`] times the plain average there, and where it would fall to zero
    /// or below, the spell begins anew after that point.
    fn follow_the_spell(&mut self, index: u64, inc: f64) {
        let bytes = self.bytes_at(index);
        let reference = SPELL_RATIO * self.plain_average(self.time_at(index), bytes) * GRID;
        let lead = self.spell.lead + inc - reference;
        if lead > 0.0 {
            self.spell.lead = lead;
        } else {
            self.spell = Spell::at(index, bytes);
        }
    }

    /// The grid point of the last `2 * SHORT` after which the mean changed the most (the
    /// split that fits the segment's increments best with two means).
    fn best_split(&self) -> u64 {
        let end = self.newest;
        // The segment's first point, if in the window, has no points before it: its score is
        // 0 / 0, NaN, which never compares above the best.
        let lo = self.seg.max(end.saturating_sub(2 * SHORT));
        let (b0, b_end) = (self.seg_b, self.bytes_at(end));
        let mut best = (f64::NEG_INFINITY, lo);
        for i in lo..end.saturating_sub(1) {
            let (n1, n2) = ((i - self.seg) as f64, (end - i) as f64);
            let bi = self.bytes_at(i);
            let (m1, m2) = ((bi - b0) / n1, (b_end - bi) / n2);
            // The between-means sum of squares is this over n1 + n2, the same for every i.
            let score = (m1 - m2) * (m1 - m2) * n1 * n2;
            if score > best.0 {
                best = (score, i);
            }
        }
        best.1
    }

    /// The segment's rate at time `t` with `bytes` in: the larger of its plain average up to
    /// then (with the prior after a stall) and its fading average at the newest grid point.
    /// Asked only once bytes came: a segment begins a grid step ([`RATE_MIN_SPAN`]) or more
    /// before a grid point that brought bytes, or with a positive prior, so the average is
    /// positive and over at least a grid step.
    fn segment_rate(&self, t: f64, bytes: f64) -> f64 {
        let average = self.plain_average(t, bytes);
        self.fading.map_or(average, |f| average.max(f))
    }

    /// The segment's plain average at time `t` with `bytes` in, with one second of the prior
    /// after a stall. Asked only after the segment's first grid point (a span of at least a
    /// grid step), as [`segment_rate`](Self::segment_rate) is, or for the points after it.
    fn plain_average(&self, t: f64, bytes: f64) -> f64 {
        let w = if self.prior.is_some() {
            PRIOR_SECONDS
        } else {
            0.0
        };
        let num = (bytes - self.seg_b) + self.prior.unwrap_or(0.0) * w;
        let den = (t - self.seg_t) + w;
        num / den
    }

    /// The time until `remaining` bytes are in, from time `t` with `bytes` in: `remaining` ÷
    /// the rate, or, if sooner, the time it takes when a faster spell of at least
    /// [`MIN_SPELL`] lasts as long again as it has and the rest comes at the plain average.
    fn raw_eta(&self, remaining: f64, t: f64, bytes: f64) -> f64 {
        let by_rate = remaining / self.segment_rate(t, bytes);
        if self.newest - self.spell.start < MIN_SPELL {
            return by_rate;
        }
        // At least MIN_SPELL grid steps, as `t` is at or after the newest grid point.
        let span = t - self.time_at(self.spell.start);
        let (spell, average) = (
            (bytes - self.spell.start_b) / span,
            self.plain_average(t, bytes),
        );
        let by_spell = if spell * span >= remaining {
            remaining / spell
        } else {
            span + (remaining - spell * span) / average
        };
        by_spell.min(by_rate)
    }

    /// One step of the countdown filter at the newest grid point.
    fn filter(&mut self, remaining: Option<f64>) {
        let Some(remaining) = remaining else {
            return;
        };
        let t = self.newest_t;
        let raw = self.raw_eta(remaining, t, self.bytes_at(self.newest));
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
        if self.last_bytes.is_none() {
            return Err(Error::NotEnoughData);
        }
        Ok(self.segment_rate(self.obs_t, self.obs_b))
    }

    /// Seconds until the `remaining` bytes are in, from the countdown filter at the last
    /// observation (before the filter's first grid point, the figure it would start from).
    pub(crate) fn eta(&self, remaining: u64) -> Result<f64, Error> {
        self.rate()?;
        Ok(match self.filtered {
            Some((eta, at)) => (eta - (self.obs_t - at)).max(0.0),
            None => self.raw_eta(remaining as f64, self.obs_t, self.obs_b),
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
                if e.last_bytes.is_some() {
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

    /// A trickle after a steady rate (regression: it was taken for a new speed, and the ETA
    /// grew to 150,000 s on a recorded LTE outage): 30 s at 1 MB/s, 9 s in which one 1500-byte
    /// packet a second gets by, then 1 MB/s again. No segment starts; through the trickle the
    /// ETA grows, as through a gap, but stays under twice the truth, and 0.4 s after the
    /// bytes resume it is within 20 % of the truth, at 10 Hz and at 1 Hz.
    #[test]
    fn a_trickle_is_a_gap_not_a_new_speed() {
        let mut rates = steps(30.0, MB);
        for _ in 0..9 {
            rates.push(1500.0 / GRID);
            rates.extend(steps(0.9, 0.0));
        }
        rates.extend(steps(20.0, MB));
        for poll in [1, 10] {
            let (out, starts) = run(&rates, poll);
            assert!(starts.is_empty(), "poll {poll}: {starts:?}");
            for &(t, _, eta, truth) in out.iter().filter(|o| o.0 > 30.0 && o.0 < 39.0) {
                let eta = eta.unwrap();
                assert!(eta < 2.0 * truth, "poll {poll} at {t}: {eta} vs {truth}");
            }
            let (t, _, eta, truth) = *out.iter().find(|o| o.0 >= 39.4 - 1e-9).unwrap();
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
    /// Welford's mean and sample deviation, exactly: 2, 4, 4, 4, 5, 5, 7, 9 have mean 5 and
    /// squared deviations summing to 32; one value has no deviation.
    #[test]
    fn the_spread_is_the_sample_deviation() {
        let mut s = Spread::default();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            s.add(x);
        }
        assert_eq!((s.n, s.mean, s.m2), (8.0, 5.0, 32.0));
        assert_eq!(s.sd(), (32.0f64 / 7.0).sqrt());
        let mut one = Spread::default();
        one.add(3.0);
        assert_eq!(one.sd(), 0.0);
    }

    /// Feeds `e` a grid point at a time: `rate` bytes per second for `seconds`, with
    /// `remaining` bytes left at the end of each step.
    fn feed(e: &mut Estimator, t: &mut f64, added: &mut u64, seconds: f64, rate: f64, total: u64) {
        for _ in 0..(seconds / GRID).round() as usize {
            *t += GRID;
            *added += (rate * GRID).round() as u64;
            e.observe(Duration::from_secs_f64(*t), *added, Some(total - *added));
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    /// A clean step from 1 to 4 MB/s after 20 s, exactly: the 8 s recent mean exceeds 1.8
    /// times the rest's after 22 steps (1 + 3k/80 > 1.8), and holds for 2 s (20 points), so at
    /// 24.1 s a segment starts a second after the step (21.0 s); its rate is the new speed
    /// and the ETA the truth, at once. One grid point earlier nothing had started.
    #[test]
    fn a_clean_step_starts_a_segment_on_time() {
        let total = 140_000_000;
        let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
        feed(&mut e, &mut t, &mut added, 20.0, MB, total);
        feed(&mut e, &mut t, &mut added, 4.0, 4.0 * MB, total);
        assert_eq!(e.seg, 0, "no change believed at {t}");
        // The plain average is 36 MB in 24 s; the fading one, weighted to the recent 4 MB/s,
        // is above it.
        let rate = e.rate().unwrap();
        assert!(rate > 1.5 * MB && rate < 4.0 * MB, "{rate}");
        feed(&mut e, &mut t, &mut added, 0.1, 4.0 * MB, total);
        assert_eq!(e.seg, 210, "at {t}");
        assert!(close(e.seg_t, 21.0), "{}", e.seg_t);
        assert!(close(e.rate().unwrap(), 4.0 * MB), "{:?}", e.rate());
        let eta = e.eta(total - added).unwrap();
        assert!(close(eta, 25.9), "{eta}");
    }

    /// A link that swings needs a larger step: with block rates alternating between 1 and
    /// 1.5 MB/s, a step to 2.5x their mean is within six deviations of their logarithms and
    /// starts nothing, where the same step on a steady link does.
    #[test]
    fn a_step_within_the_links_swings_is_not_a_change() {
        let mut swinging = Vec::new();
        for i in 0..10 {
            swinging.extend(steps(2.0, if i % 2 == 0 { MB } else { 1.5 * MB }));
        }
        swinging.extend(steps(20.0, 3.1 * MB));
        assert!(run(&swinging, 1).1.is_empty());
        let mut steady = steps(20.0, 1.25 * MB);
        steady.extend(steps(20.0, 3.1 * MB));
        assert_eq!(run(&steady, 1).1.len(), 1);
    }

    /// The countdown filter, exactly: on a steady link the ETA is the truth; when the
    /// remaining bytes jump by half, it moves a fraction 1 - e^(-0.1/3) of the way to the new
    /// figure per grid point; when they fall below half, it takes the new figure at once.
    #[test]
    fn the_countdown_filter_moves_by_its_gain() {
        let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
        let total = 100_000_000;
        feed(&mut e, &mut t, &mut added, 20.0, MB, total);
        let remaining = total - added; // 80 MB: 80 s at 1 MB/s
        assert!(close(e.eta(remaining).unwrap(), 80.0));
        // 120 MB remain at the next grid point: the figure is 120 s, the countdown 79.9 s.
        t += GRID;
        added += 100_000;
        e.observe(Duration::from_secs_f64(t), added, Some(120_000_000));
        let gain = 1.0 - (-GRID / FILTER_SECONDS).exp();
        let want = 79.9 + gain * (120.0 - 79.9);
        assert!(
            close(e.eta(120_000_000).unwrap(), want),
            "{:?} {want}",
            e.eta(0)
        );
        // Then 10 MB: 10 s, less than half the countdown, so taken at once.
        t += GRID;
        added += 100_000;
        e.observe(Duration::from_secs_f64(t), added, Some(10_000_000));
        assert!(close(e.eta(10_000_000).unwrap(), 10.0), "{:?}", e.eta(0));
        // Between grid points the countdown counts down.
        e.observe(
            Duration::from_secs_f64(t + 0.05),
            added + 50_000,
            Some(9_950_000),
        );
        assert!(close(e.eta(9_950_000).unwrap(), 9.95), "{:?}", e.eta(0));
    }

    /// An estimator after 300 s at 1 MB/s and then `seconds` at `speed` MB/s, of a transfer
    /// of `total` bytes; with its clock and the bytes added.
    fn after_a_long_mb_s(total: u64, seconds: f64, speed: f64) -> (Estimator, f64, u64) {
        let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
        feed(&mut e, &mut t, &mut added, 300.0, MB, total);
        feed(&mut e, &mut t, &mut added, seconds, speed * MB, total);
        (e, t, added)
    }

    /// The ETA at the last observation without the countdown filter, and `remaining` ÷ the
    /// rate.
    fn raw_and_by_rate(e: &Estimator, remaining: u64) -> (f64, f64) {
        let remaining = remaining as f64;
        (
            e.raw_eta(remaining, e.obs_t, e.obs_b),
            remaining / e.rate().unwrap(),
        )
    }

    /// A faster spell that can bring the rest (regression: the ETA was remaining ÷ the rate,
    /// whose fading average, 300 s into the segment, still weighs the slow part): after 300 s
    /// at 1 MB/s, 30 s at 1.5 MB/s is no change (less than 1.8x) but a spell from 300 s, and
    /// the 30 MB left take 20 s at its speed. remaining ÷ the rate says 24 s or more.
    #[test]
    fn a_faster_spell_that_can_bring_the_rest_sets_the_eta() {
        let total = 375_000_000;
        let (e, _, added) = after_a_long_mb_s(total, 30.0, 1.5);
        assert_eq!(e.seg, 0, "no change believed");
        assert!(
            (e.time_at(e.spell.start) - 300.0).abs() < 0.05,
            "{:?}",
            e.spell
        );
        let (raw, by_rate) = raw_and_by_rate(&e, total - added);
        assert!((raw - 20.0).abs() < 1e-6, "{raw}");
        assert!(by_rate > 24.0, "{by_rate}");
        // The countdown, 5 s after the spell could first bring the rest, is within 5 % of it.
        let eta = e.eta(total - added).unwrap();
        assert!((eta / 20.0 - 1.0).abs() < 0.05, "{eta}");
    }

    /// A spell counts from its 80th grid point (8 s), when it is the shorter way: 8 s at
    /// 1.5 MB/s bring 12 of the 63 MB left, the rest at the plain average (312 MB in 308 s)
    /// takes 50.3 s, 58.3 s in all, against 63 MB ÷ the fading average's 1.04 MB/s.
    #[test]
    fn a_spell_counts_from_its_eighth_second() {
        let total = 375_000_000;
        let (mut e, mut t, mut added) = after_a_long_mb_s(total, 7.9, 1.5);
        assert_eq!(e.newest - e.spell.start, MIN_SPELL - 1);
        let (raw, by_rate) = raw_and_by_rate(&e, total - added);
        assert!(close(raw, by_rate), "{raw} {by_rate}");
        feed(&mut e, &mut t, &mut added, 0.1, 1.5 * MB, total);
        let (raw, by_rate) = raw_and_by_rate(&e, total - added);
        let want = 8.0 + 51e6 / (312e6 / 308.0);
        assert!((raw - want).abs() < 1e-3, "{raw} {want}");
        assert!(by_rate > raw + 1.5, "{by_rate} {raw}");
    }

    /// A spell runs above 1.1 times the plain average: 30 s at 1.1 MB/s after 300 s at 1 MB/s
    /// is none (the average rises with it), 30 s at 1.2 MB/s is one.
    #[test]
    fn a_spell_is_more_than_a_tenth_above_the_average() {
        for (speed, spell) in [(1.1, false), (1.2, true)] {
            let (e, _, _) = after_a_long_mb_s(400_000_000, 30.0, speed);
            // 20 MB left: the spell would bring them in 16.7 s.
            let (raw, by_rate) = raw_and_by_rate(&e, 20_000_000);
            assert_eq!(e.newest - e.spell.start >= MIN_SPELL, spell, "{speed}");
            if spell {
                assert!(close(raw, 20.0 / speed), "{raw}");
                assert!(by_rate > raw * 1.1, "{by_rate} {raw}");
            } else {
                assert!(close(raw, by_rate), "{raw} {by_rate}");
            }
        }
    }

    /// A slower stretch uses up the spell's lead and the spell begins anew: after the 1.5 MB/s
    /// spell, 20 s at 0.5 MB/s, and the ETA is remaining ÷ the rate again.
    #[test]
    fn a_slower_stretch_ends_the_spell() {
        let total = 400_000_000;
        let (mut e, mut t, mut added) = after_a_long_mb_s(total, 30.0, 1.5);
        let lead = e.spell.lead;
        // About 30 s × (1.5 − 1.1 × 1.02) MB.
        assert!(lead > 10e6 && lead < 12e6, "{lead}");
        feed(&mut e, &mut t, &mut added, 20.0, 0.5 * MB, total);
        assert!(e.newest - e.spell.start < MIN_SPELL, "{:?}", e.spell);
        let (raw, by_rate) = raw_and_by_rate(&e, total - added);
        assert!(close(raw, by_rate), "{raw} {by_rate}");
    }

    /// Through a stall the rate is the segment's plain average, bytes over all the time since
    /// it began (the fading average falls faster); after a stall of more than 10 s a segment
    /// starts at the first new bytes, weighted with one second at the speed before.
    #[test]
    fn a_stall_slows_the_average_and_a_long_one_starts_a_segment() {
        let total = 100_000_000;
        let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
        feed(&mut e, &mut t, &mut added, 20.0, MB, total);
        feed(&mut e, &mut t, &mut added, 10.0, 0.0, total);
        assert!(close(e.rate().unwrap(), 20.0 * MB / 30.0), "{:?}", e.rate());
        assert_eq!(e.seg, 0);
        feed(&mut e, &mut t, &mut added, 5.0, 0.0, total);
        feed(&mut e, &mut t, &mut added, 0.5, 2.0 * MB, total);
        assert_eq!(e.seg, 350, "the segment starts where bytes came again");
        assert!(e.prior.is_some_and(|p| close(p, MB)), "{:?}", e.prior);
        // The plain average: 1 MB in 0.5 s, plus 1 s at 1 MB/s: 2 MB in 1.5 s. The fading
        // average starts at the prior and takes each 2 MB/s point with weight 1 / (0.3 n),
        // n counting the prior's 10 points.
        let mut fading = MB;
        for n in 11..=15 {
            fading += (1.0 / (MEMORY * n as f64)) * (2.0 * MB - fading);
        }
        let average = 2.0 * MB / 1.5;
        assert!(fading > average);
        assert!(close(e.rate().unwrap(), fading), "{:?} {fading}", e.rate());
    }

    /// The plain average needs 100 ms of the segment: the first grid point with bytes gives
    /// it; before, only the fading average answers.
    #[test]
    fn the_first_rate_comes_from_the_first_grid_step() {
        let mut e = Estimator::new(Duration::ZERO);
        e.observe(Duration::from_millis(100), 50_000, Some(950_000));
        assert!(close(e.rate().unwrap(), 500_000.0), "{:?}", e.rate());
        assert!(close(e.eta(950_000).unwrap(), 1.9), "{:?}", e.eta(0));
        // Halfway to the next grid point, the plain average over 150 ms of 80 kB.
        e.observe(Duration::from_millis(150), 80_000, Some(920_000));
        assert!(close(e.rate().unwrap(), 80_000.0 / 0.15), "{:?}", e.rate());
    }

    /// Feeds `e` grid point by grid point from `rates` (bytes per second, one per 100 ms) and
    /// answers the grid point at which the segment first changed, if it did.
    fn first_change(rates: &[f64]) -> Option<(u64, u64)> {
        let total = rates.iter().map(|r| (r * GRID).round() as u64).sum::<u64>();
        let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
        let mut seg = None;
        for r in rates {
            feed(&mut e, &mut t, &mut added, GRID, *r, total);
            match seg {
                None if e.last_bytes.is_some() => seg = Some(e.seg),
                Some(s) if s != e.seg => return Some((e.newest, e.seg)),
                _ => {}
            }
        }
        None
    }

    /// The change test's counts, exactly: a clean step is looked for once the segment has
    /// [`MIN_SEGMENT`] points (180: 10 s at 1 MB/s, then 4 MB/s, is a change at once and
    /// believed 20 points later, at 199); a new segment starts [`PER_SECOND`] points after
    /// the step.
    #[test]
    fn a_change_is_looked_for_from_the_segments_minimum_length() {
        let mut rates = steps(10.0, MB);
        rates.extend(steps(20.0, 4.0 * MB));
        assert_eq!(first_change(&rates), Some((199, 110)));
    }

    /// After a gap (a second or more without a byte) no change is looked for until the
    /// recent span is clear of it: 20 s at 1 MB/s, 10 empty points, 2 s at 1 MB/s, then
    /// 8 MB/s from point 231. The gap ends at 210, the recent span is clear of it at 290, and
    /// the change, true by then, is believed 20 points later, at 309, with a segment from 240.
    /// With 9 empty points there is no gap, and the change is believed as soon as it holds.
    #[test]
    fn a_gap_holds_the_change_test_back_for_the_recent_span() {
        let transfer = |empty: usize| {
            let mut rates = steps(20.0, MB);
            rates.extend(vec![0.0; empty]);
            rates.extend(steps(2.0, MB));
            rates.extend(steps(20.0, 8.0 * MB));
            first_change(&rates).unwrap()
        };
        assert_eq!(transfer(10), (309, 240));
        // The step is a point earlier (230), and believed before the hold would have ended.
        let (at, seg) = transfer(9);
        assert!(at < 290, "{at}");
        assert_eq!(seg, 239);
    }

    /// A change that would be believed on the tenth point of a gap is not: the gap has
    /// begun (10 points without a byte), and no segment starts.
    #[test]
    fn no_change_is_believed_once_a_gap_has_begun() {
        let mut rates = steps(20.0, MB);
        rates.extend(steps(3.1, 4.0 * MB));
        rates.extend(vec![0.0; 10]);
        assert_eq!(first_change(&rates), None);
        rates.truncate(rates.len() - 10);
        rates.extend(steps(2.0, 4.0 * MB));
        assert_eq!(first_change(&rates), Some((241, 210)));
    }

    /// A stall is more than [`STALL`] (100) points without a byte: after 100 the segment
    /// goes on; after 101 one starts where the bytes came again.
    #[test]
    fn a_stall_is_more_than_a_hundred_empty_points() {
        for (empty, want) in [(100, None), (101, Some((302, 301)))] {
            let mut rates = steps(20.0, MB);
            rates.extend(vec![0.0; empty]);
            rates.extend(steps(1.0, MB));
            assert_eq!(first_change(&rates), want, "{empty} empty points");
        }
    }

    /// A new segment never starts after the newest point: when the best split is among the
    /// last points (here a burst at 1 GB/s in the last three, on top of a clean step from 1
    /// to 4 MB/s at 200 believed at 241), it starts at the point before the newest.
    #[test]
    fn a_split_among_the_last_points_starts_a_segment_before_the_newest() {
        let mut rates = steps(20.0, MB);
        rates.extend(steps(3.8, 4.0 * MB));
        rates.extend(steps(0.3, 1000.0 * MB));
        assert_eq!(first_change(&rates), Some((241, 240)));
        // When no byte came after that point, it is the start of a gap: no segment.
        let mut rates = steps(20.0, MB);
        rates.extend(steps(3.7, 4.0 * MB));
        rates.extend(steps(0.3, 1000.0 * MB));
        rates.extend(steps(2.0, 0.0));
        assert_eq!(first_change(&rates), None);
    }

    /// A small step is believed late and still split where it happened: from 1 to 1.9 MB/s
    /// at 200, the recent mean passes 1.8 times the rest's 72 points later (1 + 0.9k/80 >
    /// 1.8) and holds 20, so at 291 a segment starts at 210; the split is looked for over the
    /// last 160 points.
    #[test]
    fn a_small_step_is_split_where_it_happened() {
        let mut rates = steps(20.0, MB);
        rates.extend(steps(20.0, 1.9 * MB));
        assert_eq!(first_change(&rates), Some((291, 210)));
    }

    /// The split is the point of the last 160 (after the segment's first) that fits the
    /// segment's increments best with one mean before it and one after: checked against the
    /// sums of squared errors of every candidate, in a segment that began after a stall and
    /// on a link that swings.
    #[test]
    fn the_best_split_fits_two_means_best() {
        for seed in [0x2545_F491_4F6C_DD1D, 0x9E37_79B9_7F4A_7C15, 12345] {
            let mut rates = steps(20.0, MB);
            rates.extend(steps(11.0, 0.0));
            rates.extend(swinging(30.0, MB, seed, 10));
            let total = 1 << 40;
            let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
            let mut bytes = vec![0u64];
            for r in &rates {
                feed(&mut e, &mut t, &mut added, GRID, *r, total);
                bytes.push(added);
            }
            assert!(e.seg > 300, "a segment began after the stall: {}", e.seg);
            let (seg, end) = (e.seg as usize, e.newest as usize);
            let sse = |from: usize, to: usize| {
                let x: Vec<f64> = (from + 1..=to)
                    .map(|i| (bytes[i] - bytes[i - 1]) as f64)
                    .collect();
                let mean = x.iter().sum::<f64>() / x.len() as f64;
                x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>()
            };
            let want = ((seg + 1).max(end - 160)..end - 1)
                .min_by(|&a, &b| {
                    (sse(seg, a) + sse(a, end)).total_cmp(&(sse(seg, b) + sse(b, end)))
                })
                .unwrap();
            assert_eq!(e.best_split(), want as u64, "seed {seed:x}");
        }
    }

    /// After a stall, when the new speed is lower than the one before, the plain average
    /// with its prior (one second at the old speed) is the larger: 5 points at 0.5 MB/s after
    /// 1 MB/s give (0.25 MB + 1 MB) / (0.5 s + 1 s).
    #[test]
    fn after_a_stall_the_average_weighs_one_second_of_the_old_speed() {
        let total = 100_000_000;
        let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
        feed(&mut e, &mut t, &mut added, 20.0, MB, total);
        feed(&mut e, &mut t, &mut added, 11.0, 0.0, total);
        feed(&mut e, &mut t, &mut added, 0.5, 0.5 * MB, total);
        assert!(e.prior.is_some());
        let want = 1.25 * MB / 1.5;
        assert!(close(e.rate().unwrap(), want), "{:?} {want}", e.rate());
    }

    /// The change test's two thresholds, exactly: 1.8 times, and six deviations of the
    /// link's log block rates.
    #[test]
    fn a_change_is_large_and_far_out_of_the_links_swings() {
        assert!(is_change(1.0, 1.81, 0.0) && is_change(1.81, 1.0, 0.0));
        assert!(!is_change(1.0, 1.79, 0.0) && !is_change(1.79, 1.0, 0.0));
        // ln 3 = 1.0986: over six deviations of 0.18, not of 0.19.
        assert!(is_change(1.0, 3.0, 0.18) && is_change(3.0, 1.0, 0.18));
        assert!(!is_change(1.0, 3.0, 0.19) && !is_change(3.0, 1.0, 0.19));
    }

    /// Before the countdown's first grid point with a known total (the size became known
    /// since the last grid point), the ETA is the remaining bytes over the rate.
    #[test]
    fn before_the_countdown_starts_the_eta_is_remaining_over_rate() {
        let mut e = Estimator::new(Duration::ZERO);
        for i in 1..=50u64 {
            e.observe(Duration::from_millis(100 * i), 100_000 * i, None);
        }
        e.observe(Duration::from_millis(5_050), 5_050_000, Some(3_000_000));
        assert!(close(e.rate().unwrap(), MB), "{:?}", e.rate());
        assert!(
            close(e.eta(3_000_000).unwrap(), 3.0),
            "{:?}",
            e.eta(3_000_000)
        );
    }

    /// A stall in a later segment: the prior is the speed of that segment alone (4 MB/s from
    /// point 210 to 300, not the 1 MB/s before it), and after 5 points at 2 MB/s the plain
    /// average with it, (1 MB + 4 MB) / 1.5 s, is the rate.
    #[test]
    fn a_stall_in_a_later_segment_carries_that_segments_speed() {
        let total = 1 << 40;
        let (mut e, mut t, mut added) = (Estimator::new(Duration::ZERO), 0.0, 0);
        feed(&mut e, &mut t, &mut added, 20.0, MB, total);
        feed(&mut e, &mut t, &mut added, 10.0, 4.0 * MB, total);
        assert_eq!(e.seg, 210);
        feed(&mut e, &mut t, &mut added, 11.0, 0.0, total);
        feed(&mut e, &mut t, &mut added, 0.5, 2.0 * MB, total);
        assert!(e.prior.is_some_and(|p| close(p, 4.0 * MB)), "{:?}", e.prior);
        assert!(close(e.rate().unwrap(), 5.0 * MB / 1.5), "{:?}", e.rate());
    }

    /// The block spread starts anew with each segment: after a step from 1 to 4 MB/s (a
    /// segment from 21 s), a second step to 16 MB/s at 40 s is believed too, with a segment
    /// from 41 s; the 1 MB/s blocks of the first segment would have hidden it.
    #[test]
    fn each_segment_measures_its_own_swings() {
        let mut rates = steps(20.0, MB);
        rates.extend(steps(20.0, 4.0 * MB));
        rates.extend(steps(20.0, 16.0 * MB));
        let starts = run(&rates, 1).1;
        assert_eq!(starts.len(), 2, "{starts:?}");
        assert!(
            close(starts[0], 21.0) && close(starts[1], 41.0),
            "{starts:?}"
        );
    }

    /// A block without a byte (a 2 s gap on the blocks' boundaries) is not a swing: it adds
    /// nothing to the spread, and a clean step later is still believed.
    #[test]
    fn an_empty_block_is_not_a_swing() {
        let mut rates = steps(20.0, MB);
        rates.extend(vec![0.0; 20]);
        rates.extend(steps(10.0, MB));
        rates.extend(steps(20.0, 4.0 * MB));
        let change = first_change(&rates);
        assert!(change.is_some_and(|(_, seg)| seg == 330), "{change:?}");
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
