//! Typed allocation on the GC heap. Every failure is a Python `MemoryError`, never a panic.

use crate::obj::{PyErr, PyResult};
use crate::state;
use core::mem::{align_of, size_of};

/// Allocate raw zeroed bytes.
pub fn alloc_bytes(n: usize) -> PyResult<*mut u8> {
    let st = state::get();
    match st.heap.alloc(n, false) {
        Some(p) => Ok(p),
        None => Err(crate::raise::memory_error(n)),
    }
}

/// Allocate and move `value` into the heap.
pub fn alloc<T>(value: T) -> PyResult<*mut T> {
    alloc_with(value, false)
}

/// Allocate `value` with a finaliser bit, so the type's `finalise` slot runs when it dies.
pub fn alloc_finalised<T>(value: T) -> PyResult<*mut T> {
    alloc_with(value, true)
}

fn alloc_with<T>(value: T, fin: bool) -> PyResult<*mut T> {
    debug_assert!(align_of::<T>() <= crate::gc::BLOCK_BYTES);
    let st = state::get();
    let p = st
        .heap
        .alloc(size_of::<T>(), fin)
        .ok_or_else(|| crate::raise::memory_error(size_of::<T>()))?;
    let p = p as *mut T;
    // SAFETY: p is a fresh, zeroed, suitably aligned allocation of size_of::<T>() bytes.
    unsafe { p.write(value) };
    Ok(p)
}

/// Allocate a header `T` followed by `n` items of `I` (a variable-length object such as a
/// tuple or str). Returns the header pointer; the items start at `items_ptr`.
pub fn alloc_var<T, I>(header: T, n: usize) -> PyResult<*mut T> {
    let items_off = size_of::<T>().next_multiple_of(align_of::<I>());
    let total = n
        .checked_mul(size_of::<I>())
        .and_then(|b| b.checked_add(items_off))
        .ok_or_else(|| crate::raise::memory_error(usize::MAX))?;
    let st = state::get();
    let p = st
        .heap
        .alloc(total, false)
        .ok_or_else(|| crate::raise::memory_error(total))? as *mut T;
    // SAFETY: fresh zeroed allocation large enough for the header.
    unsafe { p.write(header) };
    Ok(p)
}

/// Pointer to the items following a header allocated by [`alloc_var`].
///
/// # Safety
/// `p` must come from `alloc_var::<T, I>`.
pub unsafe fn items_ptr<T, I>(p: *const T) -> *mut I {
    let items_off = size_of::<T>().next_multiple_of(align_of::<I>());
    // SAFETY: guaranteed by the caller; the items follow the header in the same allocation.
    unsafe { (p as *mut u8).add(items_off) as *mut I }
}

/// Allocate an array of `n` zeroed `I` (e.g. a list's item buffer).
pub fn alloc_array<I>(n: usize) -> PyResult<*mut I> {
    let bytes = n
        .checked_mul(size_of::<I>())
        .ok_or_else(|| crate::raise::memory_error(usize::MAX))?;
    Ok(alloc_bytes(bytes.max(1))? as *mut I)
}

/// Resize an array allocation, copying if needed; old contents are kept.
pub fn realloc_array<I>(p: *mut I, n: usize) -> PyResult<*mut I> {
    let bytes = n
        .checked_mul(size_of::<I>())
        .ok_or_else(|| crate::raise::memory_error(usize::MAX))?;
    let st = state::get();
    match st.heap.realloc(p as *mut u8, bytes.max(1)) {
        Some(np) => Ok(np as *mut I),
        None => Err(crate::raise::memory_error(bytes)),
    }
}

/// Return an allocation to the heap early (optional: the collector would find it anyway).
pub fn free<T>(p: *mut T) {
    state::get().heap.free(p as *mut u8);
}

/// Convenience for callers that produced a `PyErr` elsewhere.
pub fn oom() -> PyErr {
    crate::raise::memory_error(0)
}
