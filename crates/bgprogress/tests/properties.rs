//! Properties of the struct rules against an exact model written with u128 arithmetic.

use bgprogress::{Error, FileProgress, JobProgress, Kernel, Size, SIZE_UNKNOWN};
use proptest::prelude::*;

const MAX: u64 = u64::MAX;

/// u64 values with the edges the contract names well represented.
fn u64_edgy() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1u64),
        Just(MAX),
        Just(MAX - 1),
        0..2048u64,
        (MAX - 2048)..=MAX,
        any::<u64>(),
    ]
}

fn u32_edgy() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(u32::MAX),
        Just(u32::MAX - 1),
        0..16u32,
        any::<u32>()
    ]
}

/// Jobs, valid or not, mostly with related counts so that valid ones are common.
fn job() -> impl Strategy<Value = JobProgress> {
    let related = (u64_edgy(), any::<u64>(), u32_edgy(), any::<u32>()).prop_map(|(t, x, ft, y)| {
        let bt = if t == MAX || t == 0 {
            x % 4096
        } else {
            x % (t + 1)
        };
        let fd = (u64::from(y) % (u64::from(ft) + 1)) as u32;
        JobProgress::new(t, bt, ft, fd)
    });
    let any_job = (u64_edgy(), u64_edgy(), u32_edgy(), u32_edgy())
        .prop_map(|(a, b, c, d)| JobProgress::new(a, b, c, d));
    prop_oneof![3 => related, 1 => any_job]
}

fn model_validate(p: &JobProgress) -> Result<(), Error> {
    let known = p.bytes_total != MAX;
    if known && u128::from(p.bytes_transferred) > u128::from(p.bytes_total) {
        Err(Error::BytesExceedTotal)
    } else if p.bytes_transferred == MAX {
        Err(Error::Overflow)
    } else if p.files_transferred > p.files_total {
        Err(Error::FilesExceedTotal)
    } else {
        Ok(())
    }
}

/// (numerator, denominator) of percent and fraction, or their error.
fn model_basis(p: &JobProgress) -> Result<(u128, u128), Error> {
    model_validate(p)?;
    if p.bytes_total == MAX {
        return Err(Error::SizeUnknown);
    }
    Ok(if p.bytes_total > 0 {
        (p.bytes_transferred.into(), p.bytes_total.into())
    } else {
        (p.files_transferred.into(), p.files_total.into())
    })
}

fn model_percent(p: &JobProgress) -> Result<u32, Error> {
    let (n, d) = model_basis(p)?;
    Ok((n * 100).checked_div(d).map_or(0, |q| q as u32))
}

/// Checks all or nothing: `op` either succeeds with `want`, or fails with `want`'s error and
/// leaves the value as it was.
fn all_or_nothing(
    start: JobProgress,
    op: impl FnOnce(&mut JobProgress) -> Result<(), Error>,
    want: Result<JobProgress, Error>,
) -> Result<(), TestCaseError> {
    let mut p = start;
    let got = op(&mut p);
    match want {
        Ok(w) => {
            prop_assert_eq!(got, Ok(()));
            prop_assert_eq!(p, w);
            prop_assert_eq!(p.validate(), Ok(()));
        }
        Err(e) => {
            prop_assert_eq!(got, Err(e));
            prop_assert_eq!(p, start);
        }
    }
    Ok(())
}

/// Parses what `Size` printed back into the exact range of byte counts it stands for.
fn parse_size(text: &str) -> (u128, u128) {
    if let Some(n) = text.strip_suffix(" B") {
        let n: u128 = n.parse().unwrap();
        return (n, n);
    }
    let (number, unit) = text.split_once(' ').unwrap();
    let k = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        .iter()
        .position(|u| *u == unit)
        .unwrap() as u32
        + 1;
    let (int, frac) = number.split_once('.').unwrap();
    assert_eq!(frac.len(), 2, "two decimals in {text:?}");
    let hundredths: u128 = int.parse::<u128>().unwrap() * 100 + frac.parse::<u128>().unwrap();
    let unit = 1u128 << (10 * k);
    // n with floor(n * 100 / unit) == hundredths, and unit <= n < unit * 1024.
    let low = (hundredths * unit).div_ceil(100);
    let high = ((hundredths + 1) * unit).div_ceil(100) - 1;
    (low.max(unit), high.min(unit * 1024 - 1))
}

