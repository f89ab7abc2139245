//! `str` and `bytes` share one layout (MicroPython's `mp_obj_str_t`): a length, a cached hash
//! and a pointer to the bytes, which usually follow the header in the same allocation but may
//! point at static data. A `str` may also be a qstr immediate; every function here accepts
//! both forms.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::{compute_hash, Qstr, Q};
use crate::value::Value;

#[repr(C)]
pub struct Str {
    pub base: ObjBase,
    /// 0 = not computed yet.
    pub hash: u32,
    pub len: usize,
    pub data: *const u8,
}

impl Str {
    pub fn bytes(&self) -> &'static [u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: data points at len bytes kept alive with this object.
        unsafe { core::slice::from_raw_parts(self.data, self.len) }
    }
}

/// Allocate a heap object of type `ty` (str or bytes) holding a copy of `bytes`.
pub fn new_of_type(ty: &'static Type, bytes: &[u8]) -> PyResult<Value> {
    let p = mem::alloc_var::<Str, u8>(
        Str {
            base: ObjBase::new(ty),
            hash: 0,
            len: bytes.len(),
            data: core::ptr::null(),
        },
        bytes.len() + 1,
    )?;
    // SAFETY: alloc_var reserved len+1 bytes after the header.
    unsafe {
        let d = mem::items_ptr::<Str, u8>(p);
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), d, bytes.len());
        (*p).data = d;
    }
    Ok(Value::from_ptr(p))
}

/// A new `str` from text (not interned).
pub fn new(s: &str) -> PyResult<Value> {
    new_of_type(&TYPE, s.as_bytes())
}

/// A `str` for text that is usually a name: interned when short, like MicroPython does for
/// identifiers and short literals.
pub fn new_interned(s: &str) -> PyResult<Value> {
    match Qstr::intern(s) {
        Some(q) => Ok(Value::qstr(q)),
        None => Err(crate::mem::oom()),
    }
}

/// A new `bytes`.
pub fn new_bytes(b: &[u8]) -> PyResult<Value> {
    new_of_type(&BYTES_TYPE, b)
}

/// Whether `v` is a str (qstr or heap, including subclasses' native part is not handled).
pub fn is_str(v: Value) -> bool {
    v.is_qstr() || v.is_type(&TYPE)
}

/// The text of a str value (qstr or heap).
pub fn as_str(v: Value) -> Option<&'static str> {
    if let Some(q) = v.as_qstr() {
        return Some(q.as_str());
    }
    let s: &Str = v.downcast(&TYPE)?;
    // SAFETY: str objects always hold valid UTF-8.
    Some(unsafe { core::str::from_utf8_unchecked(s.bytes()) })
}

/// The bytes of a str or bytes value.
pub fn as_bytes(v: Value) -> Option<&'static [u8]> {
    if let Some(q) = v.as_qstr() {
        return Some(q.as_str().as_bytes());
    }
    if v.is_type(&TYPE) || v.is_type(&BYTES_TYPE) {
        // SAFETY: both types use the Str layout.
        let s: &Str = unsafe { v.downcast_unchecked() };
        return Some(s.bytes());
    }
    None
}

/// Hash of a str/bytes value, cached in heap objects.
pub fn hash(v: Value) -> u32 {
    if let Some(q) = v.as_qstr() {
        return q.hash();
    }
    // SAFETY: callers pass str or bytes values.
    let s: &mut Str = unsafe { v.downcast_unchecked() };
    if s.hash == 0 {
        s.hash = compute_hash(s.bytes());
    }
    s.hash
}

/// Write `s` as a Python string literal (repr), choosing quotes like CPython.
pub fn print_quoted(out: &mut dyn Print, s: &[u8], is_bytes: bool) -> PyResult<()> {
    let has_single = s.contains(&b'\'');
    let has_double = s.contains(&b'"');
    let quote = if has_single && !has_double { '"' } else { '\'' };
    if is_bytes {
        out.write_str("b")?;
    }
    out.write_char(quote)?;
    let text = if is_bytes {
        None
    } else {
        core::str::from_utf8(s).ok()
    };
    let mut buf = [0u8; 12];
    let mut emit_byte_escape = |out: &mut dyn Print, b: u32| -> PyResult<()> {
        let n = fmt_hex_escape(&mut buf, b);
        out.write_str(core::str::from_utf8(&buf[..n]).unwrap_or("?"))
    };
    match text {
        Some(t) => {
            for c in t.chars() {
                match c {
                    '\\' => out.write_str("\\\\")?,
                    '\n' => out.write_str("\\n")?,
                    '\r' => out.write_str("\\r")?,
                    '\t' => out.write_str("\\t")?,
                    c if c == quote => {
                        out.write_char('\\')?;
                        out.write_char(c)?;
                    }
                    c if (c as u32) < 0x20 || c as u32 == 0x7f => emit_byte_escape(out, c as u32)?,
                    c => out.write_char(c)?,
                }
            }
        }
        None => {
            for &b in s {
                match b {
                    b'\\' => out.write_str("\\\\")?,
                    b'\n' => out.write_str("\\n")?,
                    b'\r' => out.write_str("\\r")?,
                    b'\t' => out.write_str("\\t")?,
                    b if b as char == quote => {
                        out.write_char('\\')?;
                        out.write_char(b as char)?;
                    }
                    0x20..=0x7e => out.write_char(b as char)?,
                    b => emit_byte_escape(out, b as u32)?,
                }
            }
        }
    }
    out.write_char(quote)
}

fn fmt_hex_escape(buf: &mut [u8; 12], b: u32) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    buf[0] = b'\\';
    buf[1] = b'x';
    buf[2] = HEX[((b >> 4) & 15) as usize];
    buf[3] = HEX[(b & 15) as usize];
    4
}

fn print(out: &mut dyn Print, v: Value, kind: PrintKind) -> PyResult<()> {
    let s = as_bytes(v).unwrap_or(&[]);
    if kind == PrintKind::Repr {
        print_quoted(out, s, false)
    } else {
        out.write_str(core::str::from_utf8(s).unwrap_or(""))
    }
}

fn print_bytes(out: &mut dyn Print, v: Value, _kind: PrintKind) -> PyResult<()> {
    print_quoted(out, as_bytes(v).unwrap_or(&[]), true)
}

/// Equality of two str (or two bytes) values by content.
pub fn eq(a: Value, b: Value) -> bool {
    if a == b {
        return true;
    }
    if a.is_qstr() && b.is_qstr() {
        return false;
    }
    match (as_bytes(a), as_bytes(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

pub static TYPE: Type = Type {
    name: Q::str,
    flags: flags::BASETYPE,
    print: Some(print),
    ..Type::EMPTY
};

pub static BYTES_TYPE: Type = Type {
    name: Q::bytes,
    flags: flags::BASETYPE,
    print: Some(print_bytes),
    ..Type::EMPTY
};
