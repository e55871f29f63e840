//! Feeds arbitrary bytes to a reader's validation of a job file (the published jobs' layout,
//! `bgprogress::publish::layout`): nothing may crash or read out of bounds, and whatever it
//! accepts must be a valid state. Half the inputs get a valid header and slot checks
//! recomputed, so that the checks of every field behind them are reached too.
#![no_main]

use bgprogress::publish::layout::{self, Owner};
use libfuzzer_sys::fuzz_target;

fn seal(b: &mut [u8]) {
    b[..64].copy_from_slice(&layout::header(Owner { pid: 1, start: 2 }));
    for at in [layout::slot_offset(0), layout::slot_offset(1)] {
        let mut words = [0u64; layout::CHECKED];
        for (i, w) in words.iter_mut().enumerate() {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[at + 8 * i..at + 8 * i + 8]);
            *w = u64::from_ne_bytes(x);
        }
        let check = layout::check(&words).to_ne_bytes();
        b[at + layout::CHECK_AT..at + layout::CHECK_AT + 8].copy_from_slice(&check);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut sealed;
    let bytes = if mode & 1 != 0 && rest.len() >= layout::SIZE {
        sealed = rest.to_vec();
        seal(&mut sealed);
        &sealed[..]
    } else {
        rest
    };
    // The file's size as the reader's fstat would see it: the input's, the layout's (a file
    // that claims more than it holds), or less than the layout (truncated after the read).
    let claimed = match (mode >> 1) & 3 {
        0 => bytes.len() as u64,
        1 => layout::SIZE as u64,
        _ => u64::from(mode >> 3) * 8,
    };
    if let Ok(read) = layout::parse(bytes, claimed) {
        assert!(bytes.len() >= layout::SIZE && claimed >= layout::SIZE as u64);
        assert_eq!(read.slot.job.validate(), Ok(()));
        assert!(read.state <= layout::STATE_MAX && read.slot.seq != 0);
    }
    let _ = layout::parse_header(bytes, claimed);
});
