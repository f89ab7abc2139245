//! The GC heap: a fixed region split into blocks, an allocation table with 2 bits per block,
//! a finaliser table with 1 bit per block, and a non-moving mark-sweep collector.
//!
//! ```text
//!   region: [ ATB: 2 bits/block | FTB: 1 bit/block | pad | block pool ............ ]
//!   ATB states: 0 FREE, 1 HEAD (first block of an allocation), 2 TAIL, 3 MARK (marked head)
//!   block = 4 words (16 bytes on 32-bit, 32 bytes on 64-bit), as MicroPython's
//! ```
//!
//! Rooting is conservative, as MicroPython's: the roots are the interpreter state's root
//! words, the callee-saved registers and every word of the native stack between the current
//! stack pointer and the top the port recorded. Any word that points into an allocation
//! (its head *or its interior*, unlike MicroPython, because Rust code may keep only a pointer
//! to a field or an element) keeps it alive, and every word of a live allocation is scanned.
//! So no type needs a trace function, and Rust code may hold values in locals freely; the
//! one rule is that GC pointers are never stored in memory the collector does not scan
//! (Rust's global allocator: `Vec`, `Box`, `String`).
//!
//! Marking uses a fixed mark stack; on overflow it falls back to rescanning the table, so
//! collection never needs memory and never recurses.
//!
//! Growth policy: allocation only uses the blocks below a soft limit. When no room is found
//! below it, the heap collects, and the limit doubles only when the data still live after
//! the collection fills more than half of it (or the request still does not fit). On a host,
//! where the heap's pages cost memory only once touched, this keeps the touched part of the
//! heap near twice the live data instead of the whole heap for any program that allocates
//! more than the heap's size in total. A port with static RAM leaves the limit at the whole
//! heap (the default): there a full heap costs nothing, and extra collections only time.
//! The limit never limits: a request that fits anywhere in the heap is never refused.
//!
//! # Safety
//! - `Heap::init` is given a region exclusively owned by the heap for the program's life.
//! - Pointers handed out by `alloc` stay valid until a collection finds them unreachable.
//! - The stack scan reads the native stack as plain words: a port must record the stack top
//!   (`set_stack_top`) in a frame that outlives every use of the interpreter.

use core::ptr;

pub const WORD: usize = core::mem::size_of::<usize>();
pub const BLOCK_BYTES: usize = 4 * WORD;
/// Mark stack entries. When it overflows, marking rescans every marked allocation, which
/// costs little when collections are rare (a full fixed heap) but dominates when they are
/// frequent (a host heap under the growth policy), so hosts, where 8 KiB of static memory
/// is nothing, get a deep one.
const MARK_STACK_LEN: usize = if cfg!(target_os = "none") { 64 } else { 1024 };

const FREE: u8 = 0;
const HEAD: u8 = 1;
const TAIL: u8 = 2;
const MARK: u8 = 3;

/// A fixed line buffer for `Heap::dump_layout`: dumping the heap must not allocate.
struct Line {
    buf: [u8; 96],
    len: usize,
}

impl Line {
    fn new() -> Line {
        Line {
            buf: [0; 96],
            len: 0,
        }
    }

