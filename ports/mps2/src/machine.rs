//! `machine` (and its `pyb` alias layer) on the MPS2 AN385: reset through semihosting,
//! memory access, interrupt masking, and the board's semihosting command line.
//! Peripheral classes live in their own files (`pin.rs`, `timer.rs`, `uart.rs`).

use alloc::vec::Vec;
use upy_runtime::obj::{ObjBase, PyResult, SubscrOp, Type};
use upy_runtime::objs::module::Module;
use upy_runtime::objs::{exception, int};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::raise;
use upy_runtime::value::Value;

use crate::board;

pub use crate::timer::{run_pending, timer_irq, IRQ_TIMER0, IRQ_TIMER1};

/// Files left open are written out (their finalisers run) before the image is saved, as
/// at a soft reset: nothing runs after this.
fn reset() -> PyResult<Value> {
    upy_runtime::state::get().heap.sweep_all();
    crate::flash::save();
    board::exit(0)
}

fn soft_reset() -> PyResult<Value> {
    Err(raise::with_args(&exception::SYSTEM_EXIT, &[]))
}

fn freq() -> PyResult<Value> {
    Ok(Value::small_int(board::CLOCK_HZ as isize))
}

fn unique_id() -> PyResult<Value> {
    upy_runtime::objs::str::new_bytes(b"upy-mps2")
}

fn idle() -> PyResult<Value> {
    board::wfi();
    Ok(Value::NONE)
}

fn disable_irq() -> PyResult<Value> {
    Ok(Value::small_int(board::disable_irq() as isize))
}

fn enable_irq(args: &[Value]) -> PyResult<Value> {
    let state = match args.first() {
        Some(v) => int::get_isize(*v)? as u32,
        None => 0,
    };
    board::enable_irq(state);
    Ok(Value::NONE)
}

/// `machine.mem8/16/32`: word-sized views of the address space.
#[repr(C)]
pub struct Mem {
    base: ObjBase,
    width: usize,
}

// SAFETY: immutable static data.
unsafe impl Sync for Mem {}

fn address(v: Value, width: usize) -> PyResult<usize> {
    let a = int::as_i64(v).ok_or_else(|| raise::type_error("can't convert to int"))?;
    if a < 0 || a > u32::MAX as i64 || a as usize % width != 0 {
        return Err(raise::value_error("address not aligned"));
    }
    Ok(a as usize)
}

