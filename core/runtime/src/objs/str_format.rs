//! Text formatting: `str % args` / `bytes % args` (printf style), `str.format` and the
//! format-spec mini-language behind it and the `format()` builtin. Mirrors the formatting
//! half of MicroPython's py/objstr.c and the padding rules of py/mpprint.c, with CPython's
//! output where upstream is just less complete (attribute/index fields, grouping in zero
//! padding). Error texts are upstream's.

use crate::obj::{PrintKind, PyErr, PyResult};
use crate::objs::float::{m, Real};
use crate::objs::{dict, str as pystr, tuple};
use crate::qstr::Qstr;
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::vstr::VStr;

/// Number support the formatter (and memoryview) needs from the int and float types.
pub mod shim {
    use crate::obj::PyResult;
    use crate::objs::{float, int};
    use crate::value::Value;
    use crate::vstr::VStr;

    pub fn float_value(v: Value) -> Option<float::Real> {
        float::value(v)
    }

    pub fn is_int(v: Value) -> bool {
        int::is_int(v)
    }

    pub fn get_f64(v: Value) -> PyResult<float::Real> {
        float::get_f64(v)
    }

    pub fn float_of(v: Value) -> PyResult<f64> {
        float::get_f64(v).map(float::widen)
    }

    pub fn new_float(x: f64) -> PyResult<Value> {
        float::new(float::narrow(x))
    }

    pub fn int_from_i64(n: i64) -> PyResult<Value> {
        int::from_i64(n)
    }

    pub fn int_from_u64(n: u64) -> PyResult<Value> {
        int::from_u64(n)
    }

    pub fn int_from_f64(x: float::Real) -> PyResult<Value> {
        int::from_f64(float::widen(x))
    }

    /// Digits of int `v` in `base`, with a leading `-` when negative.
    pub fn write_radix(out: &mut VStr, v: Value, base: u32, upper: bool) -> PyResult<()> {
        int::write_radix(out, v, base, upper)
    }

    const MAX_FLOAT_PRECISION: usize = 4096;

    pub fn format_float(
        out: &mut VStr,
        x: float::Real,
        fmt: char,
        precision: Option<usize>,
        alt_form: bool,
        signed: bool,
    ) -> PyResult<()> {
        // Precision beyond what any double can show is clamped: it only adds zeros, and
        // the float formatter relies on core::fmt, whose precision is limited to u16.
        float::format_float(
            out,
            x,
            fmt,
            precision.map(|p| p.min(MAX_FLOAT_PRECISION)),
            alt_form,
            signed,
        )
    }
}

// --- the format spec ---

/// `[[fill]align][sign][#][0][width][grouping][.precision][type]`
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spec {
    pub fill: Option<char>,
    pub align: Option<char>,
    pub sign: Option<char>,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub ty: Option<char>,
}

fn is_align(c: u8) -> bool {
    matches!(c, b'<' | b'>' | b'=' | b'^')
}

fn parse_num(b: &[u8], i: &mut usize) -> Option<usize> {
    let start = *i;
    let mut n: usize = 0;
    while let Some(d) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((d - b'0') as usize);
        *i += 1;
    }
    if *i > start {
        Some(n)
    } else {
        None
    }
}

/// Parse a format spec. Only the fill character may be non-ASCII, so after it the spec is
/// read byte by byte without allocating.
pub fn parse_spec(s: &str) -> PyResult<Spec> {
    let mut sp = Spec::default();
    let b = s.as_bytes();
    // A fill character is followed by an (ASCII) alignment.
    let fill = s.chars().next();
    let after_fill = fill.map_or(0, char::len_utf8);
    let mut start = 0;
    for (at, f) in [(after_fill, fill), (0, None)] {
        if let Some(&a) = b.get(at).filter(|&&a| is_align(a)) {
            sp.fill = f;
            sp.align = Some(a as char);
            start = at + 1;
            break;
        }
    }
    let rest = b.get(start..).unwrap_or(&[]);
    let mut i = 0;
    if let Some(&c) = rest.get(i).filter(|c| matches!(c, b'+' | b'-' | b' ')) {
        sp.sign = Some(c as char);
        i += 1;
    }
    if rest.get(i) == Some(&b'#') {
        sp.alt = true;
        i += 1;
    }
    if rest.get(i) == Some(&b'0') {
        sp.zero = true;
        i += 1;
    }
    sp.width = parse_num(rest, &mut i).unwrap_or(0);
    if let Some(&c) = rest.get(i).filter(|c| matches!(c, b',' | b'_')) {
        sp.grouping = Some(c as char);
        i += 1;
    }
    if rest.get(i) == Some(&b'.') {
        i += 1;
        let p = parse_num(rest, &mut i);
        sp.precision = Some(p.ok_or_else(|| raise::value_error("invalid format specifier"))?);
    }
    if let Some(&c) = rest.get(i).filter(|c| b"bcdeEfFgGnosxX%".contains(c)) {
        sp.ty = Some(c as char);
        i += 1;
    }
    if i != rest.len() {
        return Err(raise::value_error("invalid format specifier"));
    }
    Ok(sp)
}

// --- padding ---

