//! `str` and `bytes` (MicroPython's py/objstr.c and py/objstrunicode.c).
//!
//! Both share one layout (`mp_obj_str_t`): a length, a cached hash and a pointer to the
//! bytes, which usually follow the header in the same allocation. A `str` may also be a
//! qstr immediate; every function here accepts both forms. `str` holds UTF-8 and indexes by
//! code point; `bytes` indexes by byte.
//!
//! The methods are shared by str, bytes and bytearray (as upstream shares one table): each
//! method looks at the kind of its receiver and builds results of that kind.
//!
//! # Safety
//! A `Str`'s `data` points at `len` bytes that live as long as the object (the bytes follow
//! the header in the same allocation); a heap object of type `str` holds valid UTF-8, which
//! every constructor here guarantees (decoding checks it, and results are cut only at code
//! point boundaries), so `as_str` may skip the check. `chars1` caches the code point count.
//!
//! The one exception: like upstream, a str may hold code points Rust's `str` cannot (lone
//! surrogates from `chr(0xd800)`, values past U+10FFFF from decoding `f4 90 80 80`), in
//! the same UTF-8 byte pattern. Such a str carries [`LOOSE`] in `chars1`; `as_str` gives
//! `None` for it (so it never reaches Rust text handling), while repr, print, len,
//! equality and hashing work on its bytes.

use crate::mem;
use crate::obj::{
    flags, Buffer, BufferAccess, ObjBase, Print, PrintKind, PyErr, PyResult, SubscrOp, Type,
};
use crate::objs::{bytearray, list, tuple};
use crate::qstr::{compute_hash, Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::vstr::VStr;
use upy_compiler::bc::{binary as op, unary as uop};

/// `chars1` flag: the bytes are UTF-8 in form only (see the module docs).
pub const LOOSE: u32 = 1 << 31;

#[repr(C)]
pub struct Str {
    pub base: ObjBase,
    /// 0 = not computed yet.
    pub hash: u32,
    /// For str: the number of code points plus one, 0 = not counted yet (or too many to
    /// cache). Lets `len()` and indexing of ASCII text skip the UTF-8 scan.
    pub chars1: u32,
    pub len: usize,
    pub data: *const u8,
}

impl Str {
    pub fn bytes(&self) -> &'static [u8] {
        if self.len == 0 || self.data.is_null() {
            return &[];
        }
        // SAFETY: data points at len bytes kept alive with this object.
        unsafe { core::slice::from_raw_parts(self.data, self.len) }
    }
}

// --- construction ---

/// Allocate a heap object of type `ty` (str or bytes) holding a copy of `bytes`.
pub fn new_of_type(ty: &'static Type, bytes: &[u8]) -> PyResult<Value> {
    let p = mem::alloc_var::<Str, u8>(
        Str {
            base: ObjBase::new(ty),
            hash: 0,
            chars1: 0,
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

/// A new `str` from bytes in UTF-8 form that may encode surrogates or code points past
/// U+10FFFF (checked by [`utf8_form_ok`]); strictly valid text becomes an ordinary str.
pub fn new_loose(b: &[u8]) -> PyResult<Value> {
    new_str_unchecked(b)
}

/// Upstream's UTF-8 check: lead bytes up to 0xf7, each followed by its count of
/// continuation bytes (code point values are not checked).
pub fn utf8_form_ok(b: &[u8]) -> bool {
    let mut need = 0u8;
    for &c in b {
        if need > 0 {
            if !is_cont(c) {
                return false;
            }
            need -= 1;
        } else if c >= 0xf8 {
            return false;
        } else if c >= 0xc0 {
            need = (0xe5u8 >> ((c >> 3) & 6)) & 3;
        } else if c >= 0x80 {
            return false;
        }
    }
    need == 0
}

/// The code point of the UTF-8-form sequence starting `b` and its length.
fn loose_char(b: &[u8]) -> (u32, usize) {
    let Some(&c0) = b.first() else {
        return (0, 1);
    };
    let (mut ch, n) = match c0 {
        0..=0x7f => return (u32::from(c0), 1),
        0xc0..=0xdf => (u32::from(c0 & 0x1f), 2),
        0xe0..=0xef => (u32::from(c0 & 0x0f), 3),
        _ => (u32::from(c0 & 0x07), 4),
    };
    let mut len = 1;
    while len < n {
        match b.get(len) {
            Some(&c) if is_cont(c) => ch = (ch << 6) | u32::from(c & 0x3f),
            _ => break,
        }
        len += 1;
    }
    (ch, len)
}

/// A str of one code point given by number, as `chr` makes it: lone surrogates included.
pub fn from_code_point(n: u32) -> PyResult<Value> {
    if let Some(c) = char::from_u32(n) {
        let mut b = [0u8; 4];
        return new(c.encode_utf8(&mut b));
    }
    // A surrogate: the three-byte pattern Rust refuses to build.
    let b = [
        0xe0 | (n >> 12) as u8,
        0x80 | ((n >> 6) & 0x3f) as u8,
        0x80 | (n & 0x3f) as u8,
    ];
    new_loose(&b)
}

/// A new `str` from text (not interned).
pub fn new(s: &str) -> PyResult<Value> {
    if s.is_empty() {
        return Ok(Value::qstr(Q::_empty_));
    }
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

/// A new `str` from bytes in UTF-8 form: pieces of other strs, so text that is strict
/// UTF-8 unless a loose str went into it; checked here, which keeps `as_str` sound.
pub(crate) fn new_str_unchecked(b: &[u8]) -> PyResult<Value> {
    if b.is_empty() {
        return Ok(Value::qstr(Q::_empty_));
    }
    let v = new_of_type(&TYPE, b)?;
    if core::str::from_utf8(b).is_err() {
        if let Some(o) = v.downcast::<Str>(&TYPE) {
            o.chars1 = LOOSE;
        }
    }
    Ok(v)
}

// --- access ---

/// Whether `v` is a str (qstr or heap).
pub fn is_str(v: Value) -> bool {
    v.is_qstr() || v.is_type(&TYPE)
}

pub fn is_bytes(v: Value) -> bool {
    v.is_type(&BYTES_TYPE)
}

/// The text of a str value (qstr or heap).
pub fn as_str(v: Value) -> Option<&'static str> {
    if let Some(q) = v.as_qstr() {
        return Some(q.as_str());
    }
    let s: &Str = v.downcast(&TYPE)?;
    if s.chars1 & LOOSE != 0 {
        return None;
    }
    // SAFETY: str objects without LOOSE hold valid UTF-8 (every constructor checks or
    // builds it from UTF-8 pieces).
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
    if !(v.is_type(&TYPE) || v.is_type(&BYTES_TYPE)) {
        return 0;
    }
    // SAFETY: checked above that v uses the Str layout.
    let s: &mut Str = unsafe { v.downcast_unchecked() };
    if s.hash == 0 {
        s.hash = compute_hash(s.bytes());
    }
    s.hash
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

/// The buffer behind any object with the buffer protocol.
pub fn get_buffer(v: Value, access: BufferAccess) -> Option<Buffer> {
    let f = v.type_of().buffer()?;
    f(v, access)
}

/// The bytes behind any readable buffer object.
pub fn buffer_bytes(v: Value) -> Option<&'static [u8]> {
    if let Some(b) = as_bytes(v) {
        return Some(b);
    }
    let b = get_buffer(v, BufferAccess::Read)?;
    if b.len == 0 || b.ptr.is_null() {
        return Some(&[]);
    }
    // SAFETY: a buffer slot returns memory valid for `len` bytes, owned by `v` (kept alive
    // by the conservative scan while the caller holds `v` or the slice).
    Some(unsafe { core::slice::from_raw_parts(b.ptr, b.len) })
}

/// Like [`buffer_bytes`] but raising MicroPython's error for objects without a buffer.
pub fn buffer_bytes_raise(v: Value) -> PyResult<&'static [u8]> {
    buffer_bytes(v).ok_or_else(|| raise::type_error("object with buffer protocol required"))
}

/// What kind of sequence a method receiver is; results are built of the same kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Str,
    Bytes,
    ByteArray,
}

impl Kind {
    fn of(v: Value) -> Option<Kind> {
        if is_str(v) {
            Some(Kind::Str)
        } else if v.is_type(&BYTES_TYPE) {
            Some(Kind::Bytes)
        } else if v.is_type(&bytearray::TYPE) {
            Some(Kind::ByteArray)
        } else {
            None
        }
    }

    fn is_str(self) -> bool {
        self == Kind::Str
    }
}

/// Build a value of `kind` from bytes (UTF-8 for str, which the callers guarantee by only
/// cutting at code point boundaries).
fn make(kind: Kind, b: &[u8]) -> PyResult<Value> {
    match kind {
        Kind::Str => new_str_unchecked(b),
        Kind::Bytes => new_bytes(b),
        Kind::ByteArray => bytearray::new(b),
    }
}

fn make_vstr(kind: Kind, v: &VStr) -> PyResult<Value> {
    make(kind, v.as_bytes())
}

/// The receiver of a method: its kind and bytes.
fn receiver(v: Value) -> PyResult<(Kind, &'static [u8])> {
    match Kind::of(v) {
        Some(Kind::ByteArray) => Ok((Kind::ByteArray, bytearray::bytes(v))),
        Some(k) => Ok((k, as_bytes(v).unwrap_or(&[]))),
        None => Err(raise::type_error_fmt(format_args!(
            "descriptor requires a 'str' object but received a '{}'",
            v.type_of().name.as_str()
        ))),
    }
}

/// `TypeError: can't convert 'X' object to str implicitly` (or `to bytes` for str objects).
#[cold]
pub fn bad_implicit_conversion(v: Value) -> PyErr {
    let name = v.type_of().name;
    let target = if name == Q::str { "bytes" } else { "str" };
    raise::type_error_fmt(format_args!(
        "can't convert '{}' object to {} implicitly",
        name.as_str(),
        target
    ))
}

/// An argument that must match the receiver's kind: str for str, any buffer for bytes.
fn arg_of(kind: Kind, v: Value) -> PyResult<&'static [u8]> {
    if kind.is_str() {
        as_str(v)
            .map(|s| s.as_bytes())
            .ok_or_else(|| bad_implicit_conversion(v))
    } else if is_str(v) {
        Err(bad_implicit_conversion(v))
    } else {
        buffer_bytes(v).ok_or_else(|| bad_implicit_conversion(v))
    }
}

