//! The scoring of `../shared/eta-traces/README.md`, between 5 % and 95 % of the transfer.

/// One look: the time, the ETA shown (None: none), the true remaining time, and whether a
/// byte came in the 5 s before it.
#[derive(Clone, Copy)]
pub struct Look {
    pub t: f64,
    pub eta: Option<f64>,
    pub truth: f64,
    pub flowing: bool,
}

/// Errors and jitter are capped at this (1000 %) per look, so that one absurd answer counts
/// as very wrong, not as the whole mean.
const CAP: f64 = 10.0;

#[derive(Clone, Copy, Default)]
pub struct Score {
    /// Median and 90th percentile of |ETA − truth| ÷ truth (no finite ETA counts 100 %).
    pub median: f64,
    pub p90: f64,
    /// Mean over instants 1 s apart of |ETA(t+1) − ETA(t) + 1 s| ÷ max(truth at t, 1 s).
    pub jitter: f64,
    /// The share of looks with a byte in the last 5 s and no finite ETA.
    pub no_eta: f64,
}

fn finite(eta: Option<f64>) -> Option<f64> {
    eta.filter(|e| e.is_finite())
}

/// Scores the looks of a reader that looks every `poll` seconds.
pub fn score(looks: &[Look], poll: f64) -> Score {
    let end = looks.last().map_or(0.0, |l| l.t + l.truth);
    let inside: Vec<Look> = looks
        .iter()
        .copied()
        .filter(|l| l.t >= 0.05 * end && l.t <= 0.95 * end)
        .collect();
    if inside.is_empty() {
        return Score::default();
    }
    let mut errors: Vec<f64> = inside
        .iter()
        .map(|l| finite(l.eta).map_or(1.0, |e| ((e - l.truth).abs() / l.truth).min(CAP)))
        .collect();
    errors.sort_by(f64::total_cmp);
    let pick = |q: f64| errors[((errors.len() - 1) as f64 * q).round() as usize];
    let apart = (1.0 / poll).round().max(1.0) as usize;
    let jitter: Vec<f64> = inside
        .iter()
        .zip(inside.iter().skip(apart))
        .map(|(a, b)| match (finite(a.eta), finite(b.eta)) {
            (Some(x), Some(y)) => ((y - x + (b.t - a.t)).abs() / a.truth.max(1.0)).min(CAP),
            _ => 1.0,
        })
        .collect();
    let no_eta = inside
        .iter()
        .filter(|l| l.flowing && finite(l.eta).is_none())
        .count();
    Score {
        median: pick(0.5),
        p90: pick(0.9),
        jitter: jitter.iter().sum::<f64>() / jitter.len().max(1) as f64,
        no_eta: no_eta as f64 / inside.len() as f64,
    }
}

/// The mean of several runs' scores.
pub fn mean(all: &[Score]) -> Score {
    let n = all.len().max(1) as f64;
    all.iter().fold(Score::default(), |a, s| Score {
        median: a.median + s.median / n,
        p90: a.p90 + s.p90 / n,
        jitter: a.jitter + s.jitter / n,
        no_eta: a.no_eta + s.no_eta / n,
    })
}

/// Within the goal: the best, or within 10 % (or 0.5 points) of the best.
pub fn near(ours: f64, best: f64) -> bool {
    ours <= (best * 1.1).max(best + 0.005)
}