fn mem_subscr(obj: Value, index: Value, op: SubscrOp) -> PyResult<Option<Value>> {
    let Some(m) = obj.downcast::<Mem>(&MEM_TYPE) else {
        return Ok(None);
    };
    let addr = address(index, m.width)?;
    let p = addr as *mut u8;
    match op {
        SubscrOp::Load => {
            // SAFETY: the program asked for this address: a raw memory access is what
            // machine.memN is for (upstream gives no protection either).
            let v = unsafe {
                match m.width {
                    1 => p.read_volatile() as u32,
                    2 => (p as *mut u16).read_volatile() as u32,
                    _ => (p as *mut u32).read_volatile(),
                }
            };
            Ok(Some(int::from_u64(v as u64)?))
        }
        SubscrOp::Store(v) => {
            let n = int::as_i64(v).ok_or_else(|| raise::type_error("can't convert to int"))?;
            // SAFETY: as above.
            unsafe {
                match m.width {
                    1 => p.write_volatile(n as u8),
                    2 => (p as *mut u16).write_volatile(n as u16),
                    _ => (p as *mut u32).write_volatile(n as u32),
                }
            }
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => Ok(None),
    }
}

pub static MEM_TYPE: Type = Type {
    name: Q::mem,
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

/// `machine.mem_arena()`: (bytes used, peak, size) of the Rust allocator arena that the
/// compiler and file buffers use (the GC heap is in `gc.mem_free`/`gc.mem_alloc`).
fn arena_info() -> PyResult<Value> {
    let (used, peak) = crate::arena::ARENA.usage();
    upy_runtime::objs::tuple::new(&[
        Value::small_int(used as isize),
        Value::small_int(peak as isize),
        Value::small_int(crate::arena::ARENA.size() as isize),
    ])
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::machine)),
    upy_runtime::entry!(reset, upy_runtime::fun!(reset, F0(reset))),
    upy_runtime::entry!(soft_reset, upy_runtime::fun!(soft_reset, F0(soft_reset))),
    upy_runtime::entry!(freq, upy_runtime::fun!(freq, F0(freq))),
    upy_runtime::entry!(unique_id, upy_runtime::fun!(unique_id, F0(unique_id))),
    upy_runtime::entry!(idle, upy_runtime::fun!(idle, F0(idle))),
    upy_runtime::entry!(disable_irq, upy_runtime::fun!(disable_irq, F0(disable_irq))),
    upy_runtime::entry!(
        enable_irq,
        upy_runtime::fun!(
            enable_irq,
            Var {
                min: 0,
                max: 1,
                f: enable_irq
            }
        )
    ),
    (Q::mem8, Value::from_static(&MEM8)),
    (Q::mem16, Value::from_static(&MEM16)),
    (Q::mem32, Value::from_static(&MEM32)),
    upy_runtime::entry!(mem_arena, upy_runtime::fun!(mem_arena, F0(arena_info))),
    (Q::Flash, Value::from_static(&crate::flash::FLASH_TYPE)),
    (Q::Pin, Value::from_static(&crate::pin::PIN_TYPE)),
    (Q::Timer, Value::from_static(&crate::timer::TIMER_TYPE)),
    (Q::UART, Value::from_static(&crate::uart::UART_TYPE)),
];

pub static MODULE: Module = Module::new_static(Q::machine, upy_runtime::locals!(GLOBALS));

static PYB_GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::pyb)),
    (Q::Flash, Value::from_static(&crate::flash::FLASH_TYPE)),
    (Q::LED, Value::from_static(&crate::pin::LED_TYPE)),
    (Q::Pin, Value::from_static(&crate::pin::PIN_TYPE)),
    (Q::Timer, Value::from_static(&crate::timer::TIMER_TYPE)),
    (Q::UART, Value::from_static(&crate::uart::UART_TYPE)),
    upy_runtime::entry!(hard_reset, upy_runtime::fun!(hard_reset, F0(reset))),
    upy_runtime::entry!(freq, upy_runtime::fun!(freq, F0(freq))),
];

pub static PYB: Module = Module::new_static(Q::pyb, upy_runtime::locals!(PYB_GLOBALS));

/// Stop timers and peripheral interrupts before a soft reset.
pub fn deinit() {
    crate::timer::deinit_all();
}

// --- the board's command line (semihosting) ---

const SYS_GET_CMDLINE: u32 = 0x15;

/// QEMU's semihosting command line (`-semihosting-config enable=on,arg=...`, or the
/// kernel name and `-append` text).
fn cmdline(buf: &mut [u8; 512]) -> &[u8] {
    let mut block = [buf.as_mut_ptr() as u32, buf.len() as u32];
    // SAFETY: SYS_GET_CMDLINE writes at most `len` bytes into `buf` and the length back.
    let r = unsafe { board::semihost(SYS_GET_CMDLINE, block.as_mut_ptr() as usize) };
    if r != 0 {
        return &[];
    }
    let n = (block[1] as usize).min(buf.len());
    &buf[..n]
}

pub fn cmdline_word(prefix: &[u8], out: &mut Vec<u8>) -> bool {
    let mut buf = [0u8; 512];
    for w in cmdline(&mut buf).split(|&b| b == b' ' || b == 0) {
        if let Some(rest) = w.strip_prefix(prefix) {
            out.extend_from_slice(rest);
            return true;
        }
    }
    false
}

/// Safe boot (skip boot.py and main.py) was asked for with `safeboot` on the command line.
pub fn safe_boot_requested() -> bool {
    let mut v = Vec::new();
    cmdline_word(b"safeboot", &mut v)
}
