//! What the command prints: the table of `list`, the live line of `watch`, the JSON objects
//! and the Prometheus text exposition format.

use std::fmt::Write as _;

use bgprogress::Size;
use serde_json::{json, Value};

use crate::sample::{state_name, Sample};

/// A duration in seconds as `42s`, `3m05s` or `1h02m`; `-` when unknown.
pub fn duration(seconds: Option<f64>) -> String {
    let Some(s) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return "-".into();
    };
    let s = s.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s / 60 % 60),
    }
}

/// A rate as `3.40 MiB/s`; `-` when unknown.
pub fn rate(rate: Option<f64>) -> String {
    match rate.filter(|r| r.is_finite() && *r >= 0.0) {
        Some(r) => format!("{}/s", Size(r as u64)),
        None => "-".into(),
    }
}

/// `45%`, or `?` while the size is unknown.
fn percent(s: &Sample) -> String {
    s.job
        .percent()
        .map_or_else(|_| "?".into(), |p| format!("{p}%"))
}

fn bytes(s: &Sample) -> String {
    if s.job.is_size_known() {
        format!(
            "{} of {}",
            Size(s.job.bytes_transferred),
            Size(s.job.bytes_total)
        )
    } else {
        format!("{} of unknown size", Size(s.job.bytes_transferred))
    }
}

/// `BITS` for a BITS job; `closed` when the publisher closed the job (it may have ended
/// since), else `stale` when it ended without closing it.
fn note(s: &Sample) -> &'static str {
    match (s.bits, s.closed, s.stale) {
        (true, _, _) => "BITS",
        (false, true, _) => "closed",
        (false, false, true) => "stale",
        _ => "",
    }
}

