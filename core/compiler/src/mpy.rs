//! The `.mpy` container (version 6, sub-version 3; reference §1): writing a
//! [`CompiledModule`] out byte-identical to `mpy-cross`, and reading one back.
//!
//! The reader is defensive: any truncated or corrupt input yields an [`MpyError`] and never
//! panics. Only bytecode raw codes are accepted; native code is reported as an arch mismatch.

pub mod float;

use crate::bc;
use crate::emit::{decode_size, decode_uint, encode_uint};
use crate::rawcode::{CodeKind, CompiledModule, Const, RawCode};
use alloc::string::String;
use alloc::vec::Vec;

/// .mpy major version.
pub const MPY_VERSION: u8 = 6;
/// .mpy sub-version (only stored in files that contain native code).
pub const MPY_SUB_VERSION: u8 = 3;

/// The static qstrs a `.mpy` file may refer to by number (id = index + 1), fixed by the format.
pub const STATIC_QSTRS: [&str; 165] = [
    "",
    "__dir__",
    "\n",
    " ",
    "*",
    "/",
    "<module>",
    "_",
    "__call__",
    "__class__",
    "__delitem__",
    "__enter__",
    "__exit__",
    "__getattr__",
    "__getitem__",
    "__hash__",
    "__init__",
    "__int__",
    "__iter__",
    "__len__",
    "__main__",
    "__module__",
    "__name__",
    "__new__",
    "__next__",
    "__qualname__",
    "__repr__",
    "__setitem__",
    "__str__",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "EOFError",
    "Ellipsis",
    "Exception",
    "GeneratorExit",
    "ImportError",
    "IndentationError",
    "IndexError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "NameError",
    "NoneType",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "RuntimeError",
    "StopIteration",
    "SyntaxError",
    "SystemExit",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
    "abs",
    "all",
    "any",
    "append",
    "args",
    "bool",
    "builtins",
    "bytearray",
    "bytecode",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "clear",
    "close",
    "const",
    "copy",
    "count",
    "dict",
    "dir",
    "divmod",
    "end",
    "endswith",
    "eval",
    "exec",
    "extend",
    "find",
    "format",
    "from_bytes",
    "get",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "id",
    "index",
    "insert",
    "int",
    "isalpha",
    "isdigit",
    "isinstance",
    "islower",
    "isspace",
    "issubclass",
    "isupper",
    "items",
    "iter",
    "join",
    "key",
    "keys",
    "len",
    "list",
    "little",
    "locals",
    "lower",
    "lstrip",
    "main",
    "map",
    "micropython",
    "next",
    "object",
    "open",
    "ord",
    "pop",
    "popitem",
    "pow",
    "print",
    "range",
    "read",
    "readinto",
    "readline",
    "remove",
    "replace",
    "repr",
    "reverse",
    "rfind",
    "rindex",
    "round",
    "rsplit",
    "rstrip",
    "self",
    "send",
    "sep",
    "set",
    "setattr",
    "setdefault",
    "sort",
    "sorted",
    "split",
    "start",
    "startswith",
    "staticmethod",
    "step",
    "stop",
    "str",
    "strip",
    "sum",
    "super",
    "throw",
    "to_bytes",
    "tuple",
    "type",
    "update",
    "upper",
    "utf-8",
    "value",
    "values",
    "write",
    "zip",
];

/// [`STATIC_QSTRS`] as one run of length-prefixed strings: what the reader keeps in flash
/// (a table of 165 string slices would cost 1.3 KB of pointers and lengths on its own).
static STATIC_QSTRS_PACKED: [u8; packed_len(&STATIC_QSTRS)] = pack(&STATIC_QSTRS);

/// Where each entry of [`STATIC_QSTRS_PACKED`] starts: `.mpy` files name these all the time,
/// and walking the packed run to the n-th made importing them 11% slower (330 bytes).
static STATIC_QSTR_STARTS: [u16; STATIC_QSTRS.len()] = starts(&STATIC_QSTRS);

const fn starts<const N: usize>(list: &[&str]) -> [u16; N] {
    let mut out = [0u16; N];
    let mut o = 0;
    let mut i = 0;
    while i < N {
        assert!(o <= u16::MAX as usize);
        out[i] = o as u16;
        o += 1 + list[i].len();
        i += 1;
    }
    out
}

