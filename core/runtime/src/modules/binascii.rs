//! `binascii`: hex and base64 conversions and CRC-32 (extmod/modbinascii.c). Decoding
//! base64 skips characters outside the alphabet and stops at complete padding, as upstream.

use crate::obj::PyResult;
use crate::objs::{int, module::Module, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use crate::vstr::VStr;

const HEX: &[u8; 16] = b"0123456789abcdef";
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `hexlify(data[, sep])`: lower-case hex bytes; `sep`'s first byte (NUL for an empty str,
/// as upstream) goes between bytes.
fn hexlify(args: &[Value]) -> PyResult<Value> {
    let data = pystr::buffer_bytes_raise(args[0])?;
    let sep = match args.get(1) {
        Some(s) => {
            let b = pystr::as_bytes(*s).ok_or_else(|| pystr::bad_implicit_conversion(*s))?;
            Some(b.first().copied().unwrap_or(0))
        }
        None => None,
    };
    let mut out = VStr::with_capacity(data.len() * 3)?;
    for (k, b) in data.iter().enumerate() {
        if k > 0 {
            if let Some(c) = sep {
                out.push_byte(c)?;
            }
        }
        out.push_byte(HEX[(b >> 4) as usize])?;
        out.push_byte(HEX[(b & 15) as usize])?;
    }
    out.into_bytes()
}

fn unhexlify(data: Value) -> PyResult<Value> {
    pystr::bytes_fromhex(pystr::BYTES_TYPE.as_value(), data)
}

fn sextet(c: u8) -> Option<u32> {
    B64.iter().position(|&x| x == c).map(|p| p as u32)
}

fn a2b_base64(data: Value) -> PyResult<Value> {
    let input = pystr::buffer_bytes_raise(data)?;
    let mut out = VStr::with_capacity(input.len() * 3 / 4 + 1)?;
    let mut acc: u32 = 0;
    let mut nbits = 0;
    let mut had_pad = false;
    for &c in input {
        if c == b'=' {
            if nbits == 2 || (nbits == 4 && had_pad) {
                nbits = 0;
                break;
            }
            had_pad = true;
        }
        let Some(s) = sextet(c) else { continue };
        had_pad = false;
        acc = (acc << 6) | s;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push_byte((acc >> nbits) as u8)?;
        }
    }
    if nbits != 0 {
        return Err(raise::value_error("incorrect padding"));
    }
    out.into_bytes()
}

/// `b2a_base64(data, *, newline=True)`.
fn b2a_base64(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if args.len() > 2 {
        return Err(crate::modules::builtins::too_many_args(2, args.len()));
    }
    let mut newline = match args.get(1) {
        Some(v) => crate::runtime::is_true(*v)?,
        None => true,
    };
    crate::modules::builtins::check_kw(kw, &[Q::newline])?;
    if let Some(v) = crate::modules::builtins::kw_get(kw, Q::newline) {
        newline = crate::runtime::is_true(v)?;
    }
    let data = pystr::buffer_bytes_raise(args[0])?;
    let mut out = VStr::with_capacity(data.len().div_ceil(3) * 4 + 1)?;
    for chunk in data.chunks(3) {
        let b0 = chunk[0] as u32;
        let b1 = chunk.get(1).copied().unwrap_or(0) as u32;
        let b2 = chunk.get(2).copied().unwrap_or(0) as u32;
        let n = (b0 << 16) | (b1 << 8) | b2;
        // Four characters, `=` for those past the chunk's end.
        let mut quad = [b'='; 4];
        for (k, q) in quad.iter_mut().enumerate().take(chunk.len() + 1) {
            *q = B64[(n >> (18 - 6 * k)) as usize & 63];
        }
        out.push_bytes(&quad)?;
    }
    if newline {
        out.push_byte(b'\n')?;
    }
    out.into_bytes()
}

/// CRC-32 (the zlib/PNG polynomial, reflected) continuing from `crc`.
pub fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// The low 32 bits of an int (two's complement), as `mp_obj_get_int_truncated`.
pub fn low_u32(v: Value) -> PyResult<u32> {
    if v.is_small_int() || v.is_type(&int::TYPE) {
        return Ok(super::struct_::int_low_bits(v)? as u32);
    }
    Ok(int::get_isize(v)? as u32)
}

fn crc32(args: &[Value]) -> PyResult<Value> {
    let data = pystr::buffer_bytes_raise(args[0])?;
    let start = match args.get(1) {
        Some(v) => low_u32(*v)?,
        None => 0,
    };
    int::from_u64(crc32_update(start, data) as u64)
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::binascii)),
    crate::entry!(a2b_base64, crate::fun!(a2b_base64, F1(a2b_base64))),
    crate::entry!(
        b2a_base64,
        crate::fun!(
            b2a_base64,
            Kw {
                min: 1,
                f: b2a_base64
            }
        )
    ),
    crate::entry!(
        crc32,
        crate::fun!(
            crc32,
            Var {
                min: 1,
                max: 2,
                f: crc32
            }
        )
    ),
    crate::entry!(
        hexlify,
        crate::fun!(
            hexlify,
            Var {
                min: 1,
                max: 2,
                f: hexlify
            }
        )
    ),
    crate::entry!(unhexlify, crate::fun!(unhexlify, F1(unhexlify))),
];

pub static MODULE: Module = Module::new_static(Q::binascii, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{b, r, s};
    use crate::state::testing::with_vm;

    #[test]
    fn hex_and_base64() {
        with_vm(|| {
            assert_eq!(r(hexlify(&[b(b"\x01\xab")])), "b'01ab'");
            assert_eq!(r(hexlify(&[b(b"\x01\xab"), s("-")])), "b'01-ab'");
            assert_eq!(r(hexlify(&[b(b"\x01\xab"), s("")])), "b'01\\x00ab'");
            assert_eq!(r(unhexlify(s("01 02"))), "b'\\x01\\x02'");
            assert_eq!(r(b2a_base64(&[b(b"ab")], &[])), "b'YWI=\\n'");
            assert_eq!(
                r(b2a_base64(
                    &[b(b"abc")],
                    &[Value::qstr(Q::newline), Value::FALSE]
                )),
                "b'YWJj'"
            );
            assert_eq!(r(a2b_base64(b(b"YWJj\n"))), "b'abc'");
            assert_eq!(r(a2b_base64(b(b"Y=Q=="))), "b'a'");
            assert_eq!(r(a2b_base64(b(b"YQ"))), "ValueError: incorrect padding");
        });
    }

    #[test]
    fn crc() {
        assert_eq!(crc32_update(0, b"hello"), 907060870);
        assert_eq!(crc32_update(5, b"hello"), 4277152246);
        assert_eq!(crc32_update(0xffff_ffff, b""), 4294967295);
    }
}
