//! Other progress tools' "time left", modelled from their sources (read, not copied), each
//! fed the bytes as its tool would be and showing what its tool would show.
//!
//! - `curl`: curl 8.22 `lib/progress.c` (`progress_calc`, `pgrs_estimates`,
//!   `progress_meter`): the overall average speed in integer bytes per second, the expected
//!   total `total / speed` in whole seconds, minus the whole seconds spent; the meter is
//!   redrawn at most once a second; a left of zero or less is shown blank.
//! - `wget`: wget 1.24 `src/progress.c` (`bar_update`, `bar_draw`, `create_image`): redrawn
//!   at most every 0.2 s, on each read and on the ~0.95 s read timeout of `fd_read_body`
//!   while nothing comes; no ETA for the first 3 s; then
//!   `dltime × remaining ÷ bytes so far` rounded to whole seconds, recomputed at most every
//!   0.99 s.
//! - `tqdm`: tqdm 4.69 `tqdm/std.py` (`update`, `EMA`, `format_meter`) and
//!   `tqdm/_monitor.py`: `update(n)` called once per read with bytes; a refresh only when
//!   `n − last_print_n ≥ miniters` and 0.1 s (`mininterval`) passed, feeding the debiased
//!   EMAs (smoothing 0.3) of the bytes and of the time between refreshes; dynamic
//!   `miniters`; the monitor thread, every 10 s (`maxinterval`), sets `miniters = 1` and
//!   refreshes a bar that has not printed for 10 s; the ETA shown is
//!   `(total − n) ÷ (ema_dn ÷ ema_dt)` truncated to whole seconds.
//! - `indicatif`: indicatif 0.18 `src/state.rs` (`Estimator::record`, `steps_per_second`,
//!   `ProgressState::eta`, `AtomicPosition::allow`): `inc` at every read records the
//!   position (the 1 ms token bucket lets a 10 ms read through every time); the double
//!   exponentially weighted rate (weight 0.1 at 15 s), normalised as its code does; the bar is
//!   drawn at most 20 times a second (its default draw target), and the ETA shown is the one
//!   of the last draw (0 while the rate is 0). No steady tick, indicatif's default. The ETA
//!   is taken before indicatif's formatting.
//! - `window`: remaining ÷ the bytes of the last 5 s over 5 s, at each look (no tool's
//!   code: a plain fixed window, bgprogress's own estimator of old).

/// A peer: fed every 10 ms step (`bytes` may be 0), asked what it shows at a look.
pub trait Peer {
    fn name(&self) -> &'static str;
    fn step(&mut self, t: f64, bytes: u64);
    fn shown(&mut self, t: f64) -> Option<f64>;
}

/// Every peer, fresh, for a download of `total` bytes.
pub fn all(total: u64) -> Vec<Box<dyn Peer>> {
    vec![
        Box::new(Curl::new(total)),
        Box::new(Wget::new(total)),
        Box::new(Tqdm::new(total)),
        Box::new(Indicatif::new(total)),
        Box::new(Window::new(total)),
    ]
}

pub struct Curl {
    total: u64,
    cur: u64,
    last_show: Option<f64>,
    shown: Option<f64>,
}

impl Curl {
    fn new(total: u64) -> Self {
        Curl {
            total,
            cur: 0,
            last_show: None,
            shown: None,
        }
    }
}

impl Peer for Curl {
    fn name(&self) -> &'static str {
        "curl"
    }
    fn step(&mut self, t: f64, bytes: u64) {
        self.cur += bytes;
        let us = (t * 1e6).round() as u64;
        if self.last_show.is_some_and(|s| t - s < 1.0 - 1e-9) {
            return;
        }
        self.last_show = Some(t);
        let speed = if us < 1 {
            self.cur * 1_000_000
        } else {
            self.cur * 1_000_000 / us
        };
        let secs = self.total.checked_div(speed).unwrap_or(0);
        let left = secs as i64 - (us / 1_000_000) as i64;
        self.shown = (secs > 0 && left > 0).then_some(left as f64);
    }
    fn shown(&mut self, _t: f64) -> Option<f64> {
        self.shown
    }
}