/// The text of static qstr `i` (0-based), if there is one.
fn static_qstr(i: usize) -> Option<&'static [u8]> {
    let start = usize::from(*STATIC_QSTR_STARTS.get(i)?);
    crate::strmap::packed_nth(STATIC_QSTRS_PACKED.get(start..)?, 0)
}

/// The text of the static qstr numbered `id` (1..=165) in `.mpy` files: the reader's own
/// copy of the list, for callers without one (an interpreter passes its qstr table's to
/// [`read_with`] instead, so the firmware stores the names once).
pub fn static_qstr_text(id: usize) -> Option<&'static str> {
    core::str::from_utf8(static_qstr(id.wrapping_sub(1))?).ok()
}

const fn packed_len(list: &[&str]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < list.len() {
        n += 1 + list[i].len();
        i += 1;
    }
    n
}

const fn pack<const N: usize>(list: &[&str]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut o = 0;
    let mut i = 0;
    while i < list.len() {
        let b = list[i].as_bytes();
        assert!(b.len() < 256);
        out[o] = b.len() as u8;
        o += 1;
        let mut j = 0;
        while j < b.len() {
            out[o] = b[j];
            o += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Static qstr id (1..=165) of `s`, if it is one.
pub fn static_qstr_id(s: &str) -> Option<usize> {
    STATIC_QSTRS.iter().position(|&q| q == s).map(|i| i + 1)
}

/// Why a `.mpy` file was rejected; `msg` is the text of upstream's `ValueError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MpyError {
    pub msg: &'static str,
}

const BAD_FILE: MpyError = MpyError {
    msg: "incompatible .mpy file",
};
/// Native code for another architecture: the message of upstream's unix port (which runs
/// its own architecture's native code and refuses others with this).
const BAD_ARCH: MpyError = MpyError {
    msg: "incompatible .mpy arch",
};
/// Native code for the architecture upy runs on: upstream's message on a port built without
/// native emitters, which upy is (`sys.implementation._mpy` says arch 0).
const NO_NATIVE: MpyError = MpyError {
    msg: "native code in .mpy unsupported",
};

/// The `.mpy` architecture number of the machine this is built for (0 when none applies).
const HOST_ARCH: u8 = if cfg!(target_arch = "x86_64") {
    2
} else if cfg!(target_arch = "x86") {
    1
} else if cfg!(all(target_arch = "arm", target_feature = "thumb2")) {
    5
} else if cfg!(target_arch = "arm") {
    4
} else if cfg!(target_arch = "riscv32") {
    11
} else if cfg!(target_arch = "riscv64") {
    12
} else {
    0
};

/// Formats a float exactly as MicroPython's `repr` (see [`float::repr`]); `always_decimal`
/// appends `.0` to integral values, as float repr does (complex parts do not).
pub fn format_float(f: f64, always_decimal: bool) -> String {
    float::repr(f, always_decimal)
}

/// A float's repr text as stored in `.mpy` files, read with upstream's parser.
fn parse_float_bytes(b: &[u8]) -> Result<f64, MpyError> {
    core::str::from_utf8(b)
        .ok()
        .and_then(parse_float_text)
        .ok_or(BAD_FILE)
}

fn parse_float_text(s: &str) -> Option<f64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = match body {
        "inf" => f64::INFINITY,
        "nan" => f64::NAN,
        _ if body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-')) =>
        {
            float::parse(body)?
        }
        _ => return None,
    };
    Some(if neg { -v } else { v })
}

fn write_qstr(out: &mut Vec<u8>, s: &str) {
    if let Some(id) = static_qstr_id(s) {
        encode_uint(out, (id as u64) << 1 | 1);
    } else {
        encode_uint(out, (s.len() as u64) << 1);
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }
}

fn write_text_obj(out: &mut Vec<u8>, kind: u8, text: &str) {
    out.push(kind);
    encode_uint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn write_const(out: &mut Vec<u8>, c: &Const) {
    match c {
        Const::None => out.push(1),
        Const::False => out.push(2),
        Const::True => out.push(3),
        Const::Ellipsis => out.push(4),
        Const::Str(s) => {
            out.push(5);
            encode_uint(out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        }
        Const::Bytes(b) => {
            out.push(6);
            encode_uint(out, b.len() as u64);
            out.extend_from_slice(b);
            out.push(0);
        }
        Const::Int(s) => write_text_obj(out, 7, s),
        Const::Float(f) => write_text_obj(out, 8, &format_float(*f, true)),
        Const::Complex(f) => {
            let mut s = format_float(*f, false);
            s.push('j');
            write_text_obj(out, 9, &s);
        }
        Const::Tuple(items) => {
            out.push(10);
            encode_uint(out, items.len() as u64);
            for it in items {
                write_const(out, it);
            }
        }
    }
}

fn write_raw_code(out: &mut Vec<u8>, rc: &RawCode) {
    let has_children = !rc.children.is_empty() as u64;
    encode_uint(
        out,
        (rc.fun_data.len() as u64) << 3 | has_children << 2 | rc.kind as u64,
    );
    out.extend_from_slice(&rc.fun_data);
    if !rc.children.is_empty() {
        encode_uint(out, rc.children.len() as u64);
        for c in rc.children.iter() {
            write_raw_code(out, c);
        }
    }
}

/// Serialises a bytecode module as `mpy-cross` does. `small_int_bits` goes in header byte 3.
pub fn write(m: &CompiledModule, small_int_bits: u8) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&[b'M', MPY_VERSION, 0, small_int_bits]);
    encode_uint(&mut out, m.qstrs.len() as u64);
    encode_uint(&mut out, m.consts.len() as u64);
    for q in m.qstrs.iter() {
        write_qstr(&mut out, q);
    }
    for c in m.consts.iter() {
        write_const(&mut out, c);
    }
    write_raw_code(&mut out, &m.top);
    out
}

/// The text of static qstr `id` (1-based, as `.mpy` files number them), `None` outside the
/// list; see [`static_qstr_text`].
pub type StaticQstrs = fn(usize) -> Option<&'static str>;

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    statics: StaticQstrs,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, MpyError> {
        let b = *self.data.get(self.pos).ok_or(BAD_FILE)?;
        self.pos += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<usize, MpyError> {
        let v = decode_uint(self.data, &mut self.pos).ok_or(BAD_FILE)?;
        usize::try_from(v).map_err(|_| BAD_FILE)
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], MpyError> {
        let end = self.pos.checked_add(n).ok_or(BAD_FILE)?;
        let s = self.data.get(self.pos..end).ok_or(BAD_FILE)?;
        self.pos = end;
        Ok(s)
    }

    /// String data. Upstream strings may hold lone surrogates (encoded as 3-byte sequences
    /// that are not UTF-8); those bytes become U+FFFD, since raw codes keep Rust strings.
    fn text(&mut self, n: usize) -> Result<String, MpyError> {
        let b = self.bytes(n)?;
        Ok(String::from_utf8_lossy(b).into_owned())
    }

    fn qstr(&mut self) -> Result<String, MpyError> {
        let n = self.uint()?;
        if n & 1 != 0 {
            return (self.statics)(n >> 1).map(String::from).ok_or(BAD_FILE);
        }
        let s = self.text(n >> 1)?;
        self.byte()?; // NUL terminator
        Ok(s)
    }

    fn obj(&mut self, depth: usize) -> Result<Const, MpyError> {
        if depth > 32 {
            return Err(BAD_FILE);
        }
        let kind = self.byte()?;
        match kind {
            1 => return Ok(Const::None),
            2 => return Ok(Const::False),
            3 => return Ok(Const::True),
            4 => return Ok(Const::Ellipsis),
            _ => {}
        }
        // Every other kind has a length (or item count) next.
        let n = self.uint()?;
        if kind == 10 {
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(self.obj(depth + 1)?);
            }
            return Ok(Const::Tuple(items));
        }
        let b = self.bytes(n)?;
        Ok(match kind {
            5 => {
                self.byte()?;
                Const::Str(String::from_utf8_lossy(b).into_owned())
            }
            6 => {
                self.byte()?;
                Const::Bytes(b.to_vec())
            }
            7 => {
                let digits = b.strip_prefix(b"-").unwrap_or(b);
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return Err(BAD_FILE);
                }
                Const::Int(String::from_utf8_lossy(b).into_owned())
            }
            8 => Const::Float(parse_float_bytes(b)?),
            9 => Const::Complex(parse_float_bytes(b.strip_suffix(b"j").ok_or(BAD_FILE)?)?),
            _ => return Err(BAD_FILE),
        })
    }

    fn raw_code(&mut self, depth: usize) -> Result<RawCode, MpyError> {
        if depth > 64 {
            return Err(BAD_FILE);
        }
        let kl = self.uint()?;
        // Native code in a file whose header names no architecture: upstream's check on a
        // port without native emitters.
        let kind = match kl & 3 {
            0 => CodeKind::Bytecode,
            _ => return Err(BAD_FILE),
        };
        let has_children = kl & 4 != 0;
        let len = kl >> 3;
        let fun_data = self.bytes(len)?.to_vec();
        // The prelude must at least decode.
        let mut p = 0;
        crate::emit::decode_signature(&fun_data, &mut p).ok_or(BAD_FILE)?;
        decode_size(&fun_data, &mut p).ok_or(BAD_FILE)?;
        let mut children = Vec::new();
        if has_children {
            let n = self.uint()?;
            for _ in 0..n {
                children.push(self.raw_code(depth + 1)?);
            }
        }
        Ok(RawCode {
            kind,
            fun_data,
            children,
        })
    }
}

