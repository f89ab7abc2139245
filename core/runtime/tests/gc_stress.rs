//! Randomised stress test of the GC heap through its public API: a long sequence of
//! allocations, frees, reallocations and collections on a private heap, checked against a
//! model of which allocations are live and what they hold.

use upy_runtime::gc::{Heap, BLOCK_BYTES, WORD};

/// Small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SLOTS: usize = 128;

/// One live allocation in the model: its size in words and the seed of its contents.
#[derive(Clone, Copy)]
struct Live {
    words: usize,
    seed: usize,
}

fn pattern(seed: usize, i: usize) -> usize {
    // Odd multipliers keep the words from looking like pool addresses.
    seed.wrapping_mul(0x9E37_79B9)
        .wrapping_add(i.wrapping_mul(0x85EB_CA6B))
        | 1
}

fn fill(p: *mut u8, l: Live) {
    for i in 0..l.words {
        // SAFETY: p is an allocation of at least l.words words.
        unsafe { (p as *mut usize).add(i).write(pattern(l.seed, i)) };
    }
}

fn check(p: *mut u8, l: Live) -> bool {
    (0..l.words).all(|i| {
        // SAFETY: as in fill.
        unsafe { (p as *const usize).add(i).read() == pattern(l.seed, i) }
    })
}

#[inline(never)]
fn run(seed: u64, heap_bytes: usize, steps: usize) {
    let region: &'static mut [u64] = vec![0u64; heap_bytes / 8].leak();
    let mut heap = Heap::empty();
    // SAFETY: the leaked region belongs to this heap alone, for the rest of the process.
    unsafe { heap.init(region.as_mut_ptr() as *mut u8, region.len() * 8) };
    // The roots live in this frame; the collector scans the stack up to just past them.
    let mut roots = [0usize; SLOTS];
    let mut model: [Option<Live>; SLOTS] = [None; SLOTS];
    let top = roots.as_ptr() as usize + core::mem::size_of_val(&roots);
    heap.set_stack_top(top);
    let mut rng = Rng(seed);
    let mut failures = 0usize;
    let mut successes = 0usize;
    for step in 0..steps {
        let slot = rng.below(SLOTS);
        match rng.below(10) {
            0..=4 => {
                let span = if rng.below(8) == 0 { 200 } else { 12 };
                let words = 1 + rng.below(span);
                match heap.alloc(words * WORD, false) {
                    Some(p) => {
                        let l = Live { words, seed: step };
                        fill(p, l);
                        roots[slot] = p as usize;
                        model[slot] = Some(l);
                        successes += 1;
                    }
                    None => failures += 1,
                }
            }
            5 | 6 => {
                if let Some(l) = model[slot] {
                    let p = roots[slot] as *mut u8;
                    let words = 1 + rng.below(2 * l.words + 4);
                    match heap.realloc(p, words * WORD) {
                        Some(q) => {
                            let kept = Live {
                                words: l.words.min(words),
                                seed: l.seed,
                            };
                            assert!(check(q, kept), "step {step}: realloc lost contents");
                            let grown = Live { words, seed: step };
                            fill(q, grown);
                            roots[slot] = q as usize;
                            model[slot] = Some(grown);
                        }
                        None => {
                            assert!(check(p, l), "step {step}: failed realloc damaged data");
                            failures += 1;
                        }
                    }
                }
            }
            7 => {
                if model[slot].is_some() {
                    if rng.below(2) == 0 {
                        heap.free(roots[slot] as *mut u8);
                    }
                    roots[slot] = 0;
                    model[slot] = None;
                }
            }
            8 => {
                heap.collect();
            }
            _ => {
                let info = heap.info();
                assert_eq!(info.used + info.free, info.total);
                let model_bytes: usize = model
                    .iter()
                    .flatten()
                    .map(|l| (l.words * WORD).div_ceil(BLOCK_BYTES) * BLOCK_BYTES)
                    .sum();
                assert!(
                    info.used >= model_bytes,
                    "step {step}: live data not counted"
                );
            }
        }
        core::hint::black_box(&mut roots);
        for (i, m) in model.iter().enumerate() {
            if let Some(l) = m {
                let p = roots[i] as *mut u8;
                assert!(
                    heap.size_of(p) >= l.words * WORD,
                    "step {step}: slot {i} freed"
                );
                assert!(check(p, *l), "step {step}: slot {i} corrupted");
            }
        }
    }
    // The heap was small enough that pressure forced collections.
    assert!(heap.collections > 0);
    assert!(successes > steps / 4);
    // Drop every root and stop scanning the stack: everything must be reclaimed.
    roots = [0; SLOTS];
    core::hint::black_box(&mut roots);
    heap.set_stack_top(0);
    heap.collect();
    assert_eq!(heap.info().used, 0);
    // Failures are allowed (the heap is small) but must be a minority.
    assert!(failures < successes);
}

#[test]
fn random_operations_keep_live_data_intact() {
    // One test function: collections read the interpreter's global roots, so nothing else
    // in this binary may run at the same time.
    for seed in 1..=6u64 {
        run(seed * 0x1234_5678_9ABC_DEF1, 48 * 1024, 4000);
    }
    run(42, 8 * 1024, 3000);
}