/// The table of `list`: a header line and a line per job, columns padded to their widest.
pub fn table(samples: &[Sample]) -> String {
    let mut rows = vec![[
        "NAME", "STATE", "DONE", "BYTES", "FILES", "RATE", "ETA", "PID", "",
    ]
    .map(String::from)];
    for s in samples {
        rows.push([
            s.name.clone(),
            state_name(s.state).into(),
            percent(s),
            bytes(s),
            format!("{}/{}", s.job.files_transferred, s.job.files_total),
            rate(s.rate),
            duration(s.eta),
            s.pid.map_or_else(|| "-".into(), |p| p.to_string()),
            note(s).into(),
        ]);
    }
    let mut widths = [0usize; 9];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            let _ = write!(line, "{cell:<w$}  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The live line of `watch`: name, a bar of `width` cells, percent, bytes, files, rate, ETA
/// and state.
pub fn line(s: &Sample, width: usize) -> String {
    let bar: String = match s.job.fraction() {
        Ok(f) => {
            let full = ((f * width as f64) as usize).min(width);
            "#".repeat(full) + &".".repeat(width - full)
        }
        Err(_) => "?".repeat(width),
    };
    let mut text = format!(
        "{}  [{bar}] {:>4}  {}  {}/{} files  {}  ETA {}  {}",
        s.name,
        percent(s),
        bytes(s),
        s.job.files_transferred,
        s.job.files_total,
        rate(s.rate),
        duration(s.eta),
        state_name(s.state),
    );
    if !note(s).is_empty() {
        text = format!("{text} ({})", note(s));
    }
    text
}

fn finite(x: Option<f64>) -> Value {
    x.filter(|x| x.is_finite()).map_or(Value::Null, Value::from)
}

/// A job as one JSON object; the field names are documented in bgprogress(1).
pub fn json(s: &Sample) -> Value {
    json!({
        "name": s.name,
        "state": s.state,
        "state_name": state_name(s.state),
        "bytes_total": s.job.is_size_known().then_some(s.job.bytes_total),
        "bytes_transferred": s.job.bytes_transferred,
        "files_total": s.job.files_total,
        "files_transferred": s.job.files_transferred,
        "percent": s.job.percent().ok(),
        "rate_bytes_per_second": finite(s.rate),
        "eta_seconds": finite(s.eta),
        "pid": s.pid,
        "stale": s.stale,
        "closed": s.closed,
        "source": if s.bits { "bits" } else { "published" },
    })
}

/// A label value as the exposition format writes it: `\\`, `\"` and `\n` escaped (a
/// published job's name has none of them; a BITS job's display name may).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The metrics of the Prometheus text exposition format, each with its HELP and TYPE lines
/// and one line per job that has a value (`job` label).
pub fn prometheus(samples: &[Sample]) -> String {
    type Metric = (&'static str, &'static str, fn(&Sample) -> Option<String>);
    let metrics: [Metric; 8] = [
        ("bytes_transferred", "Bytes the job has transferred.", |s| {
            Some(s.job.bytes_transferred.to_string())
        }),
        // Not *_total: promtool's lint keeps that suffix for counters.
        (
            "bytes_expected",
            "Bytes of the job in all (BytesTotal); absent while unknown.",
            |s| s.job.is_size_known().then(|| s.job.bytes_total.to_string()),
        ),
        ("files_transferred", "Files the job has transferred.", |s| {
            Some(s.job.files_transferred.to_string())
        }),
        (
            "files_expected",
            "Files of the job in all (FilesTotal).",
            |s| Some(s.job.files_total.to_string()),
        ),
        (
            "rate_bytes_per_second",
            "The job's transfer rate; absent while unknown.",
            |s| s.rate.filter(|r| r.is_finite()).map(|r| r.to_string()),
        ),
        (
            "eta_seconds",
            "Seconds until the job's bytes are in; absent while unknown.",
            |s| s.eta.filter(|r| r.is_finite()).map(|r| r.to_string()),
        ),
        (
            "state",
            "The job's BITS state (BG_JOB_STATE_*: 2 transferring, 6 transferred).",
            |s| Some(s.state.to_string()),
        ),
        (
            "stale",
            "1 when the job's publisher has ended without closing it.",
            |s| Some(u8::from(s.stale).to_string()),
        ),
    ];
    let mut out = String::new();
    for (name, help, value) in metrics {
        let _ = writeln!(out, "# HELP bgprogress_{name} {help}");
        let _ = writeln!(out, "# TYPE bgprogress_{name} gauge");
        for s in samples {
            if let Some(v) = value(s) {
                let _ = writeln!(out, "bgprogress_{name}{{job=\"{}\"}} {v}", label(&s.name));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bgprogress::{JobProgress, SIZE_UNKNOWN};

    fn sample(job: JobProgress) -> Sample {
        Sample {
            name: "a".into(),
            job,
            state: 2,
            rate: Some(1536.0),
            eta: Some(65.0),
            pid: Some(7),
            stale: false,
            closed: false,
            bits: false,
        }
    }

    #[test]
    fn durations_and_rates() {
        assert_eq!(duration(Some(0.4)), "0s");
        assert_eq!(duration(Some(59.4)), "59s");
        assert_eq!(duration(Some(185.0)), "3m05s");
        assert_eq!(duration(Some(3720.0)), "1h02m");
        assert_eq!(duration(None), "-");
        assert_eq!(duration(Some(f64::INFINITY)), "-");
        assert_eq!(duration(Some(-1.0)), "-");
        assert_eq!(rate(Some(1536.0)), "1.50 KiB/s");
        assert_eq!(rate(Some(f64::NAN)), "-");
    }

    #[test]
    fn a_line_has_a_bar_and_every_figure() {
        let s = sample(JobProgress::new(4000, 1000, 2, 1));
        assert_eq!(
            line(&s, 8),
            "a  [##......]  25%  1000 B of 3.90 KiB  1/2 files  1.50 KiB/s  ETA 1m05s  TRANSFERRING"
        );
        let mut u = sample(JobProgress::new(SIZE_UNKNOWN, 10, 1, 0));
        u.stale = true;
        u.eta = None;
        assert_eq!(
            line(&u, 4),
            "a  [????]    ?  10 B of unknown size  0/1 files  1.50 KiB/s  ETA -  TRANSFERRING (stale)"
        );
    }

    #[test]
    fn json_has_nulls_for_what_is_unknown() {
        let mut s = sample(JobProgress::new(SIZE_UNKNOWN, 10, 1, 0));
        s.rate = None;
        let v = json(&s);
        assert_eq!(v["bytes_total"], Value::Null);
        assert_eq!(v["percent"], Value::Null);
        assert_eq!(v["rate_bytes_per_second"], Value::Null);
        assert_eq!(v["eta_seconds"], 65.0);
        assert_eq!(v["bytes_transferred"], 10);
        assert_eq!(v["state_name"], "TRANSFERRING");
        assert_eq!(v["source"], "published");
        assert_eq!(v["pid"], 7);
        s.bits = true;
        s.pid = None;
        assert_eq!(json(&s)["pid"], Value::Null);
        assert_eq!(json(&s)["source"], "bits");
    }

    #[test]
    fn prometheus_leaves_out_unknown_values() {
        let known = sample(JobProgress::new(4000, 1000, 2, 1));
        let mut unknown = sample(JobProgress::new(SIZE_UNKNOWN, 10, 1, 0));
        unknown.name = "b".into();
        unknown.rate = None;
        let text = prometheus(&[known, unknown]);
        assert!(text.contains("bgprogress_bytes_expected{job=\"a\"} 4000\n"));
        assert!(!text.contains("bgprogress_bytes_expected{job=\"b\"}"));
        assert!(!text.contains("bgprogress_rate_bytes_per_second{job=\"b\"}"));
        assert!(text.contains("bgprogress_bytes_transferred{job=\"b\"} 10\n"));
        assert_eq!(text.matches("# TYPE ").count(), 8);
        let mut bits = sample(JobProgress::new(10, 5, 1, 0));
        bits.name = "bits:a \"quoted\" \\ name\nend".into();
        assert!(prometheus(&[bits])
            .contains("bgprogress_state{job=\"bits:a \\\"quoted\\\" \\\\ name\\nend\"} 2\n"));
    }
}
