//! Rust's global allocator on the board: a first-fit, address-ordered free list over a
//! static arena. Only the compiler (parse trees, bytecode buffers) and byte buffers use it;
//! Python objects live in the GC heap. Blocks are 8-byte granules; `dealloc` gets the size
//! from the layout, so blocks carry no header, and freed neighbours merge at once.
//! Interrupt handlers never allocate, so no locking is needed.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

const GRANULE: usize = 8;

/// Arena size in KiB: `UPY_ALLOC_KB` at build time.
const ARENA_KB: usize = match option_env!("UPY_ALLOC_KB") {
    Some(s) => crate::parse_usize(s),
    None => 4096,
};
const ARENA_WORDS: usize = ARENA_KB * 1024 / 8;

#[repr(C)]
struct Free {
    size: usize,
    next: *mut Free,
}

struct Inner {
    head: *mut Free,
    ready: bool,
    used: usize,
    peak: usize,
}

pub struct Arena {
    inner: UnsafeCell<Inner>,
}

struct Mem(UnsafeCell<[u64; ARENA_WORDS]>);
// SAFETY: only reached through the allocator (module note).
unsafe impl Sync for Mem {}

/// In the board's 16 MiB extra RAM (`.extram`, not zeroed: the free list is written over
/// it on first use).
#[link_section = ".extram"]
static MEM: Mem = Mem(UnsafeCell::new([0; ARENA_WORDS]));

// SAFETY: the firmware is single-threaded and interrupt handlers never allocate.
unsafe impl Sync for Arena {}

#[global_allocator]
pub static ARENA: Arena = Arena {
    inner: UnsafeCell::new(Inner {
        head: core::ptr::null_mut(),
        ready: false,
        used: 0,
        peak: 0,
    }),
};

fn granules(layout: Layout) -> usize {
    layout.size().max(GRANULE).next_multiple_of(GRANULE)
}

impl Arena {
    /// Bytes in use now and at most so far.
    pub fn usage(&self) -> (usize, usize) {
        // SAFETY: single-threaded; a plain read of two words.
        let inner = unsafe { &*self.inner.get() };
        (inner.used, inner.peak)
    }

    pub fn size(&self) -> usize {
        ARENA_WORDS * 8
    }

    /// # Safety
    /// Single-threaded use only (see the module note).
    unsafe fn inner(&self) -> &mut Inner {
        // SAFETY: forwarded from the caller.
        let inner = unsafe { &mut *self.inner.get() };
        if !inner.ready {
            let base = MEM.0.get() as *mut Free;
            // SAFETY: the arena is ours, 8-aligned and large enough for one header.
            unsafe {
                base.write(Free {
                    size: ARENA_WORDS * 8,
                    next: core::ptr::null_mut(),
                })
            };
            inner.head = base;
            inner.ready = true;
        }
        inner
    }
}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > GRANULE {
            return core::ptr::null_mut();
        }
        let size = granules(layout);
        // SAFETY: single-threaded (module note).
        let inner = unsafe { self.inner() };
        let mut link: *mut *mut Free = &mut inner.head;
        // SAFETY: every list node is a free block inside the arena, written by us.
        unsafe {
            while !(*link).is_null() {
                let block = *link;
                if (*block).size >= size {
                    let rest = (*block).size - size;
                    let p = if rest == 0 {
                        *link = (*block).next;
                        block as *mut u8
                    } else {
                        // Carve from the top so the node stays where it is.
                        (*block).size = rest;
                        (block as *mut u8).add(rest)
                    };
                    inner.used += size;
                    inner.peak = inner.peak.max(inner.used);
                    return p;
                }
                link = &mut (*block).next;
            }
        }
        core::ptr::null_mut()
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let size = granules(layout);
        // SAFETY: single-threaded (module note).
        let inner = unsafe { self.inner() };
        inner.used -= size;
        let node = ptr as *mut Free;
        let mut prev: *mut Free = core::ptr::null_mut();
        let mut next = inner.head;
        // SAFETY: `ptr` came from `alloc` with this layout, so `size` bytes at it are ours
        // again; list nodes are free blocks in address order.
        unsafe {
            while !next.is_null() && (next as usize) < (node as usize) {
                prev = next;
                next = (*next).next;
            }
            node.write(Free { size, next });
            if !next.is_null() && (node as usize) + size == next as usize {
                (*node).size += (*next).size;
                (*node).next = (*next).next;
            }
            if prev.is_null() {
                inner.head = node;
            } else if (prev as usize) + (*prev).size == node as usize {
                (*prev).size += (*node).size;
                (*prev).next = (*node).next;
            } else {
                (*prev).next = node;
            }
        }
    }
}
