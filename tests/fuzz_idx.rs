//! Fuzzing the IDX reader with arbitrary bytes (raw and through gzip): it never panics, and it
//! never allocates more than the input justifies — a header claiming 4 billion images gets no
//! 4-billion-image buffer. `FUZZ_CASES` sets the number of inputs (default 20,000).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use backprop::data::idx::parse_idx_bytes;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The system allocator, recording the largest single request since the last reset.
struct Tracking;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// Inputs that often get past the magic number: a plausible header (right or wrong rank,
/// small or absurd dimensions) followed by random bytes; or bytes with no structure at all.
fn idx_like() -> impl Strategy<Value = Vec<u8>> {
    let header = (
        prop_oneof![Just(0x0801u32), Just(0x0803u32), any::<u32>()],
        prop::collection::vec(prop_oneof![0u32..64, any::<u32>()], 0..4),
    )
        .prop_map(|(magic, dims)| {
            let mut bytes = magic.to_be_bytes().to_vec();
            dims.iter().for_each(|d| bytes.extend(d.to_be_bytes()));
            bytes
        });
    // Well-formed files of rank 1 to 3 (small dimensions), to exercise the accepting path.
    let valid = prop::collection::vec(0u32..8, 1..4)
        .prop_flat_map(|dims| {
            let n = dims.iter().product::<u32>() as usize;
            (Just(dims), prop::collection::vec(any::<u8>(), n))
        })
        .prop_map(|(dims, body)| {
            let mut bytes = (0x0800u32 | dims.len() as u32).to_be_bytes().to_vec();
            dims.iter().for_each(|d| bytes.extend(d.to_be_bytes()));
            bytes.extend(body);
            bytes
        });
    prop_oneof![
        valid,
        (header, prop::collection::vec(any::<u8>(), 0..512)).prop_map(|(mut h, body)| {
            h.extend(body);
            h
        }),
        prop::collection::vec(any::<u8>(), 0..512),
    ]
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn arbitrary_bytes_never_panic_or_over_allocate() {
    // The tracker sees allocations (so the bound below can fail).
    LARGEST.store(0, Ordering::Relaxed);
    let probe: Vec<u8> = Vec::with_capacity(1 << 20);
    assert!(LARGEST.load(Ordering::Relaxed) >= 1 << 20);
    drop(probe);

    let cases: u32 = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let (parsed, refused) = (std::cell::Cell::new(0u64), std::cell::Cell::new(0u64));
    runner
        .run(
            &(idx_like(), any::<bool>(), 1usize..4, any::<u8>()),
            |(bytes, compress, dims, damage)| {
                // Compressed inputs are sometimes damaged after compression, to reach the decoder's errors.
                let input = if compress {
                    let mut z = gzip(&bytes);
                    if damage % 3 == 0 {
                        let i = damage as usize % z.len();
                        z[i] ^= 0x5a;
                    }
                    z
                } else {
                    bytes.clone()
                };
                LARGEST.store(0, Ordering::Relaxed);
                let result = parse_idx_bytes(&input, dims, compress);
                let largest = LARGEST.load(Ordering::Relaxed);
                // Data buffers grow only with bytes that arrived (the decompressed input is at
                // most the original `bytes`); the gzip decoder's own window is 32 KiB plus tables.
                let limit = 2 * bytes.len().max(input.len()) + 64 * 1024;
                prop_assert!(
                    largest <= limit,
                    "allocated {largest} bytes for a {}-byte input",
                    input.len()
                );
                match result {
                    Ok(array) => {
                        prop_assert_eq!(array.data.len(), array.dims.iter().product::<usize>());
                        parsed.set(parsed.get() + 1);
                    }
                    Err(reason) => {
                        prop_assert!(!reason.is_empty() && !reason.contains('\n'));
                        refused.set(refused.get() + 1);
                    }
                }
                Ok(())
            },
        )
        .unwrap();
    let (parsed, refused) = (parsed.get(), refused.get());
    println!("fuzzed {cases} inputs: {parsed} parsed, {refused} refused with a message");
    assert_eq!(parsed + refused, u64::from(cases));
}