/// Write `prefix` (sign and base prefix) and `body` padded to `width` characters.
/// Alignment `=` puts the padding between prefix and body.
fn pad(
    out: &mut VStr,
    prefix: &[u8],
    body: &[u8],
    fill: char,
    align: char,
    width: usize,
) -> PyResult<()> {
    // The prefix is a sign and a base prefix: ASCII.
    let n = prefix.len() + pystr::char_count(body);
    let padn = width.saturating_sub(n);
    let mut fb = [0u8; 4];
    let f = fill.encode_utf8(&mut fb).as_bytes();
    let (left, right) = match align {
        '<' => (0, padn),
        '^' => (padn / 2, padn - padn / 2),
        _ => (padn, 0),
    };
    if align == '=' {
        out.push_bytes(prefix)?;
        for _ in 0..padn {
            out.push_bytes(f)?;
        }
        return out.push_bytes(body);
    }
    for _ in 0..left {
        out.push_bytes(f)?;
    }
    out.push_bytes(prefix)?;
    out.push_bytes(body)?;
    for _ in 0..right {
        out.push_bytes(f)?;
    }
    Ok(())
}

/// Insert `sep` every `every` digits counting from the right of `digits`.
fn group_digits(digits: &[u8], sep: u8, every: usize) -> PyResult<VStr> {
    let mut out = VStr::with_capacity(digits.len() + digits.len() / every.max(1))?;
    for (i, &d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(every) {
            out.push_byte(sep)?;
        }
        out.push_byte(d)?;
    }
    Ok(out)
}

/// Zero padding with grouping separators inside it, as CPython does for `{:08,}`: grow the
/// zero-extended digit string until it fills the width.
fn zero_group(digits: &[u8], sep: u8, every: usize, width: usize) -> PyResult<VStr> {
    // Smallest n with n + (n - 1) / every >= width, starting just below the estimate so
    // the loop runs at most a couple of times even for huge widths.
    let mut n = digits
        .len()
        .max((width - width / (every + 1)).saturating_sub(2));
    while n + (n.max(1) - 1) / every < width {
        n += 1;
    }
    let mut padded = VStr::with_capacity(n)?;
    for _ in digits.len()..n {
        padded.push_byte(b'0')?;
    }
    padded.push_bytes(digits)?;
    group_digits(padded.as_bytes(), sep, every)
}

