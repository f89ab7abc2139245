//! `machine` as MicroPython's unix port has it (extmod/modmachine.c and friends):
//! `mem8`/`mem16`/`mem32` (memory through the port's `mem_read`/`mem_write`), `PinBase`
//! (a pin written in Python: its `value()` method is the pin), `Signal` (a pin, possibly
//! inverted), `time_pulse_us`, `idle` and `soft_reset`.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::objs::{int, module::Module};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::runtime;
use crate::state;
use crate::value::Value;

fn hal() -> PyResult<&'static dyn crate::hal::Hal> {
    state::get()
        .hal
        .ok_or_else(|| raise::runtime_error("no hal"))
}

// --- mem8 / mem16 / mem32 ---

#[repr(C)]
pub struct Mem {
    base: ObjBase,
    /// Access width in bytes: 1, 2 or 4.
    width: usize,
}

fn mem_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let w = v.downcast::<Mem>(&MEM_TYPE).map_or(1, |m| m.width);
    let s = match w {
        2 => "<16-bit memory>",
        4 => "<32-bit memory>",
        _ => "<8-bit memory>",
    };
    out.write_str(s)
}

fn mem_subscr(v: Value, index: Value, op: SubscrOp) -> PyResult<Option<Value>> {
    let Some(m) = v.downcast::<Mem>(&MEM_TYPE) else {
        return Ok(None);
    };
    if op == SubscrOp::Delete {
        return Ok(None);
    }
    if !int::is_int(index) {
        return Err(raise::type_error("memory address must be an integer"));
    }
    // Truncated like upstream's mp_obj_get_int_truncated, so addresses above the small
    // int range still work.
    let addr = int::as_i64(index).map_or(0, |a| a as usize);
    if addr & (m.width - 1) != 0 {
        return Err(raise::value_error_fmt(format_args!(
            "address {:08x} is not aligned to {} bytes",
            addr, m.width
        )));
    }
    match op {
        SubscrOp::Load => {
            let x = hal()?.mem_read(addr, m.width).map_err(raise::os_error)?;
            Ok(Some(int::from_u64(x as u64)?))
        }
        SubscrOp::Store(x) => {
            let val =
                int::as_i64(x).ok_or_else(|| raise::type_error("value must be an integer"))?;
            hal()?
                .mem_write(addr, m.width, val as u32)
                .map_err(raise::os_error)?;
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => Ok(None),
    }
}

pub static MEM_TYPE: Type = Type {
    name: Q::mem,
    print: Some(mem_print),
    subscr: Some(mem_subscr),
    ..Type::EMPTY
};

static MEM8: Mem = Mem {
    base: ObjBase::new(&MEM_TYPE),
    width: 1,
};
static MEM16: Mem = Mem {
    base: ObjBase::new(&MEM_TYPE),
    width: 2,
};
static MEM32: Mem = Mem {
    base: ObjBase::new(&MEM_TYPE),
    width: 4,
};

// --- PinBase ---

#[repr(C)]
struct PinBase {
    base: ObjBase,
}

fn pinbase_new(ty: &'static Type, _args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(PinBase {
        base: ObjBase::new(ty),
    })?))
}

/// `machine.PinBase`: subclass it and define `value([v])` to make a pin in Python.
pub static PINBASE_TYPE: Type = Type {
    name: Q::PinBase,
    flags: flags::BASETYPE,
    make_new: Some(pinbase_new),
    ..Type::EMPTY
};

// --- Signal ---

#[repr(C)]
pub struct Signal {
    base: ObjBase,
    pin: Value,
    invert: bool,
}

/// Follow a chain of Signals down to the pin at its end, folding their inversions. A
/// chain made circular (a Signal subclass initialised with itself) is an error, not a hang.
fn resolve_pin(mut v: Value) -> PyResult<(Value, bool)> {
    let mut invert = false;
    for _ in 0..1000 {
        // A Python subclass of Signal keeps the Signal itself as its native part.
        let inner = crate::objs::r#type::native_of(v).unwrap_or(v);
        let Some(s) = inner.downcast::<Signal>(&SIGNAL_TYPE) else {
            return Ok((v, invert));
        };
        invert ^= s.invert;
        v = s.pin;
    }
    Err(raise::runtime_error("maximum recursion depth exceeded"))
}

/// Read a pin (any object with a `value()` method, or a Signal): the integer its
/// `value()` returns, with each Signal's inversion applied as an exclusive or (upstream's
/// virtual pin read, so a pin returning 42 reads 42).
fn pin_read(v: Value) -> PyResult<isize> {
    let (pin, invert) = resolve_pin(v)?;
    let f = runtime::load_attr(pin, Q::value)?;
    let r = runtime::call(f, &[], &[])?;
    Ok(int::get_isize(r)? ^ invert as isize)
}

/// Write a pin: its `value()` gets True or False.
fn pin_write(v: Value, on: bool) -> PyResult<()> {
    let (pin, invert) = resolve_pin(v)?;
    let f = runtime::load_attr(pin, Q::value)?;
    runtime::call(f, &[Value::from_bool(on ^ invert)], &[])?;
    Ok(())
}

