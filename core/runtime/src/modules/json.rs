//! `json`: `dumps`/`dump` and `loads`/`load` (extmod/modjson.c).
//!
//! Serialising follows MicroPython's JSON print mode: lists and tuples become arrays,
//! dicts (OrderedDict too) objects with non-string keys quoted, str and bytes JSON strings,
//! None/True/False `null`/`true`/`false`, and anything else its repr. `separators=(item,
//! key)` replaces the default `", "` and `": "`.
//!
//! Parsing is upstream's lenient single-pass parser, kept non-recursive with an explicit
//! stack of open containers: commas and colons count as whitespace, brackets need not
//! match in kind, and any other malformed input is `ValueError("syntax error in JSON")`.

use crate::obj::{PrintKind, PyErr, PyResult};
use crate::objs::{dict, exception, float, int, list, module::Module, r#type, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::vstr::VStr;

// --- serialising ---

struct Seps<'a> {
    item: &'a [u8],
    key: &'a [u8],
}

fn write_json_str(out: &mut VStr, s: &[u8]) -> PyResult<()> {
    out.push_byte(b'"')?;
    for &c in s {
        // An escape is built whole, then pushed once.
        let mut esc = [b'\\', c, b'0', b'0', 0, 0];
        let n = match c {
            b'"' | b'\\' => 2,
            b'\n' => {
                esc[1] = b'n';
                2
            }
            b'\r' => {
                esc[1] = b'r';
                2
            }
            b'\t' => {
                esc[1] = b't';
                2
            }
            c if c < 32 => {
                let hex = b"0123456789abcdef";
                esc[1] = b'u';
                esc[4] = hex[(c >> 4) as usize];
                esc[5] = hex[(c & 15) as usize];
                6
            }
            c => {
                out.push_byte(c)?;
                continue;
            }
        };
        out.push_bytes(&esc[..n])?;
    }
    out.push_byte(b'"')
}

fn write_value(out: &mut VStr, v: Value, seps: &Seps) -> PyResult<()> {
    let _g = list::NestGuard::enter()?;
    if v.is_none() {
        return out.push_bytes(b"null");
    }
    if v.is_bool() {
        return out.push_bytes(if v == Value::TRUE { b"true" } else { b"false" });
    }
    if let Some(s) = pystr::as_bytes(v) {
        return write_json_str(out, s);
    }
    if list::get(v).is_some() || v.is_type(&tuple::TYPE) {
        out.push_byte(b'[')?;
        let mut i = 0;
        loop {
            let x = match list::get(v) {
                Some(l) => l.at(i),
                None => tuple::items(v).and_then(|s| s.get(i).copied()),
            };
            let Some(x) = x else { break };
            if i > 0 {
                out.push_bytes(seps.item)?;
            }
            write_value(out, x, seps)?;
            i += 1;
        }
        return out.push_byte(b']');
    }
    if dict::map_of(v).is_some() {
        out.push_byte(b'{')?;
        let mut i = 0;
        let mut first = true;
        while let Some(slot) = dict::map_of(v).and_then(|m| m.slot(i)) {
            i += 1;
            let Some((k, x)) = slot else { continue };
            if !first {
                out.push_bytes(seps.item)?;
            }
            first = false;
            let quote = pystr::as_bytes(k).is_none();
            if quote {
                out.push_byte(b'"')?;
            }
            write_value(out, k, seps)?;
            if quote {
                out.push_byte(b'"')?;
            }
            out.push_bytes(seps.key)?;
            write_value(out, x, seps)?;
        }
        return out.push_byte(b'}');
    }
    // A user subclass of a built-in container prints its native part (unless it has its
    // own __repr__).
    if let Some(native) = r#type::native_of(v) {
        if runtime::lookup_in_type(v.type_of(), Q::__repr__).is_none() {
            return write_value(out, native, seps);
        }
    }
    runtime::print_value(out, v, PrintKind::Repr)
}

fn str_arg(v: Value) -> PyResult<&'static [u8]> {
    pystr::as_bytes(v).ok_or_else(|| pystr::bad_implicit_conversion(v))
}

