//! upy firmware for the MPS2 AN385 board (Cortex-M3) as QEMU's `mps2-an385` emulates it:
//! vector table and reset, the static GC heap and pystack, and the board's boot loop
//! (file system, `boot.py`, `main.py`, REPL on UART0, soft reset), as upstream's boards do.
#![no_std]
#![no_main]

extern crate alloc;

mod arena;
mod board;
mod flash;
mod hal;
mod machine;
mod pin;
mod repl_host;
mod select;
mod timer;
mod uart;

use core::sync::atomic::Ordering;
use upy_compiler::ast::ParseMode;
use upy_runtime::exec;
use upy_runtime::objs::{list, str as pystr};
use upy_runtime::qstr::Q;
use upy_runtime::repl::{Mode, Repl, ReplConfig, ReplExit};
use upy_runtime::state;
use upy_runtime::value::Value;
use upy_runtime::PyResult;

/// A decimal build-time setting (`UPY_HEAP_KB=16`).
pub const fn parse_usize(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        let d = b[i];
        if d.is_ascii_digit() {
            n = n * 10 + (d - b'0') as usize;
        }
        i += 1;
    }
    n
}

/// GC heap size in KiB (`UPY_HEAP_KB` at build time).
const HEAP_KB: usize = match option_env!("UPY_HEAP_KB") {
    Some(s) => parse_usize(s),
    None => 128,
};
/// Python frame stack in KiB (`UPY_PYSTACK_KB`).
const PYSTACK_KB: usize = match option_env!("UPY_PYSTACK_KB") {
    Some(s) => parse_usize(s),
    None => 16,
};
/// Native stack Python code may use before `RuntimeError: maximum recursion depth
/// exceeded` (`UPY_STACK_KB`); the stack itself runs down from the top of SSRAM2/3.
const STACK_KB: usize = match option_env!("UPY_STACK_KB") {
    Some(s) => parse_usize(s),
    None => 48,
};

struct Region<const N: usize>(core::cell::UnsafeCell<[u64; N]>);
// SAFETY: handed to the interpreter once per soft reset; nothing else touches it.
unsafe impl<const N: usize> Sync for Region<N> {}

static HEAP: Region<{ HEAP_KB * 128 }> = Region(core::cell::UnsafeCell::new([0; HEAP_KB * 128]));
static PYSTACK: Region<{ PYSTACK_KB * 128 }> =
    Region(core::cell::UnsafeCell::new([0; PYSTACK_KB * 128]));

extern "C" {
    static _stack_top: u32;
    static mut _sbss: u32;
    static mut _ebss: u32;
    static mut _sdata: u32;
    static mut _edata: u32;
    static _sidata: u32;
    static _etext: u32;
}

fn stack_top() -> usize {
    core::ptr::addr_of!(_stack_top) as usize
}

#[link_section = ".vector_table.reset_vector"]
#[no_mangle]
#[used]
static RESET_VECTOR: unsafe extern "C" fn() -> ! = Reset;

type Handler = unsafe extern "C" fn();

const N_IRQ: usize = machine::IRQ_TIMER1 as usize + 1;

#[link_section = ".vector_table.exceptions"]
#[used]
static EXCEPTIONS: [Option<Handler>; 14] = [
    Some(fault),      // NMI
    Some(hard_fault), // HardFault
    Some(fault),      // MemManage
    Some(fault),      // BusFault
    Some(fault),      // UsageFault
    None,
    None,
    None,
    None,
    Some(fault), // SVCall
    Some(fault), // DebugMonitor
    None,
    Some(fault), // PendSV
    Some(systick),
];

/// The vectors up to the last interrupt the firmware enables (Timer1, IRQ 9): the NVIC
/// takes no other (nothing enables them), so the table stops there instead of covering all
/// 32 of the AN385's.
#[link_section = ".vector_table.interrupts"]
#[used]
static INTERRUPTS: [Option<Handler>; N_IRQ] = {
    let mut v: [Option<Handler>; N_IRQ] = [None; N_IRQ];
    v[board::IRQ_UART0_RX as usize] = Some(uart0_rx);
    v[machine::IRQ_TIMER0 as usize] = Some(timer0);
    v[machine::IRQ_TIMER1 as usize] = Some(timer1);
    v
};