fn sign_str(neg: bool, sign: Option<char>) -> &'static str {
    match (neg, sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

/// Lay out a number: `digits` is the magnitude (may contain '.', 'e'), grouping applies to
/// the leading integer digits only.
fn emit_number(
    out: &mut VStr,
    neg: bool,
    prefix: &str,
    digits: &[u8],
    sp: &Spec,
    every: usize,
) -> PyResult<()> {
    // Sign and base prefix: at most three ASCII bytes.
    let mut hb = [0u8; 4];
    let mut hl = 0;
    for (d, &c) in hb.iter_mut().zip(
        sign_str(neg, sp.sign)
            .as_bytes()
            .iter()
            .chain(prefix.as_bytes()),
    ) {
        *d = c;
        hl += 1;
    }
    let head = hb.get(..hl).unwrap_or(&[]);
    let (fill, align) = numeric_fill_align(sp);
    // Grouping applies to the leading integer digits (all of them for non-decimal ints).
    let int_len = if every == 3 {
        digits
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(digits.len())
    } else {
        digits.len()
    };
    match sp.grouping {
        Some(g) => {
            let (ip, rest) = digits.split_at(int_len.min(digits.len()));
            let mut body = if fill == '0' && align == '=' {
                let avail = sp.width.saturating_sub(head.len() + rest.len());
                zero_group(ip, g as u8, every, avail)?
            } else {
                group_digits(ip, g as u8, every)?
            };
            body.push_bytes(rest)?;
            pad(out, head, body.as_bytes(), fill, align, sp.width)
        }
        None => pad(out, head, digits, fill, align, sp.width),
    }
}

/// Fill and alignment for a number: `0` means zero padding after the sign unless an explicit
/// alignment is given.
fn numeric_fill_align(sp: &Spec) -> (char, char) {
    match (sp.fill, sp.align, sp.zero) {
        (f, Some(a), _) => (f.unwrap_or(if sp.zero { '0' } else { ' ' }), a),
        (_, None, true) => ('0', '='),
        _ => (' ', '>'),
    }
}

// --- per-type formatting ---

#[cold]
fn unknown_code(c: char, v: Value) -> PyErr {
    raise::value_error_fmt(format_args!(
        "unknown format code '{}' for object of type '{}'",
        c,
        v.type_of().name.as_str()
    ))
}

/// Write int `v` as its code point, padded (the `c` presentation type).
fn format_char(out: &mut VStr, v: Value, sp: &Spec) -> PyResult<()> {
    let mut c = VStr::new();
    percent_char(&mut c, v, false)?;
    let (fill, align) = match (sp.fill, sp.align) {
        (f, Some(a)) => (f.unwrap_or(' '), a),
        _ => (' ', '>'),
    };
    let align = if align == '=' { '>' } else { align };
    pad(out, b"", c.as_bytes(), fill, align, sp.width)
}

#[inline(never)]
fn format_int(out: &mut VStr, v: Value, sp: &Spec) -> PyResult<()> {
    let ty = sp.ty.unwrap_or('d');
    let (base, upper, prefix) = match ty {
        'd' | 'n' => (10, false, ""),
        'b' => (2, false, "0b"),
        'o' => (8, false, "0o"),
        'x' => (16, false, "0x"),
        'X' => (16, true, "0X"),
        'c' => {
            if sp.sign.is_some() {
                return Err(raise::value_error(
                    "sign not allowed with integer format specifier 'c'",
                ));
            }
            return format_char(out, v, sp);
        }
        _ => return Err(unknown_code(ty, v)),
    };
    let (neg, digits) = int_digits(v, base, upper, 0)?;
    let prefix = if sp.alt { prefix } else { "" };
    let every = if base == 10 { 3 } else { 4 };
    emit_number(out, neg, prefix, digits.as_bytes(), sp, every)
}

/// The digits of int `v` in `base` without its sign, zero-extended to at least `min`
/// digits, and whether it is negative.
fn int_digits(v: Value, base: u32, upper: bool, min: usize) -> PyResult<(bool, VStr)> {
    let mut d = VStr::new();
    shim::write_radix(&mut d, v, base, upper)?;
    let neg = d.as_bytes().first() == Some(&b'-');
    let mag = d.as_bytes().get(neg as usize..).unwrap_or(&[]);
    if !neg && mag.len() >= min {
        return Ok((false, d));
    }
    let mut body = VStr::with_capacity(min.max(mag.len()))?;
    for _ in mag.len()..min {
        body.push_byte(b'0')?;
    }
    body.push_bytes(mag)?;
    Ok((neg, body))
}

/// Upstream formats floats into a 33-byte buffer (one byte less with a sign) and switches
/// `f` to `g` with one more digit when the integer digits and the decimals would not fit, so
/// `'%.2f' % 8.888e32` is `8.89e+32` there; do the same. The single-precision formatter
/// makes that switch itself, with upstream's decimal exponent (which a rounded log10
/// overestimates just below powers of ten).
#[cfg(feature = "float32")]
fn fixed_or_general(t: char, _a: Real, prec: usize, _signed: bool) -> (char, usize) {
    (t, prec)
}

#[cfg(not(feature = "float32"))]
fn fixed_or_general(t: char, a: Real, prec: usize, signed: bool) -> (char, usize) {
    let buf = if signed { 32 } else { 33 };
    if a.is_finite() && a >= 10.0 {
        let e = m::floor(m::log10(a)) as usize;
        if e + prec + 2 > buf {
            return (if t == 'F' { 'G' } else { 'g' }, prec + 1);
        }
    }
    (t, prec)
}

/// Formats a float. `#` is honoured as CPython does (upstream ignores it; no test relies on that).
fn format_float(out: &mut VStr, x: Real, sp: &Spec) -> PyResult<()> {
    let mut body = VStr::new();
    let neg = x.is_sign_negative() && !x.is_nan();
    let a = if x.is_nan() { x } else { x.abs() };
    let signed = neg || sp.sign.is_some();
    let prec = sp.precision.unwrap_or(6);
    let (t, x, p) = match sp.ty {
        // Upstream formats a float with a spec but no type as 'g' (CPython would use repr
        // or 'g' with a forced '.0'): `'{:10}'.format(0.1 + 0.2)` is `'       0.3'` there.
        None | Some('n') => ('g', a, prec),
        Some('%') => {
            let (t, p) = fixed_or_general('f', a * 100.0, prec, signed);
            (t, a * 100.0, p)
        }
        Some(t @ ('f' | 'F')) => {
            let (t, p) = fixed_or_general(t, a, prec, signed);
            (t, a, p)
        }
        Some(t) => (t, a, prec),
    };
    shim::format_float(&mut body, x, t, Some(p), sp.alt, signed)?;
    if sp.ty == Some('%') {
        body.push_byte(b'%')?;
    }
    emit_number(out, neg, "", body.as_bytes(), sp, 3)
}

fn format_text(out: &mut VStr, v: Value, s: &str, sp: &Spec) -> PyResult<()> {
    if let Some(t) = sp.ty {
        if t != 's' {
            return Err(unknown_code(t, v));
        }
    }
    // Upstream only rejects a sign when the type is given explicitly.
    if sp.sign.is_some() && sp.ty == Some('s') {
        return Err(raise::value_error(
            "sign not allowed in string format specifier",
        ));
    }
    if sp.align == Some('=') {
        return Err(raise::value_error(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let s = s.as_bytes();
    let s = match sp.precision {
        Some(p) => s.get(..char_boundary(s, p)).unwrap_or(s),
        None => s,
    };
    let fill = sp.fill.unwrap_or(if sp.zero { '0' } else { ' ' });
    pad(out, b"", s, fill, sp.align.unwrap_or('<'), sp.width)
}

/// Format `v` according to an already parsed spec.
pub fn format_with_spec(out: &mut VStr, v: Value, sp: &Spec) -> PyResult<()> {
    if shim::is_int(v) {
        return match sp.ty {
            Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => {
                format_float(out, shim::get_f64(v)?, sp)
            }
            _ => format_int(out, v, sp),
        };
    }
    if let Some(x) = shim::float_value(v) {
        return match sp.ty {
            None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' | 'n') => format_float(out, x, sp),
            Some(t) => Err(unknown_code(t, v)),
        };
    }
    // str, or the str inside an instance of a str subclass.
    let text =
        pystr::as_str(v).or_else(|| crate::objs::r#type::native_of(v).and_then(pystr::as_str));
    if let Some(s) = text {
        return format_text(out, v, s, sp);
    }
    Err(pystr::bad_implicit_conversion(v))
}

/// `format(value, spec)`: an empty spec is `str(value)`.
pub fn format_value(out: &mut VStr, v: Value, spec: &str) -> PyResult<()> {
    if spec.is_empty() {
        return runtime::print_value(out, v, PrintKind::Str);
    }
    format_with_spec(out, v, &parse_spec(spec)?)
}

fn builtin_format(args: &[Value]) -> PyResult<Value> {
    let spec = match args.get(1) {
        Some(v) => pystr::as_str(*v).ok_or_else(|| pystr::bad_implicit_conversion(*v))?,
        None => "",
    };
    let mut out = VStr::new();
    format_value(&mut out, args[0], spec)?;
    out.into_str()
}

/// The `format(value[, spec])` builtin.
pub const FORMAT_FUN: Value = crate::fun!(
    format,
    Var {
        min: 1,
        max: 2,
        f: builtin_format
    }
);

// --- str.format ---

/// Upstream looks keys up as interned names, which are limited to 255 bytes.
fn check_name_len(n: usize) -> PyResult<()> {
    if n > 255 {
        return Err(raise::runtime_error("name too long"));
    }
    Ok(())
}

/// Nesting limit for `{:{}}`-style specs built from replacement fields.
const MAX_SPEC_NESTING: usize = 2;

struct FormatArgs<'a> {
    pos: &'a [Value],
    kw: &'a [Value],
    /// Next automatic field number, or -1 once manual numbering is used.
    next: isize,
}

impl FormatArgs<'_> {
    fn keyword(&self, name: &str) -> PyResult<Value> {
        check_name_len(name.len())?;
        for pair in self.kw.chunks_exact(2) {
            if pystr::as_str(pair[0]) == Some(name) {
                return Ok(pair[1]);
            }
        }
        let key = pystr::new(name)?;
        Err(raise::key_error(key))
    }

    fn positional(&self, i: usize) -> PyResult<Value> {
        self.pos
            .get(i)
            .copied()
            .ok_or_else(|| raise::index_error("tuple index out of range"))
    }
}

/// The value of a run of decimal digits (none other, at least one), if it fits.
fn parse_digits(s: &str) -> Option<usize> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0usize, |n, b| {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(usize::from(d))
    })
}

/// End of a field name's first part: its first `.` or `[`.
fn part_end(s: &str) -> usize {
    s.bytes()
        .position(|b| b == b'.' || b == b'[')
        .unwrap_or(s.len())
}

/// Resolve a field name (`0`, `name`, `0.attr`, `a[1]`, `` for automatic numbering).
#[inline(never)]
fn resolve_field(name: &str, fa: &mut FormatArgs) -> PyResult<Value> {
    let end = part_end(name);
    let (first, mut rest) = name.split_at(end);
    let mut v = if first.is_empty() {
        if fa.next < 0 {
            return Err(raise::value_error(
                "can't switch from manual field specification to automatic field numbering",
            ));
        }
        let i = fa.next as usize;
        fa.next += 1;
        fa.positional(i)?
    } else if first.as_bytes()[0].is_ascii_digit() {
        if fa.next > 0 {
            return Err(raise::value_error(
                "can't switch from automatic field numbering to manual field specification",
            ));
        }
        fa.next = -1;
        let i = parse_digits(first).ok_or_else(|| raise::value_error("bad format string"))?;
        fa.positional(i)?
    } else {
        fa.keyword(first)?
    };
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let e = part_end(r);
            let attr = &r[..e];
            if attr.is_empty() {
                return Err(raise::value_error("Empty attribute in format string"));
            }
            let q = Qstr::intern(attr).ok_or_else(crate::mem::oom)?;
            v = runtime::load_attr(v, q)?;
            rest = &r[e..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let e = r
                .bytes()
                .position(|c| c == b']')
                .ok_or_else(|| raise::value_error("Missing ']' in format string"))?;
            let key = &r[..e];
            let n = parse_digits(key).and_then(|n| isize::try_from(n).ok());
            let k = match n {
                Some(n) if Value::fits_small_int(n) => Value::small_int(n),
                _ => pystr::new(key)?,
            };
            v = runtime::subscr(v, k)?;
            rest = &r[e + 1..];
        } else {
            return Err(raise::value_error(
                "Only '.' or '[' may follow ']' in format field specifier",
            ));
        }
    }
    Ok(v)
}

