//! The interactive REPL of the unix port: the core's REPL driver wired to the process's
//! terminal. Owns raw mode while a line is edited (and the original mode while code runs,
//! so that Ctrl-C reaches the process as SIGINT, as upstream does), the history file
//! `~/.micropython.history`, the banner, `sys.ps1`/`sys.ps2`, and tab completion over
//! `__main__`'s globals and the built-in modules.

use std::io::{Read, Write};
use std::sync::Mutex;

use upy_compiler::ast::ParseMode;
use upy_runtime::exec;
use upy_runtime::hal::Hal;
use upy_runtime::hal::InputEnd;
use upy_runtime::objs::{dict, exception, str as pystr};
use upy_runtime::qstr::{Qstr, Q};
use upy_runtime::readline::{
    CompletionQuery, EditorConfig, History, LineEditor, LineEnd, Terminal, CTRL_D,
};
use upy_runtime::repl::{
    ExecOutcome, ExecRequest, InputKind, PromptKind, Repl, ReplConfig, ReplExit, ReplHost,
};
use upy_runtime::runtime;
use upy_runtime::state;
use upy_runtime::value::Value;

use crate::{args, hal, terminal};

/// Consecutive ends of input answered with Ctrl-D (as upstream's unix port does) before
/// the REPL is told input is closed; one would do, a few let a pending statement finish.
const EOF_AS_CTRL_D: u32 = 4;

/// The REPL's history while code it runs may call `input()`, which edits lines with it too
/// (upstream keeps one history for both).
static INPUT_HISTORY: Mutex<Option<History>> = Mutex::new(None);

/// What [`ReplHost::report_exception`] is to print.
#[derive(Clone, Copy)]
enum Pending {
    Nothing,
    /// An uncaught exception, printed with its traceback.
    Exception(Value),
    /// The value of a `SystemExit` that is not an int, printed on stderr.
    ExitValue(Value),
}

/// The unix REPL host. It must live on the interpreter thread's stack: it holds Python
/// values, which the collector finds only there.
pub struct UnixHost {
    raw: Option<terminal::RawMode>,
    pending: Pending,
    eofs: u32,
}

impl UnixHost {
    /// A host for standard input, in raw mode if stdin is a terminal.
    pub fn new() -> UnixHost {
        let mut host = UnixHost {
            raw: None,
            pending: Pending::Nothing,
            eofs: 0,
        };
        host.enter_raw();
        host
    }

    fn enter_raw(&mut self) {
        if self.raw.is_none() && terminal::is_tty(terminal::STDIN) {
            self.raw = terminal::RawMode::enter(terminal::STDIN).ok();
        }
    }

    fn leave_raw(&mut self) {
        if let Some(raw) = self.raw.take() {
            let _ = raw.restore();
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
                Some(n) => ExecOutcome::SystemExit((n & 0xff) as i32),
                None => {
                    self.pending = Pending::ExitValue(*v);
                    ExecOutcome::SystemExit(1)
                }
            },
        }
    }

    // Names visible on `obj` (None = `__main__`'s globals), in qstr order like upstream,
    // which tries every qstr against the object.
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

impl Drop for UnixHost {
    fn drop(&mut self) {
        hal::flush();
    }
}

impl Terminal for UnixHost {
    fn write(&mut self, bytes: &[u8]) {
        hal::flush();
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(bytes);
        let _ = out.flush();
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
        UnixHost::names_on(obj, globals, query.prefix, out);
        true
    }
}

