//! The core's [`Hal`] on the board: console on UART0 (`\n` sent as `\r\n`, as boards do),
//! clocks from SysTick, and the port's modules (files live on the VfsFat at `/flash`).

use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use upy_runtime::hal::{FileKind, Hal, InputEnd};
use upy_runtime::objs::module::Module;
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::readline::{EditorConfig, History, LineEditor, LineEnd};
use upy_runtime::state;

use crate::board;

pub struct BoardHal;

pub static HAL: BoardHal = BoardHal;

/// Write with `\n` turned into `\r\n`.
pub fn write_cooked(bytes: &[u8]) {
    let mut rest = bytes;
    while let Some(i) = rest.iter().position(|&b| b == b'\n') {
        let (line, tail) = rest.split_at(i);
        board::console_write(line);
        board::console_write(b"\r\n");
        rest = tail.get(1..).unwrap_or(&[]);
    }
    board::console_write(rest);
}

fn interrupted() -> bool {
    state::get().kbd_pending.load(Ordering::Relaxed)
}

/// The next console byte, or None once Ctrl-C was turned into a pending interrupt.
fn read_or_interrupt() -> Option<u8> {
    loop {
        if interrupted() {
            return None;
        }
        if let Some(b) = board::console_poll() {
            return Some(b);
        }
        board::wfi();
    }
}

static MODULES: [(Qstr, &Module); 3] = [
    (Q::machine, &crate::machine::MODULE),
    (Q::pyb, &crate::machine::PYB),
    (Q::select, &crate::select::MODULE),
];

impl Hal for BoardHal {
    fn stdout_write(&self, bytes: &[u8]) {
        write_cooked(bytes);
    }

    fn stdout_write_raw(&self, bytes: &[u8]) {
        board::console_write(bytes);
    }

    fn stdin_read(&self, buf: &mut [u8]) -> usize {
        let Some(first) = buf.first_mut() else {
            return 0;
        };
        match read_or_interrupt() {
            Some(b) => {
                *first = b;
                1
            }
            None => 0,
        }
    }

    fn read_line(&self, line: &mut Vec<u8>) -> InputEnd {
        let mut history = History::new(0);
        let mut editor = LineEditor::new(EditorConfig::BOARD);
        let mut term = crate::repl_host::BoardHost::for_input();
        let end = editor.read_line("", &mut history, &mut term, |_| read_or_interrupt());
        line.extend_from_slice(editor.buffer());
        match end {
            Some(LineEnd::CtrlC) => InputEnd::Interrupt,
            None if interrupted() => InputEnd::Interrupt,
            Some(LineEnd::CtrlD) | None => InputEnd::Eof,
            Some(_) => InputEnd::Enter,
        }
    }

    fn ticks_ms(&self) -> u64 {
        board::ticks_ms() as u64
    }

    fn ticks_us(&self) -> u64 {
        board::ticks_us()
    }

    fn ticks_cpu(&self) -> u64 {
        board::ticks_cpu() as u64
    }

    /// Sleeps in WFI, waking early when Ctrl-C or a timer callback is pending.
    fn sleep_us(&self, us: u64) {
        let start = board::ticks_us();
        while board::ticks_us().wrapping_sub(start) < us {
            if state::get().interrupt.load(Ordering::Relaxed) {
                return;
            }
            board::wfi();
        }
    }

    /// Files are reached through the mount table (`/flash`, see flash.rs), never here.
    fn stat(&self, _path: &str) -> Option<FileKind> {
        None
    }

    fn read_file(&self, _path: &str, _out: &mut Vec<u8>) -> Result<(), i32> {
        Err(upy_runtime::hal::errno::ENOENT)
    }

    fn platform(&self) -> &'static str {
        "qemu"
    }

    /// Also in the REPL banner (`repl_host::BANNER`).
    fn machine(&self) -> &'static str {
        "mps2-an385 with Cortex-M3"
    }

    fn modules(&self) -> &'static [(Qstr, &'static Module)] {
        &MODULES
    }

    fn run_pending(&self) -> upy_runtime::PyResult<()> {
        crate::machine::run_pending()
    }
}
