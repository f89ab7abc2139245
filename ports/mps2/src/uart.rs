//! `machine.UART` on the extra CMSDK APB UARTs of the AN385 (UART1-3 at 0x40005000,
//! 0x40006000, 0x40007000 and UART4 at 0x40009000; UART0 is the REPL console). QEMU
//! connects UART n to its (n+1)-th `-serial` option. Receive is polled: the one-byte
//! receive register holds QEMU back until it is read, so nothing is lost.

use upy_runtime::obj::{ObjBase, Print, PrintKind, PyResult, Type};
use upy_runtime::objs::{int, str as pystr};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::raise;
use upy_runtime::value::Value;

use crate::board;

const BASES: [usize; 5] = [
    board::UART0,
    0x4000_5000,
    0x4000_6000,
    0x4000_7000,
    0x4000_9000,
];

#[repr(C)]
pub struct Uart {
    base: ObjBase,
    id: usize,
    baudrate: isize,
}

fn this(v: Value) -> PyResult<&'static mut Uart> {
    v.downcast::<Uart>(&UART_TYPE)
        .ok_or_else(|| raise::type_error("expecting a UART"))
}

fn configure(u: &mut Uart, args: &[Value], kw: &[Value]) -> PyResult<()> {
    if let Some(b) = board::arg(args, 0, kw, Q::baudrate) {
        u.baudrate = int::get_isize(b)?;
    }
    // The console keeps its interrupt-driven receive.
    if u.id != 0 {
        board::uart_init(BASES[u.id]);
        // Polled: no receive interrupt.
        board::write32(BASES[u.id] + 0x08, 3);
    }
    Ok(())
}

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let Some((id, rest)) = args.split_first() else {
        return Err(raise::type_error(
            "function missing 1 required positional argument",
        ));
    };
    let id = int::get_isize(*id)?;
    let id = usize::try_from(id)
        .ok()
        .filter(|i| *i < BASES.len())
        .ok_or_else(|| raise::value_error("UART doesn't exist"))?;
    let p = upy_runtime::mem::alloc(Uart {
        base: ObjBase::new(ty),
        id,
        baudrate: 115_200,
    })?;
    // SAFETY: just allocated and initialised.
    configure(unsafe { &mut *p }, rest, kw)?;
    Ok(Value::from_ptr(p as *const u8))
}

fn print(out: &mut dyn Print, obj: Value, _kind: PrintKind) -> PyResult<()> {
    let u = this(obj)?;
    upy_runtime::modules::sys::print_nums(
        out,
        "UART({}, baudrate={})",
        &[u.id as isize, u.baudrate],
    )
}

fn init(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    configure(this(args[0])?, &args[1..], kw)?;
    Ok(Value::NONE)
}

fn write(s: Value, data: Value) -> PyResult<Value> {
    let u = this(s)?;
    let bytes: &[u8] = match pystr::as_bytes(data) {
        Some(b) => b,
        None => pystr::as_str(data)
            .map(str::as_bytes)
            .ok_or_else(|| raise::type_error("object with buffer protocol required"))?,
    };
    for &b in bytes {
        board::uart_putc(BASES[u.id], b);
    }
    Ok(Value::small_int(bytes.len() as isize))
}

fn getc(id: usize) -> Option<u8> {
    if id == 0 {
        board::console_poll()
    } else {
        board::uart_getc_nowait(BASES[id])
    }
}

/// `read([n])`: the bytes waiting (at most n); None if there are none.
fn read(args: &[Value]) -> PyResult<Value> {
    let u = this(args[0])?;
    let max = match args.get(1) {
        Some(n) if !n.is_none() => int::get_isize(*n)?.max(0) as usize,
        _ => usize::MAX,
    };
    let mut out = alloc::vec::Vec::new();
    while out.len() < max {
        match getc(u.id) {
            Some(b) => out.push(b),
            None => break,
        }
    }
    if out.is_empty() && max > 0 {
        return Ok(Value::NONE);
    }
    pystr::new_bytes(&out)
}

fn any(s: Value) -> PyResult<Value> {
    let u = this(s)?;
    let state = board::read32(BASES[u.id] + 0x04);
    Ok(Value::small_int((state & 2 != 0) as isize))
}

fn deinit(s: Value) -> PyResult<Value> {
    let u = this(s)?;
    if u.id != 0 {
        board::write32(BASES[u.id] + 0x08, 0);
    }
    Ok(Value::NONE)
}

static LOCALS: &[(Qstr, Value)] = &[
    upy_runtime::entry!(init, upy_runtime::fun!(init, Kw { min: 1, f: init })),
    upy_runtime::entry!(deinit, upy_runtime::fun!(deinit, F1(deinit))),
    upy_runtime::entry!(write, upy_runtime::fun!(write, F2(write))),
    upy_runtime::entry!(
        read,
        upy_runtime::fun!(
            read,
            Var {
                min: 1,
                max: 2,
                f: read
            }
        )
    ),
    upy_runtime::entry!(any, upy_runtime::fun!(any, F1(any))),
];

pub static UART_TYPE: Type = Type {
    name: Q::UART,
    make_new: Some(make_new),
    print: Some(print),
    locals: upy_runtime::locals!(LOCALS),
    ..Type::EMPTY
};