pub struct Wget {
    total: u64,
    count: u64,
    last_call: f64,
    last_screen: f64,
    last_eta: Option<(i64, f64)>,
    shown: Option<f64>,
}

impl Wget {
    fn new(total: u64) -> Self {
        Wget {
            total,
            count: 0,
            last_call: 0.0,
            last_screen: 0.0,
            last_eta: None,
            shown: None,
        }
    }

    fn draw(&mut self, t: f64) {
        if t - self.last_screen < 0.2 - 1e-9 {
            return;
        }
        self.last_screen = t;
        if !(self.count > 0 && t > 3.0) {
            self.shown = None;
            return;
        }
        let eta = match self.last_eta {
            Some((value, at)) if value != 0 && self.count != self.total && t - at < 0.99 => value,
            _ => {
                let eta = t * (self.total - self.count) as f64 / self.count as f64;
                let eta = (eta + 0.5) as i64;
                self.last_eta = Some((eta, t));
                eta
            }
        };
        self.shown = Some(eta as f64);
    }
}

impl Peer for Wget {
    fn name(&self) -> &'static str {
        "wget"
    }
    fn step(&mut self, t: f64, bytes: u64) {
        // A read with bytes, or the read timeout of 0.95 s with none.
        if bytes > 0 || t - self.last_call >= 0.95 - 1e-9 {
            self.count += bytes;
            self.last_call = t;
            self.draw(t);
        }
    }
    fn shown(&mut self, _t: f64) -> Option<f64> {
        self.shown
    }
}

/// tqdm's `EMA`: `last = α x + (1 − α) last`, debiased by `1 − (1 − α)^calls`.
#[derive(Default)]
struct Ema {
    last: f64,
    calls: i32,
}

impl Ema {
    const ALPHA: f64 = 0.3;
    fn add(&mut self, x: f64) -> f64 {
        self.last = Self::ALPHA * x + (1.0 - Self::ALPHA) * self.last;
        self.calls += 1;
        self.get()
    }
    fn get(&self) -> f64 {
        if self.calls == 0 {
            self.last
        } else {
            self.last / (1.0 - (1.0 - Self::ALPHA).powi(self.calls))
        }
    }
}

pub struct Tqdm {
    total: u64,
    n: u64,
    last_print_n: u64,
    last_print_t: f64,
    miniters: f64,
    dn: Ema,
    dt: Ema,
    ema_miniters: Ema,
    next_monitor: f64,
    shown: Option<f64>,
}

impl Tqdm {
    const MININTERVAL: f64 = 0.1;
    const MAXINTERVAL: f64 = 10.0;

    fn new(total: u64) -> Self {
        Tqdm {
            total,
            n: 0,
            last_print_n: 0,
            last_print_t: 0.0,
            miniters: 0.0,
            dn: Ema::default(),
            dt: Ema::default(),
            ema_miniters: Ema::default(),
            next_monitor: Self::MAXINTERVAL,
            shown: None,
        }
    }

    /// `format_meter`'s remaining time: with no EMA yet, the overall average.
    fn refresh(&mut self, t: f64) {
        let rate = if self.dt.get() > 0.0 {
            self.dn.get() / self.dt.get()
        } else if t > 0.0 {
            self.n as f64 / t
        } else {
            0.0
        };
        self.shown = (rate > 0.0).then(|| ((self.total - self.n) as f64 / rate).trunc());
    }
}

