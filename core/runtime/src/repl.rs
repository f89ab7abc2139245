//! The REPL protocols every port shares, as a byte-fed state machine: the friendly REPL
//! (banner, `>>> `/`... ` prompts, continuation lines), paste mode (Ctrl-E), the raw REPL
//! (Ctrl-A) and its flow-controlled raw-paste mode, with the exact bytes of MicroPython's
//! `shared/runtime/pyexec.c` (blocking variant, as the unix port uses) and `py/repl.c`.
//!
//! The VM is reached only through [`ReplHost`]: it compiles and runs source, prints what
//! the program prints and the traceback of an uncaught exception; this module writes the
//! framing around them (`\r\n`, `OK`, `\x04`, `>`). Every framing string here is what
//! upstream sends verbatim, `\r\n` included; program output is the host's and keeps bare
//! `\n` (boards translate it, a unix pty does so on its own).
//!
//! Literal `\r\n` in what this module and the line editor send: the echo of Enter, the
//! friendly banner's two lines, the `\r\n` before a banner, raw banner or paste banner,
//! after Ctrl-C and Ctrl-D, paste mode's `\r\n=== ` line echo, and the raw REPL's
//! `raw REPL; CTRL-B to exit\r\n` and `OK\r\n`. Bare `\n` only in the completion list.
//!
//! Deliberately left out: raw-paste does not compile while receiving. It buffers the
//! source and runs it after the final Ctrl-D, so a syntax error is reported at the end
//! instead of by an early `\x04`; the bytes on the wire are the same apart from that
//! early stop and the number of `\x01` window credits sent meanwhile.

pub mod host;

use alloc::string::String;
use alloc::vec::Vec;

use crate::readline::{
    EditorConfig, History, LineEditor, LineEnd, Terminal, CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E,
};

/// The source name the REPL compiles under.
pub const SOURCE_NAME: &str = "<stdin>";

const RAW_BANNER: &[u8] = b"raw REPL; CTRL-B to exit\r\n";
const PASTE_BANNER: &[u8] = b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ";
const HELP_LINE: &[u8] = b"Type \"help()\" for more information.\r\n";

/// How the source must be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// One interactive statement (`MP_PARSE_SINGLE_INPUT`).
    Single,
    /// A whole module (`MP_PARSE_FILE_INPUT`). Upstream also sets the global `__file__`
    /// to the source name before running it.
    File,
}

/// One piece of source for the host to compile and run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecRequest<'a> {
    /// Raw bytes as received: paste mode and the raw REPL pass any byte through, and
    /// paste-mode lines end in `\r` (the lexer treats `\r` and `\r\n` as newlines).
    pub source: &'a [u8],
    pub kind: InputKind,
    /// Compile with the REPL flag: expression statements print their value and set `_`.
    pub repl_print: bool,
    /// Always [`SOURCE_NAME`].
    pub source_name: &'a str,
}

/// How running a piece of source ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecOutcome {
    Completed,
    /// An uncaught exception (compile errors included), held by the host until
    /// [`ReplHost::report_exception`].
    Exception,
    /// `SystemExit` with its exit code: the REPL stops (unix exits, boards soft-reset).
    /// A non-integer value is still to be printed by [`ReplHost::report_exception`].
    SystemExit(i32),
}

/// Which prompt to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// `sys.ps1`, normally `>>> `.
    Primary,
    /// `sys.ps2`, normally `... `.
    Continuation,
}

/// What the REPL needs from the port and the VM. Output goes through [`Terminal`].
pub trait ReplHost: Terminal {
    /// Next input byte, blocking; `None` when input is closed. Only [`Repl::run`] calls
    /// it. Upstream's unix port turns `\n` into `\r` and end of input into Ctrl-D here.
    fn read_byte(&mut self) -> Option<u8>;

    /// Compile and run `req` in `__main__`, letting the program print as it goes. On an
    /// uncaught exception print nothing yet: return [`ExecOutcome::Exception`] and wait for
    /// [`ReplHost::report_exception`]. Ctrl-C during the run is the host's to turn into a
    /// `KeyboardInterrupt`. `history` is the REPL's, for `input()` to edit lines with.
    fn execute(&mut self, req: &ExecRequest<'_>, history: &mut History) -> ExecOutcome;

    /// Print the pending exception of the last [`ReplHost::execute`] (`Traceback ...` and
    /// `Type: message`), or the value of a non-integer `SystemExit`, then forget it.
    fn report_exception(&mut self);

    /// Make a `KeyboardInterrupt` without traceback the pending exception: Ctrl-C ended a
    /// raw-paste transfer. [`ReplHost::report_exception`] follows.
    fn keyboard_interrupt(&mut self);

    /// The first banner line without its line end: `MicroPython <version> on <date>;
    /// <machine>`.
    fn banner(&mut self) -> String;

    /// The prompt to print: `sys.ps1`/`sys.ps2` if they are strings (an empty prompt if
    /// set to something else).
    fn prompt(&mut self, kind: PromptKind) -> String {
        String::from(match kind {
            PromptKind::Primary => ">>> ",
            PromptKind::Continuation => "... ",
        })
    }

    /// Called before each new statement's prompt: upstream forces the heap-lock depth
    /// back to 0 here so a locked heap cannot make the REPL unusable.
    fn before_statement(&mut self) {}
}

/// Port-level choices, each an upstream config option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplConfig {
    pub editor: EditorConfig,
    /// `MICROPY_READLINE_HISTORY_SIZE`.
    pub history_size: usize,
    /// `MICROPY_PY_BUILTINS_HELP`: print the `Type "help()"` banner line.
    pub help_line: bool,
    /// `MICROPY_REPL_STDIN_BUFFER_MAX`: raw-paste uses half of it as its window.
    pub stdin_buffer_max: u16,
}

impl ReplConfig {
    pub const UNIX: ReplConfig = ReplConfig {
        editor: EditorConfig::UNIX,
        history_size: EditorConfig::UNIX_HISTORY,
        help_line: true,
        stdin_buffer_max: 256,
    };
    pub const BOARD: ReplConfig = ReplConfig {
        editor: EditorConfig::BOARD,
        history_size: EditorConfig::BOARD_HISTORY,
        help_line: true,
        stdin_buffer_max: 256,
    };

    fn paste_window(&self) -> u16 {
        (self.stdin_buffer_max / 2).max(1)
    }
}

/// The REPL flavour in force; it survives a soft reset (boards skip `main.py` when raw).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Friendly,
    Raw,
}

/// Why the REPL stopped. Unix exits; boards soft-reset and call [`Repl::start`] again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplExit {
    /// Ctrl-D on an empty friendly line, or on an empty raw-REPL buffer.
    CtrlD,
    /// A statement raised `SystemExit` with this code.
    SystemExit(i32),
    /// [`ReplHost::read_byte`] returned `None`.
    InputClosed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Editing a statement; `continuing` once past its first line.
    Friendly {
        continuing: bool,
    },
    Paste,
    Raw,
    /// Receiving raw-paste data; `credit` counts down to the next window acknowledgement.
    RawPaste {
        credit: u16,
    },
}