    fn push(&mut self, c: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = c;
            self.len += 1;
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

// A second impl block where a `core::fmt::Write` impl used to be: impl blocks are numbered
// in symbol hashes, and keeping their count keeps the hot `Heap` methods' names, which
// ports/unix/hot-functions.txt lists.
impl Line {
    fn push_str(&mut self, s: &str) {
        for &c in s.as_bytes() {
            self.push(c);
        }
    }

    /// `n` in lowercase hex, at least 8 digits (`{:08x}` without core::fmt).
    fn push_hex8(&mut self, n: usize) {
        let mut digits = 8;
        while digits < 2 * core::mem::size_of::<usize>() && n >> (4 * digits) != 0 {
            digits += 1;
        }
        for k in (0..digits).rev() {
            self.push(b"0123456789abcdef"[(n >> (4 * k)) & 15]);
        }
    }
}

pub struct Heap {
    atb: *mut u8,
    ftb: *mut u8,
    pool: *mut u8,
    n_blocks: usize,
    /// Allocation uses only blocks below this (the growth policy above); every block at or
    /// above it is free. `n_blocks` unless the port asked for a growing heap.
    limit: usize,
    last_free: usize,
    /// Where the next multi-block search starts (next fit).
    cursor: usize,
    /// Bit 0 unused; heap_lock depth counts in units of one.
    pub lock_depth: usize,
    collecting: bool,
    pub auto_collect: bool,
    /// Bytes allocated since the last collection, and the threshold (`gc.threshold`).
    alloc_amount: usize,
    pub threshold: Option<usize>,
    stack_top: usize,
    mark_stack: [usize; MARK_STACK_LEN],
    mark_sp: usize,
    mark_overflow: bool,
    /// Run by the sweep for every unreachable allocation that asked for a finaliser.
    pub finaliser: Option<fn(*mut u8)>,
    pub collections: usize,
    /// Memory statistics for `micropython.mem_info()`: bytes ever allocated, bytes
    /// allocated now, and the most ever allocated at once.
    pub stat_total: usize,
    pub stat_current: usize,
    pub stat_peak: usize,
    /// Fault injection for the allocation-failure sweep (`upy -X alloc-fail=N`): while
    /// non-zero it counts allocation requests down, and the request that brings it to zero
    /// fails as if the heap were full. Zero (the default) means off.
    pub fail_countdown: usize,
}

/// Figures for `gc.mem_free`, `gc.mem_alloc` and `micropython.mem_info`.
#[derive(Default, Debug, Clone, Copy)]
pub struct HeapInfo {
    pub total: usize,
    pub used: usize,
    pub free: usize,
    pub max_free_blocks: usize,
    pub num_1block: usize,
    pub num_2block: usize,
    pub max_block: usize,
}

impl Heap {
    pub const fn empty() -> Heap {
        Heap {
            atb: ptr::null_mut(),
            ftb: ptr::null_mut(),
            pool: ptr::null_mut(),
            n_blocks: 0,
            limit: 0,
            last_free: 0,
            cursor: 0,
            lock_depth: 0,
            collecting: false,
            // Set by `init`: an all-zero empty heap keeps the interpreter state in .bss.
            auto_collect: false,
            alloc_amount: 0,
            threshold: None,
            stack_top: 0,
            mark_stack: [0; MARK_STACK_LEN],
            mark_sp: 0,
            mark_overflow: false,
            finaliser: None,
            collections: 0,
            stat_total: 0,
            fail_countdown: 0,
            stat_current: 0,
            stat_peak: 0,
        }
    }

    /// Take ownership of `len` bytes at `region` as the heap.
    ///
    /// # Safety
    /// The region must be valid for reads and writes, word aligned, and used by nothing else
    /// for as long as this heap is in use.
    pub unsafe fn init(&mut self, region: *mut u8, len: usize) {
        // Each block costs BLOCK_BYTES + 1/4 byte (ATB) + 1/8 byte (FTB).
        let n_blocks = (len * 8).saturating_sub(8 * 2 * BLOCK_BYTES) / (8 * BLOCK_BYTES + 2 + 1);
        let atb_len = n_blocks.div_ceil(4);
        let ftb_len = n_blocks.div_ceil(8);
        let start = region as usize;
        let pool = (start + atb_len + ftb_len + BLOCK_BYTES - 1) & !(BLOCK_BYTES - 1);
        let avail = (start + len).saturating_sub(pool) / BLOCK_BYTES;
        self.n_blocks = n_blocks.min(avail);
        self.limit = self.n_blocks;
        self.atb = region;
        // SAFETY: within the region, checked by the arithmetic above.
        self.ftb = unsafe { region.add(atb_len) };
        self.pool = pool as *mut u8;
        // SAFETY: the tables lie inside the region.
        unsafe { ptr::write_bytes(region, 0, atb_len + ftb_len) };
        self.last_free = 0;
        self.cursor = 0;
        self.auto_collect = true;
    }

    pub fn total_bytes(&self) -> usize {
        self.n_blocks * BLOCK_BYTES
    }

    /// Start the growth policy (module header): allocate within the first `bytes` of the
    /// pool until live data needs more. Call right after `init`, before any allocation.
    /// Meant for hosts, where untouched heap pages cost no memory.
    pub fn set_soft_limit(&mut self, bytes: usize) {
        self.limit = (bytes / BLOCK_BYTES)
            .clamp(1, self.n_blocks.max(1))
            .min(self.n_blocks);
    }

    /// Bytes of the pool allocation currently keeps within (the soft limit).
    pub fn soft_limit_bytes(&self) -> usize {
        self.limit * BLOCK_BYTES
    }

    /// Double the soft limit (up to the whole heap); false when it already is the whole heap.
    fn raise_limit(&mut self) -> bool {
        if self.limit >= self.n_blocks {
            return false;
        }
        self.limit = self.limit.saturating_mul(2).clamp(1, self.n_blocks);
        true
    }

    /// After a collection: keep the live data at no more than half the soft limit, so the
    /// next cycle has at least as much room to allocate as there is live data to mark.
    fn fit_limit_to_live(&mut self) {
        let live = self.stat_current / BLOCK_BYTES;
        while live.saturating_mul(2) > self.limit && self.raise_limit() {}
    }

    /// Record the highest stack address the interpreter will run below.
    pub fn set_stack_top(&mut self, top: usize) {
        self.stack_top = top;
    }

    /// Whether a collection is under way (finalisers run during its sweep).
    pub fn is_collecting(&self) -> bool {
        self.collecting
    }

    pub fn stack_top(&self) -> usize {
        self.stack_top
    }

    /// The block table as text, 64 blocks a line, as upstream's `gc_dump_alloc_table`
    /// (`micropython.mem_info(1)`): `.` free, `=` tail, `m` marked, and a head as the letter
    /// `head` gives for the allocation's address. Runs of two or more free lines are
    /// abbreviated. Writes through `out` without allocating.
    pub fn dump_layout(&self, head: &dyn Fn(*const u8) -> u8, out: &mut dyn FnMut(&[u8])) {
        const PER_LINE: usize = 64;
        let mut b = 0;
        while b < self.n_blocks {
            let mut end = b;
            while end < self.n_blocks && self.get(end) == FREE {
                end += 1;
            }
            if end - b >= 2 * PER_LINE {
                let mut line = Line::new();
                let mut num = [0u8; 24];
                line.push_str("\n       (");
                line.push_str(crate::objs::int::format_isize(
                    ((end - b) / PER_LINE) as isize,
                    &mut num,
                ));
                line.push_str(" lines all free)");
                out(line.as_bytes());
                b = end & !(PER_LINE - 1);
                if b >= self.n_blocks {
                    break;
                }
            }
            let mut line = Line::new();
            line.push(b'\n');
            line.push_hex8(b * BLOCK_BYTES);
            line.push_str(": ");
            let stop = (b + PER_LINE).min(self.n_blocks);
            while b < stop {
                let c = match self.get(b) {
                    FREE => b'.',
                    TAIL => b'=',
                    MARK => b'm',
                    // SAFETY: b < n_blocks, so the block is inside the pool.
                    _ => head(unsafe { self.pool.add(b * BLOCK_BYTES) }),
                };
                line.push(c);
                b += 1;
            }
            out(line.as_bytes());
        }
        out(b"\n");
    }

    /// Address of the first block (for `mem_info(1)`'s heading).
    pub fn pool_start(&self) -> usize {
        self.pool as usize
    }

    #[inline(always)]
    fn get(&self, b: usize) -> u8 {
        // SAFETY: b < n_blocks, so the byte is inside the ATB.
        unsafe { (*self.atb.add(b / 4) >> ((b % 4) * 2)) & 3 }
    }

    #[inline(always)]
    fn set(&mut self, b: usize, v: u8) {
        // SAFETY: b < n_blocks, so the byte is inside the ATB.
        unsafe {
            let p = self.atb.add(b / 4);
            let sh = (b % 4) * 2;
            *p = (*p & !(3 << sh)) | (v << sh);
        }
    }

    #[inline(always)]
    fn ftb_get(&self, b: usize) -> bool {
        // SAFETY: b < n_blocks.
        unsafe { (*self.ftb.add(b / 8) >> (b % 8)) & 1 != 0 }
    }

    #[inline(always)]
    fn ftb_set(&mut self, b: usize, on: bool) {
        // SAFETY: b < n_blocks.
        unsafe {
            let p = self.ftb.add(b / 8);
            if on {
                *p |= 1 << (b % 8);
            } else {
                *p &= !(1 << (b % 8));
            }
        }
    }

    #[inline(always)]
    fn block_ptr(&self, b: usize) -> *mut u8 {
        // SAFETY: b <= n_blocks keeps the pointer inside (or one past) the pool.
        unsafe { self.pool.add(b * BLOCK_BYTES) }
    }

    /// Block index of `p` if it is exactly the start of a block (as every allocation is).
    #[inline]
    fn aligned_block_of(&self, p: *const u8) -> Option<usize> {
        if !(p as usize).is_multiple_of(BLOCK_BYTES) {
            return None;
        }
        self.block_of(p as usize)
    }

    /// Block index of an address inside the pool.
    #[inline(always)]
    fn block_of(&self, addr: usize) -> Option<usize> {
        let base = self.pool as usize;
        if addr >= base && addr < base + self.n_blocks * BLOCK_BYTES {
            Some((addr - base) / BLOCK_BYTES)
        } else {
            None
        }
    }

    /// Steps the fault-injection countdown; true for the one request that must fail.
    #[inline(always)]
    fn injected_failure(&mut self) -> bool {
        if self.fail_countdown == 0 {
            return false;
        }
        self.fail_countdown -= 1;
        self.fail_countdown == 0
    }

    /// Check the allocation table's shape and the byte accounting against it: every run
    /// of TAIL blocks follows a HEAD, no block is left marked outside a collection, none
    /// at or above the soft limit is in use, and `stat_current` equals the blocks in use. Used after the allocation-failure sweep
    /// and the fuzzers to prove a failed allocation left the heap consistent.
    pub fn verify(&self) -> Result<(), &'static str> {
        if self.collecting {
            return Err("collection in progress");
        }
        let mut used = 0;
        let mut prev = FREE;
        for b in 0..self.n_blocks {
            let s = self.get(b);
            match s {
                TAIL if prev == FREE => return Err("tail block without a head"),
                MARK => return Err("mark bit left set"),
                HEAD | TAIL if b >= self.limit => return Err("block in use above the soft limit"),
                FREE => {
                    if self.ftb_get(b) {
                        return Err("finaliser bit on a free block");
                    }
                }
                _ => used += 1,
            }
            prev = s;
        }
        if used * BLOCK_BYTES != self.stat_current {
            return Err("allocated-bytes statistic disagrees with the table");
        }
        Ok(())
    }

    pub fn is_locked(&self) -> bool {
        self.lock_depth > 0
    }

    /// Allocate `bytes` zeroed bytes; `None` when the heap is full (after one collection, if
    /// automatic collection is on) or locked. Never panics.
    pub fn alloc(&mut self, bytes: usize, with_finaliser: bool) -> Option<*mut u8> {
        if self.lock_depth > 0 || self.collecting || self.injected_failure() {
            return None;
        }
        let n = bytes.max(1).div_ceil(BLOCK_BYTES);
        if let Some(t) = self.threshold {
            if self.alloc_amount >= t && self.auto_collect {
                self.collect();
            }
        }
        let (found, first_free) = match self.find_free(n) {
            Some(b) => b,
            None => self.find_free_slow(n)?,
        };
        self.set(found, HEAD);
        for b in found + 1..found + n {
            self.set(b, TAIL);
        }
        // Keep the invariant: no free block below `last_free`.
        if first_free == found {
            self.last_free = found + n;
        } else if n == 1 {
            self.last_free = first_free;
        }
        if n > 1 {
            self.cursor = found + n;
        }
        self.ftb_set(found, with_finaliser);
        self.account(n as isize);
        let p = self.block_ptr(found);
        if n == 1 {
            // A few word stores instead of a call to memset, which cost more than the rest
            // of a small allocation. Volatile so the compiler cannot fold them back into
            // the memset call of the other branch.
            let w = p as *mut usize;
            for i in 0..BLOCK_BYTES / WORD {
                // SAFETY: the block at `found` is inside the pool, word aligned, and ours.
                unsafe { ptr::write_volatile(w.add(i), 0) };
            }
        } else {
            // SAFETY: the n blocks starting at `found` are inside the pool and now ours.
            unsafe { ptr::write_bytes(p, 0, n * BLOCK_BYTES) };
        }
        self.alloc_amount += n * BLOCK_BYTES;
        Some(p)
    }

    /// No room for `n` blocks below the soft limit: collect (if automatic collection is on),
    /// then raise the limit until the request fits or the whole heap has been searched.
    /// When less than half the limit was allocated since the last collection, live or
    /// fragmented data holds the rest, so the limit is raised first and the collection
    /// waits: each collection then pays for at least half a limit's worth of allocation.
    #[inline(never)]
    fn find_free_slow(&mut self, n: usize) -> Option<(usize, usize)> {
        let grow_first =
            self.limit < self.n_blocks && self.alloc_amount < self.limit * BLOCK_BYTES / 2;
        if self.auto_collect && !grow_first {
            self.collect();
            if let Some(r) = self.find_free(n) {
                return Some(r);
            }
        }
        while self.raise_limit() {
            if let Some(r) = self.find_free(n) {
                return Some(r);
            }
        }
        if self.auto_collect && grow_first {
            self.collect();
            return self.find_free(n);
        }
        None
    }

    /// First fit for `n` blocks below the soft limit, searching from `last_free` (every
    /// block below it is in use). Returns the run's start and the first free block seen, which becomes the new
    /// `last_free` unless the run itself starts there.
    fn find_free(&self, n: usize) -> Option<(usize, usize)> {
        if n > 1 {
            // Multi-block requests go next-fit from where the last one ended: first-fit
            // would rescan every small hole below on each request (quadratic when most
            // objects are 2-3 blocks, as on 64-bit), while next-fit sweeps the heap once
            // per cycle.
            let start = self.cursor.clamp(self.last_free, self.limit);
            if let Some(found) = self
                .scan(start, self.limit, n)
                .or_else(|| self.scan(self.last_free, start.saturating_add(n).min(self.limit), n))
            {
                return Some((found, self.last_free));
            }
            return None;
        }
        if n == 1 {
            return self.first_free_block().map(|b| (b, b));
        }
        let mut run = 0;
        let mut first_free = None;
        for b in self.last_free.min(self.limit)..self.limit {
            if self.get(b) == FREE {
                first_free.get_or_insert(b);
                run += 1;
                if run == n {
                    return Some((b + 1 - n, first_free.unwrap_or(b)));
                }
            } else {
                run = 0;
            }
        }
        None
    }

    /// The first free block at or above `last_free`. Most allocations are one block, and
    /// the blocks below a long-lived heap's first hole are mostly in use, so whole ATB
    /// bytes (four blocks) with no free entry are skipped at once.
    fn first_free_block(&self) -> Option<usize> {
        let mut b = self.last_free.min(self.limit);
        while b < self.limit {
            if b.is_multiple_of(4) {
                // SAFETY: b < n_blocks, so the byte is inside the ATB.
                let x = unsafe { *self.atb.add(b / 4) };
                // A low bit for each entry that is FREE (both bits clear).
                let free = !(x | (x >> 1)) & 0x55;
                if free == 0 {
                    b += 4;
                    continue;
                }
                let found = b + free.trailing_zeros() as usize / 2;
                return (found < self.limit).then_some(found);
            }
            if self.get(b) == FREE {
                return Some(b);
            }
            b += 1;
        }
        None
    }

    /// First run of `n` free blocks starting in `[from, to)`.
    fn scan(&self, from: usize, to: usize, n: usize) -> Option<usize> {
        let mut run = 0;
        for b in from..to {
            if self.get(b) == FREE {
                run += 1;
                if run == n {
                    return Some(b + 1 - n);
                }
            } else {
                run = 0;
            }
        }
        None
    }

    /// Number of blocks in the allocation whose head is `head`.
    fn alloc_blocks(&self, head: usize) -> usize {
        let mut e = head + 1;
        while e < self.n_blocks && self.get(e) == TAIL {
            e += 1;
        }
        e - head
    }

    /// Usable size in bytes of the allocation at `p` (0 if `p` is not a heap head).
    pub fn size_of(&self, p: *const u8) -> usize {
        match self.aligned_block_of(p) {
            Some(b) if matches!(self.get(b), HEAD | MARK) => self.alloc_blocks(b) * BLOCK_BYTES,
            _ => 0,
        }
    }

    /// Whether `p` points into the pool.
    pub fn contains(&self, p: *const u8) -> bool {
        self.block_of(p as usize).is_some()
    }

    /// Release an allocation explicitly (no finaliser runs).
    pub fn free(&mut self, p: *mut u8) {
        if self.collecting {
            return;
        }
        if let Some(b) = self.aligned_block_of(p) {
            if self.get(b) == HEAD {
                let n = self.alloc_blocks(b);
                for i in b..b + n {
                    self.set(i, FREE);
                }
                self.account(-(n as isize));
                self.ftb_set(b, false);
                if b < self.last_free {
                    self.last_free = b;
                }
            }
        }
    }

    /// Grow or shrink an allocation, in place when the following blocks allow it.
    /// Returns `None` (leaving the old allocation intact) when memory runs out.
    // `p` is checked to be the head of a live allocation before it is read.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    pub fn realloc(&mut self, p: *mut u8, new_bytes: usize) -> Option<*mut u8> {
        if p.is_null() {
            return self.alloc(new_bytes, false);
        }
        let b = self.aligned_block_of(p)?;
        if self.get(b) != HEAD {
            return None;
        }
        let have = self.alloc_blocks(b);
        let want = new_bytes.max(1).div_ceil(BLOCK_BYTES);
        if want <= have {
            for i in b + want..b + have {
                self.set(i, FREE);
            }
            self.account(want as isize - have as isize);
            if b + want < self.last_free {
                self.last_free = b + want;
            }
            return Some(p);
        }
        if self.lock_depth > 0 || self.collecting || self.injected_failure() {
            return None;
        }
        // Try to extend in place.
        let mut e = b + have;
        while e < self.limit && e < b + want && self.get(e) == FREE {
            e += 1;
        }
        if e == b + want {
            for i in b + have..e {
                self.set(i, TAIL);
            }
            self.account((want - have) as isize);
            // SAFETY: the new tail blocks are inside the pool.
            unsafe { ptr::write_bytes(self.block_ptr(b + have), 0, (want - have) * BLOCK_BYTES) };
            self.alloc_amount += (want - have) * BLOCK_BYTES;
            return Some(p);
        }
        let fin = self.ftb_get(b);
        let np = self.alloc(new_bytes, fin)?;
        // SAFETY: both allocations are valid for `have` blocks; they do not overlap.
        unsafe { ptr::copy_nonoverlapping(p, np, have * BLOCK_BYTES) };
        // The old allocation is left to the collector rather than freed here: Rust code
        // (a slice of a list's items, a memoryview's pointer) may still refer to it, and the
        // conservative scan keeps it alive exactly as long as something does.
        Some(np)
    }

