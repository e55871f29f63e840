//! `bgprogress`: lists, watches, exports and prunes the user's published jobs (see
//! bgprogress(1), `docs/bgprogress.1`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

#[cfg(windows)]
mod bits;
mod render;
mod sample;

use sample::{Problem, Sample, Watched, BITS_PREFIX};

/// Lists and watches the jobs that programs publish with bgprogress (bg_tracker_publish,
/// Tracker::publish), from any process of the same user; on Windows the user's BITS jobs
/// too, named bits:DISPLAY NAME.
#[derive(Parser, Debug)]
#[command(name = "bgprogress", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// A table of the published jobs: name, state, percent, bytes, files, rate, ETA, owner
    /// process, and "stale" where the publisher is gone.
    List {
        /// One JSON object per job, one per line.
        #[arg(long, conflicts_with = "prometheus")]
        json: bool,
        /// The Prometheus text exposition format (for node_exporter's textfile collector).
        #[arg(long)]
        prometheus: bool,
        /// Write to FILE instead of standard output, atomically (a temporary file renamed).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// How long to look at the jobs to measure their rates.
        #[arg(long, value_name = "SECONDS", default_value = "0.25", value_parser = seconds)]
        sample: Duration,
    },
    /// A live line per job until every job has ended: exit status 0 when all transferred,
    /// 1 on an error or a cancel, 3 when a publisher went away (stale).
    Watch {
        /// The jobs' names (a BITS job: bits:DISPLAY NAME).
        #[arg(required = true, value_parser = job_name)]
        names: Vec<String>,
        /// Seconds between samples.
        #[arg(long, value_name = "SECONDS", default_value = "0.5", value_parser = positive)]
        interval: Duration,
        /// One JSON object per job and sample, one per line.
        #[arg(long)]
        json: bool,
        /// Wait up to SECONDS for a name that is not published yet.
        #[arg(long, value_name = "SECONDS", default_value = "0", value_parser = seconds)]
        wait: Duration,
    },
    /// Removes the jobs whose publishers have ended, and says how many.
    Prune,
}

fn seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .and_then(|x| Duration::try_from_secs_f64(x).ok())
        .ok_or_else(|| format!("'{s}' is not a number of seconds (0 or more)"))
}

fn positive(s: &str) -> Result<Duration, String> {
    let d = seconds(s)?;
    if d < Duration::from_millis(10) {
        return Err(format!("'{s}': the interval is at least 0.01 seconds"));
    }
    Ok(d)
}

fn job_name(s: &str) -> Result<String, String> {
    if s.strip_prefix(BITS_PREFIX).is_some_and(|d| !d.is_empty()) {
        return Ok(s.to_string());
    }
    bgprogress::check_job_name(s)
        .map(|()| s.to_string())
        .map_err(|e| format!("'{s}': {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::List {
            json,
            prometheus,
            output,
            sample,
        } => list(json, prometheus, output.as_deref(), sample),
        Command::Watch {
            names,
            interval,
            json,
            wait,
        } => watch(&names, interval, json, wait),
        Command::Prune => match bgprogress::prune() {
            Ok(n) => {
                println!("removed {n} stale job{}", if n == 1 { "" } else { "s" });
                0
            }
            Err(e) => fail(&format!("prune: {e}")),
        },
    };
    ExitCode::from(status)
}

fn fail(what: &str) -> u8 {
    eprintln!("bgprogress: {what}");
    1
}