unsafe extern "C" fn systick() {
    board::systick_irq();
}

unsafe extern "C" fn uart0_rx() {
    board::uart0_rx_irq();
}

unsafe extern "C" fn timer0() {
    machine::timer_irq(0);
}

unsafe extern "C" fn timer1() {
    machine::timer_irq(1);
}

unsafe extern "C" fn fault() {
    board::console_write(b"\r\nFATAL: unexpected exception\r\n");
    board::exit(3);
}

// The HardFault vector: hands the exception frame (on the main stack, as nothing here runs
// on the process stack) to `hard_fault_report`, keeping EXC_RETURN in lr so that its return
// is the exception return.
core::arch::global_asm!(
    ".section .text.hard_fault,\"ax\",%progbits",
    ".global hard_fault",
    ".type hard_fault,%function",
    ".thumb_func",
    "hard_fault:",
    "mrs r0, msp",
    "mov r1, lr",
    "b {report}",
    report = sym hard_fault_report,
);

extern "C" {
    fn hard_fault();
}

/// A Rust panic: the firmware is built with `-Cpanic=immediate-abort`, so a panic is a `udf`
/// instruction, and the undefined-instruction fault ends up here (UsageFault is not enabled
/// on its own). When thread code panicked, the exception returns into `panic_restart`, which
/// reports it and starts the boot loop again, as a panic handler would; any other fault (or
/// a panic in an interrupt handler) stops the board with a message.
///
/// # Safety
/// Only the HardFault vector calls it, with the stacked frame and EXC_RETURN.
unsafe extern "C" fn hard_fault_report(frame: *mut u32, exc_return: u32) {
    const UDF: u16 = 0xde00;
    const THREAD_MSP: u32 = 0xffff_fff9;
    // SAFETY: frame is the hardware-stacked r0-r3, r12, lr, pc, xPSR; the pc is read only
    // when it lies in the code.
    unsafe {
        let pc = *frame.add(6);
        let in_code = (pc as usize) < core::ptr::addr_of!(_etext) as usize;
        if exc_return == THREAD_MSP && in_code && *(pc as *const u16) & 0xff00 == UDF {
            // The stacked pc holds an instruction address: no Thumb bit.
            *frame.add(6) = panic_restart as extern "C" fn() -> ! as usize as u32 & !1;
            // Thumb state, no interrupted multi-cycle instruction.
            *frame.add(7) = 1 << 24;
            return;
        }
    }
    board::console_write(b"\r\nFATAL: HardFault\r\n");
    board::exit(3);
}

extern "C" fn panic_restart() -> ! {
    // A panic inside a critical section must not leave the UART and timer interrupts off.
    board::enable_irq(0);
    board::console_write(b"\r\nFATAL: internal error, restarting\r\n");
    restart()
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    panic_restart()
}

/// Start the boot loop again on a fresh stack (after a Rust panic, which cannot unwind).
fn restart() -> ! {
    board::EXECUTING.store(false, Ordering::Relaxed);
    // SAFETY: abandons every frame: the boot loop re-creates all state it needs.
    unsafe {
        core::arch::asm!(
            "mov sp, {top}",
            "bx {entry}",
            top = in(reg) stack_top(),
            entry = in(reg) boot_loop as extern "C" fn() -> ! as usize,
            options(noreturn)
        )
    }
}

/// # Safety
/// Only the reset vector calls it.
#[no_mangle]
pub unsafe extern "C" fn Reset() -> ! {
    // SAFETY: linker-provided bounds of .bss and .data; nothing has run yet.
    unsafe {
        let mut p = core::ptr::addr_of_mut!(_sbss);
        while p < core::ptr::addr_of_mut!(_ebss) {
            p.write_volatile(0);
            p = p.add(1);
        }
        let mut d = core::ptr::addr_of_mut!(_sdata);
        let mut s = core::ptr::addr_of!(_sidata);
        while d < core::ptr::addr_of_mut!(_edata) {
            d.write_volatile(s.read());
            d = d.add(1);
            s = s.add(1);
        }
    }
    board::systick_init();
    board::console_init();
    flash::load();
    boot_loop()
}