    // --- collection ---

    /// Mark the allocation containing `addr`, if any.
    #[inline]
    fn mark_word(&mut self, addr: usize) {
        let Some(mut b) = self.block_of(addr) else {
            return;
        };
        loop {
            match self.get(b) {
                HEAD => break,
                TAIL if b > 0 => b -= 1,
                _ => return,
            }
        }
        self.set(b, MARK);
        if self.mark_sp < MARK_STACK_LEN {
            self.mark_stack[self.mark_sp] = b;
            self.mark_sp += 1;
        } else {
            self.mark_overflow = true;
        }
    }

    fn scan_block_contents(&mut self, head: usize) {
        let n = self.alloc_blocks(head);
        let start = self.block_ptr(head) as *const usize;
        for i in 0..n * (BLOCK_BYTES / WORD) {
            // SAFETY: the allocation spans n blocks inside the pool.
            let w = unsafe { *start.add(i) };
            self.mark_word(w);
        }
    }

    fn drain(&mut self) {
        loop {
            while self.mark_sp > 0 {
                self.mark_sp -= 1;
                let b = self.mark_stack[self.mark_sp];
                self.scan_block_contents(b);
            }
            if !self.mark_overflow {
                break;
            }
            // Overflow: rescan every marked allocation until nothing new gets marked. Only
            // blocks below the soft limit can be in use, and whole ATB bytes without a
            // marked entry are skipped: with a small limit, collections are frequent.
            self.mark_overflow = false;
            let end = self.limit.min(self.n_blocks);
            let mut b = 0;
            while b < end {
                if b.is_multiple_of(4) {
                    // SAFETY: b < n_blocks, so the byte is inside the ATB.
                    let x = unsafe { *self.atb.add(b / 4) };
                    // A low bit for each entry that is MARK (both bits set).
                    if x & (x >> 1) & 0x55 == 0 {
                        b += 4;
                        continue;
                    }
                }
                if self.get(b) == MARK {
                    self.scan_block_contents(b);
                    while self.mark_sp > 0 {
                        self.mark_sp -= 1;
                        let c = self.mark_stack[self.mark_sp];
                        self.scan_block_contents(c);
                    }
                }
                b += 1;
            }
        }
    }