/// The REPL state machine. Feed it input bytes with [`Repl::feed`], or let [`Repl::run`]
/// pull them from the host.
#[derive(Clone, Debug)]
pub struct Repl {
    config: ReplConfig,
    state: State,
    editor: LineEditor,
    history: History,
    // Paste-mode text or raw-REPL source.
    buf: Vec<u8>,
}

impl Repl {
    pub fn new(config: ReplConfig) -> Self {
        Repl {
            config,
            state: State::Friendly { continuing: false },
            editor: LineEditor::new(config.editor),
            history: History::new(config.history_size),
            buf: Vec::new(),
        }
    }

    pub fn config(&self) -> ReplConfig {
        self.config
    }

    pub fn mode(&self) -> Mode {
        match self.state {
            State::Friendly { .. } | State::Paste => Mode::Friendly,
            State::Raw | State::RawPaste { .. } => Mode::Raw,
        }
    }

    /// Choose the flavour the next [`Repl::start`] enters.
    pub fn set_mode(&mut self, mode: Mode) {
        self.state = match mode {
            Mode::Friendly => State::Friendly { continuing: false },
            Mode::Raw => State::Raw,
        };
    }

    /// The line history, e.g. to load or save it around a session.
    pub fn history(&mut self) -> &mut History {
        &mut self.history
    }

    /// Enter the REPL in the current mode: the friendly banner and first prompt, or the
    /// raw-REPL banner and `>`.
    pub fn start<H: ReplHost + ?Sized>(&mut self, host: &mut H) {
        self.buf.clear();
        match self.mode() {
            Mode::Friendly => self.friendly_banner(host),
            Mode::Raw => self.raw_banner(host),
        }
    }

    /// [`Repl::start`], then feed it bytes from [`ReplHost::read_byte`] until it stops.
    pub fn run<H: ReplHost + ?Sized>(&mut self, host: &mut H) -> ReplExit {
        self.start(host);
        loop {
            let Some(c) = host.read_byte() else {
                return ReplExit::InputClosed;
            };
            if let Some(exit) = self.feed(c, host) {
                return exit;
            }
        }
    }

    /// Process one input byte, running code when a statement or block is complete.
    /// Returns `Some` when the REPL stops; [`Repl::start`] re-enters it.
    pub fn feed<H: ReplHost + ?Sized>(&mut self, c: u8, host: &mut H) -> Option<ReplExit> {
        match self.state {
            State::Friendly { continuing } => self.feed_friendly(c, continuing, host),
            State::Paste => self.feed_paste(c, host),
            State::Raw => self.feed_raw(c, host),
            State::RawPaste { credit } => self.feed_raw_paste(c, credit, host),
        }
    }

    fn feed_friendly<H: ReplHost + ?Sized>(
        &mut self,
        c: u8,
        continuing: bool,
        host: &mut H,
    ) -> Option<ReplExit> {
        let end = self.editor.process_byte(c, &mut self.history, host)?;
        match (end, continuing) {
            (LineEnd::CtrlE, false) => {
                host.write(PASTE_BANNER);
                self.editor.clear();
                self.buf.clear();
                self.state = State::Paste;
                return None;
            }
            (LineEnd::Enter, false) if self.editor.buffer().is_empty() => {
                self.new_statement(host);
                return None;
            }
            (LineEnd::CtrlD, true) => return self.run_statement(host),
            // Upstream re-checks after any other key that ends an empty continuation line
            // (Ctrl-A, B, E too), so those add a blank line.
            (LineEnd::Enter, _) | (_, true) if end != LineEnd::CtrlC => {}
            _ => {
                host.write(b"\r\n");
                match end {
                    LineEnd::CtrlA => {
                        self.editor.clear();
                        self.raw_banner(host);
                    }
                    LineEnd::CtrlB => self.friendly_banner(host),
                    LineEnd::CtrlD => {
                        self.editor.clear();
                        return Some(ReplExit::CtrlD);
                    }
                    _ => self.new_statement(host),
                }
                return None;
            }
        }
        if continue_with_input(self.editor.buffer()) {
            let prompt = host.prompt(PromptKind::Continuation);
            self.editor.continue_line(&prompt, host);
            self.state = State::Friendly { continuing: true };
            None
        } else {
            self.run_statement(host)
        }
    }

    fn run_statement<H: ReplHost + ?Sized>(&mut self, host: &mut H) -> Option<ReplExit> {
        let source = self.editor.buffer().to_vec();
        self.editor.clear();
        self.run_friendly(&source, InputKind::Single, host)
    }

    fn run_friendly<H: ReplHost + ?Sized>(
        &mut self,
        source: &[u8],
        kind: InputKind,
        host: &mut H,
    ) -> Option<ReplExit> {
        let req = ExecRequest {
            source,
            kind,
            repl_print: true,
            source_name: SOURCE_NAME,
        };
        let outcome = host.execute(&req, &mut self.history);
        if outcome != ExecOutcome::Completed {
            host.report_exception();
        }
        if let ExecOutcome::SystemExit(code) = outcome {
            self.state = State::Friendly { continuing: false };
            return Some(ReplExit::SystemExit(code));
        }
        self.new_statement(host);
        None
    }

    fn feed_paste<H: ReplHost + ?Sized>(&mut self, c: u8, host: &mut H) -> Option<ReplExit> {
        match c {
            CTRL_C => {
                host.write(b"\r\n");
                self.buf.clear();
                self.new_statement(host);
                None
            }
            CTRL_D => {
                host.write(b"\r\n");
                let source = core::mem::take(&mut self.buf);
                let exit = self.run_friendly(&source, InputKind::File, host);
                self.buf = source;
                self.buf.clear();
                exit
            }
            b'\r' => {
                self.buf.push(c);
                host.write(b"\r\n=== ");
                None
            }
            _ => {
                self.buf.push(c);
                host.write(&[c]);
                None
            }
        }
    }

    fn feed_raw<H: ReplHost + ?Sized>(&mut self, c: u8, host: &mut H) -> Option<ReplExit> {
        match c {
            CTRL_A => {
                if let [CTRL_E, command] = self.buf[..] {
                    self.buf.clear();
                    self.start_raw_paste(command, host);
                } else {
                    self.raw_banner(host);
                }
                None
            }
            CTRL_B => {
                host.write(b"\r\n");
                self.buf.clear();
                self.friendly_banner(host);
                None
            }
            CTRL_C => {
                self.buf.clear();
                None
            }
            CTRL_D => {
                host.write(b"OK");
                if self.buf.is_empty() {
                    host.write(b"\r\n");
                    return Some(ReplExit::CtrlD);
                }
                self.run_raw(host)
            }
            _ => {
                self.buf.push(c);
                None
            }
        }
    }

    // `ESC A` then Ctrl-A: answer whether raw-paste is supported, and with the window.
    fn start_raw_paste<H: ReplHost + ?Sized>(&mut self, command: u8, host: &mut H) {
        if command != b'A' {
            host.write(b"R\x00>");
            return;
        }
        let window = self.config.paste_window();
        let [lo, hi] = window.to_le_bytes();
        // The window size itself grants one window; the trailing 0x01 grants a second.
        host.write(&[b'R', 0x01, lo, hi, 0x01]);
        self.state = State::RawPaste { credit: window };
    }