/// Expand `{...}` fields of `fmt` into `out`.
fn expand(out: &mut VStr, fmt: &str, fa: &mut FormatArgs, depth: usize) -> PyResult<()> {
    let b = fmt.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'}' {
            if b.get(i + 1) == Some(&b'}') {
                out.push_byte(b'}')?;
                i += 2;
                continue;
            }
            return Err(raise::value_error(
                "single '}' encountered in format string",
            ));
        }
        if c != b'{' {
            // Copy a run of literal text.
            let start = i;
            while i < b.len() && b[i] != b'{' && b[i] != b'}' {
                i += 1;
            }
            out.push_bytes(&b[start..i])?;
            continue;
        }
        if b.get(i + 1) == Some(&b'{') {
            out.push_byte(b'{')?;
            i += 2;
            continue;
        }
        i += 1;
        // field_name
        let name_start = i;
        let mut bracket = false;
        while i < b.len() {
            match b[i] {
                b'[' => bracket = true,
                b']' => bracket = false,
                b'}' | b'!' | b':' if !bracket => break,
                _ => {}
            }
            i += 1;
        }
        let name = &fmt[name_start..i];
        let mut conversion = None;
        if i < b.len() && b[i] == b'!' {
            i += 1;
            match b.get(i) {
                Some(&c @ (b'r' | b's')) => {
                    conversion = Some(c);
                    i += 1;
                }
                Some(&c) => {
                    let c = fmt[i..].chars().next().unwrap_or(c as char);
                    return Err(raise::value_error_fmt(format_args!(
                        "unknown conversion specifier {}",
                        c
                    )));
                }
                None => {
                    return Err(raise::value_error(
                        "end of format while looking for conversion specifier",
                    ))
                }
            }
        }
        let mut spec_range = None;
        if i < b.len() && b[i] == b':' {
            i += 1;
            let st = i;
            let mut nest = 1;
            while i < b.len() {
                if b[i] == b'{' {
                    nest += 1;
                } else if b[i] == b'}' {
                    nest -= 1;
                    if nest == 0 {
                        break;
                    }
                }
                i += 1;
            }
            spec_range = Some((st, i));
        }
        if i >= b.len() {
            return Err(raise::value_error("unmatched '{' in format"));
        }
        if b[i] != b'}' {
            return Err(raise::value_error("expected ':' after format specifier"));
        }
        i += 1;
        let mut arg = resolve_field(name, fa)?;
        // A spec with replacement fields in it is expanded first.
        let nested;
        let spec_s = match spec_range {
            Some((s, e)) if e > s => {
                let raw = &fmt[s..e];
                if raw.as_bytes().contains(&b'{') {
                    if depth >= MAX_SPEC_NESTING {
                        return Err(raise::value_error("Max string recursion exceeded"));
                    }
                    let mut sv = VStr::new();
                    expand(&mut sv, raw, fa, depth + 1)?;
                    nested = sv;
                    core::str::from_utf8(nested.as_bytes()).unwrap_or("")
                } else {
                    raw
                }
            }
            _ => "",
        };
        let has_spec = matches!(spec_range, Some((s, e)) if e > s);
        let conversion = if !has_spec && conversion.is_none() {
            Some(b's')
        } else {
            conversion
        };
        if let Some(c) = conversion {
            let kind = if c == b'r' {
                PrintKind::Repr
            } else {
                PrintKind::Str
            };
            let mut sv = VStr::new();
            runtime::print_value(&mut sv, arg, kind)?;
            if !has_spec {
                out.push_bytes(sv.as_bytes())?;
                continue;
            }
            arg = sv.into_str()?;
        }
        format_with_spec(out, arg, &parse_spec(spec_s)?)?;
    }
    Ok(())
}

