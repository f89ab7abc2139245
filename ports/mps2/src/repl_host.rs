//! The board's REPL host: the core's REPL driver on the console UART. Code runs with the
//! interrupt character armed (Ctrl-C raises KeyboardInterrupt), the banner names the
//! board, and tab completion looks through `__main__`'s globals and attributes.

use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use upy_compiler::ast::ParseMode;
use upy_runtime::exec;
use upy_runtime::readline::{CompletionQuery, History, Terminal};
use upy_runtime::repl::host::{self, LastRun};
use upy_runtime::repl::{ExecOutcome, ExecRequest, PromptKind, ReplHost};
use upy_runtime::state;
use upy_runtime::value::Value;

use crate::board;

/// The banner's first line: the `MicroPython` release whose behaviour upy follows, upy's
/// version, the build date and the board (`Hal::machine`), assembled at compile time.
const BANNER: &str = concat!(
    "MicroPython v1.29.0 upy-",
    env!("CARGO_PKG_VERSION"),
    " on ",
    env!("UPY_BUILD_DATE"),
    "; mps2-an385 with Cortex-M3"
);

/// Lives on the main stack, where the collector finds the values it holds.
pub struct BoardHost {
    last: LastRun,
    /// Tab completion on (the REPL) or off (`input()`).
    completion: bool,
}

impl BoardHost {
    pub fn new() -> BoardHost {
        BoardHost {
            last: LastRun::new(),
            completion: true,
        }
    }

    /// The terminal `input()` edits its line on: no completion. The same type as the
    /// REPL's, so the line editor's code is in the firmware once (2 KB less flash).
    pub fn for_input() -> BoardHost {
        BoardHost {
            last: LastRun::new(),
            completion: false,
        }
    }
}

/// Run `source` in `__main__` with Ctrl-C armed; what upstream's `parse_compile_execute`
/// does around a piece of code.
pub fn run_armed(source: &str, name: &str, mode: ParseMode) -> upy_runtime::PyResult<Value> {
    let globals = exec::main_globals()?;
    board::EXECUTING.store(true, Ordering::Relaxed);
    let r = exec::exec_source(source, name, mode, globals, globals).and_then(|v| {
        if state::get().interrupt.load(Ordering::Relaxed) {
            upy_runtime::vm::take_pending()?;
        }
        Ok(v)
    });
    board::EXECUTING.store(false, Ordering::Relaxed);
    // A Ctrl-C that came too late to be raised must not hit the next statement.
    state::get().kbd_pending.store(false, Ordering::Relaxed);
    r
}

impl Terminal for BoardHost {
    fn write(&mut self, bytes: &[u8]) {
        board::console_write(bytes);
    }

    /// The completion list goes out as upstream's boards print it, lines ended by `\r\n`.
    fn write_cooked(&mut self, text: &[u8]) {
        crate::hal::write_cooked(text);
    }

    fn complete(&mut self, query: &CompletionQuery<'_>, out: &mut Vec<&'static str>) -> bool {
        self.completion && host::complete(query, out)
    }
}

impl ReplHost for BoardHost {
    /// Waits for input; timer callbacks due meanwhile run here, as upstream's boards run
    /// scheduled callbacks from their idle loop.
    fn read_byte(&mut self) -> Option<u8> {
        loop {
            if let Some(b) = board::console_poll() {
                return Some(b);
            }
            if state::get().interrupt.load(Ordering::Relaxed) {
                board::EXECUTING.store(true, Ordering::Relaxed);
                let r = upy_runtime::vm::take_pending();
                board::EXECUTING.store(false, Ordering::Relaxed);
                state::get().kbd_pending.store(false, Ordering::Relaxed);
                if let Err(e) = r {
                    let _ = exec::print_exception(&mut exec::Stdout, e.0);
                }
                continue;
            }
            board::wfi();
        }
    }

    fn execute(&mut self, req: &ExecRequest<'_>, _history: &mut History) -> ExecOutcome {
        let source = String::from_utf8_lossy(req.source);
        let mode = match exec::main_globals() {
            Ok(globals) => host::parse_mode(req, globals),
            Err(e) => return self.last.outcome(Err(e)),
        };
        self.last.outcome(run_armed(&source, req.source_name, mode))
    }

    fn report_exception(&mut self) {
        self.last.report();
    }

    fn keyboard_interrupt(&mut self) {
        self.last.keyboard_interrupt();
    }

    fn banner(&mut self) -> String {
        String::from(BANNER)
    }

    fn prompt(&mut self, kind: PromptKind) -> String {
        host::prompt(kind)
    }

    fn before_statement(&mut self) {
        host::before_statement();
    }
}
