//! One look at a job, published or (on Windows) BITS's: its figures, state, rate and ETA,
//! and its publisher.

use std::fmt;
use std::time::Instant;

use bgprogress::{Error, JobProgress, JobView};

/// BITS's job states by number (`BG_JOB_STATE_*`), as the command prints them.
pub const STATE_NAMES: [&str; 9] = [
    "QUEUED",
    "CONNECTING",
    "TRANSFERRING",
    "SUSPENDED",
    "ERROR",
    "TRANSIENT_ERROR",
    "TRANSFERRED",
    "ACKNOWLEDGED",
    "CANCELLED",
];

/// The prefix of a BITS job's name: `bits:` and its display name.
pub const BITS_PREFIX: &str = "bits:";

/// The name of state `state`, or `"UNKNOWN"` past the last.
pub fn state_name(state: u32) -> &'static str {
    STATE_NAMES
        .get(state as usize)
        .copied()
        .unwrap_or("UNKNOWN")
}

/// What one look at a job saw.
#[derive(Clone, Debug)]
pub struct Sample {
    pub name: String,
    pub job: JobProgress,
    pub state: u32,
    /// Bytes per second, when it can be told yet.
    pub rate: Option<f64>,
    /// Seconds until every byte is in, when it can be told.
    pub eta: Option<f64>,
    /// The publisher's process id; `None` for a BITS job.
    pub pid: Option<u64>,
    pub stale: bool,
    pub closed: bool,
    /// A BITS job (Windows), not a published one.
    pub bits: bool,
}

impl Sample {
    /// Whether the job's state is final: transferred or acknowledged (a success), error or
    /// cancelled (a failure).
    pub fn is_final(&self) -> bool {
        matches!(
            self.state,
            bgprogress::JOB_STATE_TRANSFERRED
                | bgprogress::JOB_STATE_ACKNOWLEDGED
                | bgprogress::JOB_STATE_ERROR
                | bgprogress::JOB_STATE_CANCELLED
        )
    }

    /// Whether the job ended well: transferred or acknowledged.
    pub fn succeeded(&self) -> bool {
        matches!(
            self.state,
            bgprogress::JOB_STATE_TRANSFERRED | bgprogress::JOB_STATE_ACKNOWLEDGED
        )
    }
}

/// Why a look failed.
#[derive(Debug, PartialEq)]
pub enum Problem {
    /// A published job's error.
    Job(Error),
    /// No BITS job has that display name (any more).
    #[cfg_attr(not(windows), allow(dead_code))]
    BitsGone,
    /// BITS itself failed, or this is not Windows.
    Bits(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Job(e) => write!(f, "{e}"),
            Problem::BitsGone => f.write_str("no BITS job of the user has that display name"),
            Problem::Bits(why) => f.write_str(why),
        }
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        Problem::Job(e)
    }
}

#[derive(Debug)]
enum Source {
    Published(Box<JobView>),
    /// A BITS job by display name, and the bytes of its last look, for its rate.
    Bits(String, Option<(Instant, u64)>),
}

/// A job being looked at, and its name.
#[derive(Debug)]
pub struct Watched {
    pub name: String,
    source: Source,
}

/// The names of the user's BITS jobs, as `bits:DISPLAY NAME`; none off Windows.
pub fn bits_names() -> Result<Vec<String>, Problem> {
    #[cfg(windows)]
    return crate::bits::jobs()
        .map(|jobs| {
            jobs.into_iter()
                .map(|j| format!("{BITS_PREFIX}{}", j.name))
                .collect()
        })
        .map_err(Problem::Bits);
    #[cfg(not(windows))]
    Ok(Vec::new())
}

/// The figures and state of the user's BITS job of display name `display`.
fn bits_job(display: &str) -> Result<(JobProgress, u32), Problem> {
    #[cfg(windows)]
    return crate::bits::jobs()
        .map_err(Problem::Bits)?
        .into_iter()
        .find(|j| j.name == display)
        .map(|j| (j.job, j.state))
        .ok_or(Problem::BitsGone);
    #[cfg(not(windows))]
    {
        let _ = display;
        Err(Problem::Bits("BITS jobs exist on Windows only".into()))
    }
}

impl Watched {
    /// Opens a published job, or the BITS job `bits:DISPLAY NAME`.
    pub fn open(name: &str) -> Result<Watched, Problem> {
        let source = match name.strip_prefix(BITS_PREFIX) {
            Some(display) => {
                bits_job(display)?;
                Source::Bits(display.into(), None)
            }
            None => Source::Published(Box::new(JobView::open(name)?)),
        };
        Ok(Watched {
            name: name.into(),
            source,
        })
    }

    /// A look now. The rate and the ETA of a published job need 100 ms of this view's looks;
    /// a BITS job's rate is its bytes since the previous look (at least 100 ms before). Before
    /// that, and while they cannot be told (no bytes yet, a stall, an unknown size), they are
    /// `None`.
    pub fn sample(&mut self) -> Result<Sample, Problem> {
        let (display, last) = match &mut self.source {
            Source::Bits(display, last) => (display, last),
            Source::Published(view) => {
                let (job, state) = view.read()?;
                let rate = view.rate().ok();
                let eta = match view.eta() {
                    Ok(eta) => Some(eta),
                    Err(e @ (Error::Corrupt | Error::Io)) => return Err(e.into()),
                    Err(_) => None,
                };
                return Ok(Sample {
                    name: self.name.clone(),
                    job,
                    state,
                    rate,
                    eta,
                    pid: Some(view.owner_pid()),
                    stale: view.is_stale(),
                    closed: view.is_closed(),
                    bits: false,
                });
            }
        };
        let (job, state) = bits_job(display)?;
        let now = Instant::now();
        let mut rate = None;
        match *last {
            Some((then, bytes)) if now.duration_since(then).as_secs_f64() >= 0.1 => {
                let dt = now.duration_since(then).as_secs_f64();
                rate = Some(job.bytes_transferred.saturating_sub(bytes) as f64 / dt);
                *last = Some((now, job.bytes_transferred));
            }
            Some(_) => {}
            None => *last = Some((now, job.bytes_transferred)),
        }
        let eta = match (rate, job.remaining_bytes()) {
            (_, Ok(0)) => Some(0.0),
            (Some(r), Ok(left)) if r > 0.0 => Some(left as f64 / r),
            _ => None,
        };
        Ok(Sample {
            name: self.name.clone(),
            job,
            state,
            rate,
            eta,
            pid: None,
            stale: false,
            closed: false,
            bits: true,
        })
    }
}
