//! The board's REPL host: the core's REPL driver on the console UART. Code runs with the
//! interrupt character armed (Ctrl-C raises KeyboardInterrupt), the banner names the
//! board, and tab completion looks through `__main__`'s globals and attributes.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use upy_compiler::ast::ParseMode;
use upy_runtime::exec;
use upy_runtime::hal::Hal;
use upy_runtime::objs::{dict, exception, str as pystr};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::readline::{CompletionQuery, History, Terminal};
use upy_runtime::repl::{ExecOutcome, ExecRequest, InputKind, PromptKind, ReplHost};
use upy_runtime::runtime;
use upy_runtime::state;
use upy_runtime::value::Value;

use crate::{board, hal};

/// `MicroPython` release whose behaviour upy follows.
pub const MICROPYTHON_VERSION: &str = "v1.29.0";

#[derive(Clone, Copy)]
enum Pending {
    Nothing,
    Exception(Value),
    ExitValue(Value),
}

/// Lives on the main stack, where the collector finds the values it holds.
pub struct BoardHost {
    pending: Pending,
}

impl BoardHost {
    pub fn new() -> BoardHost {
        BoardHost {
            pending: Pending::Nothing,
        }
    }

    fn outcome_of(&mut self, exc: Value) -> ExecOutcome {
        if !runtime::is_instance(exc, &exception::SYSTEM_EXIT) {
            self.pending = Pending::Exception(exc);
            return ExecOutcome::Exception;
        }
        match exception::args(exc).first() {
            None => ExecOutcome::SystemExit(0),
            Some(v) if v.is_none() => ExecOutcome::SystemExit(0),
            Some(v) => match v.as_small_int() {
                Some(n) => ExecOutcome::SystemExit(n as i32),
                None => {
                    self.pending = Pending::ExitValue(*v);
                    ExecOutcome::SystemExit(1)
                }
            },
        }
    }

    fn names_on(obj: Option<Value>, globals: Value, prefix: &str, out: &mut Vec<String>) {
        for n in 1..exec::qstr_count() {
            let q = Qstr(n as u32);
            let s = q.as_str();
            if s.is_empty() || !s.starts_with(prefix) || (prefix.is_empty() && s.starts_with('_')) {
                continue;
            }
            let found = match obj {
                None => dict::map_of(globals).is_some_and(|m| m.get_qstr(q).is_some()),
                Some(o) => runtime::load_attr(o, q).is_ok(),
            };
            if found {
                out.push(s.to_string());
            }
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

    fn complete(&mut self, query: &CompletionQuery<'_>, out: &mut Vec<String>) -> bool {
        let Ok(globals) = exec::main_globals() else {
            return false;
        };
        let mut obj: Option<Value> = None;
        for word in query.path {
            let Some(q) = Qstr::find(word) else {
                return false;
            };
            let next = match obj {
                None => dict::map_of(globals).and_then(|m| m.get_qstr(q)),
                Some(o) => runtime::load_attr(o, q).ok(),
            };
            match next {
                Some(v) => obj = Some(v),
                None => return false,
            }
        }
        if query.import {
            let mut names: Vec<Qstr> = upy_runtime::modules::names().collect();
            names.sort_by_key(|q| q.0);
            out.extend(names.iter().map(|q| q.as_str().to_string()));
            return true;
        }
        BoardHost::names_on(obj, globals, query.prefix, out);
        true
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
        self.pending = Pending::Nothing;
        let source = String::from_utf8_lossy(req.source);
        let mode = match req.kind {
            InputKind::Single => ParseMode::Single,
            InputKind::File => {
                if let Ok(globals) = exec::main_globals() {
                    if let Some(m) = dict::map_of(globals) {
                        let _ = m.insert_qstr(Q::__file__, Value::qstr(Q::_lt_stdin_gt_));
                    }
                }
                ParseMode::File
            }
        };
        match run_armed(&source, req.source_name, mode) {
            Ok(_) => ExecOutcome::Completed,
            Err(e) => self.outcome_of(e.0),
        }
    }

    fn report_exception(&mut self) {
        match core::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Nothing => {}
            Pending::Exception(exc) => {
                let _ = exec::print_exception(&mut exec::Stdout, exc);
            }
            Pending::ExitValue(v) => {
                let mut err = exec::Stderr;
                let _ = runtime::print_value(&mut err, v, upy_runtime::obj::PrintKind::Str);
                let _ = upy_runtime::obj::Print::write_str(&mut err, "\n");
            }
        }
    }

    fn keyboard_interrupt(&mut self) {
        let kbd = state::get().roots.kbd_exception;
        if !kbd.is_null() {
            self.pending = Pending::Exception(kbd);
        }
    }

    fn banner(&mut self) -> String {
        let mut s = String::from("MicroPython ");
        s.push_str(MICROPYTHON_VERSION);
        s.push_str(" upy-");
        s.push_str(env!("CARGO_PKG_VERSION"));
        s.push_str(" on ");
        s.push_str(env!("UPY_BUILD_DATE"));
        s.push_str("; ");
        s.push_str(hal::HAL.machine());
        s
    }

    fn prompt(&mut self, kind: PromptKind) -> String {
        let (name, default) = match kind {
            PromptKind::Primary => ("ps1", ">>> "),
            PromptKind::Continuation => ("ps2", "... "),
        };
        let Some(q) = Qstr::find(name) else {
            return default.to_string();
        };
        let sys = Value::from_static(&upy_runtime::modules::sys::MODULE);
        match runtime::load_attr(sys, q) {
            Ok(v) => pystr::as_str(v).unwrap_or("").to_string(),
            Err(_) => default.to_string(),
        }
    }

    fn before_statement(&mut self) {
        state::get().heap.lock_depth = 0;
    }
}