/// What [`search_args`] gives: receiver kind and bytes, needle, searched byte range.
type Search<'a> = (Kind, &'static [u8], &'a [u8], Option<(usize, usize)>);

/// The receiver, needle and searched byte range of find/index/count: the needle as
/// [`arg_of`], where bytes methods also take a single byte value (kept in `byte`); the
/// range is `None` when it starts past the end.
fn search_args<'a>(args: &[Value], byte: &'a mut [u8; 1]) -> PyResult<Search<'a>> {
    let (kind, s) = receiver(args[0])?;
    let needle = match (kind.is_str(), args[1].as_small_int()) {
        (false, Some(n)) => {
            byte[0] =
                u8::try_from(n).map_err(|_| raise::value_error("byte must be in range(0, 256)"))?;
            &byte[..]
        }
        _ => arg_of(kind, args[1])?,
    };
    let range = range_args(
        kind,
        s,
        range_int(kind, args, 2)?,
        range_int(kind, args, 3)?,
    );
    Ok((kind, s, needle, range))
}

/// Whether `v` is an `array.array` (or subclass): CPython compares bytes and bytearray
/// only with bytes-like objects of bytes, never with arrays. Checked by name so this file
/// does not depend on the array module.
pub fn is_array(v: Value) -> bool {
    let t = v.type_of();
    t.name == Q::array || crate::objs::r#type::native_base(t).is_some_and(|b| b.name == Q::array)
}

/// A machine-sized int from an int or bool argument.
pub fn get_int(v: Value) -> PyResult<isize> {
    if let Some(n) = v.as_small_int() {
        return Ok(n);
    }
    if v.is_bool() {
        return Ok((v == Value::TRUE) as isize);
    }
    crate::objs::int::get_isize(v)
}

/// An int argument that may be absent or None.
fn opt_int(args: &[Value], i: usize) -> PyResult<Option<isize>> {
    match args.get(i) {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => get_int(*v).map(Some),
    }
}

/// A start/end argument of find, count, startswith...: an int, None or absent, with
/// upstream's index error otherwise.
fn range_int(kind: Kind, args: &[Value], i: usize) -> PyResult<Option<isize>> {
    match args.get(i) {
        Some(v)
            if !v.is_none()
                && !v.is_small_int()
                && !v.is_bool()
                && !crate::objs::int::is_int(*v) =>
        {
            let what = if kind.is_str() { "string" } else { "bytes" };
            Err(list::bad_index_type(what, *v))
        }
        _ => opt_int(args, i),
    }
}

// --- UTF-8 helpers ---

#[inline]
fn is_cont(b: u8) -> bool {
    b & 0xc0 == 0x80
}

/// Number of code points in UTF-8 bytes.
pub fn char_count(s: &[u8]) -> usize {
    s.iter().filter(|&&b| !is_cont(b)).count()
}

/// Number of code points of str value `v` whose bytes are `s`, cached in heap strs.
fn str_len_chars(v: Value, s: &[u8]) -> usize {
    if let Some(o) = v.downcast::<Str>(&TYPE) {
        let cached = o.chars1 & !LOOSE;
        if cached != 0 {
            return cached as usize - 1;
        }
        let n = char_count(s);
        if let Ok(c) = u32::try_from(n + 1) {
            if c < LOOSE {
                o.chars1 |= c;
            }
        }
        return n;
    }
    char_count(s)
}

/// A str of one code point; ASCII ones are interned so loops over text do not allocate.
fn one_char(b: &[u8]) -> PyResult<Value> {
    if let [c] = b {
        if c.is_ascii() {
            if let Ok(t) = core::str::from_utf8(b) {
                return new_interned(t);
            }
        }
    }
    new_str_unchecked(b)
}

/// Byte offset of code point `ci` (`ci` may equal the count, giving `s.len()`).
fn char_to_byte(s: &[u8], ci: usize) -> usize {
    if ci == 0 {
        return 0;
    }
    let mut n = 0;
    for (i, &b) in s.iter().enumerate() {
        if !is_cont(b) {
            if n == ci {
                return i;
            }
            n += 1;
        }
    }
    s.len()
}

/// Code point index of byte offset `bi` (a boundary).
fn byte_to_char(s: &[u8], bi: usize) -> usize {
    char_count(s.get(..bi).unwrap_or(s))
}

/// Length in the receiver's units (code points for str).
fn unit_len(kind: Kind, s: &[u8]) -> usize {
    if kind.is_str() {
        char_count(s)
    } else {
        s.len()
    }
}

fn to_byte(kind: Kind, s: &[u8], i: usize) -> usize {
    if kind.is_str() {
        char_to_byte(s, i)
    } else {
        i.min(s.len())
    }
}

fn to_unit(kind: Kind, s: &[u8], b: usize) -> usize {
    if kind.is_str() {
        byte_to_char(s, b)
    } else {
        b
    }
}

/// Resolve optional `start`/`end` arguments (Python slice rules) to byte offsets. `None`
/// when the range starts past the end, where nothing (not even "") can match.
fn range_args(
    kind: Kind,
    s: &[u8],
    start: Option<isize>,
    end: Option<isize>,
) -> Option<(usize, usize)> {
    let len = unit_len(kind, s) as isize;
    let adj = |i: isize| if i < 0 { (i + len).max(0) } else { i };
    let st = start.map(adj).unwrap_or(0);
    let en = end.map(adj).unwrap_or(len).min(len);
    if st > len || st > en {
        return None;
    }
    Some((to_byte(kind, s, st as usize), to_byte(kind, s, en as usize)))
}

// Out of line (as rfind_sub): a dozen methods search, and each inlined copy costs flash.
#[inline(never)]
pub(crate) fn find_sub(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    h.windows(n.len()).position(|w| w == n)
}

#[inline(never)]
fn rfind_sub(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.is_empty() {
        return Some(h.len());
    }
    if n.len() > h.len() {
        return None;
    }
    h.windows(n.len()).rposition(|w| w == n)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

// --- slots ---

fn print(out: &mut dyn Print, v: Value, kind: PrintKind) -> PyResult<()> {
    let s = as_bytes(v).unwrap_or(&[]);
    if kind == PrintKind::Repr {
        print_quoted(out, s, false)
    } else {
        match core::str::from_utf8(s) {
            Ok(t) => out.write_str(t),
            // A loose str: its valid sequences as they are, U+FFFD for each other one.
            Err(_) => {
                let mut i = 0;
                while let Some(rest) = s.get(i..).filter(|r| !r.is_empty()) {
                    let (_, n) = loose_char(rest);
                    i += n;
                    match core::str::from_utf8(rest.get(..n).unwrap_or(&[])) {
                        Ok(t) => out.write_str(t)?,
                        Err(_) => out.write_char('\u{fffd}')?,
                    }
                }
                Ok(())
            }
        }
    }
}

fn print_bytes(out: &mut dyn Print, v: Value, _kind: PrintKind) -> PyResult<()> {
    print_quoted(out, as_bytes(v).unwrap_or(&[]), true)
}

/// Write `s` as a Python string literal (repr), choosing quotes like CPython.
pub fn print_quoted(out: &mut dyn Print, s: &[u8], is_bytes: bool) -> PyResult<()> {
    let has_single = s.contains(&b'\'');
    let has_double = s.contains(&b'"');
    let quote = if has_single && !has_double {
        b'"'
    } else {
        b'\''
    };
    if is_bytes {
        out.write_str("b")?;
    }
    out.write_char(quote as char)?;
    // One walk for bytes, valid and loose strs: a str's units are its UTF-8 sequences
    // (upstream's escapes for a loose str's sequences that are no character).
    let mut i = 0;
    while let Some(rest) = s.get(i..).filter(|r| !r.is_empty()) {
        let (ch, n) = if is_bytes {
            (u32::from(rest[0]), 1)
        } else {
            loose_char(rest)
        };
        i += n;
        if ch >= 0x80 && !is_bytes {
            if char::from_u32(ch).is_some() {
                let seq = rest.get(..n).unwrap_or(&[]);
                out.write_str(core::str::from_utf8(seq).unwrap_or("?"))?;
            } else if ch < 0x10000 {
                hex_escape(out, b'u', ch, 4)?;
            } else {
                hex_escape(out, b'U', ch, 8)?;
            }
            continue;
        }
        let esc = match ch as u8 {
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            b if b == quote => b,
            b @ 0x20..=0x7e => {
                out.write_char(b as char)?;
                continue;
            }
            _ => {
                hex_escape(out, b'x', ch, 2)?;
                continue;
            }
        };
        out.write_char('\\')?;
        out.write_char(esc as char)?;
    }
    out.write_char(quote as char)
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `n` in lowercase hex without leading zeros (`{:x}` without core::fmt): object addresses.
pub fn print_hex(out: &mut dyn Print, n: usize) -> PyResult<()> {
    let mut buf = [0u8; 2 * core::mem::size_of::<usize>()];
    let mut i = buf.len();
    let mut m = n;
    while let Some(d) = i.checked_sub(1).and_then(|j| buf.get_mut(j)) {
        *d = HEX_DIGITS[m & 15];
        i -= 1;
        m >>= 4;
        if m == 0 {
            break;
        }
    }
    out.write_str(core::str::from_utf8(buf.get(i..).unwrap_or(&[])).unwrap_or(""))
}

/// `\<letter>` and the low `digits` hex digits of `v`, lowercase.
fn hex_escape(out: &mut dyn Print, letter: u8, v: u32, digits: u32) -> PyResult<()> {
    let mut buf = [b'\\', letter, 0, 0, 0, 0, 0, 0, 0, 0];
    for k in 0..digits {
        if let Some(d) = buf.get_mut(2 + k as usize) {
            *d = HEX_DIGITS[((v >> (4 * (digits - 1 - k))) & 15) as usize];
        }
    }
    let text = buf.get(..2 + digits as usize).unwrap_or(&[]);
    out.write_str(core::str::from_utf8(text).unwrap_or("?"))
}

/// Which text encoding a `str(b, enc)` / `encode` / `decode` call names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Ascii,
}

fn parse_encoding(v: Value) -> PyResult<Encoding> {
    let name = as_str(v).ok_or_else(|| bad_implicit_conversion(v))?;
    match name {
        "utf-8" | "utf8" => Ok(Encoding::Utf8),
        "ascii" => Ok(Encoding::Ascii),
        _ => Err(raise::msg_fmt(
            &crate::objs::exception::LOOKUP_ERROR,
            format_args!("unknown encoding: {}", name),
        )),
    }
}

fn unicode_error() -> PyErr {
    raise::with_args(&crate::objs::exception::UNICODE_ERROR, &[])
}

/// Decode `data` to a str: the core of `str(b, enc, errors)` and `bytes.decode`.
fn decode(data: &[u8], enc: Option<Value>, errors: Option<Value>) -> PyResult<Value> {
    let enc = match enc {
        Some(e) => parse_encoding(e)?,
        None => Encoding::Utf8,
    };
    let valid = match enc {
        Encoding::Utf8 => core::str::from_utf8(data).is_ok(),
        Encoding::Ascii => data.is_ascii(),
    };
    if !valid && enc == Encoding::Utf8 && utf8_form_ok(data) {
        return new_loose(data);
    }
    if valid {
        if let Ok(s) = core::str::from_utf8(data) {
            if let Some(q) = Qstr::find(s) {
                return Ok(Value::qstr(q));
            }
        }
        return new_str_unchecked(data);
    }
    let mode = match errors {
        Some(e) if !e.is_none() => as_str(e).ok_or_else(|| bad_implicit_conversion(e))?,
        _ => "strict",
    };
    let replace = match mode {
        "replace" => true,
        "ignore" => false,
        _ => return Err(unicode_error()),
    };
    let mut out = VStr::with_capacity(data.len())?;
    let mut rest = data;
    while !rest.is_empty() {
        if enc == Encoding::Ascii {
            let (b, tail) = (rest[0], &rest[1..]);
            if b < 0x80 {
                out.push_byte(b)?;
            } else if replace {
                out.push_bytes("\u{fffd}".as_bytes())?;
            }
            rest = tail;
            continue;
        }
        match core::str::from_utf8(rest) {
            Ok(s) => {
                out.push_bytes(s.as_bytes())?;
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_bytes(rest.get(..good).unwrap_or(&[]))?;
                if replace {
                    out.push_bytes("\u{fffd}".as_bytes())?;
                }
                let skip = e.error_len().unwrap_or(rest.len() - good).max(1);
                rest = rest.get(good + skip..).unwrap_or(&[]);
            }
        }
    }
    out.into_str()
}

fn str_make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(raise::not_implemented_error(
            "keyword argument(s) not implemented - use normal args instead",
        ));
    }
    match args {
        [] => Ok(Value::qstr(Q::_empty_)),
        [x] => runtime::str(*x),
        [b, rest @ ..] if rest.len() <= 2 => {
            let data = buffer_bytes_raise(*b)?;
            decode(data, rest.first().copied(), rest.get(1).copied())
        }
        _ => Err(list::too_many_args(3, args.len())),
    }
}