/// Reads a `.mpy` file for a target whose small ints have `small_int_bits` bits.
pub fn read_for_target(data: &[u8], small_int_bits: u8) -> Result<CompiledModule, MpyError> {
    read_with(data, small_int_bits, static_qstr_text)
}

/// [`read_for_target`] taking static qstr names from `statics`.
pub fn read_with(
    data: &[u8],
    small_int_bits: u8,
    statics: StaticQstrs,
) -> Result<CompiledModule, MpyError> {
    let mut r = Reader {
        data,
        pos: 0,
        statics,
    };
    let h = r.bytes(4)?;
    let (magic, version, feature, bits) = (h[0], h[1], h[2], h[3]);
    let arch = (feature >> 2) & 0x0f;
    if magic != b'M'
        || version != MPY_VERSION
        || (arch != 0 && (feature & 3) != MPY_SUB_VERSION)
        || bits > small_int_bits
    {
        return Err(BAD_FILE);
    }
    // Upstream's order: the architecture first, then arch flags (only meaningful for native
    // code, which upy cannot run).
    if arch != 0 {
        return Err(if arch == HOST_ARCH {
            NO_NATIVE
        } else {
            BAD_ARCH
        });
    }
    if feature & 0x40 != 0 {
        return Err(BAD_FILE);
    }
    let n_qstr = r.uint()?;
    let n_obj = r.uint()?;
    let mut qstrs = Vec::new();
    for _ in 0..n_qstr {
        qstrs.push(r.qstr()?);
    }
    let mut consts = Vec::new();
    for _ in 0..n_obj {
        consts.push(r.obj(0)?);
    }
    let top = r.raw_code(0)?;
    let m = CompiledModule { qstrs, consts, top };
    verify(&m)?;
    Ok(m)
}