fn signal_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let mut invert = false;
    match (args, kw) {
        ([_], []) => {}
        ([_], [k, v]) if k.as_qstr() == Some(Q::invert) => invert = runtime::is_true(*v)?,
        _ => return Err(raise::with_args(&crate::objs::exception::TYPE_ERROR, &[])),
    }
    Ok(Value::from_ptr(mem::alloc(Signal {
        base: ObjBase::new(&SIGNAL_TYPE),
        pin: args[0],
        invert,
    })?))
}

fn signal_value(args: &[Value]) -> PyResult<Value> {
    match args {
        [s] => Ok(Value::small_int(pin_read(*s)?)),
        [s, x] => {
            pin_write(*s, runtime::is_true(*x)?)?;
            Ok(Value::NONE)
        }
        _ => Err(raise::type_error("function takes at most 1 argument")),
    }
}

fn signal_call(s: Value, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(raise::type_error("function doesn't take keyword arguments"));
    }
    match args {
        [] => signal_value(&[s]),
        [x] => signal_value(&[s, *x]),
        _ => Err(raise::type_error("function takes at most 1 argument")),
    }
}

fn signal_on(s: Value) -> PyResult<Value> {
    pin_write(s, true)?;
    Ok(Value::NONE)
}

fn signal_off(s: Value) -> PyResult<Value> {
    pin_write(s, false)?;
    Ok(Value::NONE)
}

static SIGNAL_LOCALS: [(Qstr, Value); 3] = [
    crate::entry!(off, crate::fun!(off, F1(signal_off))),
    crate::entry!(on, crate::fun!(on, F1(signal_on))),
    crate::entry!(
        value,
        crate::fun!(
            value,
            Var {
                min: 1,
                max: 2,
                f: signal_value
            }
        )
    ),
];

pub static SIGNAL_TYPE: Type = Type {
    name: Q::Signal,
    make_new: Some(signal_new),
    ext: &crate::obj::TypeExt::call(signal_call),
    locals: crate::locals!(&SIGNAL_LOCALS),
    ..Type::EMPTY
};

// --- functions ---

/// `time_pulse_us(pin, level, timeout_us=1000000)`: wait for the pin to reach `level`
/// (-2 on timeout), then time how long it stays there (-1 on timeout).
fn time_pulse_us(args: &[Value]) -> PyResult<Value> {
    let pin = args[0];
    let level = int::get_isize(args[1])?;
    let timeout = match args.get(2) {
        Some(t) => int::get_isize(*t)?.max(0) as u64,
        None => 1_000_000,
    };
    let h = hal()?;
    let mut start = h.ticks_us();
    while pin_read(pin)? != level {
        if h.ticks_us().wrapping_sub(start) >= timeout {
            return Ok(Value::small_int(-2));
        }
    }
    start = h.ticks_us();
    while pin_read(pin)? == level {
        if h.ticks_us().wrapping_sub(start) >= timeout {
            return Ok(Value::small_int(-1));
        }
    }
    int::from_u64(h.ticks_us().wrapping_sub(start))
}

fn idle() -> PyResult<Value> {
    // Nothing to wait for on a hosted port beyond delivering pending events.
    crate::vm::take_pending()?;
    Ok(Value::NONE)
}

fn soft_reset() -> PyResult<Value> {
    Err(raise::with_args(&crate::objs::exception::SYSTEM_EXIT, &[]))
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::machine)),
    (Q::PinBase, Value::from_static(&PINBASE_TYPE)),
    (Q::Signal, Value::from_static(&SIGNAL_TYPE)),
    (Q::idle, crate::fun!(idle, F0(idle))),
    (Q::mem16, Value::from_static(&MEM16)),
    (Q::mem32, Value::from_static(&MEM32)),
    (Q::mem8, Value::from_static(&MEM8)),
    (Q::soft_reset, crate::fun!(soft_reset, F0(soft_reset))),
    (
        Q::time_pulse_us,
        crate::fun!(
            time_pulse_us,
            Var {
                min: 2,
                max: 3,
                f: time_pulse_us
            }
        ),
    ),
];

pub static MODULE: Module = Module::new_static(Q::machine, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    #[test]
    fn mem_checks_alignment_and_types() {
        with_vm(|| {
            let m16 = Value::from_static(&MEM16);
            let e = mem_subscr(m16, Value::small_int(1), SubscrOp::Load).unwrap_err();
            assert!(runtime::is_instance(
                e.0,
                &crate::objs::exception::VALUE_ERROR
            ));
            let s = crate::objs::str::new("x").unwrap();
            let e = mem_subscr(m16, s, SubscrOp::Load).unwrap_err();
            assert!(runtime::is_instance(
                e.0,
                &crate::objs::exception::TYPE_ERROR
            ));
            assert!(mem_subscr(m16, Value::small_int(2), SubscrOp::Delete)
                .unwrap()
                .is_none());
        });
    }

    #[test]
    fn signal_chains_fold_inversion() {
        with_vm(|| {
            let inner = Value::from_ptr(
                mem::alloc(Signal {
                    base: ObjBase::new(&SIGNAL_TYPE),
                    pin: Value::NONE,
                    invert: true,
                })
                .unwrap(),
            );
            let outer = Value::from_ptr(
                mem::alloc(Signal {
                    base: ObjBase::new(&SIGNAL_TYPE),
                    pin: inner,
                    invert: true,
                })
                .unwrap(),
            );
            assert_eq!(resolve_pin(outer).unwrap(), (Value::NONE, false));
            assert_eq!(resolve_pin(inner).unwrap(), (Value::NONE, true));
        });
    }
}