/// The JSON text of `obj` under the `separators` keyword in `kw`.
fn dump_to_str(obj: Value, kw: &[Value]) -> PyResult<Value> {
    let mut seps = Seps {
        item: b", ",
        key: b": ",
    };
    for pair in kw.chunks_exact(2) {
        if pair[0].as_qstr() != Some(Q::separators) {
            return Err(raise::type_error("extra keyword arguments given"));
        }
        let s = pair[1];
        if s.is_none() {
            continue;
        }
        let items: &[Value] = if let Some(t) = tuple::items(s) {
            t
        } else if let Some(l) = list::get(s) {
            l.items()
        } else {
            return Err(list::not_tuple_or_list(s));
        };
        let [item, key] = items else {
            return Err(raise::value_error("tuple/list has wrong length"));
        };
        seps.item = str_arg(*item)?;
        seps.key = str_arg(*key)?;
    }
    let mut out = VStr::new();
    write_value(&mut out, obj, &seps)?;
    if core::str::from_utf8(out.as_bytes()).is_err() {
        return Err(raise::with_args(&exception::UNICODE_ERROR, &[]));
    }
    out.into_str()
}

fn too_many(n: usize, max: usize) -> PyErr {
    crate::objs::fun::arg_count_error(max, n)
}

fn dumps(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(too_many(args.len(), 1));
    }
    dump_to_str(args[0], kw)
}

fn dump(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if args.len() > 2 {
        return Err(too_many(args.len(), 2));
    }
    // The stream is checked before serialising, as upstream.
    let target = match crate::modules::io::stream_of(args[1]) {
        Ok(t) => Some(t),
        #[cfg(not(feature = "os_unix"))]
        Err(e) => return Err(e),
        #[cfg(feature = "os_unix")]
        Err(_) => None,
    };
    let text = dump_to_str(args[0], kw)?;
    let bytes = pystr::as_bytes(text).unwrap_or(&[]);
    match target {
        Some((obj, s)) => {
            crate::modules::io::write_all(obj, s, bytes)?;
        }
        None => crate::modules::io::write_method_fallback(
            args[1],
            core::str::from_utf8(bytes).unwrap_or(""),
            crate::modules::io::unsupported(),
        )?,
    }
    Ok(Value::NONE)
}

// --- parsing ---

fn syntax_error() -> PyErr {
    raise::value_error("syntax error in JSON")
}

/// A byte cursor where NUL (not allowed in JSON) marks the end, as upstream's stream reader.
struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn cur(&self) -> u8 {
        self.s.get(self.pos).copied().unwrap_or(0)
    }

    fn next(&mut self) -> u8 {
        if self.pos < self.s.len() {
            self.pos += 1;
        }
        self.cur()
    }

    fn at_end(&self) -> bool {
        self.cur() == 0
    }
}

/// Append code point `c` as UTF-8, surrogates included (encoded like any other value).
/// The sequence is built first and pushed once.
fn push_code_point(out: &mut VStr, c: u32) -> PyResult<()> {
    let mut b = [0u8; 4];
    let n = match c {
        0..=0x7f => 1,
        0x80..=0x7ff => 2,
        0x800..=0xffff => 3,
        _ => 4,
    };
    if n == 1 {
        b[0] = c as u8;
    } else {
        // Continuation bytes from the end, then the lead byte with its length marker.
        let mut v = c;
        for k in (1..n).rev() {
            b[k] = 0x80 | (v & 0x3f) as u8;
            v >>= 6;
        }
        b[0] = (0xf00u32 >> n) as u8 | v as u8;
    }
    out.push_bytes(&b[..n])
}

fn parse_string(c: &mut Cursor, buf: &mut VStr) -> PyResult<Value> {
    buf.truncate(0);
    while !c.at_end() && c.cur() != b'"' {
        let mut ch = c.cur();
        if ch == b'\\' {
            ch = c.next();
            match ch {
                b'b' => ch = 0x08,
                b'f' => ch = 0x0c,
                b'n' => ch = 0x0a,
                b'r' => ch = 0x0d,
                b't' => ch = 0x09,
                b'u' => {
                    let mut num: u32 = 0;
                    for _ in 0..4 {
                        // Lenient hex: non-hex characters give some value, as upstream.
                        let mut d = (c.next() | 0x20).wrapping_sub(b'0');
                        if d > 9 {
                            d = d.wrapping_sub(b'a' - (b'9' + 1));
                        }
                        num = (num << 4) | d as u32;
                    }
                    push_code_point(buf, num)?;
                    c.next();
                    continue;
                }
                _ => {}
            }
        }
        buf.push_byte(ch)?;
        c.next();
    }
    if c.at_end() {
        return Err(syntax_error());
    }
    c.next();
    match core::str::from_utf8(buf.as_bytes()) {
        Ok(s) => pystr::new(s),
        Err(_) => Err(raise::with_args(&exception::UNICODE_ERROR, &[])),
    }
}