    /// Scan `len` words starting at `start` as roots.
    ///
    /// # Safety
    /// The range must be readable.
    pub unsafe fn mark_range(&mut self, start: *const usize, len: usize) {
        for i in 0..len {
            // SAFETY: guaranteed readable by the caller. Volatile so the compiler does not
            // reason about stack slots it believes uninitialised.
            let w = unsafe { ptr::read_volatile(start.add(i)) };
            self.mark_word(w);
            if self.mark_sp == MARK_STACK_LEN {
                self.drain();
            }
        }
        self.drain();
    }

    /// Run a full collection with the roots `crate::state` knows about.
    pub fn collect(&mut self) -> usize {
        if self.collecting || self.pool.is_null() {
            return 0;
        }
        self.collecting = true;
        self.collections += 1;
        crate::state::mark_roots(self);
        scan_native_stack(self);
        let freed = self.sweep();
        self.collecting = false;
        self.alloc_amount = 0;
        self.last_free = 0;
        self.fit_limit_to_live();
        freed
    }

    /// Track `blocks` allocated (positive) or released (negative) for the statistics.
    #[inline]
    fn account(&mut self, blocks: isize) {
        let bytes = blocks.unsigned_abs() * BLOCK_BYTES;
        if blocks >= 0 {
            self.stat_total += bytes;
            self.stat_current += bytes;
            self.stat_peak = self.stat_peak.max(self.stat_current);
        } else {
            self.stat_current = self.stat_current.saturating_sub(bytes);
        }
    }

    fn sweep(&mut self) -> usize {
        let mut freed = 0;
        let mut b = 0;
        let mut in_free = false;
        // Every block at or above the soft limit is free.
        let end = self.limit.min(self.n_blocks);
        while b < end {
            // SAFETY: b < n_blocks, so the byte is inside the ATB.
            if b.is_multiple_of(4) && unsafe { *self.atb.add(b / 4) } == 0 {
                // Four free blocks: nothing to free, and the run of a freed object ends.
                in_free = false;
                b += 4;
                continue;
            }
            match self.get(b) {
                HEAD => {
                    if self.ftb_get(b) {
                        self.ftb_set(b, false);
                        if let Some(f) = self.finaliser {
                            f(self.block_ptr(b));
                        }
                    }
                    self.set(b, FREE);
                    in_free = true;
                    freed += 1;
                    self.account(-1);
                }
                TAIL if in_free => {
                    self.set(b, FREE);
                    self.account(-1);
                }
                MARK => {
                    self.set(b, HEAD);
                    in_free = false;
                }
                _ => in_free = false,
            }
            b += 1;
        }
        freed
    }

    /// Free everything, running every finaliser (soft reset).
    pub fn sweep_all(&mut self) {
        self.collecting = true;
        self.sweep();
        self.collecting = false;
        self.last_free = 0;
    }

    pub fn info(&self) -> HeapInfo {
        let mut info = HeapInfo {
            total: self.n_blocks * BLOCK_BYTES,
            ..HeapInfo::default()
        };
        let mut free_run = 0;
        let mut b = 0;
        while b < self.n_blocks {
            match self.get(b) {
                FREE => {
                    free_run += 1;
                    info.max_free_blocks = info.max_free_blocks.max(free_run);
                    b += 1;
                }
                _ => {
                    free_run = 0;
                    let n = self.alloc_blocks(b);
                    info.used += n * BLOCK_BYTES;
                    match n {
                        1 => info.num_1block += 1,
                        2 => info.num_2block += 1,
                        _ => {}
                    }
                    info.max_block = info.max_block.max(n);
                    b += n;
                }
            }
        }
        info.free = info.total - info.used;
        info
    }
}

/// Spill callee-saved registers into a buffer on this frame, then scan from it to the stack
/// top, so values living only in registers are seen.
#[inline(never)]
fn scan_native_stack(heap: &mut Heap) {
    let mut regs = [0usize; 16];
    capture_registers(&mut regs);
    let lo = regs.as_ptr() as usize;
    let hi = heap.stack_top;
    if hi > lo {
        let len = (hi - lo) / WORD;
        // SAFETY: [lo, hi) is this thread's live stack: from our own frame up to the top the
        // port recorded in an outer frame.
        unsafe { mark_stack_words(heap, lo as *const usize, len) };
    }
    core::hint::black_box(&regs);
}

/// `Heap::mark_range` for the native stack. A conservative scan reads every stack word,
/// including the poisoned red zones AddressSanitizer puts around locals, so fuzzing builds
/// (which run under ASan) exempt this one function from its checks.
///
/// # Safety
/// The range must be readable.
#[cfg_attr(fuzzing, sanitize(address = "off"))]
#[inline(never)]
unsafe fn mark_stack_words(heap: &mut Heap, start: *const usize, len: usize) {
    for i in 0..len {
        // SAFETY: guaranteed readable by the caller; volatile as in `mark_range`, except
        // under ASan, where the out-of-line `read_volatile` would be checked after all.
        #[cfg(not(fuzzing))]
        let w = unsafe { ptr::read_volatile(start.add(i)) };
        #[cfg(fuzzing)]
        let w = unsafe { *start.add(i) };
        heap.mark_word(w);
        if heap.mark_sp == MARK_STACK_LEN {
            heap.drain();
        }
    }
    heap.drain();
}

