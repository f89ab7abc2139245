//! `machine.Pin` and `pyb.LED` on the FPGA IO block of the AN385 (0x40028000): two user
//! LEDs (register LED0, bits 0-1, outputs) and two push buttons (register BUTTON, bits
//! 0-1, inputs). Pins are static objects, as on upstream's boards; `pyb.LED(1)` and
//! `LED(2)` are the LED pins again under the LED type, sharing the pins' methods.

use upy_runtime::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use upy_runtime::objs::{int, str as pystr};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::raise;
use upy_runtime::value::Value;

use crate::board::{self, read32, write32};

const FPGAIO: usize = 0x4002_8000;
const LED0: usize = FPGAIO;
const BUTTON: usize = FPGAIO + 0x08;

#[repr(C)]
pub struct Pin {
    base: ObjBase,
    /// `LED0`..., or for a `pyb.LED` its whole repr.
    name: &'static str,
    /// LED0 bit for outputs, BUTTON bit for inputs.
    bit: u32,
    output: bool,
}

// SAFETY: immutable static data.
unsafe impl Sync for Pin {}

static PINS: [Pin; 4] = [
    Pin {
        base: ObjBase::new(&PIN_TYPE),
        name: "LED0",
        bit: 0,
        output: true,
    },
    Pin {
        base: ObjBase::new(&PIN_TYPE),
        name: "LED1",
        bit: 1,
        output: true,
    },
    Pin {
        base: ObjBase::new(&PIN_TYPE),
        name: "BUTTON0",
        bit: 0,
        output: false,
    },
    Pin {
        base: ObjBase::new(&PIN_TYPE),
        name: "BUTTON1",
        bit: 1,
        output: false,
    },
];

/// A Pin, or the pin of a `pyb.LED`.
fn this(v: Value) -> PyResult<&'static Pin> {
    v.downcast::<Pin>(&PIN_TYPE)
        .or_else(|| v.downcast::<Pin>(&LED_TYPE))
        .map(|p| &*p)
        .ok_or_else(|| raise::type_error("expecting a Pin"))
}

fn level(p: &Pin) -> bool {
    let reg = if p.output { LED0 } else { BUTTON };
    read32(reg) & (1 << p.bit) != 0
}

fn set(p: &Pin, on: bool) -> PyResult<()> {
    if !p.output {
        return Err(raise::value_error("pin is input only"));
    }
    let v = read32(LED0);
    write32(
        LED0,
        if on {
            v | 1 << p.bit
        } else {
            v & !(1 << p.bit)
        },
    );
    Ok(())
}

/// A pin by number (0-3) or name (`"LED0"`, ...).
fn find(id: Value) -> PyResult<&'static Pin> {
    let pin = match pystr::as_str(id) {
        Some(name) => PINS.iter().find(|p| p.name == name),
        None => usize::try_from(int::get_isize(id)?)
            .ok()
            .and_then(|i| PINS.get(i)),
    };
    pin.ok_or_else(|| raise::value_error("invalid pin"))
}

/// `Pin(id, mode=-1, pull=-1, *, value=None)`: mode must fit the pin's direction.
fn configure(p: &Pin, args: &[Value], kw: &[Value]) -> PyResult<()> {
    let mode = board::arg(args, 0, kw, Q::mode);
    if let Some(m) = mode {
        let m = int::get_isize(m)?;
        if m != -1 && (m == 1) != p.output {
            return Err(raise::value_error("invalid pin mode"));
        }
    }
    let value = board::arg(args, 2, kw, Q::value);
    if let Some(v) = value.filter(|v| !v.is_none()) {
        set(p, upy_runtime::runtime::is_true(v)?)?;
    }
    Ok(())
}

fn make_new(_ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let Some((id, rest)) = args.split_first() else {
        return Err(raise::type_error(
            "function missing 1 required positional argument",
        ));
    };
    let p = find(*id)?;
    configure(p, rest, kw)?;
    Ok(Value::from_static(p))
}

