//! `marshal`: code objects to bytes and back (extmod/modmarshal.c). The bytes are a `.mpy`
//! image whose top-level raw code is the function itself, written and read by the
//! compiler crate's `.mpy` writer and (verifying) reader. Unlike upstream, which keeps
//! only the names and constants the function uses, the image carries its module's whole
//! qstr and constant tables: simpler, and indices in the bytecode need no rewriting.
//! Corrupt input raises ValueError instead of being trusted.

use crate::emitglue::RawCode;
use crate::obj::PyResult;
use crate::objs::{code, complex, float, int, module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;
use upy_compiler::rawcode::{CodeKind, CompiledModule, Const, RawCode as SrcRawCode};

#[cold]
fn unmarshallable() -> crate::obj::PyErr {
    raise::value_error("unmarshallable object")
}

/// A constant-table value back in the compiler's form.
fn to_const(v: Value) -> PyResult<Const> {
    crate::vm::check_stack()?;
    Ok(if v.is_none() {
        Const::None
    } else if v == Value::FALSE {
        Const::False
    } else if v == Value::TRUE {
        Const::True
    } else if v == crate::objs::singletons::ellipsis() {
        Const::Ellipsis
    } else if let Some(s) = pystr::as_str(v) {
        Const::Str(String::from(s))
    } else if pystr::is_bytes(v) {
        Const::Bytes(pystr::as_bytes(v).unwrap_or(&[]).to_vec())
    } else if v.is_small_int() || v.is_type(&int::TYPE) {
        let text = crate::runtime::repr(v)?;
        Const::Int(String::from(pystr::as_str(text).unwrap_or("0")))
    } else if let Some(f) = float::value(v) {
        Const::Float(float::widen(f))
    } else if let Some((re, im)) = complex::parts(v) {
        if re != 0.0 {
            return Err(unmarshallable());
        }
        Const::Complex(float::widen(im))
    } else if let Some(items) = tuple::items(v) {
        let mut out = Vec::new();
        for it in items.iter() {
            out.push(to_const(*it)?);
        }
        Const::Tuple(out)
    } else {
        return Err(unmarshallable());
    })
}

/// A loaded raw code (and its children) back in the compiler's form.
fn to_raw(rc: &RawCode) -> PyResult<SrcRawCode> {
    crate::vm::check_stack()?;
    let mut children = Vec::new();
    for i in 0..rc.n_children {
        let c = rc.child(i).ok_or_else(unmarshallable)?;
        children.push(to_raw(c)?);
    }
    Ok(SrcRawCode {
        kind: CodeKind::Bytecode,
        fun_data: rc.bytes().to_vec(),
        children,
    })
}

fn dumps(v: Value) -> PyResult<Value> {
    let c = code::get(v).ok_or_else(unmarshallable)?;
    let ctx = c.context();
    let qstrs = (0..ctx.n_qstrs)
        .map(|i| String::from(ctx.qstr(i).as_str()))
        .collect();
    let mut consts = Vec::new();
    for i in 0..ctx.n_consts {
        consts.push(to_const(ctx.constant(i))?);
    }
    let m = CompiledModule {
        qstrs,
        consts,
        top: to_raw(c.raw_code())?,
    };
    let bytes = upy_compiler::mpy::write(&m, crate::value::SMALL_INT_BITS as u8);
    pystr::new_bytes(&bytes)
}

fn loads(data: Value) -> PyResult<Value> {
    let bytes = pystr::buffer_bytes_raise(data)?;
    let m = upy_compiler::mpy::read_for_target(bytes, crate::value::SMALL_INT_BITS as u8)
        .map_err(|e| raise::value_error(e.msg))?;
    // Bytes from Python code: run like a .mpy file, with checked stack accesses.
    let (ctx, rc) = crate::emitglue::load_mpy(&m, crate::modules::sys::current_globals())?;
    code::new(ctx, rc)
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::marshal)),
    crate::entry!(dumps, crate::fun!(dumps, F1(dumps))),
    crate::entry!(loads, crate::fun!(loads, F1(loads))),
];

pub static MODULE: Module = Module::new_static(Q::marshal, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objs::str::tests::r;
    use crate::state::testing::with_vm;

    #[test]
    fn round_trip() {
        with_vm(|| {
            let s = |t: &str| pystr::new(t).unwrap();
            let src = "def f(a, b=(1, 'x', 2.5, 10**30)):\n    return (a, b)\nr = f(3)";
            let c = code::compile(&[s(src), s("m"), s("exec")]).unwrap();
            let b = dumps(c).unwrap();
            assert_eq!(pystr::as_bytes(b).map(|b| b[0]), Some(b'M'));
            let c2 = loads(b).unwrap();
            let (one, two) = (code::get(c).unwrap(), code::get(c2).unwrap());
            assert_eq!(one.raw_code().bytes(), two.raw_code().bytes());
            assert_eq!(one.raw_code().n_children, 1);
            assert_eq!(
                one.raw_code().child(0).map(|k| k.bytes()),
                two.raw_code().child(0).map(|k| k.bytes())
            );
            assert_eq!(one.context().n_consts, two.context().n_consts);
            // Same bytes again after a round trip.
            let b2 = dumps(c2).unwrap();
            assert_eq!(pystr::as_bytes(b), pystr::as_bytes(b2));
            assert_eq!(r(dumps(Value::NONE)), "ValueError: unmarshallable object");
            assert!(r(loads(pystr::new_bytes(b"M\x06junk").unwrap())).starts_with("ValueError"));
        });
    }
}
