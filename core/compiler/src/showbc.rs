//! Bytecode disassembler in the exact text format of upstream's `py/showbc.c` (what
//! `micropython -v -v` prints after compiling), for the runtime's verbose mode and for
//! debugging the compiler. Malformed bytecode ends the listing early instead of panicking.

use crate::bc;
use crate::emit::{decode_signature, decode_size, decode_uint};
use crate::mpy::format_float;
use crate::rawcode::{CompiledModule, Const, RawCode};
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// Special-method names printed after UNARY_OP / BINARY_OP (empty where upstream has none).
const UNARY_NAMES: [&str; 4] = ["__pos__", "__neg__", "__invert__", ""];
const BINARY_NAMES: [&str; 35] = [
    "__lt__",
    "__gt__",
    "__eq__",
    "__le__",
    "__ge__",
    "__ne__",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "__iadd__",
    "__isub__",
    "",
    "",
    "",
    "",
    "",
    "",
    "__or__",
    "__xor__",
    "__and__",
    "__lshift__",
    "__rshift__",
    "__add__",
    "__sub__",
    "__mul__",
    "__matmul__",
    "__floordiv__",
    "__truediv__",
    "__mod__",
    "__pow__",
];

/// Python `repr` of a constant, as upstream prints it.
pub fn const_repr(c: &Const) -> String {
    match c {
        Const::None => String::from("None"),
        Const::False => String::from("False"),
        Const::True => String::from("True"),
        Const::Ellipsis => String::from("Ellipsis"),
        Const::Int(s) => s.clone(),
        Const::Float(f) => format_float(*f, true),
        Const::Complex(f) => format!("{}j", format_float(*f, false)),
        Const::Str(s) => str_repr(s.as_bytes(), false),
        Const::Bytes(b) => str_repr(b, true),
        Const::Tuple(items) => {
            let mut out = String::from("(");
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&const_repr(it));
            }
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
            out
        }
    }
}

fn str_repr(data: &[u8], is_bytes: bool) -> String {
    let has_single = data.contains(&b'\'');
    let has_double = data.contains(&b'"');
    let quote = if has_single && !has_double { '"' } else { '\'' };
    let mut out = String::new();
    if is_bytes {
        out.push('b');
    }
    out.push(quote);
    let text = if is_bytes {
        None
    } else {
        core::str::from_utf8(data).ok()
    };
    match text {
        Some(s) => {
            for ch in s.chars() {
                push_escaped(&mut out, ch as u32, ch, quote, false);
            }
        }
        None => {
            for &b in data {
                push_escaped(&mut out, u32::from(b), b as char, quote, true);
            }
        }
    }
    out.push(quote);
    out
}

fn push_escaped(out: &mut String, code: u32, ch: char, quote: char, is_bytes: bool) {
    match code {
        0x0a => out.push_str("\\n"),
        0x0d => out.push_str("\\r"),
        0x09 => out.push_str("\\t"),
        0x5c => out.push_str("\\\\"),
        _ if ch == quote => {
            out.push('\\');
            out.push(ch);
        }
        0x20..=0x7e => out.push(ch),
        _ if is_bytes || code < 0x20 || code == 0x7f => {
            let _ = write!(out, "\\x{:02x}", code);
        }
        _ => out.push(ch),
    }
}

struct Ctx<'a> {
    m: &'a CompiledModule,
}

fn qstr(m: &CompiledModule, idx: u64) -> &str {
    m.qstrs.get(idx as usize).map(|s| s.as_str()).unwrap_or("?")
}

/// Disassembles every raw code of a module, in the order upstream's compiler prints them
/// (scope discovery order: breadth first).
pub fn show_module(m: &CompiledModule) -> String {
    let mut order: Vec<&RawCode> = Vec::new();
    let mut q = VecDeque::new();
    q.push_back(&m.top);
    while let Some(rc) = q.pop_front() {
        order.push(rc);
        for c in rc.children.iter() {
            q.push_back(c);
        }
    }
    let ctx = Ctx { m };
    let mut out = String::new();
    for rc in order {
        show_raw_code(&ctx, rc, &mut out);
    }
    out
}