/// `str.format(*args, **kwargs)`; `args[0]` is the format string.
pub fn format_method(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let Some((&this, pos)) = args.split_first() else {
        return Err(raise::type_error("format requires a str"));
    };
    let fmt = pystr::as_str(this).ok_or_else(|| pystr::bad_implicit_conversion(this))?;
    let mut fa = FormatArgs { pos, kw, next: 0 };
    let mut out = VStr::with_capacity(fmt.len())?;
    expand(&mut out, fmt, &mut fa, 0)?;
    out.into_str()
}

// --- printf-style % ---

fn int_for_percent(v: Value) -> PyResult<Value> {
    if shim::is_int(v) {
        return Ok(v);
    }
    if let Some(x) = shim::float_value(v) {
        return shim::int_from_f64(x);
    }
    // Objects with `__int__` (upstream's mp_obj_get_int).
    if let Some(f) = v.type_of().unary_op {
        if let Some(r) = f(upy_compiler::bc::unary::INT_MAYBE, v)? {
            if shim::is_int(r) {
                return Ok(r);
            }
        }
    }
    Err(crate::objs::list::cant_convert_to_int(v))
}

/// The next of the `%` arguments.
fn next_arg(args: &[Value], ai: &mut usize) -> PyResult<Value> {
    let v = args
        .get(*ai)
        .copied()
        .ok_or_else(|| raise::type_error("format string needs more arguments"))?;
    *ai += 1;
    Ok(v)
}

/// A `%` width or precision at `fmt[*i..]`: `*` (the next argument) or decimal digits.
#[inline(never)]
fn star_or_digits(fmt: &[u8], i: &mut usize, args: &[Value], ai: &mut usize) -> PyResult<isize> {
    if fmt.get(*i) == Some(&b'*') {
        *i += 1;
        return pystr::get_int(next_arg(args, ai)?);
    }
    let mut n: isize = 0;
    while let Some(d) = fmt.get(*i).filter(|c| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((d - b'0') as isize);
        *i += 1;
    }
    Ok(n)
}

