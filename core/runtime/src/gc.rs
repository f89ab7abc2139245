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
//! # Safety
//! - `Heap::init` is given a region exclusively owned by the heap for the program's life.
//! - Pointers handed out by `alloc` stay valid until a collection finds them unreachable.
//! - The stack scan reads the native stack as plain words: a port must record the stack top
//!   (`set_stack_top`) in a frame that outlives every use of the interpreter.

use core::ptr;

pub const WORD: usize = core::mem::size_of::<usize>();
pub const BLOCK_BYTES: usize = 4 * WORD;
const MARK_STACK_LEN: usize = 64;

const FREE: u8 = 0;
const HEAD: u8 = 1;
const TAIL: u8 = 2;
const MARK: u8 = 3;

pub struct Heap {
    atb: *mut u8,
    ftb: *mut u8,
    pool: *mut u8,
    n_blocks: usize,
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
            last_free: 0,
            cursor: 0,
            lock_depth: 0,
            collecting: false,
            auto_collect: true,
            alloc_amount: 0,
            threshold: None,
            stack_top: 0,
            mark_stack: [0; MARK_STACK_LEN],
            mark_sp: 0,
            mark_overflow: false,
            finaliser: None,
            collections: 0,
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
        self.atb = region;
        // SAFETY: within the region, checked by the arithmetic above.
        self.ftb = unsafe { region.add(atb_len) };
        self.pool = pool as *mut u8;
        // SAFETY: the tables lie inside the region.
        unsafe { ptr::write_bytes(region, 0, atb_len + ftb_len) };
        self.last_free = 0;
        self.cursor = 0;
    }

    pub fn total_bytes(&self) -> usize {
        self.n_blocks * BLOCK_BYTES
    }

    /// Record the highest stack address the interpreter will run below.
    pub fn set_stack_top(&mut self, top: usize) {
        self.stack_top = top;
    }

    pub fn stack_top(&self) -> usize {
        self.stack_top
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

    pub fn is_locked(&self) -> bool {
        self.lock_depth > 0
    }

    /// Allocate `bytes` zeroed bytes; `None` when the heap is full (after one collection, if
    /// automatic collection is on) or locked. Never panics.
    pub fn alloc(&mut self, bytes: usize, with_finaliser: bool) -> Option<*mut u8> {
        if self.lock_depth > 0 || self.collecting {
            return None;
        }
        let n = bytes.max(1).div_ceil(BLOCK_BYTES);
        if let Some(t) = self.threshold {
            if self.alloc_amount >= t && self.auto_collect {
                self.collect();
            }
        }
        let (found, first_free) = match self.find_free(n) {
            Some(b) => Some(b),
            None if self.auto_collect => {
                self.collect();
                self.find_free(n)
            }
            None => None,
        }?;
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
        let p = self.block_ptr(found);
        // SAFETY: the n blocks starting at `found` are inside the pool and now ours.
        unsafe { ptr::write_bytes(p, 0, n * BLOCK_BYTES) };
        self.alloc_amount += n * BLOCK_BYTES;
        Some(p)
    }

    /// First fit for `n` blocks, searching from `last_free` (every block below it is in
    /// use). Returns the run's start and the first free block seen, which becomes the new
    /// `last_free` unless the run itself starts there.
    fn find_free(&self, n: usize) -> Option<(usize, usize)> {
        if n > 1 {
            // Multi-block requests go next-fit from where the last one ended: first-fit
            // would rescan every small hole below on each request (quadratic when most
            // objects are 2-3 blocks, as on 64-bit), while next-fit sweeps the heap once
            // per cycle.
            let start = self.cursor.clamp(self.last_free, self.n_blocks);
            if let Some(found) = self.scan(start, self.n_blocks, n).or_else(|| {
                self.scan(
                    self.last_free,
                    start.saturating_add(n).min(self.n_blocks),
                    n,
                )
            }) {
                return Some((found, self.last_free));
            }
            return None;
        }
        let mut run = 0;
        let mut first_free = None;
        for b in self.last_free.min(self.n_blocks)..self.n_blocks {
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
        match self.block_of(p as usize) {
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
        if let Some(b) = self.block_of(p as usize) {
            if self.get(b) == HEAD {
                let n = self.alloc_blocks(b);
                for i in b..b + n {
                    self.set(i, FREE);
                }
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
        let b = self.block_of(p as usize)?;
        if self.get(b) != HEAD {
            return None;
        }
        let have = self.alloc_blocks(b);
        let want = new_bytes.max(1).div_ceil(BLOCK_BYTES);
        if want <= have {
            for i in b + want..b + have {
                self.set(i, FREE);
            }
            if b + want < self.last_free {
                self.last_free = b + want;
            }
            return Some(p);
        }
        if self.lock_depth > 0 || self.collecting {
            return None;
        }
        // Try to extend in place.
        let mut e = b + have;
        while e < self.n_blocks && e < b + want && self.get(e) == FREE {
            e += 1;
        }
        if e == b + want {
            for i in b + have..e {
                self.set(i, TAIL);
            }
            // SAFETY: the new tail blocks are inside the pool.
            unsafe { ptr::write_bytes(self.block_ptr(b + have), 0, (want - have) * BLOCK_BYTES) };
            self.alloc_amount += (want - have) * BLOCK_BYTES;
            return Some(p);
        }
        let fin = self.ftb_get(b);
        let np = self.alloc(new_bytes, fin)?;
        // SAFETY: both allocations are valid for `have` blocks; they do not overlap.
        unsafe { ptr::copy_nonoverlapping(p, np, have * BLOCK_BYTES) };
        // The old block may have been collected during alloc only if unreachable; `p` is
        // reachable through the caller's stack, so it is still ours to free.
        self.free(p);
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
            // Overflow: rescan every marked allocation until nothing new gets marked.
            self.mark_overflow = false;
            for b in 0..self.n_blocks {
                if self.get(b) == MARK {
                    self.scan_block_contents(b);
                    while self.mark_sp > 0 {
                        self.mark_sp -= 1;
                        let c = self.mark_stack[self.mark_sp];
                        self.scan_block_contents(c);
                    }
                }
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
        freed
    }

    fn sweep(&mut self) -> usize {
        let mut freed = 0;
        let mut b = 0;
        let mut in_free = false;
        while b < self.n_blocks {
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
                }
                TAIL if in_free => self.set(b, FREE),
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
        unsafe { heap.mark_range(lo as *const usize, len) };
    }
    core::hint::black_box(&regs);
}

#[inline(never)]
fn capture_registers(out: &mut [usize; 16]) {
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
