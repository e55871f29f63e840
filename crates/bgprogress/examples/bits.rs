//! The Rust twin of `examples/windows/bitsget.c`: downloads URLs into a folder with BITS and
//! applies bgprogress to exactly the structs that BITS fills, through the `windows` feature.
//!
//! ```text
//! cargo run --example bits --features windows --target x86_64-pc-windows-gnu -- \
//!     [--trace FILE] [--timeout SECONDS] DESTDIR URL...
//! ```
//!
//! Every 100 ms: the job's `GetProgress` and every file's, each checked with `validate`, the
//! files summed with `JobProgress::from_files` (BITS may leave the job's `BytesTotal` unknown
//! while every file's size is known), a `Tracker` fed from the deltas for rate and ETA, a live
//! line once a second. `--trace` writes the same lines as the C program. Exit status: 0 when
//! the job completed with only valid samples; 1 otherwise; 2 on a usage error.

#[cfg(windows)]
fn main() -> std::process::ExitCode {
    bits_client::main()
}

#[cfg(not(windows))]
fn main() -> std::process::ExitCode {
    eprintln!("bits: BITS is a Windows service; build this example for a Windows target");
    std::process::ExitCode::from(2)
}

#[cfg(windows)]
mod bits_client {
    use std::fs::File;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::{Duration, Instant};

    use bgprogress::{FileProgress, JobProgress, Tracker, SIZE_UNKNOWN};
    use windows::core::{Result, GUID, HSTRING};
    use windows::Win32::Networking::BackgroundIntelligentTransferService as bits;
    use windows::Win32::System::Com::{
        CoCreateInstance, CoInitializeEx, CoTaskMemFree, CLSCTX_LOCAL_SERVER, COINIT_MULTITHREADED,
    };

    struct Options {
        trace: Option<File>,
        timeout: Duration,
        dest: PathBuf,
        urls: Vec<String>,
    }

    /// One reading of the job and of each of its files, in the SDK's own structs.
    struct Sample {
        state: bits::BG_JOB_STATE,
        job: bits::BG_JOB_PROGRESS,
        files: Vec<bits::BG_FILE_PROGRESS>,
    }

    /// What the tracker has been told so far.
    #[derive(Default)]
    struct Fed {
        bytes: u64,
        size_known: Vec<bool>,
        completed: Vec<bool>,
    }

    fn usage() -> ExitCode {
        eprintln!("usage: bits [--trace FILE] [--timeout SECONDS] DESTDIR URL...");
        ExitCode::from(2)
    }