fn show_raw_code(ctx: &Ctx, rc: &RawCode, out: &mut String) {
    let m = ctx.m;
    let d = &rc.fun_data;
    let mut p = 0;
    let sig = match decode_signature(d, &mut p) {
        Some(s) => s,
        None => return,
    };
    let (n_info, n_cell) = match decode_size(d, &mut p) {
        Some(v) => v,
        None => return,
    };
    let mut ci = p;
    let name = decode_uint(d, &mut ci).map(|i| qstr(m, i)).unwrap_or("?");
    let me = rc as *const RawCode as usize;
    let _ = writeln!(
        out,
        "File {}, code block '{}' (descriptor: {:x}, bytecode @{:x} {} bytes)",
        qstr(m, 0),
        name,
        me,
        d.as_ptr() as usize,
        d.len()
    );
    let prelude = (p + n_info + n_cell).min(d.len());
    let _ = writeln!(
        out,
        "Raw bytecode (code_info_size={}, bytecode_size={}):",
        prelude,
        d.len() - prelude
    );
    for (i, b) in d.iter().enumerate() {
        if i > 0 && i % 16 == 0 {
            out.push('\n');
        }
        let _ = write!(out, " {:02x}", b);
    }
    out.push('\n');
    out.push_str("arg names:");
    for _ in 0..sig.n_pos_args + sig.n_kwonly_args {
        match decode_uint(d, &mut ci) {
            Some(i) => {
                out.push(' ');
                out.push_str(qstr(m, i));
            }
            None => break,
        }
    }
    out.push('\n');
    let _ = writeln!(out, "(N_STATE {})", sig.n_state);
    let _ = writeln!(out, "(N_EXC_STACK {})", sig.n_exc_stack);
    let line_top = (p + n_info).min(d.len());
    for i in 0..n_cell {
        if let Some(c) = d.get(line_top + i) {
            let _ = writeln!(out, "(INIT_CELL {})", c);
        }
    }
    let (mut bc, mut line) = (0usize, 1usize);
    let _ = writeln!(out, "  bc={} line={}", bc, line);
    while ci < line_top {
        let c = d[ci];
        if c & 0x80 == 0 {
            bc += usize::from(c & 0x1f);
            line += usize::from(c >> 5);
            ci += 1;
        } else {
            let c2 = usize::from(*d.get(ci + 1).unwrap_or(&0));
            bc += usize::from(c & 0xf);
            line += ((usize::from(c) << 4) & 0x700) | c2;
            ci += 2;
        }
        let _ = writeln!(out, "  bc={} line={}", bc, line);
    }
    let code = &d[prelude..];
    let mut ip = 0;
    while ip < code.len() {
        let _ = write!(out, "{:02} ", ip);
        match instruction(ctx, rc, code, &mut ip) {
            Some(text) => {
                out.push_str(&text);
                out.push('\n');
            }
            None => {
                out.push_str("(truncated)\n");
                break;
            }
        }
    }
}