/// Collect the bytes of an iterable of ints in 0..256 (bytes/bytearray constructors).
pub fn bytes_from_iterable(v: Value, out: &mut VStr) -> PyResult<()> {
    let it = runtime::get_iter(v)?;
    while let Some(x) = runtime::iter_next(it)? {
        let n = get_int(x)?;
        if !(0..=255).contains(&n) {
            return Err(raise::value_error("bytes value out of range"));
        }
        out.push_byte(n as u8)?;
    }
    Ok(())
}

/// The shared constructor logic of bytes and bytearray: the initial contents.
pub fn bytes_init(args: &[Value], kw: &[Value], out: &mut VStr) -> PyResult<()> {
    if !kw.is_empty() {
        return Err(raise::not_implemented_error(
            "keyword argument(s) not implemented - use normal args instead",
        ));
    }
    let Some(&first) = args.first() else {
        return Ok(());
    };
    if is_str(first) {
        if !(2..=3).contains(&args.len()) {
            return Err(raise::type_error("string argument without an encoding"));
        }
        let enc = parse_encoding(args[1])?;
        let s = as_bytes(first).unwrap_or(&[]);
        if enc == Encoding::Ascii && !s.is_ascii() {
            return Err(unicode_error());
        }
        return out.push_bytes(s);
    }
    if args.len() > 1 {
        return Err(raise::type_error("wrong number of arguments"));
    }
    if crate::objs::int::is_int(first) {
        let n = crate::objs::int::get_isize(first)?;
        if n < 0 {
            return Err(raise::with_args(&crate::objs::exception::VALUE_ERROR, &[]));
        }
        out.reserve(n as usize)?;
        for _ in 0..n {
            out.push_byte(0)?;
        }
        return Ok(());
    }
    if let Some(b) = buffer_bytes(first) {
        return out.push_bytes(b);
    }
    bytes_from_iterable(first, out)
}

fn bytes_make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if let [b] = args {
        if kw.is_empty() && is_bytes(*b) {
            return Ok(*b);
        }
    }
    let mut out = VStr::new();
    bytes_init(args, kw, &mut out)?;
    out.into_bytes()
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(s) = as_bytes(v) else {
        return Ok(None);
    };
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(!s.is_empty())),
        uop::LEN => {
            let n = if is_str(v) {
                str_len_chars(v, s)
            } else {
                s.len()
            };
            Some(Value::small_int(n as isize))
        }
        uop::HASH => Some(Value::small_int(hash(v) as isize)),
        _ => None,
    })
}

/// Repeat `data` `n` times into a new value of `kind`.
pub fn repeat(kind: Kind, data: &[u8], n: isize) -> PyResult<Value> {
    if n <= 0 || data.is_empty() {
        return make(kind, &[]);
    }
    let total = data.len().checked_mul(n as usize).ok_or_else(mem::oom)?;
    let mut out = VStr::with_capacity(total)?;
    for _ in 0..n {
        out.push_bytes(data)?;
    }
    make_vstr(kind, &out)
}

/// Whether `o` is one of the comparisons [`compare_bytes`] answers.
fn is_compare(o: u8) -> bool {
    matches!(
        o,
        op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL | op::EQUAL | op::NOT_EQUAL
    )
}

/// Lexicographic byte comparison for `<`, `<=`, `>`, `>=`, `==`.
// One out-of-line ordering for the four inequalities: inlined, each expands its own
// comparison loop at every caller.
#[inline(never)]
pub fn compare_bytes(o: u8, a: &[u8], b: &[u8]) -> Option<bool> {
    use core::cmp::Ordering::{Greater, Less};
    Some(match o {
        op::EQUAL => a == b,
        op::NOT_EQUAL => a != b,
        op::LESS => a.cmp(b) == Less,
        op::LESS_EQUAL => a.cmp(b) != Greater,
        op::MORE => a.cmp(b) == Greater,
        op::MORE_EQUAL => a.cmp(b) != Less,
        _ => return None,
    })
}

fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    let Some(kind) = Kind::of(a) else {
        return Ok(None);
    };
    let lhs = as_bytes(a).unwrap_or(&[]);
    if o == op::MODULO {
        return crate::objs::str_format::modulo(a, b).map(Some);
    }
    if o == op::MULTIPLY || o == op::INPLACE_MULTIPLY {
        if !(b.is_small_int() || b.is_bool()) {
            if runtime::is_instance(b, &crate::objs::int::TYPE) {
                return Err(raise::overflow_error(
                    "overflow converting long int to machine word",
                ));
            }
            return Ok(None);
        }
        return repeat(kind, lhs, get_int(b)?).map(Some);
    }
    if o == op::CONTAINS && !kind.is_str() {
        if let Some(n) = b.as_small_int() {
            // `int in bytes` compares items, as iteration would, but needs no iterator
            // (so it works with the heap locked).
            return Ok(Some(Value::from_bool(lhs.iter().any(|&x| x as isize == n))));
        }
    }
    if o == op::EQUAL && (is_str(a) && is_bytes(b) || is_bytes(a) && is_str(b)) {
        // Never equal; the unix port warns about the likely mistake (upstream's
        // MICROPY_PY_STR_BYTES_CMP_WARN).
        crate::modules::sys::warning("Comparison between bytes and str");
        return Ok(Some(Value::FALSE));
    }
    let rhs = if kind.is_str() {
        match as_bytes(b) {
            Some(r) if is_str(b) => r,
            // Keep the runtime from retrying `str < bytes` as `bytes > str`, which bytes
            // accepts: upstream raises here.
            Some(_) if is_compare(o) => {
                return Err(raise::unsupported_binary(o, a, b));
            }
            _ => {
                if o == op::CONTAINS {
                    return Err(bad_implicit_conversion(b));
                }
                return Ok(None);
            }
        }
    } else if is_array(b) && is_compare(o) {
        // CPython compares bytes only with bytes-like objects of bytes, not arrays.
        return Ok(None);
    } else {
        // Like upstream, bytes combine with anything that has the buffer protocol,
        // str included (`b"a" + "b"`, `"a" in b"abc"`).
        match buffer_bytes(b) {
            Some(r) => r,
            None => return Ok(None),
        }
    };
    match o {
        op::ADD | op::INPLACE_ADD => {
            if rhs.is_empty() {
                return Ok(Some(a));
            }
            if lhs.is_empty() && Kind::of(b) == Some(kind) {
                return Ok(Some(b));
            }
            let mut out = VStr::with_capacity(lhs.len() + rhs.len())?;
            out.push_bytes(lhs)?;
            out.push_bytes(rhs)?;
            make_vstr(kind, &out).map(Some)
        }
        op::CONTAINS => Ok(Some(Value::from_bool(find_sub(lhs, rhs).is_some()))),
        _ => Ok(compare_bytes(o, lhs, rhs).map(Value::from_bool)),
    }
}

/// A Python index (int or bool) into a sequence of `len`, with IndexError text
/// `"<what> index out of range"`.
pub fn seq_index(what: &str, len: usize, index: Value) -> PyResult<usize> {
    let i = match index.as_small_int() {
        Some(i) => i,
        None if index.is_bool() => (index == Value::TRUE) as isize,
        None if runtime::is_instance(index, &crate::objs::int::TYPE) => {
            return Err(raise::overflow_error(
                "overflow converting long int to machine word",
            ))
        }
        None => return Err(list::bad_index_type(what, index)),
    };
    let j = if i < 0 { i + len as isize } else { i };
    if j < 0 || j >= len as isize {
        return Err(list::index_out_of_range(what));
    }
    Ok(j as usize)
}