    fn parse(mut args: impl Iterator<Item = String>) -> std::result::Result<Options, String> {
        let mut trace = None;
        let mut timeout = Duration::from_secs(120);
        let mut rest = Vec::new();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--trace" => {
                    let path = args.next().ok_or("--trace needs a file")?;
                    trace =
                        Some(File::create(&path).map_err(|e| format!("cannot write {path}: {e}"))?);
                }
                "--timeout" => {
                    let s: u64 = args
                        .next()
                        .and_then(|s| s.parse().ok())
                        .filter(|s| (1..=86400).contains(s))
                        .ok_or("--timeout needs 1 to 86400 seconds")?;
                    timeout = Duration::from_secs(s);
                }
                _ => rest.push(arg),
            }
        }
        if rest.len() < 2 || rest.len() > 65 {
            return Err("a destination folder and 1 to 64 URLs are needed".into());
        }
        let dest = PathBuf::from(rest.remove(0));
        Ok(Options {
            trace,
            timeout,
            dest,
            urls: rest,
        })
    }

    fn state_name(s: bits::BG_JOB_STATE) -> &'static str {
        const NAMES: [&str; 9] = [
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
        usize::try_from(s.0)
            .ok()
            .and_then(|i| NAMES.get(i))
            .copied()
            .unwrap_or("UNKNOWN")
    }

    /// Each file of the job, with its URL, in the order BITS enumerates them.
    fn files(job: &bits::IBackgroundCopyJob) -> Result<Vec<bits::IBackgroundCopyFile>> {
        let all = unsafe { job.EnumFiles()? };
        let mut out = Vec::new();
        loop {
            let mut one = [None];
            let mut fetched = 0u32;
            unsafe { all.Next(&mut one, &mut fetched)? };
            match one[0].take() {
                Some(file) if fetched == 1 => out.push(file),
                _ => return Ok(out),
            }
        }
    }

    fn take_sample(job: &bits::IBackgroundCopyJob) -> Result<Sample> {
        let state = unsafe { job.GetState()? };
        let mut progress = bits::BG_JOB_PROGRESS::default();
        unsafe { job.GetProgress(&mut progress)? };
        let mut sample = Sample {
            state,
            job: progress,
            files: Vec::new(),
        };
        for file in files(job)? {
            let mut p = bits::BG_FILE_PROGRESS::default();
            unsafe { file.GetProgress(&mut p)? };
            sample.files.push(p);
        }
        Ok(sample)
    }

    /// Tells the tracker what changed since the last sample.
    fn feed(
        t: &Tracker,
        fed: &mut Fed,
        s: &Sample,
        sum: &JobProgress,
    ) -> std::result::Result<(), bgprogress::Error> {
        fed.size_known.resize(s.files.len(), false);
        fed.completed.resize(s.files.len(), false);
        for (known, f) in fed.size_known.iter_mut().zip(&s.files) {
            if !*known && f.BytesTotal != SIZE_UNKNOWN {
                t.resolve_size(f.BytesTotal)?;
                *known = true;
            }
        }
        if sum.bytes_transferred > fed.bytes {
            t.add_bytes(sum.bytes_transferred - fed.bytes)?;
        } else if sum.bytes_transferred < fed.bytes {
            t.rewind_bytes(fed.bytes - sum.bytes_transferred)?; // a file restarted
        }
        fed.bytes = sum.bytes_transferred;
        for (done, f) in fed.completed.iter_mut().zip(&s.files) {
            if !*done && f.Completed.as_bool() {
                t.complete_file()?;
                *done = true;
            }
        }
        Ok(())
    }

    fn line(t: &Tracker, s: &Sample, sum: &JobProgress) -> String {
        let rate = t
            .rate()
            .map_or("-".into(), |r| format!("{:.1} MiB/s", r / 1048576.0));
        let eta = match t.eta() {
            Ok(e) if e.is_finite() => format!("{}:{:02}", e as u64 / 60, e as u64 % 60),
            _ => "--:--".into(),
        };
        let job: &JobProgress = s.job.as_ref();
        let total = if job.is_size_known() {
            format!("BytesTotal {}", job.bytes_total)
        } else {
            "BytesTotal unknown".into()
        };
        format!(
            "{:<12} {sum} | {rate} | ETA {eta} | job: {total}",
            state_name(s.state)
        )
    }

    fn trace_sample(trace: &mut Option<File>, ms: u128, s: &Sample) -> std::io::Result<()> {
        let Some(trace) = trace else { return Ok(()) };
        let j = &s.job;
        write!(
            trace,
            "sample {ms} {} {} {} {} {}",
            state_name(s.state),
            j.BytesTotal,
            j.BytesTransferred,
            j.FilesTotal,
            j.FilesTransferred
        )?;
        for f in &s.files {
            write!(
                trace,
                " {} {} {}",
                f.BytesTotal,
                f.BytesTransferred,
                i32::from(f.Completed.as_bool())
            )?;
        }
        writeln!(trace)
    }

    fn trace_files(trace: &mut Option<File>, job: &bits::IBackgroundCopyJob) -> Result<()> {
        let Some(trace) = trace else { return Ok(()) };
        for file in files(job)? {
            let mut p = bits::BG_FILE_PROGRESS::default();
            let url = unsafe {
                let name = file.GetRemoteName()?;
                let url = name.to_string();
                CoTaskMemFree(Some(name.0 as *const _));
                file.GetProgress(&mut p)?;
                url
            };
            let url = url.unwrap_or_default();
            let completed = i32::from(p.Completed.as_bool());
            let _ = writeln!(
                trace,
                "file {url} {} {} {completed}",
                p.BytesTotal, p.BytesTransferred
            );
        }
        Ok(())
    }

    fn local_name(dest: &Path, url: &str) -> Option<HSTRING> {
        let name = url.rsplit('/').next().filter(|n| !n.is_empty())?;
        // BITS wants an absolute local path.
        let path = dest.join(name);
        let path = if path.is_absolute() {
            path
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        Some(HSTRING::from(path.as_os_str()))
    }

    /// Polls until the job is transferred (then completes it), fails or times out.
    fn run(job: &bits::IBackgroundCopyJob, opts: &mut Options) -> Result<bool> {
        let tracker = Tracker::new();
        for _ in &opts.urls {
            let _ = tracker.add_file(SIZE_UNKNOWN);
        }
        let start = Instant::now();
        let mut fed = Fed::default();
        let mut last_line: Option<Instant> = None;
        let (mut samples, mut mid, mut invalid) = (0u64, 0u64, 0u64);
        let mut sum = JobProgress::default();
        let completed = loop {
            let s = take_sample(job)?;
            samples += 1;
            let _ = trace_sample(&mut opts.trace, start.elapsed().as_millis(), &s);
            let checked = s
                .job
                .as_ref()
                .validate()
                .and_then(|()| JobProgress::from_files(FileProgress::from_sdk_slice(&s.files)))
                .and_then(|total| total.validate().map(|()| total));
            match checked {
                Ok(total) => {
                    sum = total;
                    if let Err(e) = feed(&tracker, &mut fed, &s, &sum) {
                        eprintln!("bits: tracker: {e}");
                        invalid += 1;
                    }
                    if matches!(sum.percent(), Ok(p) if p > 0 && p < 100) {
                        mid += 1;
                    }
                }
                Err(e) => {
                    eprintln!("bits: invalid sample {samples}: {e}");
                    invalid += 1;
                }
            }
            let done = s.state == bits::BG_JOB_STATE_TRANSFERRED;
            if done || last_line.map_or(true, |t| t.elapsed() >= Duration::from_secs(1)) {
                println!("{}", line(&tracker, &s, &sum));
                last_line = Some(Instant::now());
            }
            if done {
                trace_files(&mut opts.trace, job)?;
                unsafe { job.Complete()? };
                break true;
            }
            if s.state == bits::BG_JOB_STATE_ERROR || s.state == bits::BG_JOB_STATE_CANCELLED {
                eprintln!("bits: the job stopped in state {}", state_name(s.state));
                break false;
            }
            if start.elapsed() > opts.timeout {
                eprintln!("bits: timed out in state {}", state_name(s.state));
                break false;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        println!(
            "bits: {samples} samples, {mid} mid-transfer, {invalid} invalid; {} of {} files, {} bytes",
            sum.files_transferred, sum.files_total, sum.bytes_transferred
        );
        Ok(completed && invalid == 0)
    }

    fn start(opts: &mut Options) -> Result<bool> {
        unsafe { CoInitializeEx(None, COINIT_MULTITHREADED).ok()? };
        let manager: bits::IBackgroundCopyManager =
            unsafe { CoCreateInstance(&bits::BackgroundCopyManager, None, CLSCTX_LOCAL_SERVER)? };
        let mut id = GUID::zeroed();
        let mut job = None;
        unsafe {
            manager.CreateJob(
                &HSTRING::from("bgprogress bits (Rust)"),
                bits::BG_JOB_TYPE_DOWNLOAD,
                &mut id,
                &mut job,
            )?
        };
        let job =
            job.ok_or_else(|| windows::core::Error::from(windows::Win32::Foundation::E_POINTER))?;
        let added = opts.urls.iter().try_for_each(|url| {
            let local = local_name(&opts.dest, url).ok_or_else(|| {
                eprintln!("bits: no file name in {url}");
                windows::core::Error::from(windows::Win32::Foundation::E_INVALIDARG)
            })?;
            unsafe { job.AddFile(&HSTRING::from(url.as_str()), &local) }
        });
        let outcome = added
            .and_then(|()| unsafe { job.Resume() })
            .and_then(|()| run(&job, opts));
        if !matches!(outcome, Ok(true)) {
            let _ = unsafe { job.Cancel() };
        }
        outcome
    }

    pub fn main() -> ExitCode {
        let mut opts = match parse(std::env::args().skip(1)) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("bits: {e}");
                return usage();
            }
        };
        match start(&mut opts) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("bits: BITS failed: {e}");
                ExitCode::FAILURE
            }
        }
    }
}
