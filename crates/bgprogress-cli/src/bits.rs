//! The user's BITS jobs (Windows): `IBackgroundCopyManager::EnumJobs`, then each job's
//! `GetProgress`, `GetState` and `GetDisplayName`.
#![allow(unsafe_code)] // COM calls

use std::sync::mpsc;
use std::time::Duration;

use bgprogress::JobProgress;
use windows::Win32::Networking::BackgroundIntelligentTransferService as bits;
use windows::Win32::System::Com::{
    CoCreateInstance, CoInitializeEx, CoTaskMemFree, CoUninitialize, CLSCTX_LOCAL_SERVER,
    COINIT_MULTITHREADED,
};

/// One BITS job as `EnumJobs` gave it.
pub struct BitsJob {
    /// Its display name.
    pub name: String,
    pub job: JobProgress,
    /// `BG_JOB_STATE`: the same numbers as a published job's state.
    pub state: u32,
}

/// The error of a BITS call: what was called, and the HRESULT's text.
fn fail(what: &'static str) -> impl Fn(windows::core::Error) -> String {
    move |e| format!("BITS: {what}: {e}")
}

/// How long one look at the BITS jobs may take: a BITS service that does not answer (seen
/// under Wine, whose service can deadlock while two processes use it) is reported, not
/// waited for.
const ANSWER_WITHIN: Duration = Duration::from_secs(20);

/// The current user's BITS jobs, asked on a thread of their own: an error names the call
/// that failed and its HRESULT, or says that BITS did not answer within [`ANSWER_WITHIN`]
/// (the thread is left to end with the process).
pub fn jobs() -> Result<Vec<BitsJob>, String> {
    let (send, answer) = mpsc::channel();
    std::thread::Builder::new()
        .name("bits".into())
        .spawn(move || {
            // SAFETY: COM for this thread, ended below when it began here (S_OK or S_FALSE),
            // after ask() has released every interface it took.
            let init = unsafe { CoInitializeEx(None, COINIT_MULTITHREADED) };
            let _ = send.send(ask());
            if init.is_ok() {
                // SAFETY: balances the CoInitializeEx above, on the same thread.
                unsafe { CoUninitialize() };
            }
        })
        .map_err(|e| format!("BITS: a thread to ask it: {e}"))?;
    answer.recv_timeout(ANSWER_WITHIN).unwrap_or_else(|_| {
        Err(format!(
            "BITS: no answer within {} s (EnumJobs and GetProgress)",
            ANSWER_WITHIN.as_secs_f64()
        ))
    })
}

/// The current user's BITS jobs, on a thread where COM is initialized; an error names the
/// call that failed and its HRESULT.
fn ask() -> Result<Vec<BitsJob>, String> {
    // SAFETY: the BITS manager's class and interface, from the SDK's declarations.
    let manager: bits::IBackgroundCopyManager =
        unsafe { CoCreateInstance(&bits::BackgroundCopyManager, None, CLSCTX_LOCAL_SERVER) }
            .map_err(fail("CoCreateInstance(BackgroundCopyManager)"))?;
    // SAFETY: 0: the current user's jobs.
    let all = unsafe { manager.EnumJobs(0) }.map_err(fail("EnumJobs"))?;
    let mut out = Vec::new();
    loop {
        let mut one = [None];
        let mut fetched = 0u32;
        // SAFETY: room for one job and its count.
        unsafe { all.Next(&mut one, &mut fetched) }.map_err(fail("Next"))?;
        let Some(job) = one[0].take().filter(|_| fetched == 1) else {
            return Ok(out);
        };
        let mut progress = bits::BG_JOB_PROGRESS::default();
        // SAFETY: a job from the enumerator and a struct for it to fill.
        unsafe { job.GetProgress(&mut progress) }.map_err(fail("GetProgress"))?;
        // SAFETY: as above.
        let state = unsafe { job.GetState() }.map_err(fail("GetState"))?;
        // SAFETY: as above; the name is the caller's to free with CoTaskMemFree.
        let name = unsafe { job.GetDisplayName() }.map_err(fail("GetDisplayName"))?;
        // SAFETY: a NUL-terminated string from GetDisplayName, freed once.
        let text = unsafe { name.to_string() }.unwrap_or_default();
        unsafe { CoTaskMemFree(Some(name.0 as *const _)) };
        out.push(BitsJob {
            name: text,
            job: JobProgress::from(progress),
            state: state.0 as u32,
        });
    }
}