/// Apply a slice to bytes (any step), building a value of `kind`.
pub fn slice_bytes(kind: Kind, s: &[u8], slice: Value) -> PyResult<Value> {
    let (start, _stop, step, count) = crate::objs::slice::indices(slice, s.len())?;
    if step == 1 {
        let st = start as usize;
        return make(kind, s.get(st..st + count).unwrap_or(&[]));
    }
    let mut out = VStr::with_capacity(count)?;
    let mut i = start;
    for _ in 0..count {
        out.push_byte(s.get(i as usize).copied().unwrap_or(0))?;
        i += step;
    }
    make_vstr(kind, &out)
}

fn slice_str(v: Value, s: &[u8], slice: Value) -> PyResult<Value> {
    let n = str_len_chars(v, s);
    let (start, _stop, step, count) = crate::objs::slice::indices(slice, n)?;
    if n == s.len() {
        // ASCII: code points are bytes.
        return slice_bytes(Kind::Str, s, slice);
    }
    if step == 1 {
        let b0 = char_to_byte(s, start as usize);
        let b1 = char_to_byte(s, start as usize + count);
        return new_str_unchecked(s.get(b0..b1).unwrap_or(&[]));
    }
    // Walk a byte cursor code point by code point (no index of the starts needed).
    let next = |b: usize| {
        let mut e = b + 1;
        while s.get(e).is_some_and(|&c| is_cont(c)) {
            e += 1;
        }
        e
    };
    let mut out = VStr::with_capacity(count.saturating_mul(4).min(s.len()))?;
    let mut b = char_to_byte(s, start as usize);
    for k in 0..count {
        let e = next(b);
        out.push_bytes(s.get(b..e).unwrap_or(&[]))?;
        if k + 1 == count {
            break;
        }
        for _ in 0..step.unsigned_abs() {
            if step > 0 {
                b = next(b);
            } else {
                b = b.saturating_sub(1);
                while b > 0 && s.get(b).is_some_and(|&c| is_cont(c)) {
                    b -= 1;
                }
            }
        }
    }
    out.into_str()
}

fn subscr(v: Value, index: Value, o: SubscrOp) -> PyResult<Option<Value>> {
    if o != SubscrOp::Load {
        return Ok(None);
    }
    let Some(s) = as_bytes(v) else {
        return Ok(None);
    };
    let str_kind = is_str(v);
    if index.is_type(&crate::objs::slice::TYPE) {
        return if str_kind {
            slice_str(v, s, index)
        } else {
            slice_bytes(Kind::Bytes, s, index)
        }
        .map(Some);
    }
    if !str_kind {
        let i = seq_index("bytes", s.len(), index)?;
        return Ok(Some(Value::small_int(
            s.get(i).copied().unwrap_or(0) as isize
        )));
    }
    let n = str_len_chars(v, s);
    let i = seq_index("string", n, index)?;
    let b0 = if n == s.len() { i } else { char_to_byte(s, i) };
    let mut b1 = b0 + 1;
    while b1 < s.len() && s.get(b1).is_some_and(|&b| is_cont(b)) {
        b1 += 1;
    }
    one_char(s.get(b0..b1).unwrap_or(&[])).map(Some)
}

fn buffer(v: Value, access: BufferAccess) -> Option<Buffer> {
    if access == BufferAccess::Write {
        return None;
    }
    let s = as_bytes(v)?;
    Some(Buffer {
        ptr: s.as_ptr() as *mut u8,
        len: s.len(),
        typecode: b'B',
    })
}

// --- iteration ---

#[repr(C)]
pub struct StrIter {
    pub base: ObjBase,
    pub obj: Value,
    /// Byte offset of the next item.
    pub pos: usize,
}

fn getiter(v: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(StrIter {
        base: ObjBase::new(&STR_ITER_TYPE),
        obj: v,
        pos: 0,
    })?))
}

/// A str or bytes iterator placed in `buf` (see `runtime::get_iter_buf`).
pub fn iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Option<Value> {
    Some(crate::runtime::place_iter(
        buf,
        StrIter {
            base: ObjBase::new(&STR_ITER_TYPE),
            obj: v,
            pos: 0,
        },
    ))
}

/// One iterator type for str and bytes (upstream has two; one saves a type and a body):
/// a str yields one-code-point strs, bytes (any buffer kind) yield ints.
fn str_iternext(it: Value) -> PyResult<Option<Value>> {
    // SAFETY: only installed on STR_ITER_TYPE, whose instances are StrIter.
    let st: &mut StrIter = unsafe { it.downcast_unchecked() };
    let s = as_bytes(st.obj).unwrap_or(&[]);
    let b0 = st.pos;
    let Some(&b) = s.get(b0) else {
        return Ok(None);
    };
    if !is_str(st.obj) {
        st.pos = b0 + 1;
        return Ok(Some(Value::small_int(b as isize)));
    }
    let mut b1 = b0 + 1;
    while s.get(b1).is_some_and(|&b| is_cont(b)) {
        b1 += 1;
    }
    st.pos = b1;
    one_char(s.get(b0..b1).unwrap_or(&[])).map(Some)
}

pub static STR_ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(str_iternext),
    ..Type::EMPTY
};

// --- methods ---

fn find_impl(args: &[Value], reverse: bool) -> PyResult<Option<isize>> {
    let mut byte = [0u8];
    let (kind, s, needle, range) = search_args(args, &mut byte)?;
    let Some((b0, b1)) = range else {
        return Ok(None);
    };
    let hay = s.get(b0..b1).unwrap_or(&[]);
    let pos = if reverse {
        rfind_sub(hay, needle)
    } else {
        find_sub(hay, needle)
    };
    Ok(pos.map(|p| to_unit(kind, s, b0 + p) as isize))
}

pub fn str_find(args: &[Value]) -> PyResult<Value> {
    Ok(Value::small_int(find_impl(args, false)?.unwrap_or(-1)))
}

pub fn str_rfind(args: &[Value]) -> PyResult<Value> {
    Ok(Value::small_int(find_impl(args, true)?.unwrap_or(-1)))
}

pub fn str_index(args: &[Value]) -> PyResult<Value> {
    match find_impl(args, false)? {
        Some(i) => Ok(Value::small_int(i)),
        None => Err(raise::value_error("substring not found")),
    }
}

pub fn str_rindex(args: &[Value]) -> PyResult<Value> {
    match find_impl(args, true)? {
        Some(i) => Ok(Value::small_int(i)),
        None => Err(raise::value_error("substring not found")),
    }
}

pub fn str_count(args: &[Value]) -> PyResult<Value> {
    let mut byte = [0u8];
    let (kind, s, needle, range) = search_args(args, &mut byte)?;
    let Some((b0, b1)) = range else {
        return Ok(Value::small_int(0));
    };
    let hay = s.get(b0..b1).unwrap_or(&[]);
    if needle.is_empty() {
        return Ok(Value::small_int(unit_len(kind, hay) as isize + 1));
    }
    let mut n = 0;
    let mut i = 0;
    while let Some(p) = find_sub(hay.get(i..).unwrap_or(&[]), needle) {
        n += 1;
        i += p + needle.len();
    }
    Ok(Value::small_int(n))
}

pub fn join(sep_v: Value, iterable: Value) -> PyResult<Value> {
    let (kind, sep) = receiver(sep_v)?;
    // Lists and tuples are read directly, like upstream; anything else is iterated.
    let direct: Option<&[Value]> = match list::get(iterable) {
        Some(l) => Some(l.items()),
        None => tuple::items(iterable).map(|t| &*t),
    };
    let it = if direct.is_some() {
        Value::NULL
    } else {
        runtime::get_iter(iterable)?
    };
    let mut idx = 0;
    let mut next = || -> PyResult<Option<Value>> {
        match direct {
            Some(items) => {
                idx += 1;
                Ok(items.get(idx - 1).copied())
            }
            None => runtime::iter_next(it),
        }
    };
    let mut out = VStr::new();
    let mut first = true;
    while let Some(x) = next()? {
        // Items must be str for a str receiver, bytes or bytearray otherwise (upstream).
        let ok = match Kind::of(x) {
            Some(Kind::Str) => kind.is_str(),
            Some(_) => !kind.is_str(),
            None => false,
        };
        let part = if ok { buffer_bytes(x) } else { None };
        let Some(part) = part else {
            return Err(raise::type_error(
                "join expects a list of str/bytes objects consistent with self object",
            ));
        };
        if !first {
            out.push_bytes(sep)?;
        }
        first = false;
        out.push_bytes(part)?;
    }
    make_vstr(kind, &out)
}

pub fn str_split(args: &[Value]) -> PyResult<Value> {
    split_impl(args, false)
}

pub fn str_rsplit(args: &[Value]) -> PyResult<Value> {
    split_impl(args, true)
}

/// split and rsplit: pieces are cut from the front (or, for rsplit with a limit, the
/// back) of what remains; a `None` separator splits at runs of ASCII whitespace.
/// Where the leading (or, `reverse`, trailing) run of bytes that are whitespace (`space`)
/// or not ends: an index into `s` from the front (or where the run starts, from the back).
#[inline(never)]
fn space_edge(s: &[u8], reverse: bool, space: bool) -> usize {
    if reverse {
        s.iter()
            .rposition(|&c| is_space(c) != space)
            .map_or(0, |i| i + 1)
    } else {
        s.iter()
            .position(|&c| is_space(c) != space)
            .unwrap_or(s.len())
    }
}

fn split_impl(args: &[Value], reverse: bool) -> PyResult<Value> {
    let (kind, s) = receiver(args[0])?;
    let maxsplit = opt_int(args, 2)?.unwrap_or(-1);
    // Without a limit both directions give the same pieces.
    let reverse = reverse && maxsplit >= 0;
    let sep = match args.get(1) {
        Some(v) if !v.is_none() => {
            let sep = arg_of(kind, *v)?;
            if sep.is_empty() {
                return Err(raise::value_error("empty separator"));
            }
            Some(sep)
        }
        _ => None,
    };
    let out = list::new(&[])?;
    let mut rest = s;
    let mut n = 0;
    loop {
        if sep.is_none() {
            let keep = space_edge(rest, reverse, true);
            rest = if reverse {
                rest.get(..keep)
            } else {
                rest.get(keep..)
            }
            .unwrap_or(&[]);
            if rest.is_empty() {
                break;
            }
        }
        // The cut: the piece ends at `lo` (or, reversed, starts at `hi`).
        let cut = if maxsplit >= 0 && n >= maxsplit {
            None
        } else {
            match sep {
                Some(sep) if reverse => rfind_sub(rest, sep).map(|p| (p, p + sep.len())),
                Some(sep) => find_sub(rest, sep).map(|p| (p, p + sep.len())),
                None => {
                    let p = space_edge(rest, reverse, false);
                    Some((p, p))
                }
            }
        };
        let Some((lo, hi)) = cut else {
            list::append(out, make(kind, rest)?)?;
            break;
        };
        let (piece, left) = if reverse {
            (rest.get(hi..), rest.get(..lo))
        } else {
            (rest.get(..lo), rest.get(hi..))
        };
        list::append(out, make(kind, piece.unwrap_or(&[]))?)?;
        rest = left.unwrap_or(&[]);
        n += 1;
    }
    if reverse {
        if let Some(l) = list::get(out) {
            l.items().reverse();
        }
    }
    Ok(out)
}

