//! Built-in (Rust) functions as static objects, and the wrappers that bind them:
//! `staticmethod`, `classmethod` and bound methods.
//!
//! A built-in function is declared in a static table with one of the macros, e.g.
//! `entry!(append, fun2!(append, list_append))`; it costs no RAM.

use crate::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

/// The Rust signature of a built-in function.
pub enum FunKind {
    F0(fn() -> PyResult<Value>),
    F1(fn(Value) -> PyResult<Value>),
    F2(fn(Value, Value) -> PyResult<Value>),
    F3(fn(Value, Value, Value) -> PyResult<Value>),
    /// Positional only, between `min` and `max` arguments.
    Var {
        min: u8,
        max: u16,
        f: fn(&[Value]) -> PyResult<Value>,
    },
    /// Positional and keyword arguments (`kw` as flattened name/value pairs).
    Kw {
        min: u8,
        f: fn(&[Value], &[Value]) -> PyResult<Value>,
    },
}

/// Twelve bytes on 32-bit targets (the kind's tag and counts share its first word). No
/// name: built-in functions print as `<function>` and their errors do not name them.
#[repr(C)]
pub struct BuiltinFun {
    pub base: ObjBase,
    pub kind: FunKind,
}

// SAFETY: immutable static data.
unsafe impl Sync for BuiltinFun {}

// 462 of these are in the firmware's flash: keep them at three words.
const _: () = assert!(core::mem::size_of::<BuiltinFun>() <= 3 * core::mem::size_of::<usize>());

/// `TypeError: function takes <expected> positional arguments but <got> were given`.
#[cold]
#[inline(never)]
pub fn arg_count_error(expected: usize, got: usize) -> crate::obj::PyErr {
    crate::raise::type_error_fmt(format_args!(
        "function takes {} positional arguments but {} were given",
        expected, got
    ))
}

/// `TypeError: function missing <n> required positional arguments`.
#[cold]
#[inline(never)]
pub fn missing_args(n: usize) -> crate::obj::PyErr {
    crate::raise::type_error_fmt(format_args!(
        "function missing {} required positional arguments",
        n
    ))
}

fn call(f: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    // SAFETY: this slot is only installed on TYPE, whose instances are BuiltinFun.
    let fun: &BuiltinFun = unsafe { f.downcast_unchecked() };
    if !kw.is_empty() && !matches!(fun.kind, FunKind::Kw { .. }) {
        return Err(crate::raise::type_error(
            "function doesn't take keyword arguments",
        ));
    }
    match fun.kind {
        FunKind::F0(g) => match args {
            [] => g(),
            _ => Err(arg_count_error(0, args.len())),
        },
        FunKind::F1(g) => match args {
            [a] => g(*a),
            _ => Err(arg_count_error(1, args.len())),
        },
        FunKind::F2(g) => match args {
            [a, b] => g(*a, *b),
            _ => Err(arg_count_error(2, args.len())),
        },
        FunKind::F3(g) => match args {
            [a, b, c] => g(*a, *b, *c),
            _ => Err(arg_count_error(3, args.len())),
        },
        FunKind::Var { min, max, f: g } => {
            if args.len() < min as usize {
                Err(missing_args(min as usize - args.len()))
            } else if args.len() > max as usize {
                Err(crate::objs::list::too_many_args(max as usize, args.len()))
            } else {
                g(args)
            }
        }
        FunKind::Kw { min, f: g } => {
            if args.len() < min as usize {
                Err(missing_args(min as usize - args.len()))
            } else {
                g(args, kw)
            }
        }
    }
}

fn print(out: &mut dyn Print, _f: Value, _k: PrintKind) -> PyResult<()> {
    // Upstream prints every built-in function without its name.
    out.write_str("<function>")
}

pub static TYPE: Type = Type {
    name: Q::function,
    flags: crate::obj::flags::BINDS_SELF,
    print: Some(print),
    call: Some(call),
    ..Type::EMPTY
};

/// Declare a static built-in function and evaluate to its [`Value`].
/// Forms: `fun!(name, F1(f))`, `fun!(name, Var { min: 1, max: 3, f })`, ...
#[macro_export]
macro_rules! fun {
    ($name:ident, $kind:expr) => {{
        static F: $crate::objs::fun::BuiltinFun = $crate::objs::fun::BuiltinFun {
            base: $crate::obj::ObjBase::new(&$crate::objs::fun::TYPE),
            kind: {
                #[allow(unused_imports)]
                use $crate::objs::fun::FunKind::*;
                $kind
            },
        };
        $crate::value::Value::from_static(&F)
    }};
}