/// `pattern % rhs` for str and bytes patterns.
pub fn modulo(pattern: Value, rhs: Value) -> PyResult<Value> {
    let is_bytes = pystr::is_bytes(pattern);
    let fmt = pystr::as_bytes(pattern).ok_or_else(|| raise::type_error("expected str or bytes"))?;
    let single = [rhs];
    let (args, dict_arg): (&[Value], Option<Value>) = if let Some(items) = tuple::items(rhs) {
        (items, None)
    } else if rhs.is_type(&dict::TYPE) {
        (&single, Some(rhs))
    } else {
        (&single, None)
    };
    let mut out = VStr::with_capacity(fmt.len())?;
    let mut ai = 0usize;
    let mut i = 0usize;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            let st = i;
            while i < fmt.len() && fmt[i] != b'%' {
                i += 1;
            }
            out.push_bytes(&fmt[st..i])?;
            continue;
        }
        i += 1;
        if i >= fmt.len() {
            return Err(raise::value_error("incomplete format"));
        }
        if fmt[i] == b'%' {
            out.push_byte(b'%')?;
            i += 1;
            continue;
        }
        let mut arg = None;
        if fmt[i] == b'(' {
            let Some(d) = dict_arg else {
                return Err(raise::type_error("format needs a dict"));
            };
            ai = 1;
            let st = i + 1;
            let mut depth = 1;
            let mut j = st;
            while j < fmt.len() {
                if fmt[j] == b'(' {
                    depth += 1;
                } else if fmt[j] == b')' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            if j >= fmt.len() {
                return Err(raise::value_error("incomplete format key"));
            }
            check_name_len(j - st)?;
            let key = if is_bytes {
                pystr::new_bytes(&fmt[st..j])?
            } else {
                pystr::new(core::str::from_utf8(&fmt[st..j]).unwrap_or(""))?
            };
            arg = Some(runtime::subscr(d, key)?);
            i = j + 1;
        }
        let mut sp = Spec::default();
        let mut left = false;
        while i < fmt.len() {
            match fmt[i] {
                b'-' => left = true,
                b'+' => sp.sign = Some('+'),
                b' ' => {
                    if sp.sign.is_none() {
                        sp.sign = Some(' ')
                    }
                }
                b'#' => sp.alt = true,
                b'0' => sp.zero = true,
                _ => break,
            }
            i += 1;
        }
        let mut width = star_or_digits(fmt, &mut i, args, &mut ai)?;
        if width < 0 {
            left = true;
            width = -width;
        }
        sp.width = width as usize;
        if i < fmt.len() && fmt[i] == b'.' {
            i += 1;
            let p = star_or_digits(fmt, &mut i, args, &mut ai)?;
            sp.precision = Some(p.max(0) as usize);
        }
        if i >= fmt.len() {
            return Err(raise::value_error("incomplete format"));
        }
        let conv = fmt[i];
        let conv_index = i;
        i += 1;
        let arg = match arg {
            Some(a) => a,
            None => next_arg(args, &mut ai)?,
        };
        if left {
            sp.align = Some('<');
            sp.zero = false;
        }
        match conv {
            b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
                let (base, upper, prefix) = match conv {
                    b'o' => (8, false, "0o"),
                    b'x' => (16, false, "0x"),
                    b'X' => (16, true, "0X"),
                    _ => (10, false, ""),
                };
                let v = if base == 10 {
                    int_for_percent(arg)?
                } else {
                    arg
                };
                let prefix = if sp.alt { prefix } else { "" };
                percent_int(&mut out, v, base, upper, prefix, &sp)?;
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
                let x = shim::get_f64(arg)?;
                sp.ty = Some(conv as char);
                if sp.precision.is_none() {
                    sp.precision = Some(6);
                }
                format_float(&mut out, x, &sp)?;
            }
            b'c' | b'r' | b's' | b'a' => {
                let mut sv = VStr::new();
                if conv == b'c' {
                    percent_char(&mut sv, arg, is_bytes)?;
                } else if conv == b's'
                    && is_bytes
                    && pystr::buffer_bytes(arg).is_some()
                    && !pystr::is_str(arg)
                {
                    sv.push_bytes(pystr::buffer_bytes(arg).unwrap_or(&[]))?;
                } else {
                    let kind = if conv == b's' {
                        PrintKind::Str
                    } else {
                        PrintKind::Repr
                    };
                    runtime::print_value(&mut sv, arg, kind)?;
                }
                let mut body = sv.as_bytes();
                if let Some(p) = sp.precision.filter(|_| conv != b'c') {
                    let cut = if is_bytes {
                        p.min(body.len())
                    } else {
                        char_boundary(body, p)
                    };
                    body = &body[..cut];
                }
                pad(
                    &mut out,
                    b"",
                    body,
                    ' ',
                    if left { '<' } else { '>' },
                    sp.width,
                )?;
            }
            c => {
                let ch = core::str::from_utf8(&fmt[conv_index..])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .unwrap_or(c as char);
                return Err(raise::value_error_fmt(format_args!(
                    "unsupported format character '{}' (0x{:x}) at index {}",
                    ch, ch as u32, conv_index
                )));
            }
        }
    }
    if dict_arg.is_none() && ai != args.len() {
        return Err(raise::type_error(
            "format string didn't convert all arguments",
        ));
    }
    if is_bytes {
        out.into_bytes()
    } else {
        out.into_str()
    }
}