pub fn str_splitlines(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let (kind, s) = receiver(args[0])?;
    let mut keep = args.get(1).copied();
    for pair in kw.chunks_exact(2) {
        if pair[0].as_qstr() == Some(Q::keepends) || as_str(pair[0]) == Some("keepends") {
            keep = Some(pair[1]);
        } else {
            return Err(raise::type_error("unexpected keyword argument"));
        }
    }
    if args.len() > 2 {
        return Err(raise::type_error("function expected at most 2 arguments"));
    }
    let keepends = match keep {
        Some(v) => runtime::is_true(v)?,
        None => false,
    };
    let out = list::new(&[])?;
    let mut i = 0;
    while i < s.len() {
        let start = i;
        while i < s.len() && s[i] != b'\n' && s[i] != b'\r' {
            i += 1;
        }
        let line_end = i;
        if i < s.len() {
            if s[i] == b'\r' && s.get(i + 1) == Some(&b'\n') {
                i += 2;
            } else {
                i += 1;
            }
        }
        let end = if keepends { i } else { line_end };
        list::append(out, make(kind, s.get(start..end).unwrap_or(&[]))?)?;
    }
    Ok(out)
}

fn starts_ends(args: &[Value], ends: bool) -> PyResult<Value> {
    let (kind, s) = receiver(args[0])?;
    let Some((b0, b1)) = range_args(
        kind,
        s,
        range_int(kind, args, 2)?,
        range_int(kind, args, 3)?,
    ) else {
        return Ok(Value::FALSE);
    };
    let hay = s.get(b0..b1).unwrap_or(&[]);
    // A tuple of candidates, or one.
    let single = [args[1]];
    let candidates = tuple::items(args[1]).map_or(&single[..], |t| &*t);
    for x in candidates {
        let p = arg_of(kind, *x)?;
        let found = if ends {
            hay.ends_with(p)
        } else {
            hay.starts_with(p)
        };
        if found {
            return Ok(Value::TRUE);
        }
    }
    Ok(Value::FALSE)
}

pub fn str_startswith(args: &[Value]) -> PyResult<Value> {
    starts_ends(args, false)
}

pub fn str_endswith(args: &[Value]) -> PyResult<Value> {
    starts_ends(args, true)
}

/// 0 = both ends, 1 = left, 2 = right.
fn strip_impl(args: &[Value], which: u8) -> PyResult<Value> {
    let (kind, s) = receiver(args[0])?;
    let chars = match args.get(1) {
        Some(v) if !v.is_none() => Some(arg_of(kind, *v)?),
        _ => None,
    };
    // Units are a str's UTF-8 sequences (bytes otherwise); a UTF-8 sequence found in the
    // character set is one of its characters.
    let strip = |u: &[u8]| match (chars, u) {
        (None, [b]) => is_space(*b),
        (None, _) => false,
        (Some(set), [b]) => set.contains(b),
        (Some(set), _) => find_sub(set, u).is_some() && !u.is_empty(),
    };
    let (mut b0, mut b1) = (0, s.len());
    if which != 2 {
        while b0 < b1 {
            let mut e = b0 + 1;
            while kind.is_str() && e < b1 && s.get(e).is_some_and(|&c| is_cont(c)) {
                e += 1;
            }
            if !strip(s.get(b0..e).unwrap_or(&[])) {
                break;
            }
            b0 = e;
        }
    }
    if which != 1 {
        while b1 > b0 {
            let mut st = b1 - 1;
            while kind.is_str() && st > b0 && s.get(st).is_some_and(|&c| is_cont(c)) {
                st -= 1;
            }
            if !strip(s.get(st..b1).unwrap_or(&[])) {
                break;
            }
            b1 = st;
        }
    }
    if b0 == 0 && b1 == s.len() && kind != Kind::ByteArray {
        return Ok(args[0]);
    }
    make(kind, s.get(b0..b1).unwrap_or(&[]))
}

pub fn str_strip(args: &[Value]) -> PyResult<Value> {
    strip_impl(args, 0)
}

pub fn str_lstrip(args: &[Value]) -> PyResult<Value> {
    strip_impl(args, 1)
}

pub fn str_rstrip(args: &[Value]) -> PyResult<Value> {
    strip_impl(args, 2)
}

pub fn str_replace(args: &[Value]) -> PyResult<Value> {
    let (kind, s) = receiver(args[0])?;
    let old = arg_of(kind, args[1])?;
    let new = arg_of(kind, args[2])?;
    let mut max = opt_int(args, 3)?.unwrap_or(-1);
    if max < 0 {
        max = isize::MAX;
    }
    // Nothing to replace: return the original without allocating (as upstream).
    let nothing = max == 0 || (!old.is_empty() && find_sub(s, old).is_none());
    if nothing && kind != Kind::ByteArray {
        return Ok(args[0]);
    }
    let mut out = VStr::with_capacity(s.len())?;
    let mut n = 0;
    if old.is_empty() {
        // Insert `new` before every unit and at the end.
        let mut i = 0;
        while n < max && i <= s.len() {
            out.push_bytes(new)?;
            n += 1;
            if i == s.len() {
                i += 1;
                break;
            }
            let mut j = i + 1;
            if kind.is_str() {
                while j < s.len() && is_cont(s[j]) {
                    j += 1;
                }
            }
            out.push_bytes(&s[i..j])?;
            i = j;
        }
        if i <= s.len() {
            out.push_bytes(s.get(i..).unwrap_or(&[]))?;
        }
    } else {
        let mut rest = s;
        while n < max {
            let Some(p) = find_sub(rest, old) else { break };
            out.push_bytes(&rest[..p])?;
            out.push_bytes(new)?;
            rest = rest.get(p + old.len()..).unwrap_or(&[]);
            n += 1;
        }
        out.push_bytes(rest)?;
    }
    if n == 0 && kind != Kind::ByteArray {
        return Ok(args[0]);
    }
    make_vstr(kind, &out)
}

fn partition_impl(this: Value, sep_v: Value, reverse: bool) -> PyResult<Value> {
    let (kind, s) = receiver(this)?;
    let sep = arg_of(kind, sep_v)?;
    if sep.is_empty() {
        return Err(raise::value_error("empty separator"));
    }
    let empty = make(kind, &[])?;
    let pos = if reverse {
        rfind_sub(s, sep)
    } else {
        find_sub(s, sep)
    };
    let items = match pos {
        Some(p) => [
            make(kind, &s[..p])?,
            make(kind, sep)?,
            make(kind, s.get(p + sep.len()..).unwrap_or(&[]))?,
        ],
        None if reverse => [empty, make(kind, &[])?, make(kind, s)?],
        None => [make(kind, s)?, empty, make(kind, &[])?],
    };
    tuple::new(&items)
}

pub fn str_partition(this: Value, sep: Value) -> PyResult<Value> {
    partition_impl(this, sep, false)
}

pub fn str_rpartition(this: Value, sep: Value) -> PyResult<Value> {
    partition_impl(this, sep, true)
}

/// `center(width)`: upstream takes no fill character.
pub fn str_center(this: Value, width: Value) -> PyResult<Value> {
    center_impl(&[this, width])
}

fn center_impl(args: &[Value]) -> PyResult<Value> {
    let (kind, s) = receiver(args[0])?;
    let width = get_int(args[1])?;
    let fill: &[u8] = match args.get(2) {
        Some(f) => {
            let f = arg_of(kind, *f)?;
            if unit_len(kind, f) != 1 {
                return Err(raise::type_error(
                    "The fill character must be exactly one character long",
                ));
            }
            f
        }
        None => b" ",
    };
    let len = unit_len(kind, s) as isize;
    if width <= len {
        if kind == Kind::ByteArray {
            return make(kind, s);
        }
        return Ok(args[0]);
    }
    let pad = (width - len) as usize;
    // Upstream puts an odd pad character on the right (CPython sometimes on the left).
    let left = pad / 2;
    let total = pad
        .checked_mul(fill.len())
        .and_then(|n| n.checked_add(s.len()));
    let mut out = VStr::with_capacity(total.ok_or_else(mem::oom)?)?;
    for _ in 0..left {
        out.push_bytes(fill)?;
    }
    out.push_bytes(s)?;
    for _ in 0..pad - left {
        out.push_bytes(fill)?;
    }
    make_vstr(kind, &out)
}

fn case_map(this: Value, upper: bool) -> PyResult<Value> {
    let (kind, s) = receiver(this)?;
    let mut out = VStr::with_capacity(s.len())?;
    #[cfg(feature = "unicode_case")]
    if kind.is_str() && !s.is_ascii() {
        let text = core::str::from_utf8(s).unwrap_or("");
        let mut buf = [0u8; 4];
        for c in text.chars() {
            if upper {
                for u in c.to_uppercase() {
                    out.push_bytes(u.encode_utf8(&mut buf).as_bytes())?;
                }
            } else {
                for u in c.to_lowercase() {
                    out.push_bytes(u.encode_utf8(&mut buf).as_bytes())?;
                }
            }
        }
        return make_vstr(kind, &out);
    }
    // Bytes of a multi-byte UTF-8 sequence are >= 0x80, which the ASCII mapping leaves alone.
    for &b in s {
        out.push_byte(if upper {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        })?;
    }
    make_vstr(kind, &out)
}

pub fn str_lower(this: Value) -> PyResult<Value> {
    case_map(this, false)
}

pub fn str_upper(this: Value) -> PyResult<Value> {
    case_map(this, true)
}