/// Checks that every index and jump in a module's bytecode stays inside its tables and
/// code, so a VM can trust a loaded file as much as the compiler's own output: qstr and
/// constant indices, child indices, local slots against `n_state`, jump targets, the
/// prelude's sections and the opcodes themselves. (Upstream trusts `.mpy` files; upy rejects
/// a corrupt one with "incompatible .mpy file" instead of misbehaving.)
pub fn verify(m: &CompiledModule) -> Result<(), MpyError> {
    if m.qstrs.is_empty() {
        return Err(BAD_FILE);
    }
    verify_raw(m, &m.top, 0)
}

fn verify_raw(m: &CompiledModule, rc: &RawCode, depth: usize) -> Result<(), MpyError> {
    if depth > 64 || rc.kind != CodeKind::Bytecode {
        return Err(BAD_FILE);
    }
    let d = &rc.fun_data;
    let mut p = 0;
    let sig = crate::emit::decode_signature(d, &mut p).ok_or(BAD_FILE)?;
    let (n_info, n_cell) = decode_size(d, &mut p).ok_or(BAD_FILE)?;
    let info_end = p.checked_add(n_info).ok_or(BAD_FILE)?;
    let code_start = info_end.checked_add(n_cell).ok_or(BAD_FILE)?;
    if code_start > d.len() || sig.n_pos_args + sig.n_kwonly_args > sig.n_state {
        return Err(BAD_FILE);
    }
    let n_qstr = m.qstrs.len() as u64;
    let info = &d[..info_end];
    let mut ci = p;
    for _ in 0..1 + sig.n_pos_args + sig.n_kwonly_args {
        let q = decode_uint(info, &mut ci).ok_or(BAD_FILE)?;
        if q >= n_qstr {
            return Err(BAD_FILE);
        }
    }
    for &cell in &d[info_end..code_start] {
        if usize::from(cell) >= sig.n_state {
            return Err(BAD_FILE);
        }
    }
    let code = &d[code_start..];
    let n_state = sig.n_state as u64;
    let mut ip = 0;
    while ip < code.len() {
        let op = code[ip];
        ip += 1;
        match bc::operand_format(op) {
            bc::OperandFormat::Qstr => {
                if op > bc::IMPORT_FROM || op == 0x1d {
                    return Err(BAD_FILE);
                }
                if decode_uint(code, &mut ip).ok_or(BAD_FILE)? >= n_qstr {
                    return Err(BAD_FILE);
                }
            }
            bc::OperandFormat::VarUint => {
                let v = if op == bc::LOAD_CONST_SMALL_INT {
                    // Signed form: same byte structure as a vuint.
                    decode_uint(code, &mut ip).ok_or(BAD_FILE)?;
                    0
                } else {
                    decode_uint(code, &mut ip).ok_or(BAD_FILE)?
                };
                let ok = match op {
                    bc::MAKE_CLOSURE
                    | bc::MAKE_CLOSURE_DEFARGS
                    | bc::MAKE_FUNCTION
                    | bc::MAKE_FUNCTION_DEFARGS => v < rc.children.len() as u64,
                    bc::LOAD_CONST_OBJ => v < m.consts.len() as u64,
                    bc::LOAD_FAST_N
                    | bc::LOAD_DEREF
                    | bc::STORE_FAST_N
                    | bc::STORE_DEREF
                    | bc::DELETE_FAST
                    | bc::DELETE_DEREF => v < n_state,
                    bc::LOAD_CONST_SMALL_INT | bc::BUILD_MAP => true,
                    // Counts of stack slots: no more than the frame has.
                    bc::BUILD_TUPLE | bc::BUILD_LIST | bc::BUILD_SET | bc::UNPACK_SEQUENCE => {
                        v <= n_state
                    }
                    // Stack offset of the collection, shifted past the 2-bit kind.
                    bc::STORE_COMP => v >> 2 <= n_state,
                    bc::UNPACK_EX => v < 0x10000 && (v & 0xff) + (v >> 8) < n_state,
                    bc::CALL_FUNCTION
                    | bc::CALL_FUNCTION_VAR_KW
                    | bc::CALL_METHOD
                    | bc::CALL_METHOD_VAR_KW => v < 0x10000,
                    bc::BUILD_SLICE => v == 2 || v == 3,
                    _ => false,
                };
                if !ok {
                    return Err(BAD_FILE);
                }
                if bc::has_extra_byte(op) {
                    code.get(ip).ok_or(BAD_FILE)?;
                    ip += 1;
                }
            }
            bc::OperandFormat::Offset => {
                if !matches!(op, 0x40 | 0x42..=0x4b) {
                    return Err(BAD_FILE);
                }
                let b0 = usize::from(*code.get(ip).ok_or(BAD_FILE)?);
                let (raw, len) = if b0 & 0x80 != 0 {
                    let b1 = usize::from(*code.get(ip + 1).ok_or(BAD_FILE)?);
                    ((b0 & 0x7f) | (b1 << 7), 2)
                } else {
                    (b0, 1)
                };
                ip += len;
                let signed = op <= bc::POP_JUMP_IF_FALSE;
                let delta = if !signed {
                    raw as isize
                } else if len == 1 {
                    raw as isize - 0x40
                } else {
                    raw as isize - 0x4000
                };
                let target = ip as isize + delta;
                if target < 0 || target as usize >= code.len() {
                    return Err(BAD_FILE);
                }
                if bc::has_extra_byte(op) {
                    code.get(ip).ok_or(BAD_FILE)?;
                    ip += 1;
                }
            }
            bc::OperandFormat::None => {
                let ok = matches!(op, 0x50..=0x5f | 0x62..=0x69 | 0x70..=0xd3 | 0xd7..=0xf9);
                let local = match op {
                    0xb0..=0xbf => u64::from(op - 0xb0),
                    0xc0..=0xcf => u64::from(op - 0xc0),
                    _ => 0,
                };
                if !ok || (local > 0 && local >= n_state) {
                    return Err(BAD_FILE);
                }
            }
        }
    }
    for c in rc.children.iter() {
        verify_raw(m, c, depth + 1)?;
    }
    Ok(())
}