/// `list`: every job looked at twice, `sample` apart, for its rate; a job that cannot be
/// opened or read is reported and left out (exit status 1), the others are listed.
fn list(json: bool, prometheus: bool, output: Option<&Path>, sample: Duration) -> u8 {
    let mut names: Vec<String> = match bgprogress::jobs() {
        Ok(names) => names.collect(),
        Err(e) => return fail(&format!("the jobs directory: {e}")),
    };
    let mut status = 0;
    match sample::bits_names() {
        Ok(bits) => names.extend(bits),
        Err(e) => status = fail(&e.to_string()),
    }
    let mut views = Vec::new();
    for name in names {
        let opened = Watched::open(&name).and_then(|mut w| w.sample().map(|_| w));
        match opened {
            Ok(w) => views.push(w),
            Err(e) => status = fail(&format!("{name}: {e}")),
        }
    }
    if !views.is_empty() {
        std::thread::sleep(sample);
    }
    let mut samples = Vec::new();
    for w in &mut views {
        match w.sample() {
            Ok(s) => samples.push(s),
            Err(e) => status = fail(&format!("{}: {e}", w.name)),
        }
    }
    let text = if prometheus {
        render::prometheus(&samples)
    } else if json {
        samples
            .iter()
            .map(|s| render::json(s).to_string() + "\n")
            .collect()
    } else {
        render::table(&samples)
    };
    let written = match output {
        Some(path) => write_atomically(path, &text),
        None => std::io::stdout().write_all(text.as_bytes()),
    };
    match written {
        Ok(()) => status,
        Err(e) => fail(&format!(
            "{}: {e}",
            output.map_or("standard output".into(), |p| p.display().to_string())
        )),
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it into place: a reader of
/// `path` sees the old whole file or the new one.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let done = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

/// How a watched job ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    Transferred,
    Failed,
    Stale,
}

fn ended(s: &Sample) -> Option<End> {
    if s.is_final() {
        Some(if s.succeeded() {
            End::Transferred
        } else {
            End::Failed
        })
    } else if s.stale {
        Some(End::Stale)
    } else if s.closed {
        Some(End::Failed) // closed before a final state
    } else {
        None
    }
}

fn open_waiting(name: &str, wait: Duration) -> Result<Watched, Problem> {
    let deadline = Instant::now() + wait;
    loop {
        match Watched::open(name) {
            Err(Problem::Job(bgprogress::Error::NotFound) | Problem::BitsGone)
                if Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// `watch`: samples every `interval` until every job has ended; on a terminal the lines are
/// redrawn in place, otherwise each sample is printed.
fn watch(names: &[String], interval: Duration, json: bool, wait: Duration) -> u8 {
    let mut jobs = Vec::new();
    for name in names {
        match open_waiting(name, wait) {
            Ok(w) => jobs.push((w, None::<End>, None::<Sample>)),
            Err(e) => return fail(&format!("{name}: {e}")),
        }
    }
    let tty = !json && std::io::stdout().is_terminal();
    let start = Instant::now();
    let mut drawn = 0;
    let mut out = std::io::stdout().lock();
    loop {
        for (w, end, last) in jobs.iter_mut().filter(|j| j.1.is_none()) {
            match w.sample() {
                Ok(s) => {
                    *end = ended(&s);
                    *last = Some(s);
                }
                // A BITS job leaves the list once its owner completes or cancels it: a job
                // last seen transferred has ended well.
                Err(Problem::BitsGone) if last.as_ref().is_some_and(Sample::succeeded) => {
                    *end = Some(End::Transferred);
                }
                Err(e) => {
                    let _ = fail(&format!("{}: {e}", w.name));
                    *end = Some(End::Failed);
                }
            }
        }
        let mut text = String::new();
        if tty && drawn > 0 {
            text.push_str(&format!("\x1b[{drawn}A")); // back to the first line
        }
        drawn = 0;
        for (_, _, last) in &jobs {
            let Some(s) = last else { continue };
            if json {
                let mut v = render::json(s);
                v["time"] = serde_json::Value::from(start.elapsed().as_secs_f64());
                text.push_str(&format!("{v}\n"));
            } else if tty {
                text.push_str(&format!("\r\x1b[2K{}\n", render::line(s, 24)));
            } else {
                text.push_str(&format!("{}\n", render::line(s, 24)));
            }
            drawn += 1;
        }
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return 1; // standard output is gone
        }
        if jobs.iter().all(|j| j.1.is_some()) {
            break;
        }
        std::thread::sleep(interval);
    }
    let ends: Vec<End> = jobs.iter().filter_map(|j| j.1).collect();
    if ends.contains(&End::Failed) {
        1
    } else if ends.contains(&End::Stale) {
        3
    } else {
        0
    }
}