/// The text of `%c` for `arg`: a one-character str (or one-byte bytes) or a code point
/// (byte value).
fn percent_char(out: &mut VStr, arg: Value, is_bytes: bool) -> PyResult<()> {
    if shim::is_int(arg) {
        let n = pystr::get_int(arg)?;
        if is_bytes {
            let b =
                u8::try_from(n).map_err(|_| raise::overflow_error("%c arg not in range(256)"))?;
            return out.push_byte(b);
        }
        let c = u32::try_from(n).ok().and_then(char::from_u32);
        let Some(c) = c else {
            return Err(raise::overflow_error("char not in range(0x110000)"));
        };
        let mut b = [0u8; 4];
        return out.push_bytes(c.encode_utf8(&mut b).as_bytes());
    }
    let one = if is_bytes {
        pystr::as_bytes(arg)
            .filter(|_| pystr::is_bytes(arg))
            .map(|b| (b, b.len()))
    } else {
        pystr::as_str(arg).map(|s| (s.as_bytes(), pystr::char_count(s.as_bytes())))
    };
    match one {
        Some((b, 1)) => out.push_bytes(b),
        Some(_) => Err(raise::type_error("%c needs int or char")),
        None => Err(raise::type_error("integer needed")),
    }
}

/// Byte offset of the `n`th code point (or the end).
fn char_boundary(s: &[u8], n: usize) -> usize {
    let mut count = 0;
    for (i, &b) in s.iter().enumerate() {
        if b & 0xc0 != 0x80 {
            if count == n {
                return i;
            }
            count += 1;
        }
    }
    s.len()
}