    fn feed_raw_paste<H: ReplHost + ?Sized>(
        &mut self,
        c: u8,
        credit: u16,
        host: &mut H,
    ) -> Option<ReplExit> {
        match c {
            CTRL_C => {
                host.write(b"\x04");
                self.buf.clear();
                self.state = State::Raw;
                host.keyboard_interrupt();
                host.write(b"\x04");
                host.report_exception();
                host.write(b"\x04>");
                None
            }
            CTRL_D => {
                host.write(b"\x04");
                self.state = State::Raw;
                self.run_raw(host)
            }
            _ => {
                self.buf.push(c);
                let credit = match credit.saturating_sub(1) {
                    0 => {
                        host.write(b"\x01");
                        self.config.paste_window()
                    }
                    n => n,
                };
                self.state = State::RawPaste { credit };
                None
            }
        }
    }

    // Run the raw-REPL source in the buffer: program output, `\x04`, traceback if any,
    // `\x04`, then the next `>` prompt unless the program exited. The buffer is emptied but
    // keeps its capacity for the next program.
    fn run_raw<H: ReplHost + ?Sized>(&mut self, host: &mut H) -> Option<ReplExit> {
        let source = core::mem::take(&mut self.buf);
        let req = ExecRequest {
            source: &source,
            kind: InputKind::File,
            repl_print: false,
            source_name: SOURCE_NAME,
        };
        let outcome = host.execute(&req, &mut self.history);
        self.buf = source;
        self.buf.clear();
        host.write(b"\x04");
        if outcome != ExecOutcome::Completed {
            host.report_exception();
        }
        host.write(b"\x04");
        match outcome {
            ExecOutcome::SystemExit(code) => Some(ReplExit::SystemExit(code)),
            _ => {
                host.write(b">");
                None
            }
        }
    }

    fn raw_banner<H: ReplHost + ?Sized>(&mut self, host: &mut H) {
        self.state = State::Raw;
        self.buf.clear();
        host.write(RAW_BANNER);
        host.write(b">");
    }

    fn friendly_banner<H: ReplHost + ?Sized>(&mut self, host: &mut H) {
        let banner = host.banner();
        host.write(banner.as_bytes());
        host.write(b"\r\n");
        if self.config.help_line {
            host.write(HELP_LINE);
        }
        self.new_statement(host);
    }

    fn new_statement<H: ReplHost + ?Sized>(&mut self, host: &mut H) {
        self.state = State::Friendly { continuing: false };
        host.before_statement();
        let prompt = host.prompt(PromptKind::Primary);
        self.editor.start(&prompt, host);
    }
}

/// Whether the friendly REPL must read another line before running `input` (the lines so
/// far, joined by `\n`): an open bracket or triple quote, a trailing backslash, or a
/// compound statement whose last line is not yet empty. Mirrors `mp_repl_continue_with_input`.
pub fn continue_with_input(input: &[u8]) -> bool {
    let Some(&last) = input.last() else {
        return false;
    };
    let compound = input.first() == Some(&b'@')
        || ["if", "while", "for", "try", "with", "def", "class", "async"]
            .iter()
            .any(|kw| starts_with_word(input, kw.as_bytes()))
        || (starts_with_word(input, b"match") && first_line_ends_block(input));

    // `quote` is the open string's quote character (0: none), `triple` whether it opened
    // with three of them; `depth` counts open (), [] and {}.
    let mut quote = 0u8;
    let mut triple = false;
    let mut depth = [0i32; 3];
    let mut i = 0;
    while let Some(&c) = input.get(i) {
        let next = |k: usize| input.get(i + k).copied();
        match c {
            b'\'' | b'"' => {
                if (quote == 0 || (quote == c && triple))
                    && next(1) == Some(c)
                    && next(2) == Some(c)
                {
                    i += 2;
                    triple = quote == 0;
                    quote = if triple { c } else { 0 };
                } else if quote == 0 || (quote == c && !triple) {
                    triple = false;
                    quote = if quote == 0 { c } else { 0 };
                }
            }
            b'\\' if quote != 0 && matches!(next(1), Some(b'\'' | b'"' | b'\\')) => {
                i += 1;
            }
            _ if quote == 0 => {
                if let Some(k) = b"([{".iter().position(|&o| o == c) {
                    depth[k] += 1;
                } else if let Some(k) = b")]}".iter().position(|&o| o == c) {
                    depth[k] -= 1;
                }
            }
            _ => {}
        }
        i += 1;
    }

    if quote != 0 && triple {
        return true;
    }
    if depth.iter().any(|&d| d > 0) && quote == 0 {
        return true;
    }
    if last == b'\\' {
        return true;
    }
    compound && last != b'\n'
}

/// Whether the first line ends with `:` (a soft keyword like `match` starts a block only
/// then; `match = 1` and `match(x)` are complete lines).
fn first_line_ends_block(s: &[u8]) -> bool {
    let line = s.split(|&c| c == b'\n').next().unwrap_or(&[]);
    line.trim_ascii_end().last() == Some(&b':')
}