/// `staticmethod(f)` / `classmethod(f)`: a wrapper holding the function.
#[repr(C)]
pub struct MethodWrapper {
    pub base: ObjBase,
    pub fun: Value,
}

// SAFETY: immutable once built; statics of this type hold only static values.
unsafe impl Sync for MethodWrapper {}

fn wrapper_new(ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    match args {
        [f] => Ok(Value::from_ptr(crate::mem::alloc(MethodWrapper {
            base: ObjBase::new(ty),
            fun: *f,
        })?)),
        _ => Err(crate::raise::type_error(
            "function takes 1 positional arguments",
        )),
    }
}

pub static STATICMETHOD_TYPE: Type = Type {
    name: Q::staticmethod,
    make_new: Some(wrapper_new),
    ..Type::EMPTY
};

pub static CLASSMETHOD_TYPE: Type = Type {
    name: Q::classmethod,
    make_new: Some(wrapper_new),
    ..Type::EMPTY
};

/// A method bound to its receiver: created by attribute loads (`f = obj.meth`), not by
/// `obj.meth()` calls, which the VM does without allocating.
#[repr(C)]
pub struct BoundMethod {
    pub base: ObjBase,
    pub fun: Value,
    pub this: Value,
}

pub fn bound_method(fun: Value, this: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(BoundMethod {
        base: ObjBase::new(&BOUND_METHOD_TYPE),
        fun,
        this,
    })?))
}

fn bound_call(m: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    // SAFETY: only installed on BOUND_METHOD_TYPE.
    let bm: &BoundMethod = unsafe { m.downcast_unchecked() };
    crate::runtime::call_method(bm.fun, bm.this, args, kw)
}

fn bound_print(out: &mut dyn Print, m: Value, _k: PrintKind) -> PyResult<()> {
    // SAFETY: only installed on BOUND_METHOD_TYPE.
    let bm: &BoundMethod = unsafe { m.downcast_unchecked() };
    out.write_str("<bound_method>")?;
    let _ = bm;
    Ok(())
}

fn bound_binary_op(op: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    use upy_compiler::bc::binary as bop;
    let (Some(x), Some(y)) = (
        a.downcast::<BoundMethod>(&BOUND_METHOD_TYPE),
        b.downcast::<BoundMethod>(&BOUND_METHOD_TYPE),
    ) else {
        return Ok(match op {
            bop::EQUAL => Some(Value::FALSE),
            bop::NOT_EQUAL => Some(Value::TRUE),
            _ => None,
        });
    };
    let same = x.this == y.this && crate::runtime::equal(x.fun, y.fun)?;
    Ok(match op {
        bop::EQUAL => Some(Value::from_bool(same)),
        bop::NOT_EQUAL => Some(Value::from_bool(!same)),
        _ => None,
    })
}

fn bound_unary_op(op: u8, m: Value) -> PyResult<Option<Value>> {
    use upy_compiler::bc::unary as uop;
    let Some(bm) = m.downcast::<BoundMethod>(&BOUND_METHOD_TYPE) else {
        return Ok(None);
    };
    Ok(match op {
        uop::HASH => Some(Value::small_int(
            ((bm.this.bits() ^ bm.fun.bits()) >> 3) as isize & (isize::MAX >> 2),
        )),
        _ => None,
    })
}

fn bound_attr(
    m: Value,
    name: crate::qstr::Qstr,
    op: crate::obj::AttrOp,
) -> PyResult<Option<Value>> {
    let Some(bm) = m.downcast::<BoundMethod>(&BOUND_METHOD_TYPE) else {
        return Ok(None);
    };
    if op != crate::obj::AttrOp::Load {
        return Ok(None);
    }
    Ok(match name {
        Q::__self__ => Some(bm.this),
        Q::__func__ => Some(bm.fun),
        Q::__name__ => crate::runtime::load_attr_opt(bm.fun, name)?,
        _ => None,
    })
}

pub static BOUND_METHOD_TYPE: Type = Type {
    name: Q::bound_method,
    print: Some(bound_print),
    binary_op: Some(bound_binary_op),
    unary_op: Some(bound_unary_op),
    attr: Some(bound_attr),
    call: Some(bound_call),
    ..Type::EMPTY
};

/// The function inside a staticmethod/classmethod wrapper.
pub fn wrapped(w: Value) -> Value {
    // SAFETY: callers pass staticmethod/classmethod instances, which use MethodWrapper.
    let m: &MethodWrapper = unsafe { w.downcast_unchecked() };
    m.fun
}