/// `%d`/`%o`/`%x` of an int: precision is a minimum digit count.
#[inline(never)]
fn percent_int(
    out: &mut VStr,
    v: Value,
    base: u32,
    upper: bool,
    prefix: &str,
    sp: &Spec,
) -> PyResult<()> {
    let v = if shim::is_int(v) || shim::float_value(v).is_some() {
        v
    } else {
        int_for_percent(v)?
    };
    if !shim::is_int(v) {
        return Err(crate::objs::list::cant_convert_to_int(v));
    }
    // `%` leaves fill and grouping unset, and `-` clears `0`: the numeric layout of
    // format specs gives the same padding.
    let (neg, digits) = int_digits(v, base, upper, sp.precision.unwrap_or(0))?;
    emit_number(out, neg, prefix, digits.as_bytes(), sp, 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::{i, m, r, s};
    use crate::state::testing::with_vm;
    use upy_compiler::bc::binary as op;

    fn pct(fmt: &str, rhs: Value) -> alloc::string::String {
        r(runtime::binary_op(op::MODULO, s(fmt), rhs))
    }

    fn t(items: &[Value]) -> Value {
        tuple::new(items).unwrap()
    }

    #[test]
    fn percent_ints_and_strings() {
        with_vm(|| {
            assert_eq!(pct("%05.3d", i(5)), "'00005'");
            assert_eq!(pct("%-05d|", i(5)), "'5    |'");
            assert_eq!(pct("%+.3d", i(5)), "'+005'");
            assert_eq!(
                pct("%#o %#x %X", t(&[i(8), i(255), i(255)])),
                "'0o10 0xff FF'"
            );
            assert_eq!(pct("%x", i(-255)), "'-ff'");
            assert_eq!(pct("%5s|%-5s|", t(&[s("a"), s("b")])), "'    a|b    |'");
            assert_eq!(pct("%.2s", s("abc")), "'ab'");
            assert_eq!(pct("%c%c", t(&[i(65), s("b")])), "'Ab'");
            assert_eq!(
                pct("%*d|%-*d|", t(&[i(4), i(1), i(3), i(2)])),
                "'   1|2  |'"
            );
            assert_eq!(pct("%05s", s("ab")), "'   ab'");
            assert_eq!(pct("%r", s("a")), "\"'a'\"");
            let big = crate::objs::float::new(8.888e32).unwrap();
            assert_eq!(pct("%.2f", big), "'8.89e+32'");
            let small = crate::objs::float::new(8.888e20).unwrap();
            assert_eq!(pct("%.2f", small), "'888800000000000000000.00'");
            assert_eq!(pct("%%%d", i(1)), "'%1'");
            assert_eq!(
                pct("%d %d", i(1)),
                "TypeError: format string needs more arguments"
            );
            assert_eq!(
                pct("%d", t(&[i(1), i(2)])),
                "TypeError: format string didn't convert all arguments"
            );
            assert_eq!(pct("%d", s("x")), "TypeError: can't convert str to int");
            assert_eq!(pct("abc%", i(1)), "ValueError: incomplete format");
            assert_eq!(
                pct("%y", i(1)),
                "ValueError: unsupported format character 'y' (0x79) at index 1"
            );
            assert_eq!(pct("%(a)s", i(1)), "TypeError: format needs a dict");
            let d = dict::new().unwrap();
            dict::map_of(d).unwrap().insert(s("a"), i(1)).unwrap();
            dict::map_of(d).unwrap().insert(s("b"), i(2)).unwrap();
            assert_eq!(pct("%(a)s-%(b)03d", d), "'1-002'");
            assert_eq!(pct("%(a", d), "ValueError: incomplete format key");
            let bfmt = crate::objs::str::new_bytes(b"%s|%d|%c").unwrap();
            let args = t(&[crate::objs::str::new_bytes(b"xy").unwrap(), i(3), i(65)]);
            assert_eq!(r(runtime::binary_op(op::MODULO, bfmt, args)), "b'xy|3|A'");
        });
    }

    #[test]
    fn format_method_fields() {
        with_vm(|| {
            let f = |fmt: &str, args: &[Value]| r(m(s(fmt), "format", args));
            assert_eq!(
                f("{:<5}|{:>5}|{:^5}|{:*^6}", &[i(1), i(2), s("a"), s("b")]),
                "'1    |    2|  a  |**b***'"
            );
            assert_eq!(
                f(
                    "{:+d} {: d} {:x} {:#X} {:#b} {:o} {:#o}",
                    &[i(5), i(5), i(255), i(255), i(5), i(8), i(8)]
                ),
                "'+5  5 ff 0XFF 0b101 10 0o10'"
            );
            assert_eq!(
                f("{:08,}|{:,}|{:_x}", &[i(1234567), i(-1234567), i(0xabcdef)]),
                "'1,234,567|-1,234,567|ab_cdef'"
            );
            assert_eq!(
                f("{:010_b}|{:=+8}|{:08}", &[i(5), i(-12), i(-12)]),
                "'0_0000_0101|-     12|-0000012'"
            );
            assert_eq!(
                f(
                    "{:05,}|{:06,}|{:#010x}|{:#010_x}",
                    &[i(1234), i(1234), i(255), i(255)]
                ),
                "'1,234|01,234|0x000000ff|0x000_00ff'"
            );
            assert_eq!(
                f("{:c}{!r:>6}{:.2}", &[i(0x41), s("a"), s("abc")]),
                "\"A   'a'ab\""
            );
            assert_eq!(f("{0}{1}{0}", &[s("a"), s("b")]), "'aba'");
            assert_eq!(f("{{}}{}", &[i(1)]), "'{}1'");
            assert_eq!(f("{:{}}|", &[s("a"), i(3)]), "'a  |'");
            assert_eq!(f("{}", &[Value::TRUE]), "'True'");
            assert_eq!(f("{:d}", &[Value::TRUE]), "'1'");
            assert_eq!(f("{:5}", &[Value::TRUE]), "'    1'");
            assert_eq!(f("{0[1]}", &[s("xyz")]), "'y'");
            assert_eq!(f("{}", &[]), "IndexError: tuple index out of range");
            assert_eq!(f("{0}{}", &[i(1), i(2)]), "ValueError: can't switch from manual field specification to automatic field numbering");
            assert_eq!(f("{}{0}", &[i(1), i(2)]), "ValueError: can't switch from automatic field numbering to manual field specification");
            assert_eq!(f("{", &[]), "ValueError: unmatched '{' in format");
            assert_eq!(
                f("}", &[]),
                "ValueError: single '}' encountered in format string"
            );
            assert_eq!(
                f("{!x}", &[i(1)]),
                "ValueError: unknown conversion specifier x"
            );
            assert_eq!(
                f("{:s}", &[i(1)]),
                "ValueError: unknown format code 's' for object of type 'int'"
            );
            assert_eq!(
                f("{:d}", &[s("a")]),
                "ValueError: unknown format code 'd' for object of type 'str'"
            );
            assert_eq!(f("{:+}", &[s("a")]), "'a'");
            assert_eq!(
                f("{:+s}", &[s("a")]),
                "ValueError: sign not allowed in string format specifier"
            );
            assert_eq!(
                f("{:=5}", &[s("a")]),
                "ValueError: '=' alignment not allowed in string format specifier"
            );
            assert_eq!(
                f("{:+c}", &[i(65)]),
                "ValueError: sign not allowed with integer format specifier 'c'"
            );
            assert_eq!(f("{:5q}", &[i(1)]), "ValueError: invalid format specifier");
        });
    }

    #[test]
    fn format_keywords_and_value() {
        with_vm(|| {
            let kw = [s("name"), s("x"), s("n"), i(3)];
            let v = format_method(&[s("{name}{n:>3}")], &kw).unwrap();
            assert_eq!(crate::objs::str::as_str(v), Some("x  3"));
            assert_eq!(r(format_method(&[s("{nope}")], &kw)), "KeyError: nope");
            let mut out = VStr::new();
            format_value(&mut out, i(255), "#06x").unwrap();
            assert_eq!(out.as_bytes(), b"0x00ff");
            let mut out = VStr::new();
            format_value(&mut out, s("ab"), "").unwrap();
            assert_eq!(out.as_bytes(), b"ab");
        });
    }

    /// Random format strings must give a result or a Python exception, never a panic.
    #[test]
    fn random_formats_do_not_panic() {
        with_vm(|| {
            const ALPHABET: &[u8] = b"{}[]:!.%()*#+- 0123456789,_<>=^abcdefgsxXrEGn%";
            let mut seed: u32 = 12345;
            let mut next = || {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 16) as usize
            };
            let d = dict::new().unwrap();
            dict::map_of(d).unwrap().insert(s("a"), i(1)).unwrap();
            let args = [
                i(-12),
                s("xy"),
                crate::objs::float::new(2.5).unwrap(),
                Value::TRUE,
                t(&[i(1)]),
            ];
            for _ in 0..4000 {
                let len = next() % 12;
                let mut text = alloc::string::String::new();
                for _ in 0..len {
                    text.push(ALPHABET[next() % ALPHABET.len()] as char);
                }
                let fmt = s(&text);
                let mut call = alloc::vec![fmt];
                call.extend_from_slice(&args[..next() % args.len()]);
                let _ = format_method(&call, &[s("a"), i(2)]);
                let rhs = match next() % 3 {
                    0 => d,
                    1 => t(&args[..next() % args.len()]),
                    _ => args[next() % args.len()],
                };
                let _ = modulo(fmt, rhs);
                let _ = parse_spec(&text);
            }
        });
    }
}