#[inline(never)]
pub(crate) fn capture_registers(out: &mut [usize; 16]) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: only reads registers into the buffer.
    unsafe {
        core::arch::asm!(
            "mov [{0}], rbx", "mov [{0}+8], rbp", "mov [{0}+16], r12",
            "mov [{0}+24], r13", "mov [{0}+32], r14", "mov [{0}+40], r15",
            in(reg) out.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "arm")]
    // SAFETY: only reads registers into the buffer.
    unsafe {
        core::arch::asm!(
            "str r4, [{0}]", "str r5, [{0}, #4]", "str r6, [{0}, #8]", "str r8, [{0}, #16]",
            "str r9, [{0}, #20]", "str r10, [{0}, #24]", "str r11, [{0}, #28]",
            in(reg) out.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: only reads registers into the buffer.
    unsafe {
        core::arch::asm!(
            "stp x19, x20, [{0}]", "stp x21, x22, [{0}, #16]", "stp x23, x24, [{0}, #32]",
            "stp x25, x26, [{0}, #48]", "stp x27, x28, [{0}, #64]", "str x29, [{0}, #80]",
            in(reg) out.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    core::hint::black_box(out);
}

#[cfg(test)]
mod tests {
    // Most tests use a private heap in a leaked buffer so block counts are exact. A real
    // `collect()` also reads the global interpreter roots, so every test that collects runs
    // under `with_vm`, which serialises access to that state.
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use core::sync::atomic::{AtomicUsize, Ordering};
    use std::vec::Vec;

    /// A heap over a fresh region of about `bytes` bytes; the region is leaked so it
    /// outlives the heap as `init` requires.
    fn new_heap(bytes: usize) -> Heap {
        let region: &'static mut [u64] = std::vec![0u64; bytes.div_ceil(8)].leak();
        let mut h = Heap::empty();
        // SAFETY: the leaked region is word aligned and used by this heap only.
        unsafe { h.init(region.as_mut_ptr() as *mut u8, region.len() * 8) };
        h
    }

    #[test]
    fn layout_dump_marks_heads_tails_and_free_runs() {
        let mut h = new_heap(64 * 1024);
        let a = h.alloc(BLOCK_BYTES, false);
        let b = h.alloc(3 * BLOCK_BYTES, false);
        assert!(a.is_some() && b.is_some());
        let mut text = Vec::new();
        h.dump_layout(&|_| b'h', &mut |bytes| text.extend_from_slice(bytes));
        let text = std::string::String::from_utf8(text).unwrap_or_default();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(""));
        let first = lines.next().unwrap_or("");
        assert!(first.starts_with("00000000: hh==."), "{first}");
        assert_eq!(first.len(), 10 + 64);
        let free = lines.next().unwrap_or("");
        let runs = (h.n_blocks - 64) / 64;
        assert_eq!(free, std::format!("       ({runs} lines all free)"));
        assert!(text.ends_with('\n'));
        let mut line = Line::new();
        line.push_hex8(0x4c0);
        line.push(b' ');
        line.push_hex8(0x1234_5678);
        assert_eq!(line.as_bytes(), b"000004c0 12345678");
    }

    /// A collection whose only roots are `roots`: the native stack and the interpreter
    /// state are left out, so the outcome is exact (no conservative false retention).
    fn collect_with_roots(h: &mut Heap, roots: &[usize]) -> usize {
        h.collecting = true;
        // SAFETY: the slice is readable.
        unsafe { h.mark_range(roots.as_ptr(), roots.len()) };
        let freed = h.sweep();
        h.collecting = false;
        h.last_free = 0;
        freed
    }

    fn alloc_ok(h: &mut Heap, bytes: usize) -> *mut u8 {
        let p = h.alloc(bytes, false);
        assert!(p.is_some(), "allocation of {bytes} bytes failed");
        p.unwrap_or(ptr::null_mut())
    }

    fn is_live(h: &Heap, p: *mut u8) -> bool {
        h.size_of(p) > 0
    }

    /// Store `v` into word `i` of the allocation at `p`.
    fn put(p: *mut u8, i: usize, v: usize) {
        // SAFETY: callers pass an index inside the allocation.
        unsafe { (p as *mut usize).add(i).write(v) };
    }

    fn word(p: *mut u8, i: usize) -> usize {
        // SAFETY: callers pass an index inside the allocation.
        unsafe { (p as *const usize).add(i).read() }
    }

    #[test]
    fn init_lays_pool_inside_region() {
        let bytes = 10_000 + 5;
        let region: &'static mut [u64] = std::vec![0u64; bytes / 8].leak();
        let start = region.as_ptr() as usize;
        let end = start + region.len() * 8;
        let mut h = Heap::empty();
        // SAFETY: as in new_heap.
        unsafe { h.init(region.as_mut_ptr() as *mut u8, region.len() * 8) };
        assert!(h.n_blocks > 0);
        assert_eq!(h.pool as usize % BLOCK_BYTES, 0);
        assert!(h.pool as usize >= start + h.n_blocks.div_ceil(4) + h.n_blocks.div_ceil(8));
        assert!(h.pool as usize + h.n_blocks * BLOCK_BYTES <= end);
        assert_eq!(h.total_bytes(), h.n_blocks * BLOCK_BYTES);
        let info = h.info();
        assert_eq!((info.used, info.free), (0, h.total_bytes()));
        assert_eq!(info.max_free_blocks, h.n_blocks);
        // Too small a region gives an empty heap that refuses every allocation.
        let mut tiny = new_heap(16);
        assert_eq!(tiny.total_bytes(), 0);
        assert!(tiny.alloc(1, false).is_none());
        assert_eq!(tiny.info().total, 0);
    }

    #[test]
    fn alloc_rounds_up_to_blocks_and_counts_them() {
        let mut h = new_heap(64 * 1024);
        let a = alloc_ok(&mut h, 1);
        let b = alloc_ok(&mut h, BLOCK_BYTES);
        let c = alloc_ok(&mut h, BLOCK_BYTES + 1);
        let d = alloc_ok(&mut h, 5 * BLOCK_BYTES - 3);
        let z = alloc_ok(&mut h, 0);
        assert_eq!(h.size_of(a), BLOCK_BYTES);
        assert_eq!(h.size_of(b), BLOCK_BYTES);
        assert_eq!(h.size_of(c), 2 * BLOCK_BYTES);
        assert_eq!(h.size_of(d), 5 * BLOCK_BYTES);
        assert_eq!(h.size_of(z), BLOCK_BYTES);
        let info = h.info();
        assert_eq!(info.used, 10 * BLOCK_BYTES);
        assert_eq!(info.free, info.total - info.used);
        assert_eq!(
            (info.num_1block, info.num_2block, info.max_block),
            (3, 1, 5)
        );
        // Distinct, non-overlapping, all inside the pool.
        let mut ps = [a as usize, b as usize, c as usize, d as usize, z as usize];
        ps.sort_unstable();
        for w in ps.windows(2) {
            assert!(w[1] - w[0] >= BLOCK_BYTES);
        }
        for p in ps {
            assert!(h.contains(p as *const u8));
        }
        // An interior pointer is not an allocation head.
        // SAFETY: d spans 5 blocks.
        assert_eq!(h.size_of(unsafe { d.add(BLOCK_BYTES) }), 0);
    }

    #[test]
    fn alloc_returns_zeroed_memory_even_when_reusing_blocks() {
        let mut h = new_heap(8 * 1024);
        // Single-block requests are first fit, so the freed block is reused at once.
        let p = alloc_ok(&mut h, BLOCK_BYTES);
        // SAFETY: p spans 1 block.
        unsafe { ptr::write_bytes(p, 0xAB, BLOCK_BYTES) };
        h.free(p);
        let q = alloc_ok(&mut h, BLOCK_BYTES);
        assert_eq!(q, p, "the freed block is the first fit");
        // SAFETY: q spans 1 block.
        let bytes = unsafe { core::slice::from_raw_parts(q, BLOCK_BYTES) };
        assert!(bytes.iter().all(|&x| x == 0));
    }

    #[test]
    fn free_gives_blocks_back_and_ignores_non_heads() {
        let mut h = new_heap(16 * 1024);
        let ps: Vec<*mut u8> = (1..=20).map(|i| alloc_ok(&mut h, i * 7)).collect();
        let used = h.info().used;
        assert!(used > 0);
        // Pointers into a tail block, foreign pointers and null are ignored.
        // SAFETY: the last allocation is 140 bytes, more than one block.
        h.free(unsafe { ps[19].add(BLOCK_BYTES + WORD) });
        let local = 0usize;
        h.free(&local as *const usize as *mut u8);
        h.free(ptr::null_mut());
        assert_eq!(h.info().used, used);
        for &p in &ps {
            h.free(p);
        }
        assert_eq!(h.info().used, 0);
        assert_eq!(h.info().max_free_blocks, h.n_blocks);
        // Freeing twice is harmless.
        h.free(ps[0]);
        assert_eq!(h.info().used, 0);
    }

    #[test]
    fn realloc_grows_in_place_moves_and_shrinks() {
        let mut h = new_heap(16 * 1024);
        let p = alloc_ok(&mut h, 2 * BLOCK_BYTES);
        for i in 0..2 * BLOCK_BYTES / WORD {
            put(p, i, 1000 + i);
        }
        // The blocks after p are free: grow in place.
        let q = h.realloc(p, 4 * BLOCK_BYTES);
        assert_eq!(q, Some(p));
        assert_eq!(h.size_of(p), 4 * BLOCK_BYTES);
        for i in 0..2 * BLOCK_BYTES / WORD {
            assert_eq!(word(p, i), 1000 + i);
        }
        // The new part is zeroed.
        for i in 2 * BLOCK_BYTES / WORD..4 * BLOCK_BYTES / WORD {
            assert_eq!(word(p, i), 0);
        }
        // Block the way, then grow: it must move and keep the contents.
        let blocker = alloc_ok(&mut h, 1);
        assert_eq!(blocker as usize, p as usize + 4 * BLOCK_BYTES);
        let used_before = h.info().used;
        let r = h.realloc(p, 8 * BLOCK_BYTES).unwrap_or(ptr::null_mut());
        assert!(!r.is_null() && r != p);
        assert_eq!(h.size_of(r), 8 * BLOCK_BYTES);
        // The old allocation stays until a collection finds it unreferenced: Rust code may
        // still hold a pointer into it.
        assert_eq!(
            h.size_of(p),
            4 * BLOCK_BYTES,
            "the old allocation is left to the collector"
        );
        for i in 0..2 * BLOCK_BYTES / WORD {
            assert_eq!(word(r, i), 1000 + i);
        }
        assert_eq!(h.info().used, used_before + 8 * BLOCK_BYTES);
        // Shrink in place.
        let s = h.realloc(r, BLOCK_BYTES + 1);
        assert_eq!(s, Some(r));
        assert_eq!(h.size_of(r), 2 * BLOCK_BYTES);
        assert_eq!(word(r, 1), 1001);
        assert_eq!(h.info().used, used_before + 2 * BLOCK_BYTES);
        // Shrinking to zero keeps one block.
        assert_eq!(h.realloc(r, 0), Some(r));
        assert_eq!(h.size_of(r), BLOCK_BYTES);
        // A null pointer allocates; a non-head pointer is refused.
        let n = h.realloc(ptr::null_mut(), 3).unwrap_or(ptr::null_mut());
        assert_eq!(h.size_of(n), BLOCK_BYTES);
        let d = alloc_ok(&mut h, 2 * BLOCK_BYTES);
        // SAFETY: d spans two blocks.
        assert_eq!(h.realloc(unsafe { d.add(BLOCK_BYTES) }, 64), None);
        assert_eq!(h.realloc(blocker, 1), Some(blocker));
    }

    // `free`, `realloc` and `size_of` take only block-aligned pointers: a pointer into the
    // middle of an allocation's first block must not be mistaken for the allocation.
    #[test]
    fn pointer_inside_head_block_is_not_an_allocation() {
        let mut h = new_heap(8 * 1024);
        let p = alloc_ok(&mut h, 3 * BLOCK_BYTES);
        // SAFETY: p spans three blocks.
        let inner = unsafe { p.add(WORD) };
        assert_eq!(h.size_of(inner), 0);
        h.free(inner);
        assert_eq!(
            h.size_of(p),
            3 * BLOCK_BYTES,
            "free of an interior pointer freed it"
        );
        assert_eq!(h.realloc(inner, 4 * BLOCK_BYTES), None);
        assert_eq!(h.size_of(p), 3 * BLOCK_BYTES);
    }

    #[test]
    fn exhaustion_returns_none_and_keeps_heap_consistent() {
        let mut h = new_heap(4 * 1024);
        h.auto_collect = false;
        let mut n = 0;
        let mut last = ptr::null_mut();
        while let Some(p) = h.alloc(1, false) {
            put(p, 0, n);
            last = p;
            n += 1;
            assert!(n <= h.n_blocks, "more allocations than blocks");
        }
        assert_eq!(n, h.n_blocks);
        assert_eq!(h.info().free, 0);
        assert!(h.alloc(1, false).is_none());
        assert!(h.alloc(usize::MAX, false).is_none());
        assert!(h.alloc(usize::MAX / 2, true).is_none());
        // A failed grow leaves the allocation intact.
        assert_eq!(h.realloc(last, 2 * BLOCK_BYTES), None);
        assert_eq!(h.size_of(last), BLOCK_BYTES);
        assert_eq!(word(last, 0), n - 1);
        // Free one block in the middle: exactly one more 1-block allocation fits, and a
        // 2-block one does not.
        let mid = h.block_ptr(h.n_blocks / 2);
        h.free(mid);
        assert!(h.alloc(2 * BLOCK_BYTES, false).is_none());
        assert_eq!(h.alloc(8, false), Some(mid));
        assert!(h.alloc(1, false).is_none());
    }

    #[test]
    fn huge_requests_on_empty_heap_fail_cleanly() {
        let mut h = new_heap(4 * 1024);
        h.auto_collect = false;
        assert!(h.alloc(h.total_bytes() + 1, false).is_none());
        let all = h.alloc(h.total_bytes(), false);
        assert!(all.is_some());
        assert_eq!(h.info().free, 0);
        let p = all.unwrap_or(ptr::null_mut());
        assert_eq!(h.realloc(p, usize::MAX), None);
        assert_eq!(h.size_of(p), h.total_bytes());
    }

    #[test]
    fn locked_heap_refuses_to_allocate_or_grow() {
        let mut h = new_heap(8 * 1024);
        let p = alloc_ok(&mut h, 3 * BLOCK_BYTES);
        h.lock_depth = 1;
        assert!(h.is_locked());
        assert!(h.alloc(1, false).is_none());
        assert!(h.realloc(p, 5 * BLOCK_BYTES).is_none());
        // Shrinking needs no new memory and is allowed.
        assert_eq!(h.realloc(p, BLOCK_BYTES), Some(p));
        h.lock_depth = 0;
        assert!(h.alloc(1, false).is_some());
    }

    #[test]
    fn precise_collection_keeps_roots_and_frees_the_rest() {
        let mut h = new_heap(64 * 1024);
        let mut roots = Vec::new();
        let mut dropped = Vec::new();
        for i in 0..100 {
            let p = alloc_ok(&mut h, 1 + (i % 5) * BLOCK_BYTES);
            put(p, 0, 0xC0DE_0000 + i);
            if i % 3 == 0 {
                roots.push(p as usize);
            } else {
                dropped.push(p);
            }
        }
        let freed = collect_with_roots(&mut h, &roots);
        assert_eq!(freed, dropped.len());
        for &p in &dropped {
            assert!(!is_live(&h, p));
        }
        for (k, &p) in roots.iter().enumerate() {
            assert!(is_live(&h, p as *mut u8));
            assert_eq!(word(p as *mut u8, 0), 0xC0DE_0000 + 3 * k);
        }
        // No mark bit survives the sweep: a second collection frees nothing.
        assert_eq!(collect_with_roots(&mut h, &roots), 0);
        assert_eq!(collect_with_roots(&mut h, &[]), roots.len());
        assert_eq!(h.info().used, 0);
    }

    #[test]
    fn interior_pointers_keep_allocations_alive() {
        let mut h = new_heap(16 * 1024);
        let a = alloc_ok(&mut h, 4 * BLOCK_BYTES);
        let b = alloc_ok(&mut h, 4 * BLOCK_BYTES);
        let c = alloc_ok(&mut h, 1);
        // Root a through its last byte, b through a word in its second block.
        let roots = [
            a as usize + 4 * BLOCK_BYTES - 1,
            b as usize + BLOCK_BYTES + WORD,
        ];
        assert_eq!(collect_with_roots(&mut h, &roots), 1);
        assert!(is_live(&h, a) && is_live(&h, b) && !is_live(&h, c));
        // One past the end of the pool, or just before it, keeps nothing.
        let outside = [
            h.pool as usize - 1,
            h.pool as usize + h.n_blocks * BLOCK_BYTES,
        ];
        assert_eq!(collect_with_roots(&mut h, &outside), 2);
    }

    #[test]
    fn reachability_is_transitive_and_cycles_are_collected() {
        let mut h = new_heap(64 * 1024);
        // root -> x -> y -> z (through an interior pointer), and a garbage cycle u <-> v.
        let x = alloc_ok(&mut h, 2 * BLOCK_BYTES);
        let y = alloc_ok(&mut h, BLOCK_BYTES);
        let z = alloc_ok(&mut h, 3 * BLOCK_BYTES);
        let u = alloc_ok(&mut h, BLOCK_BYTES);
        let v = alloc_ok(&mut h, BLOCK_BYTES);
        put(x, 2 * BLOCK_BYTES / WORD - 1, y as usize);
        put(y, 0, z as usize + 2 * BLOCK_BYTES + 3);
        put(u, 0, v as usize);
        put(v, 0, u as usize);
        // A reachable cycle: z -> x.
        put(z, 1, x as usize);
        let roots = [x as usize];
        assert_eq!(collect_with_roots(&mut h, &roots), 2);
        assert!(is_live(&h, x) && is_live(&h, y) && is_live(&h, z));
        assert!(!is_live(&h, u) && !is_live(&h, v));
        // Drop the root: the whole reachable cycle goes too.
        assert_eq!(collect_with_roots(&mut h, &[]), 3);
        assert_eq!(h.info().used, 0);
    }

    #[test]
    fn long_chain_is_marked_completely() {
        let mut h = new_heap(1024 * 1024);
        h.auto_collect = false;
        // Each node points to the previous one, so marking walks 10000 deep.
        let n = 10_000;
        let mut prev = 0usize;
        let mut first = ptr::null_mut();
        for i in 0..n {
            let p = alloc_ok(&mut h, 2 * WORD);
            put(p, 0, prev);
            put(p, 1, i);
            if i == 0 {
                first = p;
            }
            prev = p as usize;
        }
        let garbage = alloc_ok(&mut h, 1);
        assert_eq!(collect_with_roots(&mut h, &[prev]), 1);
        assert!(!is_live(&h, garbage));
        let mut count = 0;
        let mut p = prev;
        while p != 0 {
            assert!(is_live(&h, p as *mut u8));
            assert_eq!(word(p as *mut u8, 1), n - 1 - count);
            p = word(p as *mut u8, 0);
            count += 1;
        }
        assert_eq!(count, n);
        assert!(is_live(&h, first));
        assert_eq!(collect_with_roots(&mut h, &[]), n);
    }

    #[test]
    fn mark_stack_overflow_still_marks_everything() {
        let mut h = new_heap(8 * 20 * MARK_STACK_LEN * BLOCK_BYTES);
        h.auto_collect = false;
        // A wide node with far more children than the mark stack holds, each child heading
        // a short chain, and the children laid out so later ones point at earlier blocks.
        let width = 20 * MARK_STACK_LEN;
        let wide = alloc_ok(&mut h, width * WORD);
        let mut kids = Vec::new();
        for i in 0..width {
            let leaf = alloc_ok(&mut h, WORD);
            put(leaf, 0, 7 * i);
            let kid = alloc_ok(&mut h, 2 * WORD);
            put(kid, 0, leaf as usize);
            put(kid, 1, i);
            put(wide, i, kid as usize);
            kids.push((kid, leaf));
        }
        // A second wide node reachable only from the last leaf, so the overflow rescan has
        // to find it after the first pass.
        let wide2 = alloc_ok(&mut h, width * WORD);
        for i in 0..width {
            let k = alloc_ok(&mut h, WORD);
            put(k, 0, i);
            put(wide2, i, k as usize);
        }
        if let Some(&(_, last_leaf)) = kids.last() {
            // Word 0 holds the check value; the allocation is one block, so word 1 is free.
            put(last_leaf, 1, wide2 as usize);
        }
        let junk: Vec<*mut u8> = (0..50).map(|_| alloc_ok(&mut h, 1)).collect();
        let used = h.info().used;
        assert_eq!(collect_with_roots(&mut h, &[wide as usize]), junk.len());
        assert!(!h.mark_overflow && h.mark_sp == 0);
        assert_eq!(h.info().used, used - junk.len() * BLOCK_BYTES);
        for (i, &(kid, leaf)) in kids.iter().enumerate() {
            assert!(is_live(&h, kid) && is_live(&h, leaf));
            assert_eq!(word(kid, 1), i);
            assert_eq!(word(leaf, 0), 7 * i);
        }
        assert!(is_live(&h, wide2));
        for i in 0..width {
            let k = word(wide2, i) as *mut u8;
            assert!(is_live(&h, k));
            assert_eq!(word(k, 0), i);
        }
        assert_eq!(collect_with_roots(&mut h, &[]), 2 + 3 * width);
        assert_eq!(h.info().used, 0);
    }

    static FINALISED: AtomicUsize = AtomicUsize::new(0);
    static FINALISED_SUM: AtomicUsize = AtomicUsize::new(0);

    fn count_finaliser(p: *mut u8) {
        FINALISED.fetch_add(1, Ordering::SeqCst);
        FINALISED_SUM.fetch_add(word(p, 0), Ordering::SeqCst);
    }

    #[test]
    fn finalisers_run_once_for_unreachable_allocations() {
        with_vm(|| {
            FINALISED.store(0, Ordering::SeqCst);
            FINALISED_SUM.store(0, Ordering::SeqCst);
            let mut h = new_heap(16 * 1024);
            h.finaliser = Some(count_finaliser);
            let keep = h.alloc(WORD, true).unwrap_or(ptr::null_mut());
            put(keep, 0, 1000);
            for i in 1..=10 {
                let p = h.alloc(WORD, i % 2 == 0).unwrap_or(ptr::null_mut());
                put(p, 0, i);
            }
            collect_with_roots(&mut h, &[keep as usize]);
            assert_eq!(FINALISED.load(Ordering::SeqCst), 5);
            assert_eq!(FINALISED_SUM.load(Ordering::SeqCst), 2 + 4 + 6 + 8 + 10);
            collect_with_roots(&mut h, &[keep as usize]);
            assert_eq!(FINALISED.load(Ordering::SeqCst), 5, "not run twice");
            // An explicit free drops the finaliser without running it.
            let f = h.alloc(WORD, true).unwrap_or(ptr::null_mut());
            h.free(f);
            // Soft reset: everything goes and the kept allocation's finaliser runs.
            h.sweep_all();
            assert_eq!(FINALISED.load(Ordering::SeqCst), 6);
            assert_eq!(FINALISED_SUM.load(Ordering::SeqCst), 30 + 1000);
            assert_eq!(h.info().used, 0);
        });
    }

    /// Allocate `n` blocks whose addresses go only into `out` (heap memory), so no copy of
    /// them stays in this frame once it returns.
    #[inline(never)]
    fn fill_unrooted(h: &mut Heap, n: usize) -> usize {
        let mut made = 0;
        for _ in 0..n {
            if h.alloc(BLOCK_BYTES, false).is_some() {
                made += 1;
            }
        }
        made
    }

    #[test]
    fn real_collect_without_stack_frees_everything_unrooted() {
        with_vm(|| {
            let mut h = new_heap(32 * 1024);
            // No stack top: the native stack is not scanned, and the global roots point
            // into another heap, so nothing here is reachable.
            h.set_stack_top(0);
            let made = fill_unrooted(&mut h, 100);
            assert_eq!(made, 100);
            let before = h.collections;
            assert_eq!(h.collect(), 100);
            assert_eq!(h.collections, before + 1);
            assert_eq!(h.info().used, 0);
        });
    }

    #[test]
    fn real_collect_keeps_objects_referenced_from_the_native_stack() {
        with_vm(|| {
            let mut h = new_heap(64 * 1024);
            let mut slots = [0usize; 32];
            for (i, s) in slots.iter_mut().enumerate() {
                let p = alloc_ok(&mut h, (i % 4 + 1) * BLOCK_BYTES);
                put(p, 0, 0x5EED + i);
                // Keep only an interior pointer for odd slots.
                *s = if i % 2 == 1 {
                    p as usize + WORD
                } else {
                    p as usize
                };
            }
            // Each stack-held object points to a heap-only child.
            for (i, s) in slots.iter().enumerate() {
                let child = alloc_ok(&mut h, 1);
                put(child, 0, 0xC41D + i);
                put((s & !(BLOCK_BYTES - 1)) as *mut u8, 1, child as usize);
            }
            let top = slots.as_ptr() as usize + core::mem::size_of_val(&slots);
            h.set_stack_top(top);
            let garbage = fill_unrooted(&mut h, 200);
            assert_eq!(garbage, 200);
            let freed = h.collect();
            core::hint::black_box(&mut slots);
            for (i, &s) in slots.iter().enumerate() {
                let p = (s & !(BLOCK_BYTES - 1)) as *mut u8;
                assert!(is_live(&h, p), "stack-rooted object {i} was freed");
                assert_eq!(word(p, 0), 0x5EED + i);
                let child = word(p, 1) as *mut u8;
                assert!(is_live(&h, child));
                assert_eq!(word(child, 0), 0xC41D + i);
            }
            // The scan is conservative, so a stale stack word may retain a few of the
            // garbage blocks, but the bulk must go.
            assert!(freed >= 150, "only {freed} of 200 unreachable blocks freed");
            assert!(freed <= 200);
        });
    }

    #[test]
    fn threshold_and_exhaustion_trigger_collections() {
        with_vm(|| {
            let mut h = new_heap(8 * 1024);
            h.set_stack_top(0);
            h.threshold = Some(10 * BLOCK_BYTES);
            let before = h.collections;
            fill_unrooted(&mut h, 25);
            assert!(h.collections >= before + 2, "threshold collections ran");
            h.threshold = None;
            // With automatic collection on, filling the heap with garbage many times over
            // always succeeds.
            let c = h.collections;
            let nb = h.n_blocks;
            let made = fill_unrooted(&mut h, 5 * nb);
            assert_eq!(made, 5 * nb);
            assert!(h.collections > c);
            // While collecting, allocation is refused instead of recursing.
            h.collecting = true;
            assert!(h.alloc(1, false).is_none());
            assert_eq!(h.collect(), 0);
            h.collecting = false;
            assert!(h.alloc(1, false).is_some());
        });
    }

    #[test]
    fn interpreter_heap_accounts_and_collects() {
        with_vm(|| {
            let heap = &mut crate::state::get().heap;
            let info = heap.info();
            assert!(info.total > 0);
            assert_eq!(info.used + info.free, info.total);
            let p = heap
                .alloc(10 * BLOCK_BYTES, false)
                .unwrap_or(ptr::null_mut());
            assert!(!p.is_null());
            put(p, 3, 0xFEED);
            assert_eq!(heap.info().used, info.used + 10 * BLOCK_BYTES);
            heap.collect();
            core::hint::black_box(&p);
            assert_eq!(heap.size_of(p), 10 * BLOCK_BYTES, "stack-held pointer kept");
            assert_eq!(word(p, 3), 0xFEED);
            heap.free(p);
        });
    }

    #[test]
    fn injected_failure_hits_exactly_the_nth_request() {
        let mut h = new_heap(4096);
        h.fail_countdown = 3;
        assert!(h.alloc(8, false).is_some());
        assert!(h.alloc(8, false).is_some());
        assert!(h.alloc(8, false).is_none(), "the third request must fail");
        assert!(h.alloc(8, false).is_some(), "only one request fails");
        assert_eq!(h.fail_countdown, 0);
        assert_eq!(h.verify(), Ok(()));
    }

    #[test]
    fn injected_failure_in_realloc_keeps_the_old_block() {
        let mut h = new_heap(4096);
        let p = alloc_ok(&mut h, 8);
        put(p, 0, 1234);
        // Something sits right after `p`, so growing must move it and allocate.
        let _q = alloc_ok(&mut h, 8);
        h.fail_countdown = 1;
        assert!(h.realloc(p, 4 * BLOCK_BYTES).is_none());
        assert_eq!(word(p, 0), 1234);
        assert!(is_live(&h, p));
        assert_eq!(h.verify(), Ok(()));
    }

    #[test]
    fn verify_finds_a_broken_table_and_bad_accounting() {
        let mut h = new_heap(4096);
        let p = alloc_ok(&mut h, 3 * BLOCK_BYTES);
        assert_eq!(h.verify(), Ok(()));
        h.stat_current += BLOCK_BYTES;
        assert!(h.verify().is_err());
        h.stat_current -= BLOCK_BYTES;
        let b = h.aligned_block_of(p).unwrap_or(0);
        h.set(b, FREE);
        assert_eq!(h.verify(), Err("tail block without a head"));
    }

    #[test]
    fn without_a_soft_limit_the_whole_heap_is_in_play() {
        let h = new_heap(64 * 1024);
        assert_eq!(h.soft_limit_bytes(), h.total_bytes());
    }

    #[test]
    fn garbage_churn_stays_below_the_soft_limit() {
        with_vm(|| {
            let mut h = new_heap(256 * 1024);
            h.set_stack_top(0);
            h.set_soft_limit(32 * BLOCK_BYTES);
            assert_eq!(h.soft_limit_bytes(), 32 * BLOCK_BYTES);
            let nb = h.n_blocks;
            // Ten heaps' worth of unreachable one- and three-block allocations.
            for i in 0..10 * nb {
                let bytes = if i % 4 == 0 { 3 * BLOCK_BYTES } else { WORD };
                assert!(h.alloc(bytes, false).is_some());
            }
            assert_eq!(
                h.soft_limit_bytes(),
                32 * BLOCK_BYTES,
                "garbage never grows it"
            );
            assert!(h.collections > 10 * nb / 32 / 2);
            // `verify` also proves no block above the limit was ever handed out.
            assert_eq!(h.verify(), Ok(()));
            // The statistics still describe the whole heap.
            assert_eq!(h.info().total, nb * BLOCK_BYTES);
            assert_eq!(h.info().used + h.info().free, nb * BLOCK_BYTES);
        });
    }

    /// Build a chain of `n` one-block nodes, each pointing to the previous one, among
    /// `garbage_per_node` unreachable allocations per node; only `root[0]` holds the chain.
    #[inline(never)]
    fn build_rooted_chain(h: &mut Heap, root: &mut [usize; 4], n: usize, garbage_per_node: usize) {
        for i in 0..n {
            let p = alloc_ok(h, 2 * WORD);
            put(p, 0, root[0]);
            put(p, 1, i);
            root[0] = p as usize;
            core::hint::black_box(&mut *root);
            fill_unrooted(h, garbage_per_node);
        }
    }

    #[test]
    fn soft_limit_grows_with_live_data_and_keeps_it_intact() {
        with_vm(|| {
            let mut h = new_heap(512 * 1024);
            let start = 32 * BLOCK_BYTES;
            h.set_soft_limit(start);
            let mut root = [0usize; 4];
            h.set_stack_top(root.as_ptr() as usize + core::mem::size_of_val(&root));
            let live = 2000;
            build_rooted_chain(&mut h, &mut root, live, 3);
            core::hint::black_box(&mut root);
            let limit = h.soft_limit_bytes();
            assert!(limit > start, "live data raised the limit");
            assert!(limit < h.total_bytes(), "but not to the whole heap");
            // Each raise doubles a limit that live data filled more than half of, so the
            // limit stays within 4x the live data (plus what the conservative stack scan
            // may retain).
            assert!(limit <= 4 * (live + 64) * BLOCK_BYTES, "limit {limit}");
            h.collect();
            core::hint::black_box(&mut root);
            assert!(h.info().used * 2 <= h.soft_limit_bytes());
            let mut p = root[0];
            let mut count = 0;
            while p != 0 {
                assert!(is_live(&h, p as *mut u8));
                assert_eq!(word(p as *mut u8, 1), live - 1 - count);
                p = word(p as *mut u8, 0);
                count += 1;
            }
            assert_eq!(count, live);
            assert_eq!(h.verify(), Ok(()));
        });
    }

    #[test]
    fn soft_limit_never_refuses_what_the_heap_has_room_for() {
        with_vm(|| {
            // Collection off: the limit rises instead, block by block up to the whole heap.
            let mut h = new_heap(64 * 1024);
            h.set_stack_top(0);
            h.auto_collect = false;
            h.set_soft_limit(8 * BLOCK_BYTES);
            let nb = h.n_blocks;
            assert_eq!(fill_unrooted(&mut h, nb), nb);
            assert!(h.alloc(1, false).is_none(), "now the heap is full");
            assert_eq!(h.soft_limit_bytes(), h.total_bytes());
            assert_eq!(h.verify(), Ok(()));

            // A request larger than the limit, with collection on, on a fresh heap.
            let mut h = new_heap(64 * 1024);
            h.set_stack_top(0);
            h.set_soft_limit(8 * BLOCK_BYTES);
            let big = h.total_bytes() - 4 * BLOCK_BYTES;
            let p = h.alloc(big, false);
            assert!(p.is_some());
            assert_eq!(h.size_of(p.unwrap_or(ptr::null_mut())), big);

            // Growing in place stops at the limit; growing further moves the allocation.
            let mut h = new_heap(64 * 1024);
            h.set_stack_top(0);
            h.auto_collect = false;
            h.set_soft_limit(8 * BLOCK_BYTES);
            let q = alloc_ok(&mut h, 6 * BLOCK_BYTES);
            assert_eq!(h.realloc(q, 8 * BLOCK_BYTES), Some(q));
            let r = h.realloc(q, 12 * BLOCK_BYTES);
            assert!(r.is_some_and(|r| r != q));
            assert_eq!(h.verify(), Ok(()));

            // A heap locked by heap_lock still refuses, whatever the limit.
            let mut h = new_heap(64 * 1024);
            h.set_soft_limit(8 * BLOCK_BYTES);
            h.lock_depth = 1;
            assert!(h.alloc(1, false).is_none());
            assert_eq!(h.soft_limit_bytes(), 8 * BLOCK_BYTES);
        });
    }

    #[test]
    fn fragmented_space_below_the_limit_raises_it_for_a_long_run() {
        with_vm(|| {
            let mut h = new_heap(128 * 1024);
            h.set_soft_limit(64 * BLOCK_BYTES);
            let mut keep = [0usize; 32];
            h.set_stack_top(keep.as_ptr() as usize + core::mem::size_of_val(&keep));
            // Every other block live: a quarter of the limit in use, yet no run of two.
            for k in keep.iter_mut() {
                *k = alloc_ok(&mut h, BLOCK_BYTES) as usize;
                fill_unrooted(&mut h, 1);
            }
            core::hint::black_box(&mut keep);
            h.collect();
            let before = h.soft_limit_bytes();
            assert_eq!(before, 64 * BLOCK_BYTES);
            let long = alloc_ok(&mut h, 40 * BLOCK_BYTES);
            assert!(h.soft_limit_bytes() > before);
            assert_eq!(h.size_of(long), 40 * BLOCK_BYTES);
            core::hint::black_box(&mut keep);
            for &k in &keep {
                assert!(is_live(&h, k as *mut u8));
            }
            assert_eq!(h.verify(), Ok(()));
        });
    }
}