impl Peer for Tqdm {
    fn name(&self) -> &'static str {
        "tqdm"
    }
    fn step(&mut self, t: f64, bytes: u64) {
        while t + 1e-9 >= self.next_monitor {
            let at = self.next_monitor;
            if self.miniters > 1.0 && at - self.last_print_t >= Self::MAXINTERVAL {
                self.miniters = 1.0;
                self.refresh(at);
            }
            self.next_monitor += Self::MAXINTERVAL;
        }
        if bytes == 0 {
            return;
        }
        self.n += bytes;
        if (self.n - self.last_print_n) as f64 >= self.miniters {
            let dt = t - self.last_print_t;
            if dt >= Self::MININTERVAL - 1e-9 {
                let dn = (self.n - self.last_print_n) as f64;
                if dt > 0.0 && dn > 0.0 {
                    self.dn.add(dn);
                    self.dt.add(dt);
                }
                self.refresh(t);
                self.miniters = if dt >= Self::MAXINTERVAL {
                    dn * Self::MININTERVAL / dt
                } else {
                    self.ema_miniters.add(dn * Self::MININTERVAL / dt)
                };
                self.last_print_n = self.n;
                self.last_print_t = t;
            }
        }
    }
    fn shown(&mut self, _t: f64) -> Option<f64> {
        self.shown
    }
}

pub struct Indicatif {
    total: u64,
    pos: u64,
    smoothed: f64,
    double_smoothed: f64,
    prev_steps: u64,
    prev_time: f64,
    last_draw: Option<f64>,
    shown: Option<f64>,
}

/// indicatif's `estimator_weight`: 0.1 at 15 s.
fn weight(age: f64) -> f64 {
    0.1f64.powf(age / 15.0)
}

impl Indicatif {
    fn new(total: u64) -> Self {
        Indicatif {
            total,
            pos: 0,
            smoothed: 0.0,
            double_smoothed: 0.0,
            prev_steps: 0,
            prev_time: 0.0,
            last_draw: None,
            shown: None,
        }
    }

    fn record(&mut self, now: f64) {
        if self.pos <= self.prev_steps || now <= self.prev_time {
            return;
        }
        let delta_t = now - self.prev_time;
        let rate = (self.pos - self.prev_steps) as f64 / delta_t;
        let w = weight(delta_t);
        self.smoothed = self.smoothed * w + rate * (1.0 - w);
        let total_weight = 1.0 - weight(now);
        self.double_smoothed = self.double_smoothed * w + self.smoothed / total_weight * (1.0 - w);
        self.prev_steps = self.pos;
        self.prev_time = now;
    }

    fn steps_per_second(&self, now: f64) -> f64 {
        let reweight = weight(now - self.prev_time);
        let total_weight = 1.0 - weight(now);
        let sps = self.smoothed * reweight / total_weight;
        let dsps = self.double_smoothed * reweight + sps * (1.0 - reweight);
        dsps / total_weight
    }
}

impl Peer for Indicatif {
    fn name(&self) -> &'static str {
        "indicatif"
    }
    fn step(&mut self, t: f64, bytes: u64) {
        if bytes == 0 {
            return;
        }
        self.pos += bytes;
        self.record(t);
        if self.last_draw.is_some_and(|d| t - d < 0.05 - 1e-9) {
            return;
        }
        self.last_draw = Some(t);
        let sps = self.steps_per_second(t);
        self.shown = Some(if sps == 0.0 {
            0.0
        } else {
            (self.total - self.pos) as f64 / sps
        });
    }
    fn shown(&mut self, _t: f64) -> Option<f64> {
        self.shown
    }
}

pub struct Window {
    total: u64,
    /// Bytes so far at each 10 ms step.
    sums: Vec<u64>,
}

impl Window {
    const SECONDS: f64 = 5.0;
    fn new(total: u64) -> Self {
        Window {
            total,
            sums: vec![0],
        }
    }
}

impl Peer for Window {
    fn name(&self) -> &'static str {
        "window"
    }
    fn step(&mut self, _t: f64, bytes: u64) {
        let last = *self.sums.last().unwrap();
        self.sums.push(last + bytes);
    }
    fn shown(&mut self, _t: f64) -> Option<f64> {
        let now = self.sums.len() - 1;
        let back = ((Self::SECONDS / super::traces::STEP).round() as usize).min(now);
        let span = back as f64 * super::traces::STEP;
        let bytes = self.sums[now] - self.sums[now - back];
        (bytes > 0 && span > 0.0)
            .then(|| (self.total - self.sums[now]) as f64 / (bytes as f64 / span))
    }
}