fn print(out: &mut dyn Print, obj: Value, _kind: PrintKind) -> PyResult<()> {
    let p = this(obj)?;
    out.write_str("Pin(")?;
    out.write_str(p.name)?;
    out.write_str(")")
}

fn led_print(out: &mut dyn Print, obj: Value, _kind: PrintKind) -> PyResult<()> {
    out.write_str(this(obj)?.name)
}

/// What `value()`, `on()`, `off()`, `toggle()` and calling do, for Pin and LED alike:
/// read the level (`None`) or set it from a truth value.
#[inline(never)]
fn drive(p: &Pin, v: Option<Value>) -> PyResult<Value> {
    match v {
        None => Ok(Value::small_int(level(p) as isize)),
        Some(v) => {
            set(p, upy_runtime::runtime::is_true(v)?)?;
            Ok(Value::NONE)
        }
    }
}

fn flipped(p: &Pin) -> Option<Value> {
    Some(if level(p) { Value::FALSE } else { Value::TRUE })
}

fn value(args: &[Value]) -> PyResult<Value> {
    drive(this(args[0])?, args.get(1).copied())
}

fn call(obj: Value, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    drive(this(obj)?, args.first().copied())
}

fn on(s: Value) -> PyResult<Value> {
    drive(this(s)?, Some(Value::TRUE))
}

fn off(s: Value) -> PyResult<Value> {
    drive(this(s)?, Some(Value::FALSE))
}

fn toggle(s: Value) -> PyResult<Value> {
    let p = this(s)?;
    drive(p, flipped(p))
}

fn init(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let p = this(args[0])?;
    configure(p, &args[1..], kw)?;
    Ok(Value::NONE)
}

// Shared by Pin and LED.
const VALUE: Value = upy_runtime::fun!(
    value,
    Var {
        min: 1,
        max: 2,
        f: value
    }
);
const ON: Value = upy_runtime::fun!(on, F1(on));
const OFF: Value = upy_runtime::fun!(off, F1(off));
const TOGGLE: Value = upy_runtime::fun!(toggle, F1(toggle));

static PIN_LOCALS: &[(Qstr, Value)] = &[
    upy_runtime::entry!(init, upy_runtime::fun!(init, Kw { min: 1, f: init })),
    (Q::value, VALUE),
    (Q::on, ON),
    (Q::off, OFF),
    (Q::toggle, TOGGLE),
    (Q::IN, Value::small_int(0)),
    (Q::OUT, Value::small_int(1)),
    (Q::PULL_UP, Value::small_int(1)),
    (Q::PULL_DOWN, Value::small_int(2)),
];

pub static PIN_TYPE: Type = Type {
    name: Q::Pin,
    make_new: Some(make_new),
    print: Some(print),
    ext: &upy_runtime::obj::TypeExt::call(call),
    locals: upy_runtime::locals!(PIN_LOCALS),
    ..Type::EMPTY
};

// --- pyb.LED(n), n = 1 or 2 ---

fn led_make_new(_ty: &'static Type, args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    let n = int::get_isize(*args.first().ok_or_else(|| raise::type_error("LED(n)"))?)?;
    match n {
        1 | 2 => Ok(Value::from_static(&LEDS[n as usize - 1])),
        _ => Err(raise::value_error("LED doesn't exist")),
    }
}

/// The LED pins (`PINS[0..2]`) under the LED type.
static LEDS: [Pin; 2] = [
    Pin {
        base: ObjBase::new(&LED_TYPE),
        name: "LED(1)",
        bit: 0,
        output: true,
    },
    Pin {
        base: ObjBase::new(&LED_TYPE),
        name: "LED(2)",
        bit: 1,
        output: true,
    },
];

static LED_LOCALS: &[(Qstr, Value)] = &[
    (Q::on, ON),
    (Q::off, OFF),
    (Q::toggle, TOGGLE),
    (Q::value, VALUE),
];

pub static LED_TYPE: Type = Type {
    name: Q::LED,
    make_new: Some(led_make_new),
    print: Some(led_print),
    locals: upy_runtime::locals!(LED_LOCALS),
    ..Type::EMPTY
};