fn starts_with_word(s: &[u8], word: &[u8]) -> bool {
    s.starts_with(word)
        && s.get(word.len())
            .is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;

    const BANNER: &str = "MicroPython v1.29.0-preview on 2026-11-21; linux [GCC 12.2.0] version";
    const HEADER: &str =
        "MicroPython v1.29.0-preview on 2026-11-21; linux [GCC 12.2.0] version\r\n\
                          Type \"help()\" for more information.\r\n";

    /// A host whose "VM" answers from a table of canned outputs, keyed by exact source.
    struct FakeHost {
        out: Vec<u8>,
        input: Vec<u8>,
        pos: usize,
        // (source, kind, repl_print) of every execute call.
        runs: Vec<(Vec<u8>, InputKind, bool)>,
        answers: Vec<(&'static [u8], &'static str, ExecOutcome, &'static str)>,
        pending: Option<&'static str>,
        ps1: String,
        ps2: String,
        statements: usize,
        globals: Vec<&'static str>,
        attrs: Vec<(&'static str, &'static [&'static str])>,
        modules: Vec<&'static str>,
        banner: &'static str,
    }

    impl FakeHost {
        fn new() -> Self {
            FakeHost {
                out: Vec::new(),
                input: Vec::new(),
                pos: 0,
                runs: Vec::new(),
                answers: Vec::new(),
                pending: None,
                ps1: ">>> ".to_string(),
                ps2: "... ".to_string(),
                statements: 0,
                globals: Vec::new(),
                attrs: Vec::new(),
                modules: Vec::new(),
                banner: BANNER,
            }
        }
        /// When `source` runs, print `stdout` and end with `outcome`; `report` is the
        /// exception text printed later.
        fn answer(
            &mut self,
            source: &'static [u8],
            stdout: &'static str,
            outcome: ExecOutcome,
            report: &'static str,
        ) {
            self.answers.push((source, stdout, outcome, report));
        }
        fn take(&mut self) -> String {
            let s = String::from_utf8_lossy(&self.out).into_owned();
            self.out.clear();
            s
        }
    }

    impl Terminal for FakeHost {
        fn write(&mut self, bytes: &[u8]) {
            self.out.extend_from_slice(bytes);
        }
        fn complete(
            &mut self,
            q: &crate::readline::CompletionQuery<'_>,
            out: &mut Vec<&'static str>,
        ) -> bool {
            let names: Vec<&str> = if q.path.is_empty() {
                self.globals.clone()
            } else {
                let path = q.path.join(".");
                match self.attrs.iter().find(|a| a.0 == path) {
                    Some(a) => a.1.to_vec(),
                    None => return false,
                }
            };
            let names = if q.import {
                self.modules.clone()
            } else {
                names
            };
            out.extend(names.iter().copied());
            true
        }
    }

    impl ReplHost for FakeHost {
        fn read_byte(&mut self) -> Option<u8> {
            let c = self.input.get(self.pos).copied();
            self.pos += 1;
            c
        }
        fn execute(&mut self, req: &ExecRequest<'_>, _history: &mut History) -> ExecOutcome {
            assert_eq!(req.source_name, "<stdin>");
            self.runs
                .push((req.source.to_vec(), req.kind, req.repl_print));
            let found = self.answers.iter().find(|a| a.0 == req.source).copied();
            match found {
                Some((_, stdout, outcome, report)) => {
                    self.out.extend_from_slice(stdout.as_bytes());
                    if outcome != ExecOutcome::Completed {
                        self.pending = Some(report);
                    }
                    outcome
                }
                None => ExecOutcome::Completed,
            }
        }
        fn report_exception(&mut self) {
            let text = self.pending.take().unwrap_or("<no pending exception>");
            self.out.extend_from_slice(text.as_bytes());
        }
        fn keyboard_interrupt(&mut self) {
            self.pending = Some("KeyboardInterrupt: \n");
        }
        fn banner(&mut self) -> String {
            self.banner.to_string()
        }
        fn prompt(&mut self, kind: PromptKind) -> String {
            match kind {
                PromptKind::Primary => self.ps1.clone(),
                PromptKind::Continuation => self.ps2.clone(),
            }
        }
        fn before_statement(&mut self) {
            self.statements += 1;
        }
    }

    fn unix() -> (Repl, FakeHost) {
        (Repl::new(ReplConfig::UNIX), FakeHost::new())
    }

    fn feed_all(repl: &mut Repl, host: &mut FakeHost, bytes: &[u8]) -> Option<ReplExit> {
        for &b in bytes {
            if let Some(exit) = repl.feed(b, host) {
                return Some(exit);
            }
        }
        None
    }

    #[test]
    fn banner_and_first_prompt() {
        let (mut repl, mut host) = unix();
        repl.start(&mut host);
        assert_eq!(host.take(), [HEADER, ">>> "].concat());
        assert_eq!(host.statements, 1);
        let mut repl = Repl::new(ReplConfig {
            help_line: false,
            ..ReplConfig::BOARD
        });
        repl.start(&mut host);
        assert_eq!(host.take(), [BANNER, "\r\n>>> "].concat());
    }

    #[test]
    fn repl_basic_session() {
        let (mut repl, mut host) = unix();
        host.answer(b"print(1)", "1\n", ExecOutcome::Completed, "");
        host.answer(b"2", "2\n", ExecOutcome::Completed, "");
        repl.start(&mut host);
        host.take();
        feed_all(
            &mut repl,
            &mut host,
            b"# basic REPL tests\rprint(1)\r\x1b[A\r2\r",
        );
        assert_eq!(
            host.take(),
            "# basic REPL tests\r\n>>> print(1)\r\n1\n>>> print(1)\r\n1\n>>> 2\r\n2\n>>> "
        );
        let sources: Vec<&[u8]> = host.runs.iter().map(|r| r.0.as_slice()).collect();
        assert_eq!(
            sources,
            vec![&b"# basic REPL tests"[..], b"print(1)", b"print(1)", b"2"]
        );
        assert!(host.runs.iter().all(|r| r.1 == InputKind::Single && r.2));
    }

    #[test]
    fn empty_line_and_ctrl_c_give_new_prompt() {
        let (mut repl, mut host) = unix();
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"\rabc\x03");
        assert_eq!(host.take(), "\r\n>>> abc\r\n>>> ");
        assert!(host.runs.is_empty());
    }

    #[test]
    fn continuation_lines_like_repl_cont() {
        let (mut repl, mut host) = unix();
        host.answer(b"1 \\\n+ 2", "3\n", ExecOutcome::Completed, "");
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"1 \\\r+ 2\r");
        assert_eq!(host.take(), "1 \\\r\n... + 2\r\n3\n>>> ");
        feed_all(&mut repl, &mut host, b"'''abc\rdef'''\rprint(\r1 + 2)\r");
        assert_eq!(
            host.take(),
            "'''abc\r\n... def'''\r\n>>> print(\r\n... 1 + 2)\r\n>>> "
        );
        feed_all(&mut repl, &mut host, b"def f(x):\rprint(x)\r\x08\r");
        assert_eq!(
            host.take(),
            "def f(x):\r\n...     print(x)\r\n...     \x08\x08\x08\x08\x1b[K\r\n>>> "
        );
        let last = host.runs.last().map(|r| r.0.clone());
        assert_eq!(last, Some(b"def f(x):\n    print(x)\n".to_vec()));
    }

    #[test]
    fn autoindent_session_like_repl_autoindent() {
        let (mut repl, mut host) = unix();
        host.answer(
            b"if 1:\n    print(1)\n    \n    \n",
            "1\n",
            ExecOutcome::Completed,
            "",
        );
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"if 1:\rprint(1)\r\r\r\r");
        assert_eq!(
            host.take(),
            "if 1:\r\n...     print(1)\r\n...     \r\n...     \r\n... \r\n1\n>>> "
        );
        feed_all(
            &mut repl,
            &mut host,
            b"if 0:\r  print(2)\relse:\r  print(3)\r\r",
        );
        assert_eq!(
            host.take(),
            "if 0:\r\n...     \x08\x08\x08 print(2)\r\n... else:\r\n...   print(3)\r\n... \r\n>>> "
        );
        feed_all(
            &mut repl,
            &mut host,
            b"if 0:\r\tprint(4)\relse:\r\tprint(5)\r\r",
        );
        assert_eq!(
            host.take(),
            "if 0:\r\n...     print(4)\r\n... else:\r\n...     print(5)\r\n... \r\n>>> "
        );
        let last = host.runs.last().map(|r| r.0.clone());
        assert_eq!(
            last,
            Some(b"if 0:\n    print(4)\nelse:\n    print(5)\n".to_vec())
        );
    }

    #[test]
    fn ctrl_c_and_ctrl_d_in_continuation() {
        let (mut repl, mut host) = unix();
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"(1,\r\x03");
        assert_eq!(host.take(), "(1,\r\n... \r\n>>> ");
        assert!(host.runs.is_empty());
        feed_all(&mut repl, &mut host, b"(1,\r2)\r");
        assert_eq!(host.take(), "(1,\r\n... 2)\r\n>>> ");
        // Ctrl-D on an empty continuation line runs what was entered, with no newline.
        feed_all(&mut repl, &mut host, b"[1,\r\x04");
        assert_eq!(host.take(), "[1,\r\n... >>> ");
        assert_eq!(
            host.runs.last().map(|r| r.0.clone()),
            Some(b"[1,\n".to_vec())
        );
        // Ctrl-A/B/E on an empty continuation line just add a blank line.
        feed_all(&mut repl, &mut host, b"(\r\x01\x02)\r");
        assert_eq!(host.take(), "(\r\n... ... ... )\r\n>>> ");
        assert_eq!(
            host.runs.last().map(|r| r.0.clone()),
            Some(b"(\n\n\n)".to_vec())
        );
    }

    #[test]
    fn exceptions_are_reported_after_output() {
        let (mut repl, mut host) = unix();
        host.answer(
            b"1/0",
            "",
            ExecOutcome::Exception,
            "Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\n\
             ZeroDivisionError: divide by zero\n",
        );
        repl.start(&mut host);
        host.take();
        assert_eq!(feed_all(&mut repl, &mut host, b"1/0\r"), None);
        assert_eq!(
            host.take(),
            "1/0\r\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\n\
             ZeroDivisionError: divide by zero\n>>> "
        );
    }

    #[test]
    fn system_exit_and_ctrl_d_stop_the_repl() {
        let (mut repl, mut host) = unix();
        host.answer(b"raise SystemExit", "", ExecOutcome::SystemExit(0), "");
        host.answer(b"sys.exit('bye')", "", ExecOutcome::SystemExit(1), "bye\n");
        repl.start(&mut host);
        host.take();
        let exit = feed_all(&mut repl, &mut host, b"raise SystemExit\r");
        assert_eq!(exit, Some(ReplExit::SystemExit(0)));
        assert_eq!(host.take(), "raise SystemExit\r\n");
        repl.start(&mut host);
        host.take();
        let exit = feed_all(&mut repl, &mut host, b"sys.exit('bye')\r");
        assert_eq!(exit, Some(ReplExit::SystemExit(1)));
        assert_eq!(host.take(), "sys.exit('bye')\r\nbye\n");
        repl.start(&mut host);
        host.take();
        assert_eq!(
            feed_all(&mut repl, &mut host, b"\x04"),
            Some(ReplExit::CtrlD)
        );
        assert_eq!(host.take(), "\r\n");
        assert_eq!(repl.mode(), Mode::Friendly);
    }

    #[test]
    fn ctrl_b_reprints_banner() {
        let (mut repl, mut host) = unix();
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"\x02");
        assert_eq!(host.take(), ["\r\n", HEADER, ">>> "].concat());
    }

    #[test]
    fn paste_mode_like_repl_paste() {
        let (mut repl, mut host) = unix();
        host.answer(
            b"def hello():\r    print('Hello from paste mode!')\rhello()\r",
            "Hello from paste mode!\n",
            ExecOutcome::Completed,
            "",
        );
        repl.start(&mut host);
        host.take();
        feed_all(
            &mut repl,
            &mut host,
            b"\x05def hello():\r    print('Hello from paste mode!')\rhello()\r\x04",
        );
        assert_eq!(
            host.take(),
            "\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== def hello():\r\n\
             ===     print('Hello from paste mode!')\r\n=== hello()\r\n=== \r\n\
             Hello from paste mode!\n>>> "
        );
        assert_eq!(host.runs.len(), 1);
        assert_eq!(host.runs[0].1, InputKind::File);
        assert!(host.runs[0].2);
        // Any byte goes through, echoed; Ctrl-C cancels.
        feed_all(&mut repl, &mut host, b"\x05\x01\t\xff\x03");
        assert_eq!(
            host.take(),
            "\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== \x01\t\u{fffd}\r\n>>> "
        );
        assert_eq!(host.runs.len(), 1);
        // The paste buffer does not leak into the next paste.
        feed_all(&mut repl, &mut host, b"\x05x\x04");
        assert_eq!(host.runs.last().map(|r| r.0.clone()), Some(b"x".to_vec()));
    }

    #[test]
    fn sys_ps1_ps2_are_asked_each_time() {
        let (mut repl, mut host) = unix();
        repl.start(&mut host);
        host.take();
        host.ps1 = "PS1".to_string();
        host.ps2 = "PS2".to_string();
        feed_all(&mut repl, &mut host, b"x\r(1 +\r2)\r");
        assert_eq!(host.take(), "x\r\nPS1(1 +\r\nPS22)\r\nPS1");
    }

    #[test]
    fn completion_reprints_prompt() {
        let (mut repl, mut host) = unix();
        host.globals = vec!["apple", "apricot"];
        repl.start(&mut host);
        host.take();
        host.ps2 = "PS2".to_string();
        feed_all(&mut repl, &mut host, b"(\ra\t\t");
        assert_eq!(host.take(), "(\r\nPS2ap\napple           apricot\nPS2ap");
    }

    #[test]
    fn raw_repl_exchange() {
        let (mut repl, mut host) = unix();
        host.answer(b"print(123)", "123\n", ExecOutcome::Completed, "");
        host.answer(
            b"1/0",
            "",
            ExecOutcome::Exception,
            "Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\n\
             ZeroDivisionError: divide by zero\n",
        );
        repl.start(&mut host);
        host.take();
        // mpremote's entry: "\r\x03" then "\r\x01".
        feed_all(&mut repl, &mut host, b"\r\x03\r\x01");
        assert_eq!(
            host.take(),
            "\r\n>>> \r\n>>> \r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>"
        );
        assert_eq!(repl.mode(), Mode::Raw);
        feed_all(&mut repl, &mut host, b"print(123)\x04");
        assert_eq!(host.take(), "OK123\n\x04\x04>");
        assert_eq!(
            host.runs[0],
            (b"print(123)".to_vec(), InputKind::File, false)
        );
        feed_all(&mut repl, &mut host, b"1/0\x04");
        assert_eq!(
            host.take(),
            "OK\x04Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\n\
             ZeroDivisionError: divide by zero\n\x04>"
        );
        // Ctrl-C clears the buffer silently; Ctrl-A resends the banner.
        feed_all(&mut repl, &mut host, b"junk\x03\x01");
        assert_eq!(host.take(), "raw REPL; CTRL-B to exit\r\n>");
        // Ctrl-B back to the friendly REPL.
        feed_all(&mut repl, &mut host, b"abc\x02");
        assert_eq!(host.take(), ["\r\n", HEADER, ">>> "].concat());
        assert_eq!(repl.mode(), Mode::Friendly);
        assert_eq!(host.runs.len(), 2);
    }

    #[test]
    fn raw_repl_passes_any_byte_and_soft_resets() {
        let (mut repl, mut host) = unix();
        repl.set_mode(Mode::Raw);
        repl.start(&mut host);
        assert_eq!(host.take(), "raw REPL; CTRL-B to exit\r\n>");
        feed_all(&mut repl, &mut host, b"a\r\n\x00\x05\xff\x04");
        assert_eq!(host.runs[0].0, b"a\r\n\x00\x05\xff".to_vec());
        assert_eq!(host.take(), "OK\x04\x04>");
        let exit = feed_all(&mut repl, &mut host, b"\x04");
        assert_eq!(exit, Some(ReplExit::CtrlD));
        assert_eq!(host.take(), "OK\r\n");
        // The mode survives; a restart shows the raw banner again (boards after reboot).
        assert_eq!(repl.mode(), Mode::Raw);
        repl.start(&mut host);
        assert_eq!(host.take(), "raw REPL; CTRL-B to exit\r\n>");
    }

    #[test]
    fn raw_repl_system_exit() {
        let (mut repl, mut host) = unix();
        host.answer(
            b"import sys; sys.exit(3)",
            "x\n",
            ExecOutcome::SystemExit(3),
            "",
        );
        repl.set_mode(Mode::Raw);
        repl.start(&mut host);
        host.take();
        let exit = feed_all(&mut repl, &mut host, b"import sys; sys.exit(3)\x04");
        assert_eq!(exit, Some(ReplExit::SystemExit(3)));
        assert_eq!(host.take(), "OKx\n\x04\x04");
    }

    #[test]
    fn raw_paste_exchange() {
        let (mut repl, mut host) = unix();
        host.answer(b"print(456)", "456\n", ExecOutcome::Completed, "");
        repl.set_mode(Mode::Raw);
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"\x05A\x01print(456)\x04");
        // The unix capture from the reference: R\x01 \x80\x00 \x01, \x04, output, \x04\x04>.
        assert_eq!(host.out, b"R\x01\x80\x00\x01\x04456\n\x04\x04>");
        assert_eq!(
            host.runs[0],
            (b"print(456)".to_vec(), InputKind::File, false)
        );
        assert_eq!(repl.mode(), Mode::Raw);
    }

    #[test]
    fn raw_paste_flow_control() {
        let (mut repl, mut host) = unix();
        repl.set_mode(Mode::Raw);
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"\x05A\x01");
        assert_eq!(host.out, b"R\x01\x80\x00\x01");
        host.out.clear();
        // Every 128 data bytes earn one more window; control bytes 0x01/0x02 are data.
        let data: Vec<u8> = (0..300u32)
            .map(|i| [b'a', 0x01, 0x02][(i % 3) as usize])
            .collect();
        feed_all(&mut repl, &mut host, &data[..127]);
        assert_eq!(host.out, b"");
        feed_all(&mut repl, &mut host, &data[127..128]);
        assert_eq!(host.out, b"\x01");
        feed_all(&mut repl, &mut host, &data[128..]);
        assert_eq!(host.out, b"\x01\x01");
        host.out.clear();
        feed_all(&mut repl, &mut host, b"\x04");
        assert_eq!(host.out, b"\x04\x04\x04>");
        assert_eq!(host.runs[0].0, data);
        // A smaller buffer gives a smaller window.
        let mut repl = Repl::new(ReplConfig {
            stdin_buffer_max: 64,
            ..ReplConfig::BOARD
        });
        repl.set_mode(Mode::Raw);
        repl.start(&mut host);
        host.out.clear();
        feed_all(&mut repl, &mut host, b"\x05A\x01");
        assert_eq!(host.out, b"R\x01\x20\x00\x01");
    }

    #[test]
    fn raw_paste_errors_and_interrupts() {
        let (mut repl, mut host) = unix();
        host.answer(
            b"1+",
            "",
            ExecOutcome::Exception,
            "Traceback (most recent call last):\n  File \"<stdin>\", line 1\n\
             SyntaxError: invalid syntax\n",
        );
        repl.set_mode(Mode::Raw);
        repl.start(&mut host);
        host.take();
        feed_all(&mut repl, &mut host, b"\x05A\x011+\x04");
        let want: &[u8] = b"R\x01\x80\x00\x01\x04\x04Traceback (most recent call last):\n  \
            File \"<stdin>\", line 1\nSyntaxError: invalid syntax\n\x04>";
        assert_eq!(host.out, want);
        host.out.clear();
        // Ctrl-C during reception: stop, then a KeyboardInterrupt report; nothing runs.
        let runs = host.runs.len();
        feed_all(&mut repl, &mut host, b"\x05A\x01while 1:\x03");
        assert_eq!(
            host.out,
            b"R\x01\x80\x00\x01\x04\x04KeyboardInterrupt: \n\x04>"
        );
        host.out.clear();
        assert_eq!(host.runs.len(), runs);
        // An unknown raw-paste command is refused and the raw REPL carries on.
        feed_all(&mut repl, &mut host, b"\x05B\x01");
        assert_eq!(host.out, b"R\x00>");
        host.out.clear();
        feed_all(&mut repl, &mut host, b"\x05\x01");
        assert_eq!(host.take(), "raw REPL; CTRL-B to exit\r\n>");
    }

    #[test]
    fn run_pulls_bytes_until_exit() {
        let (mut repl, mut host) = unix();
        host.input = b"x = 1\r\x04".to_vec();
        assert_eq!(repl.run(&mut host), ReplExit::CtrlD);
        assert_eq!(host.take(), [HEADER, ">>> x = 1\r\n>>> \r\n"].concat());
        host.input = b"y".to_vec();
        host.pos = 0;
        assert_eq!(repl.run(&mut host), ReplExit::InputClosed);
    }

    #[test]
    fn history_is_shared_with_execute() {
        let (mut repl, mut host) = unix();
        repl.start(&mut host);
        feed_all(&mut repl, &mut host, b"a = 1\rif 1:\rb = 2\r\r\r");
        let h = repl.history();
        // Indent-only lines are recorded too (once), as upstream does.
        assert_eq!(h.get(0), Some(&b"    "[..]));
        assert_eq!(h.get(1), Some(&b"    b = 2"[..]));
        assert_eq!(h.get(2), Some(&b"if 1:"[..]));
        assert_eq!(h.get(3), Some(&b"a = 1"[..]));
        assert_eq!(h.len(), 4);
    }

    type Canned = &'static [(&'static [u8], &'static [u8], u8)];

    /// Sessions captured from upstream's unix build under a pty with output processing
    /// off: keys sent, what its code printed (0 = output, 1 = exception report), and every
    /// byte it sent after the banner.
    const UPSTREAM_SESSIONS: &[(&[u8], Canned, &[u8])] = &[
        // emacs
        (
            b"1\r2\r3\r\x10\x10\x10\r\x10\x10\x10\x0e\rt = 1\x022\r'boofar\x02\x02\x02\x0b\x01\x06\x04f\x05bar'\r\x04",
            &[(b"1", b"1\n", 0), (b"2", b"2\n", 0), (b"3", b"3\n", 0), (b"'foobar'", b"'foobar'\n", 0)],
            b">>> 1\r\n1\n>>> 2\r\n2\n>>> 3\r\n3\n>>> 3\x082\x081\r\n1\n>>> 1\x083\x082\x083\r\n3\n>>> t = 1\x0821\x08\r\n>>> 'boofar\x08\x08\x08\x1b[K\x08\x08\x08\x08'\x1b[Koo\x08\x08foo\x08\x08oobar'\r\n'foobar'\n>>> \r\n",
        ),
        // words
        (
            b"234\x1bb1\x03234    \x1bb1\x031 2 + 3\x01\x1bb\x06+\x031+2 12\x02\x02+\x1bf+3\x031+    12 3\x01\x06\x06\x1bf+\x031 + 2 3\x1bf\x02+\x03100 + 45623\x02\x02\x1b\x7f\x03100 + 45623\x1b\x7f1\x03100 + 256\x02\x02\x1bd3\x031 + 256\x02\x02\x02\x02\x1bd2\x03234\x1b[1;5D1\x0312\x02\x02\x1b[1;5C3\x03123\x171\x03\x04",
            &[],
            b">>> 234\x08\x08\x081234\x08\x08\x08\r\n>>> 234    \x1b[7D1234    \x1b[7D\r\n>>> 1 2 + 3\x1b[7D1+ 2 + 3\x1b[6D\r\n>>> 1+2 12\x08\x08+12\x08\x0812+3\r\n>>> 1+    12 3\x1b[10D1+    12+ 3\x08\x08\r\n>>> 1 + 2 3\x08+3\x08\r\n>>> 100 + 45623\x08\x08\x08\x08\x08\x1b[K23\x08\x08\r\n>>> 100 + 45623\x1b[5D\x1b[K1\r\n>>> 100 + 256\x08\x08\x1b[K3\r\n>>> 1 + 256\x08\x08\x08\x08\x1b[K2\r\n>>> 234\x08\x08\x081234\x08\x08\x08\r\n>>> 12\x08\x08123\r\n>>> 123\x08\x08\x08\x1b[K1\r\n>>> \r\n",
        ),
        // keys
        (
            b"abcdefghij\x01\x1b[C\x1b[C\x1b[3~\x1b[F\x1b[H\x1b[4~\x1b[1~\x1b[8~\x1b[7~\x1bOF\x1bOH\x0b\x03abc def\x02\x02\x15\x03xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x01\x05\x1b[15~\x03\x04",
            &[],
            b">>> abcdefghij\x1b[10Dab\x1b[Kdefghij\x1b[7Ddefghij\x1b[9Dabdefghij\x1b[9Dabdefghij\x1b[9Dabdefghij\x1b[9D\x1b[K\r\n>>> abc def\x08\x08\x1b[5D\x1b[Kef\x08\x08\r\n>>> xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\x1b[120Dxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx~\r\n>>> \r\n",
        ),
        // indent
        (
            b"if 1:\rprint(1)\r\r\r\rif 0:\r  print(2)\relse:\r  print(3)\r\rif 0:\r\tprint(4)\relse:\r\tprint(5)\r\rdef f(x):\rprint(x)\r\x08\r\x04",
            &[(b"if 1:\n    print(1)\n    \n    \n", b"1\n", 0), (b"if 0:\n  print(2)\nelse:\n  print(3)\n", b"3\n", 0), (b"if 0:\n    print(4)\nelse:\n    print(5)\n", b"5\n", 0)],
            b">>> if 1:\r\n...     print(1)\r\n...     \r\n...     \r\n... \r\n1\n>>> if 0:\r\n...     \x08\x08\x08 print(2)\r\n... else:\r\n...   print(3)\r\n... \r\n3\n>>> if 0:\r\n...     print(4)\r\n... else:\r\n...     print(5)\r\n... \r\n5\n>>> def f(x):\r\n...     print(x)\r\n...     \x08\x08\x08\x08\x1b[K\r\n>>> \r\n",
        ),
        // cont
        (
            b"(1,\r\x03[1,\r\x04(\r\x01\x02\x05)\rfor i in x:\rif i:\rpass\r\r\r\r\r\x04",
            &[(b"[1,\n", b"Traceback (most recent call last):\n  File \"<stdin>\", line 2\nSyntaxError: invalid syntax\n", 1), (b"(\n\n\n\n)", b"()\n", 0), (b"for i in x:\n    if i:\n        pass\n        \n        \n", b"Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nNameError: name 'x' isn't defined\n", 1)],
            b">>> (1,\r\n... \r\n>>> [1,\r\n... Traceback (most recent call last):\n  File \"<stdin>\", line 2\nSyntaxError: invalid syntax\n>>> (\r\n... ... ... ... )\r\n()\n>>> for i in x:\r\n...     if i:\r\n...         pass\r\n...         \r\n...         \r\n... \r\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nNameError: name 'x' isn't defined\n>>> \r\n>>> \r\n",
        ),
        // complete
        (
            b"x=1\rxylophone=2\rxyz=3\rimpo\tsys\rsys.std\t\t\x03sys.\t\x03x\t\x03xy\t\x03\t\x03import s\t\x03not_exist.\t\x7f\x7f\x03 x\x01\t\x03a b\x02\t\x03\x04",
            &[],
            b">>> x=1\r\n>>> xylophone=2\r\n>>> xyz=3\r\n>>> import sys\r\n>>> sys.std\nstderr          stdin           stdout\n>>> sys.std\nstderr          stdin           stdout\n>>> sys.std\r\n>>> sys.\nargv            atexit          byteorder       exc_info\nexecutable      exit            implementation  maxsize\nmodules         path            platform        print_exception\nps1             ps2             stderr          stdin\nstdout          version         version_info\n>>> sys.\r\n>>> x\nx               xylophone       xyz\n>>> x\r\n>>> xy\nxylophone       xyz\n>>> xy\r\n>>> \nsys             x               xylophone       xyz\n>>> \r\n>>> import s\nselect          socket          struct          sys\n>>> import s\r\n>>> not_exist.\x08\x1b[K\x08\x1b[K\r\n>>>  x\x08\x08\nsys             x               xylophone       xyz\n>>>  x\x08\x08\r\n>>> a b\x08    b\x08\r\n>>> \r\n",
        ),
        // paste
        (
            b"\x05def f():\r    return 1\r\x01\x04\x05abc\x03\x04",
            &[(b"def f():\r    return 1\r\x01", b"Traceback (most recent call last):\n  File \"<stdin>\", line 3\nSyntaxError: invalid syntax\n", 1)],
            b">>> \r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== def f():\r\n===     return 1\r\n=== \x01\r\nTraceback (most recent call last):\n  File \"<stdin>\", line 3\nSyntaxError: invalid syntax\n>>> \r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== abc\r\n>>> \r\n",
        ),
        // raw
        (
            b"\r\x03\r\x01print(123)\x04junk\x03\x01\x05A\x01print(456)\x04\x05B\x01abc\x02\x01\x04",
            &[(b"print(123)", b"123\n", 0), (b"print(456)", b"456\n", 0)],
            b">>> \r\n>>> \r\n>>> \r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>OK123\n\x04\x04>raw REPL; CTRL-B to exit\r\n>R\x01\x80\x00\x01\x04456\n\x04\x04>R\x00>\r\nMicroPython v1.29.0-preview.731.g1c3c201149 on 2026-11-21; linux [GCC 12.2.0] version\r\nType \"help()\" for more information.\r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>OK\r\n",
        ),
        // rawerr
        (
            b"\x011/0\x04\x02\x04",
            &[(b"1/0", b"Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nZeroDivisionError: divide by zero\n", 1)],
            b">>> \r\nraw REPL; CTRL-B to exit\r\n>OK\x04Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nZeroDivisionError: divide by zero\n\x04>\r\nMicroPython v1.29.0-preview.731.g1c3c201149 on 2026-11-21; linux [GCC 12.2.0] version\r\nType \"help()\" for more information.\r\n>>> \r\n",
        ),
        // history
        (
            b"a=1\rb=2\rb=2\r\x1b[A\x1b[A\x1b[A\x1b[A\x1b[B\x1b[B\x1b[B\x03\x04",
            &[],
            b">>> a=1\r\n>>> b=2\r\n>>> b=2\r\n>>> b=2\x08\x08\x08a=1\x08\x08\x08b=2\x08\x08\x08\x1b[K\r\n>>> \r\n",
        ),
        // ctrl
        (
            b"\x02abc\x02\x01\x05\x03\x05x\ry\r\r\x03\x04",
            &[],
            b">>> \r\nMicroPython v1.29.0-preview.731.g1c3c201149 on 2026-11-21; linux [GCC 12.2.0] version\r\nType \"help()\" for more information.\r\n>>> abc\x08\x08\x08abc\r\n>>> \r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== x\r\n=== y\r\n=== \r\n=== \r\n>>> \r\n",
        ),
        // tabmid
        (
            b"if 1:\r\t\x7f\x7f\tpass\x01\t\x7f\x7f\x7f\x7f\x05 \t\x03        \x7f\x7f\x7f\x03for a in b:\rfor c in d:\r \x03\x04",
            &[],
            b">>> if 1:\r\n...     \x08\x08\x08\x08\x1b[K    pass\x1b[8D        pass\x1b[8D\x08\x08\x08\x08\x1b[K    pass\x1b[8D    pass     \r\n>>>         \x08\x08\x08\x08\x1b[K\x08\x08\x08\x08\x1b[K\r\n>>> for a in b:\r\n...     for c in d:\r\n...         \x08\x08\x08\r\n>>> \r\n",
        ),
        // rawpaste
        (
            b"\x01\x05A\x01############################################################################################################################################################################################################################################################################################################\x04\x05A\x01while 1:\x03\x04",
            &[(b"############################################################################################################################################################################################################################################################################################################", b"", 0)],
            b">>> \r\nraw REPL; CTRL-B to exit\r\n>R\x01\x80\x00\x01\x01\x01\x04\x04\x04>R\x01\x80\x00\x01\x04\x04KeyboardInterrupt: \n\x04>OK\r\n",
        ),
        // hiscont
        (
            b"if 1:\rx=1\r\r\r\r\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\r\x03\x04",
            &[],
            b">>> if 1:\r\n...     x=1\r\n...     \r\n...     \r\n... \r\n>>>     \x08\x08\x08\x08    x=1\x1b[7D\x1b[Kif 1:\r\n...     \r\n>>> \r\n",
        ),
        // esc
        (
            b"ab\x1bx\x1b[Z\x1b[2~\x1bOQ\x1b[15~\x1b\x1b[D\x1b[1;2C\x1b[5C\x1b[5D\x03\x04",
            &[],
            b">>> ab~[D\x08\r\n>>> \r\n",
        ),
    ];

    #[test]
    fn matches_upstream_sessions() {
        for (i, &(keys, canned, want)) in UPSTREAM_SESSIONS.iter().enumerate() {
            let (mut repl, mut host) = unix();
            host.banner = "MicroPython v1.29.0-preview.731.g1c3c201149 on 2026-11-21; \
                           linux [GCC 12.2.0] version";
            host.globals = vec!["__name__", "sys", "x", "xylophone", "xyz"];
            host.attrs = vec![(
                "sys",
                &[
                    "__class__",
                    "__name__",
                    "argv",
                    "atexit",
                    "byteorder",
                    "exc_info",
                    "executable",
                    "exit",
                    "implementation",
                    "maxsize",
                    "modules",
                    "path",
                    "platform",
                    "print_exception",
                    "ps1",
                    "ps2",
                    "stderr",
                    "stdin",
                    "stdout",
                    "version",
                    "version_info",
                ],
            )];
            host.modules = vec!["select", "socket", "struct", "sys"];
            for &(source, text, kind) in canned {
                let text = core::str::from_utf8(text).unwrap_or("");
                match kind {
                    0 => host.answer(source, text, ExecOutcome::Completed, ""),
                    _ => host.answer(source, "", ExecOutcome::Exception, text),
                }
            }
            repl.start(&mut host);
            let header = [
                host.banner,
                "\r\n",
                core::str::from_utf8(HELP_LINE).unwrap_or(""),
            ];
            assert_eq!(
                host.out.strip_suffix(b">>> "),
                Some(header.concat().as_bytes())
            );
            host.out = b">>> ".to_vec();
            let exit = feed_all(&mut repl, &mut host, keys);
            assert_eq!(exit, Some(ReplExit::CtrlD), "session {i}");
            assert_eq!(
                String::from_utf8_lossy(&host.out),
                String::from_utf8_lossy(want),
                "session {i}"
            );
            assert_eq!(host.out, want, "session {i}");
        }
    }

    #[test]
    fn continue_with_input_rules() {
        let yes: &[&[u8]] = &[
            b"1 \\",
            b"print(",
            b"l = [1,",
            b"d = {1:'one',",
            b"'''abc",
            b"\"\"\"ABC",
            b"def f(x):",
            b"def f(x):\n    print(x)",
            b"def f(x):\n    print(x)\n    ",
            b"if 1:",
            b"while x:",
            b"for i in x:",
            b"try:",
            b"with x:",
            b"class A:",
            b"async def f():",
            b"match x:",
            b"match (a, b):\n    case 1:",
            b"@dec",
            b"if(x):",
            b"x = '''a\n",
        ];
        for s in yes {
            assert!(continue_with_input(s), "{:?}", core::str::from_utf8(s));
        }
        let no: &[&[u8]] = &[
            b"",
            b"1 + 2",
            b"'\"'",
            b"\"'\"",
            b"'\\''",
            b"\"\\\"\"",
            b"'\\'('",
            b"\"\\\"(\"",
            b"print(\"\\\"(\")",
            b"print('\\'(')",
            b"print(\"\\'(\")",
            b"print('\\\"(')",
            b"'''abc\ndef'''",
            b"if1=1",
            b"if1 = 2",
            b"def f(x):\n    print(x)\n",
            b"classy = 1",
            b"match = 1",
            b"match(x)",
            b"match = {1: 2}",
            b"x = ')'",
            b"'('",
            b"'(",
            b"x)",
        ];
        for s in no {
            assert!(!continue_with_input(s), "{:?}", core::str::from_utf8(s));
        }
    }

    #[test]
    fn no_panic_on_arbitrary_input() {
        let (mut repl, mut host) = unix();
        host.globals = vec!["a", "ab"];
        repl.start(&mut host);
        let mut seed = 0x1234_5678u32;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let c = match seed % 4 {
                0 => (seed >> 8) as u8 % 8,
                1 => b"\r\t\x1b[(:'\"\\ "[(seed >> 8) as usize % 10],
                _ => (seed >> 8) as u8,
            };
            if repl.feed(c, &mut host).is_some() {
                repl.start(&mut host);
            }
            host.out.clear();
        }
    }
}