/// Reads a `.mpy` file for a 64-bit host (small ints of up to 63 bits).
pub fn read(data: &[u8]) -> Result<CompiledModule, MpyError> {
    read_for_target(data, 63)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn packed_static_qstrs_match_the_list() {
        for (i, q) in STATIC_QSTRS.iter().enumerate() {
            assert_eq!(static_qstr(i), Some(q.as_bytes()));
        }
        assert_eq!(static_qstr(STATIC_QSTRS.len()), None);
        assert_eq!(static_qstr(usize::MAX), None);
        assert_eq!(static_qstr_text(2), Some("__dir__"));
        assert_eq!(static_qstr_text(0), None);
        assert_eq!(static_qstr_text(STATIC_QSTRS.len() + 1), None);
    }

    fn reference_module() -> CompiledModule {
        CompiledModule {
            qstrs: vec![
                "t.py".into(),
                "<module>".into(),
                "f".into(),
                "x".into(),
                "print".into(),
                "a".into(),
                "b".into(),
            ],
            consts: vec![],
            top: RawCode {
                kind: CodeKind::Bytecode,
                fun_data: vec![
                    0x10, 0x06, 0x01, 0x23, 0x48, 0x81, 0x16, 0x03, 0x82, 0x2a, 0x01, 0x53, 0x33,
                    0x00, 0x16, 0x02, 0x11, 0x04, 0x11, 0x02, 0x11, 0x03, 0x34, 0x01, 0x34, 0x01,
                    0x59, 0x51, 0x63,
                ],
                children: vec![RawCode {
                    kind: CodeKind::Bytecode,
                    fun_data: vec![
                        0x9a, 0x01, 0x08, 0x02, 0x05, 0x06, 0x40, 0xb0, 0xb1, 0xf2, 0x63,
                    ],
                    children: vec![],
                }],
            },
        }
    }

    #[test]
    fn writes_reference_dump() {
        let bytes = write(&reference_module(), 31);
        assert_eq!(bytes.len(), 71);
        assert_eq!(&bytes[..6], &[0x4d, 0x06, 0x00, 0x1f, 0x07, 0x00]);
        assert_eq!(&bytes[0x13..0x15], &[0x81, 0x77]);
        assert_eq!(&bytes[0x1b..0x1d], &[0x81, 0x6c]);
        assert_eq!(bytes[0x3b], 0x58);
    }

    #[test]
    fn round_trip() {
        let mut m = reference_module();
        m.consts = vec![
            Const::Str("hello world!".into()),
            Const::Bytes(vec![0, 1, 2]),
            Const::Int("-1073741825".into()),
            Const::Float(1.5),
            Const::Float(-0.0),
            Const::Complex(2.0),
            Const::Ellipsis,
            Const::Tuple(vec![Const::Int("1".into()), Const::None, Const::True]),
        ];
        let bytes = write(&m, 31);
        assert_eq!(read(&bytes), Ok(m));
    }

    #[test]
    fn rejects_bad_headers() {
        let good = write(&reference_module(), 31);
        let mut b = good.clone();
        b[0] = b'X';
        assert_eq!(read(&b), Err(BAD_FILE));
        let mut b = good.clone();
        b[1] = 5;
        assert_eq!(read(&b), Err(BAD_FILE));
        let mut b = good.clone();
        b[2] = 3 | 7 << 2;
        assert_eq!(read(&b), Err(BAD_ARCH));
        if HOST_ARCH != 0 {
            b[2] = 3 | HOST_ARCH << 2;
            assert_eq!(read(&b), Err(NO_NATIVE));
        }
        // Arch without the current sub-version is a bad file; arch flags come second.
        b[2] = 2 << 2;
        assert_eq!(read(&b), Err(BAD_FILE));
        b[2] = 0x40 | 3 | 9 << 2;
        assert_eq!(read(&b), Err(BAD_ARCH));
        b[2] = 0x40 | 3;
        assert_eq!(read(&b), Err(BAD_FILE));
        // Without an architecture the sub-version is not checked.
        let mut b = good.clone();
        b[2] = 1;
        assert!(read(&b).is_ok());
        assert_eq!(read_for_target(&good, 30), Err(BAD_FILE));
    }

    #[test]
    fn verifier_accepts_what_the_compiler_emits() {
        // Operands the verifier bounds: comprehension stack offsets (shifted past their kind
        // bits), unpacking, calls with keywords and star arguments, closures.
        let src = "def f(*a, **k):\n    return a, k\n\
                   x = [[{i: {j for j in range(i)}} for i in range(3)] for _ in (1, 2)]\n\
                   p, *q, r = 1, 2, 3, 4\n\
                   y = f(1, 2, *x, z=3, **{'w': 4})\n\
                   def g(n):\n    return lambda: [n * m for m in (p, r)]\n\
                   print((x, q, y, g(2)()))\n";
        let opts = crate::compile::CompileOptions::default();
        let m = crate::compile::compile(src, "v.py", &opts);
        let m = m.map_err(|e| e.msg);
        assert!(m.is_ok(), "{m:?}");
        let m = m.unwrap_or_else(|_| reference_module());
        assert_eq!(read(&write(&m, 31)).map(|r| r == m), Ok(true));
    }

    #[test]
    fn truncated_and_corrupt_input_never_panics() {
        let good = write(&reference_module(), 31);
        for n in 0..good.len() {
            assert!(read(&good[..n]).is_err());
        }
        // Flip every byte in turn; any result is fine as long as it does not panic.
        for i in 0..good.len() {
            for v in [0x00u8, 0x7f, 0x80, 0xff] {
                let mut b = good.clone();
                b[i] = v;
                let _ = read(&b);
            }
        }
    }

    #[test]
    fn verify_rejects_out_of_range_bytecode() {
        let good = reference_module();
        assert_eq!(verify(&good), Ok(()));
        // Opcodes start after the 5-byte prelude of the top-level code.
        let mut m = good.clone();
        m.top.fun_data[7] = 0x20; // STORE_NAME q32: no such qstr
        assert_eq!(verify(&m), Err(BAD_FILE));
        let mut m = good.clone();
        m.top.fun_data[13] = 0x05; // MAKE_FUNCTION_DEFARGS child 5
        assert_eq!(verify(&m), Err(BAD_FILE));
        let mut m = good.clone();
        m.top.fun_data[5] = 0x0f; // undefined opcode
        assert_eq!(verify(&m), Err(BAD_FILE));
        let mut m = good.clone();
        m.top.fun_data[27] = 0x42; // JUMP +0x42-0x40 past the end
        m.top.fun_data[28] = 0x7f;
        assert_eq!(verify(&m), Err(BAD_FILE));
        let mut m = good;
        m.top.children[0].fun_data[7] = 0xbf; // LOAD_FAST 15 with n_state 4
        assert_eq!(verify(&m), Err(BAD_FILE));
    }

    #[test]
    fn float_repr() {
        assert_eq!(format_float(1.5, true), "1.5");
        assert_eq!(format_float(0.1, true), "0.1");
        assert_eq!(format_float(1e100, true), "1e+100");
        assert_eq!(format_float(1e-7, true), "1e-07");
        assert_eq!(
            format_float(123456789012345678.0, true),
            "1.2345678901234568e+17"
        );
        assert_eq!(format_float(1.0, true), "1.0");
        assert_eq!(format_float(1e16, true), "1e+16");
        assert_eq!(format_float(1e15, true), "1000000000000000.0");
        assert_eq!(format_float(0.0001, true), "0.0001");
        assert_eq!(format_float(0.00001, true), "1e-05");
        assert_eq!(format_float(-0.0, true), "-0.0");
        assert_eq!(format_float(5e-324, true), "4.940656458412465e-324");
        assert_eq!(format_float(123.456e-300, true), "1.23456e-298");
        assert_eq!(format_float(2.0, false), "2");
        assert_eq!(format_float(0.01, true), "0.01");
        assert_eq!(format_float(1e-20, true), "1e-20");
        assert_eq!(format_float(99.9, true), "99.90000000000001");
    }
}
