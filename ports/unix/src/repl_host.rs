//! The interactive REPL of the unix port: the core's REPL driver wired to the process's
//! terminal. Owns raw mode while a line is edited (and the original mode while code runs,
//! so that Ctrl-C reaches the process as SIGINT, as upstream does), the history file
//! `~/.micropython.history`, the banner, `sys.ps1`/`sys.ps2`, and tab completion over
//! `__main__`'s globals and the built-in modules.

use std::io::{Read, Write};
use std::sync::Mutex;

use upy_runtime::exec;
use upy_runtime::hal::Hal;
use upy_runtime::hal::InputEnd;
use upy_runtime::readline::{
    CompletionQuery, EditorConfig, History, LineEditor, LineEnd, Terminal, CTRL_D,
};
use upy_runtime::repl::host::{self, LastRun};
use upy_runtime::repl::{
    ExecOutcome, ExecRequest, PromptKind, Repl, ReplConfig, ReplExit, ReplHost,
};
use upy_runtime::state;

use crate::{args, hal, terminal};

/// Consecutive ends of input answered with Ctrl-D (as upstream's unix port does) before
/// the REPL is told input is closed; one would do, a few let a pending statement finish.
const EOF_AS_CTRL_D: u32 = 4;

/// The REPL's history while code it runs may call `input()`, which edits lines with it too
/// (upstream keeps one history for both).
static INPUT_HISTORY: Mutex<Option<History>> = Mutex::new(None);

/// The unix REPL host. It must live on the interpreter thread's stack: it holds Python
/// values, which the collector finds only there.
pub struct UnixHost {
    raw: Option<terminal::RawMode>,
    last: LastRun,
    eofs: u32,
}

impl UnixHost {
    /// A host for standard input, in raw mode if stdin is a terminal.
    pub fn new() -> UnixHost {
        let mut host = UnixHost {
            raw: None,
            last: LastRun::new(),
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
}

impl Drop for UnixHost {
    fn drop(&mut self) {
        hal::flush();
    }
}

impl Terminal for UnixHost {
    fn write(&mut self, bytes: &[u8]) {
        write_terminal(bytes);
    }

    fn complete(&mut self, query: &CompletionQuery<'_>, out: &mut Vec<&'static str>) -> bool {
        host::complete(query, out)
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
        let source = String::from_utf8_lossy(req.source);
        let globals = match exec::main_globals() {
            Ok(g) => g,
            Err(e) => return self.last.outcome(Err(e)),
        };
        let mode = host::parse_mode(req, globals);
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
        self.last.outcome(result)
    }

    fn report_exception(&mut self) {
        self.last.report();
        hal::flush();
    }

    fn keyboard_interrupt(&mut self) {
        self.last.keyboard_interrupt();
    }

    fn banner(&mut self) -> String {
        args::banner_line(hal::HAL.machine())
    }

    fn prompt(&mut self, kind: PromptKind) -> String {
        host::prompt(kind)
    }

    fn before_statement(&mut self) {
        host::before_statement();
    }
}

/// Terminal bytes go out at once, after what the program printed (still buffered).
fn write_terminal(bytes: &[u8]) {
    hal::flush();
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

fn lock_history() -> std::sync::MutexGuard<'static, Option<History>> {
    INPUT_HISTORY.lock().unwrap_or_else(|e| e.into_inner())
}

/// The terminal `input()` edits its line on: standard output, no completion.
struct Console;

impl Terminal for Console {
    fn write(&mut self, bytes: &[u8]) {
        write_terminal(bytes);
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
