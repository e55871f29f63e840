//! The user's BITS jobs (Windows): `IBackgroundCopyManager::EnumJobs`, then each job's
//! `GetProgress`, `GetState` and `GetDisplayName`.
#![allow(unsafe_code)] // COM calls

use bgprogress::JobProgress;
use windows::Win32::Networking::BackgroundIntelligentTransferService as bits;
use windows::Win32::System::Com::{
    CoCreateInstance, CoInitializeEx, CoTaskMemFree, CLSCTX_LOCAL_SERVER, COINIT_MULTITHREADED,
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

/// The current user's BITS jobs; an error names the call that failed and its HRESULT.
pub fn jobs() -> Result<Vec<BitsJob>, String> {
    // SAFETY: COM for this thread; S_FALSE (already initialized) is fine too.
    let _ = unsafe { CoInitializeEx(None, COINIT_MULTITHREADED) };
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