/// 4096 cases per property, or `PROPTEST_CASES` when it is set (`make mutants` sets fewer,
/// since it runs the tests once per mutant).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4096)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn validate_matches_the_model(p in job()) {
        prop_assert_eq!(p.validate(), model_validate(&p));
    }

    #[test]
    fn percent_matches_the_model(p in job()) {
        prop_assert_eq!(p.percent(), model_percent(&p));
    }

    #[test]
    fn fraction_agrees_with_the_exact_quotient(p in job()) {
        match model_basis(&p) {
            Err(e) => prop_assert_eq!(p.fraction(), Err(e)),
            Ok((n, d)) => {
                let f = p.fraction().unwrap();
                prop_assert!((0.0..=1.0).contains(&f));
                if d == 0 {
                    prop_assert_eq!(f, 0.0);
                } else {
                    prop_assert_eq!(f == 1.0, n == d);
                    prop_assert_eq!(f > 0.0, n > 0);
                    prop_assert!((f - n as f64 / d as f64).abs() <= 1e-15);
                }
            }
        }
    }

    #[test]
    fn remaining_matches_the_model(p in job()) {
        let want = model_validate(&p).and_then(|()| {
            if p.bytes_total == MAX { Err(Error::SizeUnknown) } else { Ok(p.bytes_total - p.bytes_transferred) }
        });
        prop_assert_eq!(p.remaining_bytes(), want);
    }

    #[test]
    fn add_file_is_all_or_nothing(p in job(), size in u64_edgy()) {
        let want = model_validate(&p).and_then(|()| {
            let files = u64::from(p.files_total) + 1;
            if files > u64::from(u32::MAX) { return Err(Error::TooManyFiles); }
            let total = if size == MAX || p.bytes_total == MAX {
                MAX
            } else {
                let sum = u128::from(p.bytes_total) + u128::from(size);
                if sum >= u128::from(MAX) { return Err(Error::Overflow); }
                sum as u64
            };
            Ok(JobProgress::new(total, p.bytes_transferred, files as u32, p.files_transferred))
        });
        all_or_nothing(p, |p| p.add_file(size), want)?;
    }

    #[test]
    fn add_bytes_is_all_or_nothing(p in job(), n in u64_edgy()) {
        let want = model_validate(&p).and_then(|()| {
            let sum = u128::from(p.bytes_transferred) + u128::from(n);
            if sum >= u128::from(MAX) { return Err(Error::Overflow); }
            if p.bytes_total != MAX && sum > u128::from(p.bytes_total) { return Err(Error::BytesExceedTotal); }
            Ok(JobProgress::new(p.bytes_total, sum as u64, p.files_total, p.files_transferred))
        });
        all_or_nothing(p, |p| p.add_bytes(n), want)?;
    }

    #[test]
    fn complete_file_is_all_or_nothing(p in job()) {
        let want = model_validate(&p).and_then(|()| {
            if p.files_transferred >= p.files_total { return Err(Error::FilesExceedTotal); }
            Ok(JobProgress::new(p.bytes_total, p.bytes_transferred, p.files_total, p.files_transferred + 1))
        });
        all_or_nothing(p, |p| p.complete_file(), want)?;
    }

    #[test]
    fn from_files_matches_the_model(
        // Up to 64: long enough for the vector loops of every kernel, not only their tails.
        files in prop::collection::vec((u64_edgy(), u64_edgy(), prop_oneof![Just(0i32), Just(1), any::<i32>()]), 0..64)
    ) {
        let files: Vec<FileProgress> = files
            .into_iter()
            .map(|(t, b, c)| FileProgress { bytes_total: t, bytes_transferred: b, completed: c })
            .collect();
        let want = (|| {
            let (mut total, mut sum, mut unknown, mut done) = (0u128, 0u128, false, 0u32);
            for f in &files {
                let known = f.bytes_total != MAX;
                if known && f.bytes_transferred > f.bytes_total { return Err(Error::BytesExceedTotal); }
                sum += u128::from(f.bytes_transferred);
                if sum >= u128::from(MAX) { return Err(Error::Overflow); }
                if !known { unknown = true; } else if !unknown {
                    total += u128::from(f.bytes_total);
                    if total >= u128::from(MAX) { return Err(Error::Overflow); }
                }
                done += u32::from(f.completed != 0 || (known && f.bytes_transferred == f.bytes_total));
            }
            let total = if unknown { MAX } else { total as u64 };
            Ok(JobProgress::new(total, sum as u64, files.len() as u32, done))
        })();
        prop_assert_eq!(JobProgress::from_files(&files), want);
        for kernel in Kernel::ALL {
            prop_assert_eq!(JobProgress::from_files_with(kernel, &files), want, "{:?}", kernel);
        }
    }

    #[test]
    fn display_round_trips_its_figures(p in job()) {
        let text = p.to_string();
        let (figures, invalid) = match text.split_once(" [invalid: ") {
            Some((f, reason)) => (f, Some(reason.trim_end_matches(']'))),
            None => (text.as_str(), None),
        };
        prop_assert_eq!(invalid.map(str::to_owned), p.validate().err().map(|e| e.to_string()));
        let (bytes, files) = figures.rsplit_once(", ").unwrap();
        prop_assert_eq!(files, format!("{} of {} files", p.files_transferred, p.files_total));
        let (transferred, rest) = bytes.split_once(" of ").unwrap();
        let (lo, hi) = parse_size(transferred);
        prop_assert!((lo..=hi).contains(&u128::from(p.bytes_transferred)), "{} for {}", transferred, p.bytes_transferred);
        if p.bytes_total == SIZE_UNKNOWN {
            prop_assert_eq!(rest, "unknown size");
        } else {
            let (total, percent) = match rest.split_once(" (") {
                Some((t, pct)) => (t, Some(pct.trim_end_matches("%)").parse::<u32>().unwrap())),
                None => (rest, None),
            };
            let (lo, hi) = parse_size(total);
            prop_assert!((lo..=hi).contains(&u128::from(p.bytes_total)));
            prop_assert_eq!(percent, p.validate().ok().and_then(|()| p.percent().ok()));
        }
    }

    #[test]
    fn size_text_is_truncated_never_rounded(n in u64_edgy()) {
        let (lo, hi) = parse_size(&Size(n).to_string());
        prop_assert!(lo <= u128::from(n) && u128::from(n) <= hi, "{} -> {}", n, Size(n));
    }
}
