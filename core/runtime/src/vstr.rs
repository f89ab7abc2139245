//! A growable byte buffer in the GC heap (MicroPython's `vstr`), used to build strings
//! (repr, str, format, join) without touching Rust's global allocator.

use crate::mem;
use crate::obj::{Print, PyResult};
use crate::value::Value;

pub struct VStr {
    buf: *mut u8,
    len: usize,
    cap: usize,
}

impl VStr {
    pub fn new() -> VStr {
        VStr {
            buf: core::ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }

    pub fn with_capacity(n: usize) -> PyResult<VStr> {
        let mut v = VStr::new();
        v.reserve(n)?;
        Ok(v)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn reserve(&mut self, extra: usize) -> PyResult<()> {
        let need = self.len.checked_add(extra).ok_or_else(mem::oom)?;
        if need <= self.cap {
            return Ok(());
        }
        let cap = need.max(self.cap * 2).max(16);
        self.buf = mem::realloc_array::<u8>(self.buf, cap)?;
        self.cap = cap;
        Ok(())
    }

    pub fn push_bytes(&mut self, b: &[u8]) -> PyResult<()> {
        self.reserve(b.len())?;
        // SAFETY: reserve guaranteed room for b.len() more bytes.
        unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), self.buf.add(self.len), b.len()) };
        self.len += b.len();
        Ok(())
    }

    pub fn push_byte(&mut self, b: u8) -> PyResult<()> {
        self.push_bytes(&[b])
    }

    pub fn as_bytes(&self) -> &[u8] {
        if self.buf.is_null() {
            return &[];
        }
        // SAFETY: buf holds len initialised bytes.
        unsafe { core::slice::from_raw_parts(self.buf, self.len) }
    }

    pub fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
    }

    /// The contents as a new `str` (built from str pieces: UTF-8 in form, checked there).
    pub fn into_str(self) -> PyResult<Value> {
        let s = crate::objs::str::new_str_unchecked(self.as_bytes());
        self.release();
        s
    }

    /// Return the buffer to the heap now: builders are short-lived, and leaving their
    /// buffers as garbage between the strings they made fragments the heap.
    fn release(self) {
        if !self.buf.is_null() {
            mem::free(self.buf);
        }
    }

    pub fn into_bytes(self) -> PyResult<Value> {
        let b = crate::objs::str::new_bytes(self.as_bytes());
        self.release();
        b
    }
}

impl Default for VStr {
    fn default() -> Self {
        VStr::new()
    }
}

impl Print for VStr {
    fn write_str(&mut self, s: &str) -> PyResult<()> {
        self.push_bytes(s.as_bytes())
    }
}

impl core::fmt::Write for VStr {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.push_bytes(s.as_bytes()).map_err(|_| core::fmt::Error)
    }
}