fn parse_number(first: u8, c: &mut Cursor, buf: &mut VStr) -> PyResult<Value> {
    buf.truncate(0);
    let mut is_float = false;
    let mut ch = first;
    loop {
        buf.push_byte(ch)?;
        ch = c.cur();
        if ch == b'.' || ch == b'e' || ch == b'E' {
            is_float = true;
        } else if !(ch == b'+' || ch == b'-' || ch.is_ascii_digit()) {
            break;
        }
        c.next();
    }
    if is_float {
        float::parse_decimal(buf.as_bytes(), false, false)
    } else {
        int::parse(buf.as_bytes(), 10)
    }
}

/// Match the rest of a keyword (`null`, `true`, `false`) after its first letter.
fn keyword(c: &mut Cursor, rest: &[u8]) -> PyResult<()> {
    let mut ch = c.cur();
    for (k, &want) in rest.iter().enumerate() {
        if k > 0 {
            ch = c.next();
        }
        if ch != want {
            return Err(syntax_error());
        }
    }
    c.next();
    Ok(())
}

fn parse(text: &[u8]) -> PyResult<Value> {
    let mut c = Cursor { s: text, pos: 0 };
    let mut buf = VStr::new();
    // Open containers below the innermost one, which is `top`.
    let stack = list::new(&[])?;
    let mut top = Value::NULL;
    let mut key = Value::NULL;
    loop {
        if c.at_end() {
            return Err(syntax_error());
        }
        let ch = c.cur();
        c.next();
        let mut enter = false;
        let next = match ch {
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'n' => {
                keyword(&mut c, b"ull")?;
                Value::NONE
            }
            b'f' => {
                keyword(&mut c, b"alse")?;
                Value::FALSE
            }
            b't' => {
                keyword(&mut c, b"rue")?;
                Value::TRUE
            }
            b'"' => parse_string(&mut c, &mut buf)?,
            b'-' | b'0'..=b'9' => parse_number(ch, &mut c, &mut buf)?,
            b'[' => {
                enter = true;
                list::new(&[])?
            }
            b'{' => {
                enter = true;
                dict::new()?
            }
            b']' | b'}' => {
                if top.is_null() {
                    return Err(syntax_error());
                }
                let Some(l) = list::get(stack) else {
                    return Err(syntax_error());
                };
                if l.len == 0 {
                    break;
                }
                top = l.at(l.len - 1).unwrap_or(Value::NONE);
                if let Some(slot) = l.items().last_mut() {
                    *slot = Value::NULL;
                }
                l.len -= 1;
                continue;
            }
            _ => return Err(syntax_error()),
        };
        if top.is_null() {
            top = next;
            if !enter {
                break;
            }
            continue;
        }
        if list::get(top).is_some() {
            list::append(top, next)?;
        } else if key.is_null() {
            key = next;
            if enter {
                return Err(syntax_error());
            }
        } else {
            dict::store(top, key, next)?;
            key = Value::NULL;
        }
        if enter {
            list::append(stack, top)?;
            top = next;
        }
    }
    while matches!(c.cur(), b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        c.next();
    }
    let depth = list::get(stack).map(|l| l.len).unwrap_or(0);
    if !c.at_end() || top.is_null() || depth != 0 {
        return Err(syntax_error());
    }
    Ok(top)
}

fn loads(obj: Value) -> PyResult<Value> {
    parse(pystr::buffer_bytes_raise(obj)?)
}