impl ReplHost for UnixHost {
    fn read_byte(&mut self) -> Option<u8> {
        hal::flush();
        let mut b = [0u8; 1];
        loop {
            // Other threads run while the REPL waits for a key.
            let r = upy_runtime::thread::without_gil(|| std::io::stdin().lock().read(&mut b));
            match r {
                Ok(1) => {
                    self.eofs = 0;
                    // Enter sends CR in raw mode; a pipe or a cooked terminal sends LF.
                    return Some(if b[0] == b'\n' { b'\r' } else { b[0] });
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                _ => {
                    self.eofs += 1;
                    return (self.eofs <= EOF_AS_CTRL_D).then_some(CTRL_D);
                }
            }
        }
    }

    fn execute(&mut self, req: &ExecRequest<'_>, history: &mut History) -> ExecOutcome {
        self.pending = Pending::Nothing;
        let source = String::from_utf8_lossy(req.source);
        let globals = match exec::main_globals() {
            Ok(g) => g,
            Err(e) => return self.outcome_of(e.0),
        };
        let mode = match req.kind {
            InputKind::Single => ParseMode::Single,
            InputKind::File => {
                if let Some(m) = dict::map_of(globals) {
                    if let Some(name) = Qstr::intern(req.source_name) {
                        let _ = m.insert_qstr(Q::__file__, Value::qstr(name));
                    }
                }
                ParseMode::File
            }
        };
        // The terminal's own mode while code runs: Ctrl-C raises SIGINT, input() gets
        // cooked lines.
        self.leave_raw();
        lock_history().replace(std::mem::replace(history, History::new(0)));
        let result = exec::exec_source(&source, req.source_name, mode, globals, globals)
            .and_then(|v| pending_after_run().map(|()| v));
        hal::flush();
        if let Some(h) = lock_history().take() {
            *history = h;
        }
        // A Ctrl-C that came too late to be raised must not hit the next statement (as
        // upstream clears pending exceptions after each one).
        state::get()
            .kbd_pending
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.enter_raw();
        match result {
            Ok(_) => ExecOutcome::Completed,
            Err(e) => self.outcome_of(e.0),
        }
    }

    fn report_exception(&mut self) {
        match std::mem::replace(&mut self.pending, Pending::Nothing) {
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
        hal::flush();
    }

    fn keyboard_interrupt(&mut self) {
        let kbd = state::get().roots.kbd_exception;
        if !kbd.is_null() {
            self.pending = Pending::Exception(kbd);
        }
    }

    fn banner(&mut self) -> String {
        args::banner_line(hal::HAL.machine())
    }

    fn prompt(&mut self, kind: PromptKind) -> String {
        let (name, default) = match kind {
            PromptKind::Primary => ("ps1", ">>> "),
            PromptKind::Continuation => ("ps2", "... "),
        };
        // Not interned means no `sys.ps1` can exist.
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

fn lock_history() -> std::sync::MutexGuard<'static, Option<History>> {
    INPUT_HISTORY.lock().unwrap_or_else(|e| e.into_inner())
}

/// The terminal `input()` edits its line on: standard output, no completion.
struct Console;

impl Terminal for Console {
    fn write(&mut self, bytes: &[u8]) {
        hal::flush();
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(bytes);
        let _ = out.flush();
    }
}

/// `input()`'s line, as upstream's unix port reads it: raw mode (if stdin is a terminal)
/// and the REPL's line editor, so the line is echoed and editable even from a pipe.
/// Ctrl-C while editing interrupts; Ctrl-D on an empty line or end of input ends input.
pub fn read_input_line(line: &mut Vec<u8>) -> InputEnd {
    hal::flush();
    let raw = if terminal::is_tty(terminal::STDIN) {
        terminal::RawMode::enter(terminal::STDIN).ok()
    } else {
        None
    };
    // Waited for without the GIL: the thread holding it may be reading a line without it.
    let mut guard = upy_runtime::thread::without_gil(lock_history);
    let history = guard.get_or_insert_with(|| History::new(ReplConfig::UNIX.history_size));
    let mut editor = LineEditor::new(EditorConfig::UNIX);
    let end = editor.read_line("", history, &mut Console, |_| {
        let mut b = [0u8; 1];
        loop {
            let r = upy_runtime::thread::without_gil(|| std::io::stdin().lock().read(&mut b));
            match r {
                Ok(1) => return Some(if b[0] == b'\n' { b'\r' } else { b[0] }),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted && !interrupted() => {}
                _ => return None,
            }
        }
    });
    drop(guard);
    line.extend_from_slice(editor.buffer());
    if let Some(raw) = raw {
        let _ = raw.restore();
    }
    match end {
        Some(LineEnd::CtrlC) => InputEnd::Interrupt,
        Some(LineEnd::CtrlD) | None => InputEnd::Eof,
        Some(_) => InputEnd::Enter,
    }
}

fn interrupted() -> bool {
    state::get()
        .kbd_pending
        .load(std::sync::atomic::Ordering::Relaxed)
}

/// What upstream does right after running code: raise an interrupt that arrived too late
/// for the VM to notice (e.g. during the last call), and run scheduled callbacks.
pub fn pending_after_run() -> upy_runtime::PyResult<()> {
    if state::get()
        .interrupt
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        upy_runtime::vm::take_pending()?;
    }
    Ok(())
}

/// `$HOME/.micropython.history`, the file upstream keeps the REPL history in.
fn history_path() -> Option<std::path::PathBuf> {
    let home = std::env::var_os("HOME")?;
    Some(std::path::Path::new(&home).join(".micropython.history"))
}

/// Loads the history file, oldest line first, as upstream writes it.
fn load_history(history: &mut History) {
    if let Some(path) = history_path() {
        read_history(&path, history);
    }
}

fn read_history(path: &std::path::Path, history: &mut History) {
    let Ok(text) = std::fs::read(path) else {
        return;
    };
    for line in text.split(|&b| b == b'\n') {
        history.push(line);
    }
}

/// Writes the history back, oldest first; skipped while the heap is locked, as upstream.
fn save_history(history: &History) {
    if state::get().heap.lock_depth != 0 {
        return;
    }
    if let Some(path) = history_path() {
        write_history(&path, history);
    }
}

fn write_history(path: &std::path::Path, history: &History) {
    let mut text = Vec::new();
    for line in history.oldest_first() {
        text.extend_from_slice(line);
        text.push(b'\n');
    }
    let _ = std::fs::write(path, text);
}

/// Runs the friendly REPL (and raw REPL, if entered) on stdin until Ctrl-D, end of input
/// or `SystemExit`; returns the process exit status.
pub fn run() -> u8 {
    let mut host = UnixHost::new();
    let mut repl = Repl::new(ReplConfig::UNIX);
    load_history(repl.history());
    let exit = repl.run(&mut host);
    save_history(repl.history());
    host.leave_raw();
    match exit {
        ReplExit::CtrlD | ReplExit::InputClosed => 0,
        ReplExit::SystemExit(code) => (code & 0xff) as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_file_round_trip() {
        let path = std::env::temp_dir().join(format!("upy-history-{}", std::process::id()));
        let mut h = History::new(ReplConfig::UNIX.history_size);
        for line in [&b"a = 1"[..], b"print(a)", b"", b"print(a)", b"x"] {
            h.push(line);
        }
        write_history(&path, &h);
        // Empty lines and immediate repeats are not kept; the oldest line comes first.
        assert_eq!(std::fs::read(&path).unwrap(), b"a = 1\nprint(a)\nx\n");
        let mut back = History::new(ReplConfig::UNIX.history_size);
        read_history(&path, &mut back);
        assert_eq!(back.len(), 3);
        assert_eq!(back.get(0), Some(&b"x"[..]));
        assert_eq!(back.get(2), Some(&b"a = 1"[..]));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn history_keeps_the_newest_lines() {
        let path = std::env::temp_dir().join(format!("upy-history-long-{}", std::process::id()));
        let text: String = (0..80).map(|i| format!("line{i}\n")).collect();
        std::fs::write(&path, text).unwrap();
        let mut h = History::new(ReplConfig::UNIX.history_size);
        read_history(&path, &mut h);
        assert_eq!(h.len(), ReplConfig::UNIX.history_size);
        assert_eq!(h.get(0), Some(&b"line79"[..]));
        let _ = std::fs::remove_file(&path);
        // A missing file leaves the history as it was.
        read_history(&path, &mut h);
        assert_eq!(h.len(), ReplConfig::UNIX.history_size);
    }
}