fn instruction(ctx: &Ctx, rc: &RawCode, code: &[u8], ip: &mut usize) -> Option<String> {
    let m = ctx.m;
    let op = *code.get(*ip)?;
    *ip += 1;
    let uint = |ip: &mut usize| decode_uint(code, ip);
    let ulabel = |ip: &mut usize| -> Option<usize> {
        let b0 = usize::from(*code.get(*ip)?);
        if b0 & 0x80 != 0 {
            let b1 = usize::from(*code.get(*ip + 1)?);
            *ip += 2;
            Some(*ip + ((b0 & 0x7f) | (b1 << 7)))
        } else {
            *ip += 1;
            Some(*ip + b0)
        }
    };
    let slabel = |ip: &mut usize| -> Option<isize> {
        let b0 = isize::from(*code.get(*ip)?);
        if b0 & 0x80 != 0 {
            let b1 = isize::from(*code.get(*ip + 1)?);
            *ip += 2;
            Some(*ip as isize + ((b0 & 0x7f) | (b1 << 7)) - 0x4000)
        } else {
            *ip += 1;
            Some(*ip as isize + b0 - 0x40)
        }
    };
    let child = |i: u64| -> usize {
        rc.children
            .get(i as usize)
            .map(|c| c as *const RawCode as usize)
            .unwrap_or(0)
    };
    Some(match op {
        bc::LOAD_CONST_FALSE => String::from("LOAD_CONST_FALSE"),
        bc::LOAD_CONST_NONE => String::from("LOAD_CONST_NONE"),
        bc::LOAD_CONST_TRUE => String::from("LOAD_CONST_TRUE"),
        bc::LOAD_CONST_SMALL_INT => {
            let mut num: i64 = if code.get(*ip)? & 0x40 != 0 { -1 } else { 0 };
            loop {
                let b = *code.get(*ip)?;
                *ip += 1;
                num = ((num as u64) << 7) as i64 | i64::from(b & 0x7f);
                if b & 0x80 == 0 {
                    break;
                }
            }
            format!("LOAD_CONST_SMALL_INT {}", num)
        }
        bc::LOAD_CONST_STRING => format!("LOAD_CONST_STRING '{}'", qstr(m, uint(ip)?)),
        bc::LOAD_CONST_OBJ => {
            let i = uint(ip)? as usize;
            let c = m.consts.get(i)?;
            format!("LOAD_CONST_OBJ {:x}={}", 0x1000 + i * 16, const_repr(c))
        }
        bc::LOAD_NULL => String::from("LOAD_NULL"),
        bc::LOAD_FAST_N => format!("LOAD_FAST_N {}", uint(ip)?),
        bc::LOAD_DEREF => format!("LOAD_DEREF {}", uint(ip)?),
        bc::LOAD_NAME => format!("LOAD_NAME {}", qstr(m, uint(ip)?)),
        bc::LOAD_GLOBAL => format!("LOAD_GLOBAL {}", qstr(m, uint(ip)?)),
        bc::LOAD_ATTR => format!("LOAD_ATTR {}", qstr(m, uint(ip)?)),
        bc::LOAD_METHOD => format!("LOAD_METHOD {}", qstr(m, uint(ip)?)),
        bc::LOAD_SUPER_METHOD => format!("LOAD_SUPER_METHOD {}", qstr(m, uint(ip)?)),
        bc::LOAD_BUILD_CLASS => String::from("LOAD_BUILD_CLASS"),
        bc::LOAD_SUBSCR => String::from("LOAD_SUBSCR"),
        bc::STORE_FAST_N => format!("STORE_FAST_N {}", uint(ip)?),
        bc::STORE_DEREF => format!("STORE_DEREF {}", uint(ip)?),
        bc::STORE_NAME => format!("STORE_NAME {}", qstr(m, uint(ip)?)),
        bc::STORE_GLOBAL => format!("STORE_GLOBAL {}", qstr(m, uint(ip)?)),
        bc::STORE_ATTR => format!("STORE_ATTR {}", qstr(m, uint(ip)?)),
        bc::STORE_SUBSCR => String::from("STORE_SUBSCR"),
        bc::DELETE_FAST => format!("DELETE_FAST {}", uint(ip)?),
        bc::DELETE_DEREF => format!("DELETE_DEREF {}", uint(ip)?),
        bc::DELETE_NAME => format!("DELETE_NAME {}", qstr(m, uint(ip)?)),
        bc::DELETE_GLOBAL => format!("DELETE_GLOBAL {}", qstr(m, uint(ip)?)),
        bc::DUP_TOP => String::from("DUP_TOP"),
        bc::DUP_TOP_TWO => String::from("DUP_TOP_TWO"),
        bc::POP_TOP => String::from("POP_TOP"),
        bc::ROT_TWO => String::from("ROT_TWO"),
        bc::ROT_THREE => String::from("ROT_THREE"),
        bc::JUMP => format!("JUMP {}", slabel(ip)?),
        bc::POP_JUMP_IF_TRUE => format!("POP_JUMP_IF_TRUE {}", slabel(ip)?),
        bc::POP_JUMP_IF_FALSE => format!("POP_JUMP_IF_FALSE {}", slabel(ip)?),
        bc::JUMP_IF_TRUE_OR_POP => format!("JUMP_IF_TRUE_OR_POP {}", ulabel(ip)?),
        bc::JUMP_IF_FALSE_OR_POP => format!("JUMP_IF_FALSE_OR_POP {}", ulabel(ip)?),
        bc::SETUP_WITH => format!("SETUP_WITH {}", ulabel(ip)?),
        bc::WITH_CLEANUP => String::from("WITH_CLEANUP"),
        bc::UNWIND_JUMP => {
            let t = slabel(ip)?;
            let n = *code.get(*ip)?;
            *ip += 1;
            format!("UNWIND_JUMP {} {}", t, n)
        }
        bc::SETUP_EXCEPT => format!("SETUP_EXCEPT {}", ulabel(ip)?),
        bc::SETUP_FINALLY => format!("SETUP_FINALLY {}", ulabel(ip)?),
        bc::END_FINALLY => String::from("END_FINALLY"),
        bc::GET_ITER => String::from("GET_ITER"),
        bc::GET_ITER_STACK => String::from("GET_ITER_STACK"),
        bc::FOR_ITER => format!("FOR_ITER {}", ulabel(ip)?),
        bc::POP_EXCEPT_JUMP => format!("POP_EXCEPT_JUMP {}", ulabel(ip)?),
        bc::BUILD_TUPLE => format!("BUILD_TUPLE {}", uint(ip)?),
        bc::BUILD_LIST => format!("BUILD_LIST {}", uint(ip)?),
        bc::BUILD_MAP => format!("BUILD_MAP {}", uint(ip)?),
        bc::STORE_MAP => String::from("STORE_MAP"),
        bc::BUILD_SET => format!("BUILD_SET {}", uint(ip)?),
        bc::BUILD_SLICE => format!("BUILD_SLICE {}", uint(ip)?),
        bc::STORE_COMP => format!("STORE_COMP {}", uint(ip)?),
        bc::UNPACK_SEQUENCE => format!("UNPACK_SEQUENCE {}", uint(ip)?),
        bc::UNPACK_EX => format!("UNPACK_EX {}", uint(ip)?),
        bc::MAKE_FUNCTION => format!("MAKE_FUNCTION {:x}", child(uint(ip)?)),
        bc::MAKE_FUNCTION_DEFARGS => format!("MAKE_FUNCTION_DEFARGS {:x}", child(uint(ip)?)),
        bc::MAKE_CLOSURE | bc::MAKE_CLOSURE_DEFARGS => {
            let c = child(uint(ip)?);
            let n = *code.get(*ip)?;
            *ip += 1;
            let name = if op == bc::MAKE_CLOSURE {
                "MAKE_CLOSURE"
            } else {
                "MAKE_CLOSURE_DEFARGS"
            };
            format!("{} {:x} {}", name, c, n)
        }
        bc::CALL_FUNCTION | bc::CALL_FUNCTION_VAR_KW | bc::CALL_METHOD | bc::CALL_METHOD_VAR_KW => {
            let u = uint(ip)?;
            let name = match op {
                bc::CALL_FUNCTION => "CALL_FUNCTION",
                bc::CALL_FUNCTION_VAR_KW => "CALL_FUNCTION_VAR_KW",
                bc::CALL_METHOD => "CALL_METHOD",
                _ => "CALL_METHOD_VAR_KW",
            };
            format!("{} n={} nkw={}", name, u & 0xff, (u >> 8) & 0xff)
        }
        bc::RETURN_VALUE => String::from("RETURN_VALUE"),
        bc::RAISE_LAST => String::from("RAISE_LAST"),
        bc::RAISE_OBJ => String::from("RAISE_OBJ"),
        bc::RAISE_FROM => String::from("RAISE_FROM"),
        bc::YIELD_VALUE => String::from("YIELD_VALUE"),
        bc::YIELD_FROM => String::from("YIELD_FROM"),
        bc::IMPORT_NAME => format!("IMPORT_NAME '{}'", qstr(m, uint(ip)?)),
        bc::IMPORT_FROM => format!("IMPORT_FROM '{}'", qstr(m, uint(ip)?)),
        bc::IMPORT_STAR => String::from("IMPORT_STAR"),
        0x70..=0xaf => format!("LOAD_CONST_SMALL_INT {}", i32::from(op) - 0x80),
        0xb0..=0xbf => format!("LOAD_FAST {}", op - bc::LOAD_FAST_MULTI),
        0xc0..=0xcf => format!("STORE_FAST {}", op - bc::STORE_FAST_MULTI),
        0xd0..=0xd3 => {
            let n = op - bc::UNARY_OP_MULTI;
            format!("UNARY_OP {} {}", n, UNARY_NAMES[usize::from(n)])
        }
        0xd7..=0xf9 => {
            let n = op - bc::BINARY_OP_MULTI;
            format!("BINARY_OP {} {}", n, BINARY_NAMES[usize::from(n)])
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{compile, CompileOptions};

    #[test]
    fn lists_reference_module() {
        let src = "x = 1\ndef f(a, b=2):\n    return a + b\nprint(f(x))\n";
        let m = compile(src, "t.py", &CompileOptions::default()).ok();
        let text = m.map(|m| show_module(&m)).unwrap_or_default();
        assert!(text.contains("code block '<module>'"));
        assert!(text.contains("Raw bytecode (code_info_size=5, bytecode_size=24):"));
        assert!(text.contains("  bc=3 line=2\n  bc=11 line=4\n"));
        assert!(text.contains("01 STORE_NAME x\n"));
        assert!(
            text.contains("11 CALL_FUNCTION n=1 nkw=0\n")
                || text.contains("CALL_FUNCTION n=1 nkw=0\n")
        );
        assert!(text.contains("code block 'f'"));
        assert!(text.contains("arg names: a b\n"));
        assert!(text.contains("02 BINARY_OP 27 __add__\n"));
        assert!(text.contains("LOAD_CONST_SMALL_INT 2\n"));
    }

    #[test]
    fn reprs() {
        assert_eq!(const_repr(&Const::Str("it's".into())), "\"it's\"");
        assert_eq!(const_repr(&Const::Bytes(b"a\x00".to_vec())), "b'a\\x00'");
        assert_eq!(
            const_repr(&Const::Tuple(alloc::vec![Const::Int("1".into())])),
            "(1,)"
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut m = CompiledModule {
            qstrs: alloc::vec![String::from("x.py")],
            consts: Vec::new(),
            top: RawCode {
                kind: crate::rawcode::CodeKind::Bytecode,
                fun_data: alloc::vec![0x00, 0x02, 0x00, 0x11, 0x40, 0xff, 0x23, 0x05, 0x20],
                children: Vec::new(),
            },
        };
        let _ = show_module(&m);
        for b in 0..=255u8 {
            m.top.fun_data = alloc::vec![0x00, 0x02, 0x00, b, 0x85];
            let _ = show_module(&m);
        }
    }
}