fn load(stream: Value) -> PyResult<Value> {
    // A built-in stream, or a Python class derived from io.IOBase (its readinto).
    if let Ok((stream, s)) = crate::modules::io::stream_of(stream) {
        let mut data = VStr::new();
        let mut chunk = [0u8; 256];
        // A Python stream is read a byte at a time, as upstream, so a readinto that
        // claims more than it was given fails (EIO) instead of reading forever.
        let want = if core::ptr::eq(s, &crate::modules::io::IOBASE_STREAM) {
            1
        } else {
            chunk.len()
        };
        loop {
            let n = (s.read)(stream, chunk.get_mut(..want).unwrap_or(&mut []))?;
            if n == 0 {
                break;
            }
            data.push_bytes(chunk.get(..n).unwrap_or(&[]))?;
        }
        return parse(data.as_bytes());
    }
    if !stream.is_obj() {
        return Err(crate::modules::io::unsupported());
    }
    let Some(read) = runtime::load_attr_opt(stream, Q::read)? else {
        return Err(crate::modules::io::unsupported());
    };
    let text = runtime::call0(read)?;
    loads(text)
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::json)),
    crate::entry!(dump, crate::fun!(dump, Kw { min: 2, f: dump })),
    crate::entry!(dumps, crate::fun!(dumps, Kw { min: 1, f: dumps })),
    crate::entry!(load, crate::fun!(load, F1(load))),
    crate::entry!(loads, crate::fun!(loads, F1(loads))),
];

pub static MODULE: Module = Module::new_static(Q::json, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{b, i, r, s};
    use crate::state::testing::with_vm;

    #[test]
    fn dumps_values() {
        with_vm(|| {
            let d = dict::new().unwrap();
            dict::store(
                d,
                s("a"),
                tuple::new(&[i(2), list::new(&[Value::NONE]).unwrap()]).unwrap(),
            )
            .unwrap();
            dict::store(d, i(1), Value::TRUE).unwrap();
            assert_eq!(r(dumps(&[d], &[])), "'{\"a\": [2, [null]], \"1\": true}'");
            let seps = tuple::new(&[s(","), s(":")]).unwrap();
            assert_eq!(
                r(dumps(&[d], &[Value::qstr(Q::separators), seps])),
                "'{\"a\":[2,[null]],\"1\":true}'"
            );
            assert_eq!(
                r(dumps(&[s("a\"\n\x01")], &[])),
                "'\"a\\\\\"\\\\n\\\\u0001\"'"
            );
            assert_eq!(r(dumps(&[b(b"1234")], &[])), "'\"1234\"'");
            assert_eq!(r(dumps(&[float::new(1.5).unwrap()], &[])), "'1.5'");
            let bad = tuple::new(&[s(",")]).unwrap();
            assert_eq!(
                r(dumps(&[d], &[Value::qstr(Q::separators), bad])),
                "ValueError: tuple/list has wrong length"
            );
        });
    }

    #[test]
    fn loads_values() {
        with_vm(|| {
            assert_eq!(
                r(loads(s("[1, 2.5, \"x\", null, true, false]"))),
                "[1, 2.5, 'x', None, True, False]"
            );
            assert_eq!(r(loads(s(" {\"a\": {\"b\": [1]}} "))), "{'a': {'b': [1]}}");
            assert_eq!(r(loads(s("\"\\u00e9\\n\\\"\""))), "'é\\n\"'");
            assert_eq!(r(loads(b(b"-12"))), "-12");
            assert_eq!(r(loads(s("[1,]]"))), "ValueError: syntax error in JSON");
            for bad in ["", "[", "nul", "{[]: 1}", "1 2", "]", "\"abc", "@"] {
                assert_eq!(
                    r(loads(s(bad))),
                    "ValueError: syntax error in JSON",
                    "{bad}"
                );
            }
            // Lenient like upstream: commas and colons are whitespace.
            assert_eq!(r(loads(s("[1 2 3]"))), "[1, 2, 3]");
            assert_eq!(r(loads(s("{\"a\" 1}"))), "{'a': 1}");
        });
    }

    #[test]
    fn deep_nesting_is_not_recursive() {
        with_vm(|| {
            let mut text = alloc::vec::Vec::new();
            text.resize(5000, b'[');
            text.resize(10000, b']');
            let v = loads(crate::objs::str::new_bytes(&text).unwrap()).unwrap();
            assert!(list::get(v).is_some());
            assert_eq!(
                r(dumps(&[v], &[])),
                "RuntimeError: maximum recursion depth exceeded"
            );
        });
    }
}