// Character classes: Unicode's with `unicode_case` (as CPython), ASCII's without (as
// MicroPython, whose str methods classify and change case for ASCII only).
#[cfg(feature = "unicode_case")]
fn is_space_char(c: char) -> bool {
    c.is_whitespace()
}
#[cfg(feature = "unicode_case")]
fn is_alpha(c: char) -> bool {
    c.is_alphabetic()
}
#[cfg(feature = "unicode_case")]
fn is_upper(c: char) -> bool {
    c.is_uppercase()
}
#[cfg(feature = "unicode_case")]
fn is_lower(c: char) -> bool {
    c.is_lowercase()
}
#[cfg(not(feature = "unicode_case"))]
fn is_space_char(c: char) -> bool {
    matches!(c, '\t'..='\r' | ' ')
}
#[cfg(not(feature = "unicode_case"))]
fn is_alpha(c: char) -> bool {
    c.is_ascii_alphabetic()
}
#[cfg(not(feature = "unicode_case"))]
fn is_upper(c: char) -> bool {
    c.is_ascii_uppercase()
}
#[cfg(not(feature = "unicode_case"))]
fn is_lower(c: char) -> bool {
    c.is_ascii_lowercase()
}

/// Apply a per-character test to every character (false for empty strings).
fn char_test(this: Value, f: fn(char) -> bool) -> PyResult<Value> {
    let (kind, s) = receiver(this)?;
    if s.is_empty() {
        return Ok(Value::FALSE);
    }
    let ok = if kind.is_str() {
        core::str::from_utf8(s).unwrap_or("").chars().all(f)
    } else {
        s.iter().all(|&b| b < 0x80 && f(b as char))
    };
    Ok(Value::from_bool(ok))
}

pub fn str_isspace(this: Value) -> PyResult<Value> {
    char_test(this, is_space_char)
}

pub fn str_isalpha(this: Value) -> PyResult<Value> {
    char_test(this, is_alpha)
}

pub fn str_isdigit(this: Value) -> PyResult<Value> {
    char_test(this, |c| c.is_ascii_digit())
}

/// isupper/islower: at least one cased character and none of the other case.
fn case_test(this: Value, upper: bool) -> PyResult<Value> {
    let (kind, s) = receiver(this)?;
    let text = if kind.is_str() {
        core::str::from_utf8(s).unwrap_or("")
    } else {
        ""
    };
    let mut cased = false;
    let mut check = |c: char| -> bool {
        let (is_u, is_l) = (is_upper(c), is_lower(c));
        if is_u || is_l {
            cased = true;
        }
        if upper {
            !is_l
        } else {
            !is_u
        }
    };
    let ok = if kind.is_str() {
        text.chars().all(&mut check)
    } else {
        s.iter().all(|&b| check(b as char) || b >= 0x80)
    };
    Ok(Value::from_bool(ok && cased))
}

pub fn str_isupper(this: Value) -> PyResult<Value> {
    case_test(this, true)
}

pub fn str_islower(this: Value) -> PyResult<Value> {
    case_test(this, false)
}

fn str_encode(args: &[Value]) -> PyResult<Value> {
    if !is_str(args[0]) {
        return Err(bad_implicit_conversion(args[0]));
    }
    let s = as_bytes(args[0]).unwrap_or(&[]);
    if let Some(e) = args.get(1) {
        if parse_encoding(*e)? == Encoding::Ascii && !s.is_ascii() {
            return Err(unicode_error());
        }
    }
    new_bytes(s)
}

pub fn bytes_decode(args: &[Value]) -> PyResult<Value> {
    let data = buffer_bytes_raise(args[0])?;
    decode(data, args.get(1).copied(), args.get(2).copied())
}

/// `bytes.hex([sep])`: also used by bytearray and memoryview.
pub fn bytes_hex(args: &[Value]) -> PyResult<Value> {
    let data = buffer_bytes_raise(args[0])?;
    // Upstream uses the first byte of a str or bytes separator.
    let sep = match args.get(1) {
        Some(v) => {
            let b = as_bytes(*v).ok_or_else(|| bad_implicit_conversion(*v))?;
            b.get(..1)
        }
        None => None,
    };
    let mut out = VStr::with_capacity(data.len() * 3)?;
    for (i, &b) in data.iter().enumerate() {
        if i > 0 {
            if let Some(sep) = sep {
                out.push_bytes(sep)?;
            }
        }
        out.push_byte(HEX_DIGITS[(b >> 4) as usize])?;
        out.push_byte(HEX_DIGITS[(b & 15) as usize])?;
    }
    out.into_str()
}

/// `bytes.fromhex(s)` / `bytearray.fromhex(s)` (a classmethod: `cls` picks the result type).
pub fn bytes_fromhex(cls: Value, data: Value) -> PyResult<Value> {
    let s = buffer_bytes_raise(data)?;
    let mut out = VStr::with_capacity(s.len() / 2)?;
    let mut i = 0;
    let hexval = |c: u8| (c as char).to_digit(16);
    while i < s.len() {
        if is_space(s[i]) {
            i += 1;
            continue;
        }
        let hi = hexval(s[i]);
        let lo = s.get(i + 1).and_then(|&c| hexval(c));
        match (hi, lo) {
            (Some(h), Some(l)) => out.push_byte((h * 16 + l) as u8)?,
            _ => return Err(raise::value_error("non-hex digit")),
        }
        i += 2;
    }
    if crate::objs::r#type::as_type(cls).is_some_and(|t| core::ptr::eq(t, &bytearray::TYPE)) {
        return bytearray::new(out.as_bytes());
    }
    out.into_bytes()
}

pub fn str_format(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    crate::objs::str_format::format_method(args, kw)
}

// --- tables ---

/// The method objects str, bytes and bytearray share (one object each, as upstream's
/// shared method tables).
#[rustfmt::skip]
pub mod methods {
    use super::*;
    pub const FIND: Value = crate::fun!(find, Var { min: 2, max: 4, f: str_find });
    pub const RFIND: Value = crate::fun!(rfind, Var { min: 2, max: 4, f: str_rfind });
    pub const INDEX: Value = crate::fun!(index, Var { min: 2, max: 4, f: str_index });
    pub const RINDEX: Value = crate::fun!(rindex, Var { min: 2, max: 4, f: str_rindex });
    pub const JOIN: Value = crate::fun!(join, F2(join));
    pub const SPLIT: Value = crate::fun!(split, Var { min: 1, max: 3, f: str_split });
    pub const SPLITLINES: Value = crate::fun!(splitlines, Kw { min: 1, f: str_splitlines });
    pub const RSPLIT: Value = crate::fun!(rsplit, Var { min: 1, max: 3, f: str_rsplit });
    pub const STARTSWITH: Value = crate::fun!(startswith, Var { min: 2, max: 4, f: str_startswith });
    pub const ENDSWITH: Value = crate::fun!(endswith, Var { min: 2, max: 4, f: str_endswith });
    pub const STRIP: Value = crate::fun!(strip, Var { min: 1, max: 2, f: str_strip });
    pub const LSTRIP: Value = crate::fun!(lstrip, Var { min: 1, max: 2, f: str_lstrip });
    pub const RSTRIP: Value = crate::fun!(rstrip, Var { min: 1, max: 2, f: str_rstrip });
    pub const FORMAT: Value = crate::fun!(format, Kw { min: 1, f: str_format });
    pub const REPLACE: Value = crate::fun!(replace, Var { min: 3, max: 4, f: str_replace });
    pub const COUNT: Value = crate::fun!(count, Var { min: 2, max: 4, f: str_count });
    pub const PARTITION: Value = crate::fun!(partition, F2(str_partition));
    pub const RPARTITION: Value = crate::fun!(rpartition, F2(str_rpartition));
    pub const CENTER: Value = crate::fun!(center, F2(str_center));
    pub const LOWER: Value = crate::fun!(lower, F1(str_lower));
    pub const UPPER: Value = crate::fun!(upper, F1(str_upper));
    pub const ISSPACE: Value = crate::fun!(isspace, F1(str_isspace));
    pub const ISALPHA: Value = crate::fun!(isalpha, F1(str_isalpha));
    pub const ISDIGIT: Value = crate::fun!(isdigit, F1(str_isdigit));
    pub const ISUPPER: Value = crate::fun!(isupper, F1(str_isupper));
    pub const ISLOWER: Value = crate::fun!(islower, F1(str_islower));
}

/// The method table shared by str, bytes and bytearray (upstream shares one table too),
/// with the type's own entries in front: `str_methods_table!(extra, ...)`.
#[macro_export]
macro_rules! str_methods_table {
    ($($extra:expr),* $(,)?) => {
        [
            $($extra,)*
            $crate::entry!(find, $crate::objs::str::methods::FIND),
            $crate::entry!(rfind, $crate::objs::str::methods::RFIND),
            $crate::entry!(index, $crate::objs::str::methods::INDEX),
            $crate::entry!(rindex, $crate::objs::str::methods::RINDEX),
            $crate::entry!(join, $crate::objs::str::methods::JOIN),
            $crate::entry!(split, $crate::objs::str::methods::SPLIT),
            $crate::entry!(splitlines, $crate::objs::str::methods::SPLITLINES),
            $crate::entry!(rsplit, $crate::objs::str::methods::RSPLIT),
            $crate::entry!(startswith, $crate::objs::str::methods::STARTSWITH),
            $crate::entry!(endswith, $crate::objs::str::methods::ENDSWITH),
            $crate::entry!(strip, $crate::objs::str::methods::STRIP),
            $crate::entry!(lstrip, $crate::objs::str::methods::LSTRIP),
            $crate::entry!(rstrip, $crate::objs::str::methods::RSTRIP),
            $crate::entry!(format, $crate::objs::str::methods::FORMAT),
            $crate::entry!(replace, $crate::objs::str::methods::REPLACE),
            $crate::entry!(count, $crate::objs::str::methods::COUNT),
            $crate::entry!(partition, $crate::objs::str::methods::PARTITION),
            $crate::entry!(rpartition, $crate::objs::str::methods::RPARTITION),
            $crate::entry!(center, $crate::objs::str::methods::CENTER),
            $crate::entry!(lower, $crate::objs::str::methods::LOWER),
            $crate::entry!(upper, $crate::objs::str::methods::UPPER),
            $crate::entry!(isspace, $crate::objs::str::methods::ISSPACE),
            $crate::entry!(isalpha, $crate::objs::str::methods::ISALPHA),
            $crate::entry!(isdigit, $crate::objs::str::methods::ISDIGIT),
            $crate::entry!(isupper, $crate::objs::str::methods::ISUPPER),
            $crate::entry!(islower, $crate::objs::str::methods::ISLOWER),
        ]
    };
}