/// The GC heap's size: the whole static region, or less with `heapkb=N` on QEMU's
/// semihosting command line (to try a program in a small board's memory).
fn heap_bytes() -> usize {
    let mut v = alloc::vec::Vec::new();
    let kb = if machine::cmdline_word(b"heapkb=", &mut v) {
        core::str::from_utf8(&v).map_or(HEAP_KB, parse_usize)
    } else {
        HEAP_KB
    };
    kb.clamp(4, HEAP_KB) * 1024
}

/// Fresh interpreter state on the static heap: a cold boot or a soft reset.
fn start_interpreter() {
    let heap = HEAP.0.get() as *mut u8;
    let pystack = PYSTACK.0.get() as *mut Value;
    let top = stack_top();
    // SAFETY: the regions are static and used by this interpreter alone; the previous
    // interpreter's values are all gone (the boot loop holds none across a reset).
    unsafe {
        state::reset();
        upy_runtime::init(heap, heap_bytes(), top, &hal::HAL);
        upy_runtime::init_pystack(
            pystack,
            PYSTACK_KB * 128 * 8 / core::mem::size_of::<Value>(),
        );
    }
    state::get().stack_limit = top - STACK_KB * 1024;
}

/// `sys.path` = `['', '/flash', '/flash/lib']`, empty `sys.argv`, cwd `/flash`.
fn setup_sys() -> PyResult<()> {
    let st = state::get();
    st.roots.modules = upy_runtime::objs::dict::new()?;
    state::get().roots.sys_argv = list::new(&[])?;
    let path = list::new(&[])?;
    state::get().roots.sys_path = path;
    for p in ["", "/flash", "/flash/lib"] {
        list::append(path, pystr::new(p)?)?;
    }
    upy_runtime::modules::builtins::store_override(Q::help, exec::HELP)?;
    exec::main_globals()?;
    flash::mount()
}

/// How a boot script ended.
enum ScriptEnd {
    Ok,
    Failed,
    SystemExit,
}

/// Run `name` from the current directory if it exists, printing an uncaught exception.
fn run_script(name: &str) -> ScriptEnd {
    let mut src = alloc::vec::Vec::new();
    let files = upy_runtime::modules::vfs::ImportFs(&hal::HAL);
    if files.read_file(name, &mut src).is_err() {
        return ScriptEnd::Ok;
    }
    let text = alloc::string::String::from_utf8_lossy(&src);
    match repl_host::run_armed(&text, name, ParseMode::File) {
        Ok(_) => ScriptEnd::Ok,
        Err(e) => {
            if upy_runtime::runtime::is_instance(e.0, &upy_runtime::objs::exception::SYSTEM_EXIT) {
                return ScriptEnd::SystemExit;
            }
            let _ = exec::print_exception(&mut exec::Stdout, e.0);
            ScriptEnd::Failed
        }
    }
}

/// The board's life: interpreter, boot scripts, REPL; soft reset starts it over.
extern "C" fn boot_loop() -> ! {
    let mut mode = Mode::Friendly;
    let mut safe = machine::safe_boot_requested();
    loop {
        start_interpreter();
        if let Err(e) = setup_sys() {
            let _ = exec::print_exception(&mut exec::Stdout, e.0);
        }
        let mut reset = false;
        if safe {
            hal::write_cooked(b"MPY: safe boot, skipping boot.py and main.py\n");
        } else {
            match run_script("boot.py") {
                ScriptEnd::SystemExit => reset = true,
                ScriptEnd::Failed => safe = true,
                ScriptEnd::Ok => {}
            }
            if !reset && !safe && mode == Mode::Friendly {
                reset = matches!(run_script("main.py"), ScriptEnd::SystemExit);
            }
        }
        safe = false;
        if !reset {
            mode = run_repl(mode);
        }
        machine::deinit();
        // Every object goes; finalisers write out files left open.
        state::get().heap.sweep_all();
        flash::save();
        hal::write_cooked(b"MPY: soft reboot\n");
    }
}

fn run_repl(mode: Mode) -> Mode {
    let mut host = repl_host::BoardHost::new();
    let mut repl = Repl::new(ReplConfig::BOARD);
    repl.set_mode(mode);
    match repl.run(&mut host) {
        ReplExit::CtrlD | ReplExit::SystemExit(_) | ReplExit::InputClosed => {}
    }
    repl.mode()
}