/// `bytes.fromhex` as a classmethod object (shared with bytearray).
pub static FROMHEX: crate::objs::fun::MethodWrapper = crate::objs::fun::MethodWrapper {
    base: ObjBase::new(&crate::objs::fun::CLASSMETHOD_TYPE),
    fun: crate::fun!(fromhex, F2(bytes_fromhex)),
};

const ENCODE: Value = crate::fun!(
    encode,
    Var {
        min: 1,
        max: 3,
        f: str_encode
    }
);
pub const HEX: Value = crate::fun!(
    hex,
    Var {
        min: 1,
        max: 2,
        f: bytes_hex
    }
);
pub const DECODE: Value = crate::fun!(
    decode,
    Var {
        min: 1,
        max: 3,
        f: bytes_decode
    }
);

static STR_LOCALS: [(Qstr, Value); 27] = crate::str_methods_table!((Q::encode, ENCODE));

pub static TYPE: Type = Type {
    name: Q::str,
    flags: flags::BASETYPE,
    make_new: Some(str_make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    ext: &crate::obj::TypeExt::buffer(buffer),
    locals: crate::locals!(&STR_LOCALS),
    ..Type::EMPTY
};

pub static BYTES_TYPE: Type = Type {
    name: Q::bytes,
    flags: flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE,
    make_new: Some(bytes_make_new),
    print: Some(print_bytes),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    ext: &crate::obj::TypeExt::buffer(buffer),
    // bytearray's table without its first two methods (`append`, `extend`).
    locals: crate::locals!(bytearray::LOCALS.split_at(2).1),
    ..Type::EMPTY
};

#[cfg(test)]
pub(crate) mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::{String, ToString};

    pub fn s(t: &str) -> Value {
        new(t).unwrap()
    }

    pub fn b(t: &[u8]) -> Value {
        new_bytes(t).unwrap()
    }

    pub fn i(n: isize) -> Value {
        Value::small_int(n)
    }

    /// Call method `name` of `obj`.
    pub fn m(obj: Value, name: &str, args: &[Value]) -> PyResult<Value> {
        let q = Qstr::intern(name).unwrap();
        let (f, this) = runtime::load_method(obj, q)?;
        runtime::call_method(f, this, args, &[])
    }

    pub fn repr(v: Value) -> String {
        as_str(runtime::repr(v).unwrap()).unwrap().to_string()
    }

    /// `repr` of a result, or `Exc: message` for an error.
    pub fn r(res: PyResult<Value>) -> String {
        match res {
            Ok(v) => repr(v),
            Err(e) => {
                let msg = runtime::str(e.0)
                    .map(|v| as_str(v).unwrap_or("").to_string())
                    .unwrap_or_default();
                std::format!("{}: {}", e.0.type_of().name.as_str(), msg)
            }
        }
    }

    fn slice(a: Value, b: Value, c: Value) -> Value {
        crate::objs::slice::new(a, b, c).unwrap()
    }

    #[test]
    fn unicode_index_len_slice() {
        with_vm(|| {
            let t = s("aé€😀z");
            assert_eq!(runtime::len(t).unwrap(), 5);
            assert_eq!(r(runtime::subscr(t, i(1))), "'é'");
            assert_eq!(r(runtime::subscr(t, i(-2))), "'😀'");
            assert_eq!(
                r(runtime::subscr(t, i(5))),
                "IndexError: string index out of range"
            );
            assert_eq!(
                r(runtime::subscr(t, s("x"))),
                "TypeError: string indices must be integers, not str"
            );
            let n = Value::NONE;
            assert_eq!(r(runtime::subscr(t, slice(i(1), i(3), n))), "'é€'");
            assert_eq!(r(runtime::subscr(t, slice(n, n, i(-1)))), "'z😀€éa'");
            assert_eq!(r(runtime::subscr(t, slice(n, n, i(2)))), "'a€z'");
            assert_eq!(r(runtime::subscr(s("hello"), slice(i(-3), n, n))), "'llo'");
            assert_eq!(
                r(runtime::subscr(s("hello"), slice(i(4), i(1), i(-2)))),
                "'ol'"
            );
            let mut out = String::new();
            let it = runtime::get_iter(t).unwrap();
            while let Some(c) = runtime::iter_next(it).unwrap() {
                out.push_str(as_str(c).unwrap());
                out.push('|');
            }
            assert_eq!(out, "a|é|€|😀|z|");
        });
    }

    #[test]
    fn operators() {
        with_vm(|| {
            assert_eq!(r(runtime::binary_op(op::ADD, s("ab"), s("cd"))), "'abcd'");
            assert_eq!(
                r(runtime::binary_op(op::ADD, s("ab"), i(1))),
                "TypeError: unsupported types for __add__: 'str', 'int'"
            );
            assert_eq!(
                r(runtime::binary_op(op::IN, i(1), s("ab"))),
                "TypeError: can't convert 'int' object to str implicitly"
            );
            assert_eq!(r(runtime::binary_op(op::IN, s("b"), s("abc"))), "True");
            assert_eq!(
                r(runtime::binary_op(op::MULTIPLY, s("ab"), i(3))),
                "'ababab'"
            );
            assert_eq!(r(runtime::binary_op(op::MULTIPLY, s("ab"), i(-1))), "''");
            assert_eq!(r(runtime::binary_op(op::LESS, s("abc"), s("abd"))), "True");
            assert_eq!(
                r(runtime::binary_op(op::MORE_EQUAL, s("b"), s("abc"))),
                "True"
            );
            assert_eq!(
                r(runtime::binary_op(op::EQUAL, s("abc"), b(b"abc"))),
                "False"
            );
            assert_eq!(r(runtime::binary_op(op::ADD, b(b"ab"), b(b"c"))), "b'abc'");
            // bytes take any buffer, str included, as upstream.
            assert_eq!(r(runtime::binary_op(op::ADD, b(b"ab"), s("c"))), "b'abc'");
            assert_eq!(
                r(runtime::binary_op(op::LESS, s("a"), b(b"b"))),
                "TypeError: unsupported types for __lt__: 'str', 'bytes'"
            );
            assert_eq!(r(runtime::binary_op(op::EQUAL, b(b"ab"), b(b"ab"))), "True");
            assert_eq!(r(runtime::binary_op(op::IN, i(98), b(b"abc"))), "True");
            assert_eq!(r(runtime::subscr(b(b"abc"), i(1))), "98");
            assert_eq!(
                r(runtime::subscr(b(b"abc"), i(3))),
                "IndexError: bytes index out of range"
            );
            assert_eq!(
                runtime::hash(s("abc")).unwrap(),
                runtime::hash(Value::qstr(Qstr::intern("abc").unwrap())).unwrap()
            );
        });
    }

    #[test]
    fn constructors() {
        with_vm(|| {
            let st = TYPE.as_value();
            let bt = BYTES_TYPE.as_value();
            assert_eq!(r(runtime::call(st, &[], &[])), "''");
            assert_eq!(r(runtime::call(st, &[i(12)], &[])), "'12'");
            assert_eq!(
                r(runtime::call(st, &[b(b"ab\xc3\xa9"), s("utf-8")], &[])),
                "'abé'"
            );
            assert_eq!(
                r(runtime::call(st, &[b(b"\xff"), s("utf-8")], &[])),
                "UnicodeError: "
            );
            assert_eq!(
                r(runtime::call(
                    st,
                    &[b(b"a\xffb"), s("utf-8"), s("replace")],
                    &[]
                )),
                "'a\u{fffd}b'"
            );
            assert_eq!(
                r(runtime::call(
                    st,
                    &[b(b"a\xffb"), s("utf-8"), s("ignore")],
                    &[]
                )),
                "'ab'"
            );
            assert_eq!(
                r(runtime::call(st, &[b(b"a"), s("latin-1")], &[])),
                "LookupError: unknown encoding: latin-1"
            );
            assert_eq!(r(runtime::call(bt, &[i(3)], &[])), "b'\\x00\\x00\\x00'");
            assert_eq!(
                r(runtime::call(bt, &[s("hé"), s("utf8")], &[])),
                "b'h\\xc3\\xa9'"
            );
            assert_eq!(
                r(runtime::call(bt, &[s("hé")], &[])),
                "TypeError: string argument without an encoding"
            );
            let it = runtime::get_iter(b(b"AB")).unwrap();
            assert_eq!(r(runtime::call(bt, &[it], &[])), "b'AB'");
            assert_eq!(r(runtime::call(bt, &[], &[])), "b''");
        });
    }

    #[test]
    fn find_count_index() {
        with_vm(|| {
            let t = s("héllo wörld");
            assert_eq!(r(m(t, "find", &[s("o")])), "4");
            assert_eq!(r(m(t, "rfind", &[s("o")])), "4");
            assert_eq!(r(m(t, "find", &[s("o"), i(5)])), "-1");
            assert_eq!(r(m(t, "find", &[s("l"), i(5)])), "9");
            assert_eq!(r(m(t, "find", &[s("o"), i(-3), i(-1)])), "-1");
            assert_eq!(r(m(t, "find", &[s(""), i(11)])), "11");
            assert_eq!(r(m(t, "find", &[s(""), i(12)])), "-1");
            assert_eq!(
                r(m(t, "index", &[s("z")])),
                "ValueError: substring not found"
            );
            assert_eq!(r(m(t, "rindex", &[s("l")])), "9");
            assert_eq!(
                r(m(t, "find", &[b(b"l")])),
                "TypeError: can't convert 'bytes' object to str implicitly"
            );
            assert_eq!(r(m(s("aaaa"), "count", &[s("aa")])), "2");
            assert_eq!(r(m(s("abc"), "count", &[s("")])), "4");
            assert_eq!(r(m(b(b"abcabc"), "count", &[b(b"bc"), i(2)])), "1");
            assert_eq!(
                r(m(b(b"abc"), "find", &[s("b")])),
                "TypeError: can't convert 'str' object to bytes implicitly"
            );
        });
    }

    #[test]
    fn split_join_strip() {
        with_vm(|| {
            assert_eq!(r(m(s("  a b\t c  "), "split", &[])), "['a', 'b', 'c']");
            assert_eq!(
                r(m(s("  a b\t c  "), "split", &[Value::NONE, i(1)])),
                "['a', 'b\\t c  ']"
            );
            assert_eq!(r(m(s("a,b,,c"), "split", &[s(",")])), "['a', 'b', '', 'c']");
            assert_eq!(
                r(m(s("a,b,,c"), "split", &[s(","), i(2)])),
                "['a', 'b', ',c']"
            );
            assert_eq!(
                r(m(s("a,b"), "split", &[s("")])),
                "ValueError: empty separator"
            );
            assert_eq!(r(m(s("a,b,c"), "rsplit", &[s(","), i(1)])), "['a,b', 'c']");
            assert_eq!(
                r(m(s("  a b  c "), "rsplit", &[Value::NONE, i(1)])),
                "['  a b', 'c']"
            );
            assert_eq!(r(m(b(b"a b"), "split", &[])), "[b'a', b'b']");
            assert_eq!(
                r(m(s("a\nb\r\nc\rd\n"), "splitlines", &[])),
                "['a', 'b', 'c', 'd']"
            );
            assert_eq!(
                r(m(s("a\nb\r\n"), "splitlines", &[Value::TRUE])),
                "['a\\n', 'b\\r\\n']"
            );
            let l = list::new(&[s("x"), s("é"), s("z")]).unwrap();
            assert_eq!(r(m(s("--"), "join", &[l])), "'x--é--z'");
            let l = list::new(&[s("x"), i(1)]).unwrap();
            assert_eq!(
                r(m(s(","), "join", &[l])),
                "TypeError: join expects a list of str/bytes objects consistent with self object"
            );
            assert_eq!(r(m(s(" \t ab \n"), "strip", &[])), "'ab'");
            assert_eq!(r(m(s("xxabyx"), "strip", &[s("xy")])), "'ab'");
            assert_eq!(r(m(s("xxabyx"), "lstrip", &[s("x")])), "'abyx'");
            assert_eq!(r(m(s("éaé"), "rstrip", &[s("é")])), "'éa'");
            assert_eq!(r(m(b(b"  ab "), "strip", &[])), "b'ab'");
        });
    }

    #[test]
    fn misc_methods() {
        with_vm(|| {
            assert_eq!(r(m(s("aXbXc"), "replace", &[s("X"), s("--")])), "'a--b--c'");
            assert_eq!(
                r(m(s("aXbXc"), "replace", &[s("X"), s(""), i(1)])),
                "'abXc'"
            );
            assert_eq!(r(m(s("ab"), "replace", &[s(""), s("-")])), "'-a-b-'");
            assert_eq!(r(m(s("éb"), "replace", &[s(""), s("-"), i(2)])), "'-é-b'");
            assert_eq!(
                r(m(s("a=b=c"), "partition", &[s("=")])),
                "('a', '=', 'b=c')"
            );
            assert_eq!(
                r(m(s("a=b=c"), "rpartition", &[s("=")])),
                "('a=b', '=', 'c')"
            );
            assert_eq!(r(m(s("abc"), "partition", &[s("=")])), "('abc', '', '')");
            assert_eq!(r(m(s("abc"), "rpartition", &[s("=")])), "('', '', 'abc')");
            assert_eq!(
                r(m(s("abc"), "partition", &[s("")])),
                "ValueError: empty separator"
            );
            assert_eq!(r(m(s("ab"), "center", &[i(5)])), "' ab  '");
            assert_eq!(r(center_impl(&[s("abc"), i(6), s("*")])), "'*abc**'");
            assert_eq!(r(m(s("abc"), "center", &[i(2)])), "'abc'");
            assert_eq!(r(m(s("aBé"), "upper", &[])), "'ABÉ'");
            assert_eq!(r(m(s("aBÉ"), "lower", &[])), "'abé'");
            assert_eq!(r(m(s(" \t"), "isspace", &[])), "True");
            assert_eq!(r(m(s(""), "isspace", &[])), "False");
            assert_eq!(r(m(s("ab1"), "isalpha", &[])), "False");
            assert_eq!(r(m(s("123"), "isdigit", &[])), "True");
            assert_eq!(r(m(s("AB1"), "isupper", &[])), "True");
            assert_eq!(r(m(s("ab1"), "islower", &[])), "True");
            assert_eq!(r(m(s("1"), "islower", &[])), "False");
            assert_eq!(r(m(s("abc"), "startswith", &[s("ab")])), "True");
            assert_eq!(r(m(s("abc"), "startswith", &[s("bc"), i(1)])), "True");
            let t = tuple::new(&[s("x"), s("c")]).unwrap();
            assert_eq!(r(m(s("abc"), "endswith", &[t])), "True");
            assert_eq!(r(m(s("abc"), "endswith", &[s("b"), i(0), i(2)])), "True");
            assert_eq!(r(m(s("é"), "encode", &[])), "b'\\xc3\\xa9'");
            assert_eq!(r(m(b(b"\xc3\xa9"), "decode", &[])), "'é'");
            assert_eq!(r(m(b(b"\x01\xab"), "hex", &[])), "'01ab'");
            assert_eq!(r(m(b(b"\x01\xab"), "hex", &[s(":")])), "'01:ab'");
            assert_eq!(
                r(m(BYTES_TYPE.as_value(), "fromhex", &[s("01 ab")])),
                "b'\\x01\\xab'"
            );
            assert_eq!(
                r(m(BYTES_TYPE.as_value(), "fromhex", &[s("0g")])),
                "ValueError: non-hex digit"
            );
        });
    }

    #[test]
    fn no_allocation_paths() {
        with_vm(|| {
            let t = s("hello");
            let e = b(b"");
            let x = b(b"x");
            let (comma, under) = (s(","), s("_"));
            let q = Qstr::intern("replace").unwrap();
            let q2 = Qstr::intern("strip").unwrap();
            crate::state::get().heap.lock_depth += 1;
            let call = |name: Qstr, args: &[Value]| {
                let (f, this) = runtime::load_method(t, name)?;
                runtime::call_method(f, this, args, &[])
            };
            let r1 = call(q, &[comma, under]);
            let r2 = runtime::binary_op(op::ADD, e, x);
            let r3 = call(q2, &[]);
            let r4 = runtime::subscr(t, i(1));
            crate::state::get().heap.lock_depth -= 1;
            assert_eq!(r1, Ok(t));
            assert_eq!(r2, Ok(x));
            assert_eq!(r3, Ok(t));
            // 'e' is already interned by the build, so indexing needs no allocation.
            assert_eq!(r(r4), "'e'");
        });
    }

    #[test]
    fn bytes_int_needles_and_char_cache() {
        with_vm(|| {
            let v = b(b"abcb");
            assert_eq!(r(m(v, "find", &[i(98)])), "1");
            assert_eq!(r(m(v, "rindex", &[i(98)])), "3");
            assert_eq!(r(m(v, "count", &[i(98)])), "2");
            assert_eq!(
                r(m(v, "find", &[i(300)])),
                "ValueError: byte must be in range(0, 256)"
            );
            assert_eq!(
                r(m(v, "partition", &[i(98)])),
                "TypeError: can't convert 'int' object to str implicitly"
            );
            let t = s("añb");
            assert_eq!(runtime::len(t).unwrap(), 3);
            let o: &Str = t.downcast(&TYPE).unwrap();
            assert_eq!(o.chars1, 4);
            assert_eq!(r(runtime::subscr(t, i(1))), "'ñ'");
        });
    }

    #[test]
    fn repr_quotes() {
        with_vm(|| {
            assert_eq!(repr(s("a'b")), "\"a'b\"");
            assert_eq!(repr(s("a'\"b")), "'a\\'\"b'");
            assert_eq!(repr(s("\x01\n\\")), "'\\x01\\n\\\\'");
            assert_eq!(repr(b(b"\xff'")), "b\"\\xff'\"");
        });
    }

    /// Slicing, indexing and the index-taking methods of random mixed-width text agree with
    /// a char-vector model and never panic.
    #[test]
    fn random_unicode_slices() {
        with_vm(|| {
            let pool = ['a', 'b', 'é', '€', '😀', ' ', ','];
            let mut seed: u32 = 777;
            let mut next = || {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 16) as isize
            };
            for _ in 0..600 {
                let n = (next() % 9) as usize;
                let chars: std::vec::Vec<char> =
                    (0..n).map(|_| pool[next() as usize % pool.len()]).collect();
                let text: String = chars.iter().collect();
                let v = s(&text);
                let mut opt = || match next() % 4 {
                    0 => (Value::NONE, None),
                    _ => {
                        let k = next() % 13 - 6;
                        (i(k), Some(k))
                    }
                };
                let (a, ai) = opt();
                let (b, bi) = opt();
                let (c, ci) = opt();
                if ci == Some(0) {
                    continue;
                }
                let got = runtime::subscr(v, slice(a, b, c)).unwrap();
                // Model: Python's slice semantics on the char vector.
                let len = chars.len() as isize;
                let step = ci.unwrap_or(1);
                let adj = |x: Option<isize>, dflt: isize, lo: isize, hi: isize| match x {
                    None => dflt,
                    Some(x) => (if x < 0 { x + len } else { x }).clamp(lo, hi),
                };
                let mut want = String::new();
                if step > 0 {
                    let (mut k, stop) = (adj(ai, 0, 0, len), adj(bi, len, 0, len));
                    while k < stop {
                        want.push(chars[k as usize]);
                        k += step;
                    }
                } else {
                    let (mut k, stop) = (adj(ai, len - 1, -1, len - 1), adj(bi, -1, -1, len - 1));
                    while k > stop {
                        want.push(chars[k as usize]);
                        k += step;
                    }
                }
                assert_eq!(
                    as_str(got),
                    Some(want.as_str()),
                    "{:?}[{:?}:{:?}:{:?}]",
                    text,
                    ai,
                    bi,
                    ci
                );
                if let Some(k) = ai {
                    let r = runtime::subscr(v, i(k));
                    let idx = if k < 0 { k + len } else { k };
                    match chars.get(idx as usize).filter(|_| idx >= 0) {
                        Some(ch) => assert_eq!(as_str(r.unwrap()), Some(ch.to_string().as_str())),
                        None => assert!(r.is_err()),
                    }
                }
                for name in ["find", "rfind", "count", "startswith", "endswith"] {
                    let _ = m(v, name, &[s("€"), a, b]).unwrap();
                }
                let _ = m(v, "split", &[s(","), a]);
                let _ = m(v, "rsplit", &[Value::NONE, a]);
                let _ = m(v, "center", &[a, s("😀")]);
                let _ = m(v, "replace", &[s(""), s("é"), a]);
            }
        });
    }
}
