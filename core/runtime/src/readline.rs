//! The REPL line editor, driven one input byte at a time: echo, cursor movement, history,
//! emacs-style keys, auto-indent and tab completion. Its output bytes (including every
//! VT100 sequence) match MicroPython's `shared/readline/readline.c`, and its completion
//! rules match `mp_repl_autocomplete` in `py/repl.c`.
//!
//! It knows nothing of the VM: output goes to a [`Terminal`], and completion asks the
//! terminal for the names visible on a dotted path. The friendly REPL (`repl.rs`) and the
//! `input()` built-in both use it, sharing one [`History`].
//!
//! Output written here is raw: the editor writes `\r\n` itself where upstream does, so
//! ports must not translate it. Only the completion list is "cooked" text with bare `\n`
//! (upstream prints it through `mp_plat_print`), sent through [`Terminal::write_cooked`].

use alloc::string::String;
use alloc::vec::Vec;

pub const CTRL_A: u8 = 0x01;
pub const CTRL_B: u8 = 0x02;
pub const CTRL_C: u8 = 0x03;
pub const CTRL_D: u8 = 0x04;
pub const CTRL_E: u8 = 0x05;
pub const CTRL_F: u8 = 0x06;
pub const CTRL_K: u8 = 0x0b;
pub const CTRL_N: u8 = 0x0e;
pub const CTRL_P: u8 = 0x10;
pub const CTRL_U: u8 = 0x15;
pub const CTRL_W: u8 = 0x17;
const TAB: u8 = 0x09;
const BACKSPACE: u8 = 0x08;
const ESC: u8 = 0x1b;
const DEL: u8 = 0x7f;

/// Which editor features are on; each mirrors one upstream config option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditorConfig {
    /// `MICROPY_REPL_EMACS_KEYS`: Ctrl-B/D/F/K/N/P/U.
    pub emacs_keys: bool,
    /// `MICROPY_REPL_EMACS_WORDS_MOVE`: Alt-b, Alt-f, Alt-d, Alt-Backspace.
    pub words_move: bool,
    /// `MICROPY_REPL_EMACS_EXTRA_WORDS_MOVE`: Ctrl-W, Ctrl-Left, Ctrl-Right.
    pub extra_words_move: bool,
    /// `MICROPY_REPL_AUTO_INDENT`.
    pub auto_indent: bool,
    /// `MICROPY_HELPER_REPL`: Tab completes names (and expands to 4 spaces after whitespace).
    pub completion: bool,
}

impl EditorConfig {
    /// Upstream's unix port (standard variant): everything on, 50 history lines.
    pub const UNIX: EditorConfig = EditorConfig {
        emacs_keys: true,
        words_move: true,
        extra_words_move: true,
        auto_indent: true,
        completion: true,
    };
    pub const UNIX_HISTORY: usize = 50;

    /// Upstream's "extra features" ROM level, which most boards use: no word moves, 8 lines.
    pub const BOARD: EditorConfig = EditorConfig {
        emacs_keys: true,
        words_move: false,
        extra_words_move: false,
        auto_indent: true,
        completion: true,
    };
    pub const BOARD_HISTORY: usize = 8;
}

/// What the editor needs from the outside world.
pub trait Terminal {
    /// Send bytes exactly as given (echo, escape sequences, literal `\r\n`).
    fn write(&mut self, bytes: &[u8]);

    /// Send text whose line ends are bare `\n`; boards translate them to `\r\n`.
    fn write_cooked(&mut self, text: &[u8]) {
        self.write(text);
    }

    /// Tab completion: push onto `out` every name visible on the object reached from
    /// `__main__`'s globals by following `query.path` (an empty path means the globals
    /// themselves), or, when `query.import` is set, the built-in module names (upstream
    /// still resolves the path first in that case). Names should come in the order the
    /// completion list is to be printed (upstream: qstr order, i.e. interning order).
    /// `query.prefix` is a hint; the editor filters again. Return `false` if the path does
    /// not resolve. Hosts without completion keep this default.
    fn complete(&mut self, query: &CompletionQuery<'_>, out: &mut Vec<&'static str>) -> bool {
        let _ = (query, out);
        false
    }
}

/// The request behind one Tab press: `a.b.pre` gives path `["a", "b"]`, prefix `"pre"`.
#[derive(Debug, PartialEq, Eq)]
pub struct CompletionQuery<'a> {
    pub path: &'a [&'a str],
    pub prefix: &'a str,
    pub import: bool,
}

/// How a line edit finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnd {
    /// Enter; `\r\n` has been echoed and the line pushed to the history.
    Enter,
    /// Ctrl-A on an empty line.
    CtrlA,
    /// Ctrl-B on an empty line.
    CtrlB,
    /// Ctrl-C, whatever the line holds.
    CtrlC,
    /// Ctrl-D on an empty line.
    CtrlD,
    /// Ctrl-E on an empty line.
    CtrlE,
}

/// State that outlives one edited line: the history ring (index 0 = most recent) and the
/// CR/LF pairing, which upstream also keeps across lines so that `\r\n` counts once.
#[derive(Clone, Debug)]
pub struct History {
    entries: Vec<Vec<u8>>,
    capacity: usize,
    last_newline: u8,
}

impl History {
    pub fn new(capacity: usize) -> Self {
        History {
            entries: Vec::new(),
            capacity,
            last_newline: 0,
        }
    }

    /// Record a line unless it is empty or repeats the most recent entry (as upstream).
    pub fn push(&mut self, line: &[u8]) {
        if line.is_empty() || self.capacity == 0 {
            return;
        }
        if self.entries.first().is_some_and(|e| e.as_slice() == line) {
            return;
        }
        self.entries.insert(0, line.to_vec());
        self.entries.truncate(self.capacity);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entry `n` back in time (0 = most recent).
    pub fn get(&self, n: usize) -> Option<&[u8]> {
        self.entries.get(n).map(|e| e.as_slice())
    }

    /// Oldest first, the order in which a history file is written and read back.
    pub fn oldest_first(&self) -> impl Iterator<Item = &[u8]> {
        self.entries.iter().rev().map(|e| e.as_slice())
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    // A CR or LF is a newline unless it is the second half of a CR LF or LF CR pair.
    fn accept_newline(&mut self, c: u8) -> bool {
        if (c == b'\r' || c == b'\n') && (self.last_newline == 0 || self.last_newline == c) {
            self.last_newline = c;
            true
        } else {
            self.last_newline = 0;
            false
        }
    }
}

// Escape-sequence states (`LineEditor::escape`): after `ESC [ <digit>` the state is the
// digit itself (`b'0'..=b'9'`).
const ST_NONE: u8 = 0;
const ST_ESC: u8 = 1;
const ST_BRACKET: u8 = 2;
const ST_ESC_O: u8 = 3;

// Edit actions, decoded from keys through `KEYS`.
const A_NOTHING: u8 = 0;
const A_HOME: u8 = 1;
const A_END: u8 = 2;
const A_LEFT: u8 = 3;
const A_RIGHT: u8 = 4;
const A_HISTORY_BACK: u8 = 5;
const A_HISTORY_FORWARD: u8 = 6;
const A_DELETE: u8 = 7;
const A_KILL_TO_END: u8 = 8;
const A_KILL_TO_START: u8 = 9;
const A_WORD_BACK: u8 = 10;
const A_WORD_FORWARD: u8 = 11;
const A_KILL_WORD_FORWARD: u8 = 12;
const A_KILL_WORD_BACK: u8 = 13;
const A_BACKSPACE: u8 = 14;
const A_CANCEL_INDENT: u8 = 15;
const A_TAB: u8 = 16;
const A_INSERT: u8 = 17;
// Not edits: Ctrl-C ends the line; the other two move to another escape state.
const A_CTRL_C: u8 = 18;
const A_TO_BRACKET: u8 = 19;
const A_TO_ESC_O: u8 = 20;

// Which config option a key needs (top two bits of a `KEYS` action byte).
const NEEDS_EMACS: u8 = 1 << 6;
const NEEDS_WORDS: u8 = 2 << 6;
const NEEDS_EXTRA: u8 = 3 << 6;

// Every key binding as (escape state, byte, action | option needed): one table instead of
// a branch per key, so the firmware's editor stays small. Keys not found fall through to
// newline, Backspace, Tab and printable handling (in the plain state) or do nothing.
const KEYS: [[u8; 3]; 33] = [
    [ST_NONE, CTRL_A, A_HOME],
    [ST_NONE, CTRL_B, A_LEFT | NEEDS_EMACS],
    [ST_NONE, CTRL_C, A_CTRL_C],
    [ST_NONE, CTRL_D, A_DELETE | NEEDS_EMACS],
    [ST_NONE, CTRL_E, A_END],
    [ST_NONE, CTRL_F, A_RIGHT | NEEDS_EMACS],
    [ST_NONE, CTRL_K, A_KILL_TO_END | NEEDS_EMACS],
    [ST_NONE, CTRL_N, A_HISTORY_FORWARD | NEEDS_EMACS],
    [ST_NONE, CTRL_P, A_HISTORY_BACK | NEEDS_EMACS],
    [ST_NONE, CTRL_U, A_KILL_TO_START | NEEDS_EMACS],
    [ST_NONE, CTRL_W, A_KILL_WORD_BACK | NEEDS_EXTRA],
    [ST_ESC, b'[', A_TO_BRACKET],
    [ST_ESC, b'O', A_TO_ESC_O],
    [ST_ESC, b'b', A_WORD_BACK | NEEDS_WORDS],
    [ST_ESC, b'f', A_WORD_FORWARD | NEEDS_WORDS],
    [ST_ESC, b'd', A_KILL_WORD_FORWARD | NEEDS_WORDS],
    [ST_ESC, DEL, A_KILL_WORD_BACK | NEEDS_WORDS],
    [ST_BRACKET, b'A', A_HISTORY_BACK],
    [ST_BRACKET, b'B', A_HISTORY_FORWARD],
    [ST_BRACKET, b'C', A_RIGHT],
    [ST_BRACKET, b'D', A_LEFT],
    [ST_BRACKET, b'H', A_HOME],
    [ST_BRACKET, b'F', A_END],
    [b'1', b'~', A_HOME],
    [b'7', b'~', A_HOME],
    [b'4', b'~', A_END],
    [b'8', b'~', A_END],
    [b'3', b'~', A_DELETE],
    // `ESC [ 1 ; 5 C`: drop the first parameter and read on as after `ESC [`.
    [b'1', b';', A_TO_BRACKET | NEEDS_EXTRA],
    [b'5', b'C', A_WORD_FORWARD | NEEDS_EXTRA],
    [b'5', b'D', A_WORD_BACK | NEEDS_EXTRA],
    [ST_ESC_O, b'H', A_HOME],
    [ST_ESC_O, b'F', A_END],
];

const CTRL_ENDS: [LineEnd; 5] = [
    LineEnd::CtrlA,
    LineEnd::CtrlB,
    LineEnd::CtrlC,
    LineEnd::CtrlD,
    LineEnd::CtrlE,
];

/// How the screen must be brought up to date after an edit (upstream's three redraw values).
#[derive(Default)]
struct Redraw {
    step_back: usize,
    from_cursor: bool,
    step_forward: usize,
}

/// One line editor. The buffer holds the whole statement being entered: continuation lines
/// are appended after a `\n`, and editing never reaches before the current line's start.
#[derive(Clone, Debug)]
pub struct LineEditor {
    config: EditorConfig,
    line: Vec<u8>,
    line_start: usize,
    cursor: usize,
    escape: u8,
    // None = editing the new line; Some(n) = showing history entry n.
    history_pos: Option<usize>,
    auto_indent_enabled: bool,
    // Set only while the indent inserted at the start of this line is untouched, so a
    // following space or Tab can take it back. Upstream leaves it set from the previous
    // line when this one gets no indent, and a space then cuts into that line; not here.
    indent_just_added: bool,
    prompt: String,
}

impl LineEditor {
    pub fn new(config: EditorConfig) -> Self {
        LineEditor {
            config,
            line: Vec::new(),
            line_start: 0,
            cursor: 0,
            escape: ST_NONE,
            history_pos: None,
            auto_indent_enabled: false,
            indent_just_added: false,
            prompt: String::new(),
        }
    }

    pub fn config(&self) -> EditorConfig {
        self.config
    }

    /// Begin a new statement: empty buffer, print `prompt`.
    pub fn start<T: Terminal + ?Sized>(&mut self, prompt: &str, term: &mut T) {
        self.line.clear();
        self.begin_line(prompt, term);
    }

    /// Append a newline to the statement and begin editing the next line after `prompt`,
    /// auto-indenting it.
    pub fn continue_line<T: Terminal + ?Sized>(&mut self, prompt: &str, term: &mut T) {
        self.line.push(b'\n');
        self.begin_line(prompt, term);
    }

    /// The whole statement entered so far (lines joined by `\n`).
    pub fn buffer(&self) -> &[u8] {
        &self.line
    }

    /// The line currently being edited.
    pub fn current_line(&self) -> &[u8] {
        self.line.get(self.line_start..).unwrap_or(&[])
    }

    /// Drop the buffer's contents (the editor must be started again before use).
    pub fn clear(&mut self) {
        self.line.clear();
        self.line_start = 0;
        self.cursor = 0;
    }

    pub fn cursor(&self) -> usize {
        self.cursor - self.line_start
    }

    /// Edit one line from scratch, pulling bytes from `next` until the line ends: what
    /// `input()` needs (upstream calls it with an empty prompt after printing its own).
    /// Returns `None` if `next` runs dry first; the text is in [`LineEditor::buffer`].
    pub fn read_line<T: Terminal + ?Sized>(
        &mut self,
        prompt: &str,
        history: &mut History,
        term: &mut T,
        mut next: impl FnMut(&mut T) -> Option<u8>,
    ) -> Option<LineEnd> {
        self.start(prompt, term);
        loop {
            let c = next(term)?;
            if let Some(end) = self.process_byte(c, history, term) {
                return Some(end);
            }
        }
    }

    // Upstream's readline_init: a line always starts at the end of the buffer.
    fn begin_line<T: Terminal + ?Sized>(&mut self, prompt: &str, term: &mut T) {
        self.line_start = self.line.len();
        self.cursor = self.line_start;
        self.escape = ST_NONE;
        self.history_pos = None;
        self.indent_just_added = false;
        self.prompt.clear();
        self.prompt.push_str(prompt);
        term.write(prompt.as_bytes());
        if self.config.auto_indent {
            if self.line.is_empty() {
                self.auto_indent_enabled = true;
            }
            self.auto_indent(term);
        }
    }

    // Indent a continuation line like the previous one, one level more after a `:`; stop
    // indenting once the last two lines were blank, so three Enters end a block.
    fn auto_indent<T: Terminal + ?Sized>(&mut self, term: &mut T) {
        if !self.auto_indent_enabled {
            return;
        }
        let len = self.line.len();
        if len <= 1 || self.line.last() != Some(&b'\n') {
            return;
        }
        // `prev` = start of the line before the final '\n'; `first` = its first non-space.
        let prev = self.line[..len - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let first = self.line[prev..]
            .iter()
            .position(|&b| b != b' ')
            .map_or(len, |p| prev + p);
        if prev > 0 && first + 1 == len {
            // The previous line is blank and not the first: look at the one before it.
            for k in (1..prev).rev() {
                match self.line[k - 1] {
                    b'\n' => return,
                    b' ' => {}
                    _ => break,
                }
            }
        }
        let mut levels = (first - prev) / 4;
        if self.line[len - 2] == b':' {
            levels += 1;
        }
        for _ in 0..levels {
            self.line.extend_from_slice(b"    ");
            term.write(b"    ");
            self.cursor += 4;
            self.indent_just_added = true;
        }
    }

    /// Feed one input byte. Returns `Some` when the line is finished or a control key
    /// ends it; the buffer then holds what was typed.
    pub fn process_byte<T: Terminal + ?Sized>(
        &mut self,
        c: u8,
        history: &mut History,
        term: &mut T,
    ) -> Option<LineEnd> {
        let last_len = self.line.len();
        let state = self.escape;
        self.escape = ST_NONE;
        if state == ST_NONE && (CTRL_A..=CTRL_E).contains(&c) && self.line.len() == self.line_start
        {
            return CTRL_ENDS.get(usize::from(c - CTRL_A)).copied();
        }
        let mut action = A_NOTHING;
        if state == ST_BRACKET && c.is_ascii_digit() {
            self.escape = c;
        } else if let Some(key) = KEYS.iter().find(|k| k[0] == state && k[1] == c) {
            let config = self.config;
            let on = match key[2] >> 6 {
                0 => true,
                1 => config.emacs_keys,
                2 => config.words_move,
                _ => config.extra_words_move,
            };
            if on {
                action = key[2] & 0x3f;
            }
        }
        if state == ST_NONE && action == A_NOTHING {
            action = if history.accept_newline(c) {
                term.write(b"\r\n");
                history.push(self.current_line());
                return Some(LineEnd::Enter);
            } else if c == ESC {
                self.escape = ST_ESC;
                A_NOTHING
            } else if c == BACKSPACE || c == DEL {
                A_BACKSPACE
            } else if self.config.auto_indent && self.indent_just_added && (c == TAB || c == b' ') {
                A_CANCEL_INDENT
            } else if c == TAB && self.config.completion {
                A_TAB
            } else if (32..=126).contains(&c) {
                A_INSERT
            } else {
                A_NOTHING
            };
        }
        match action {
            A_CTRL_C => return Some(LineEnd::CtrlC),
            A_TO_BRACKET => self.escape = ST_BRACKET,
            A_TO_ESC_O => self.escape = ST_ESC_O,
            _ => {}
        }
        let redraw = self.apply(action, c, history, term);
        self.redraw(term, last_len, redraw);
        self.indent_just_added = false;
        None
    }

    fn apply<T: Terminal + ?Sized>(
        &mut self,
        action: u8,
        c: u8,
        history: &History,
        term: &mut T,
    ) -> Redraw {
        let mut r = Redraw::default();
        match action {
            A_HOME => r.step_back = self.cursor - self.line_start,
            A_END => r.step_forward = self.line.len() - self.cursor,
            A_LEFT if self.cursor > self.line_start => r.step_back = 1,
            A_RIGHT if self.cursor < self.line.len() => r.step_forward = 1,
            A_HISTORY_BACK | A_HISTORY_FORWARD => {
                // The entry to show: `Some(None)` is the empty new line, `None` no change.
                let target = if action == A_HISTORY_BACK {
                    let next = self.history_pos.map_or(0, |n| n + 1);
                    (next < history.capacity && history.get(next).is_some()).then_some(Some(next))
                } else {
                    self.history_pos.map(|n| n.checked_sub(1))
                };
                if let Some(pos) = target {
                    self.history_pos = pos;
                    self.line.truncate(self.line_start);
                    if let Some(entry) = pos.and_then(|n| history.get(n)) {
                        self.line.extend_from_slice(entry);
                    }
                    r = self.replaced_line();
                }
            }
            A_DELETE if self.cursor < self.line.len() => {
                self.cut(self.cursor, self.cursor + 1);
                r.from_cursor = true;
            }
            A_KILL_TO_END => {
                self.line.truncate(self.cursor);
                r.from_cursor = true;
            }
            A_KILL_TO_START => {
                self.cut(self.line_start, self.cursor);
                r.step_back = self.cursor - self.line_start;
                r.from_cursor = true;
            }
            A_WORD_BACK => r.step_back = self.count_word(false),
            A_WORD_FORWARD => r.step_forward = self.count_word(true),
            A_KILL_WORD_FORWARD => {
                let n = self.count_word(true);
                self.cut(self.cursor, self.cursor + n);
                r.from_cursor = true;
            }
            A_KILL_WORD_BACK => {
                let n = self.count_word(false);
                self.cut(self.cursor - n, self.cursor);
                r.step_back = n;
                r.from_cursor = true;
            }
            A_BACKSPACE if self.cursor > self.line_start => {
                let n = self.backspace_width();
                self.cut(self.cursor - n, self.cursor);
                r.step_back = n;
                r.from_cursor = true;
            }
            A_CANCEL_INDENT => {
                // Tab keeps the indent as it is; a space turns the 4 added spaces into 1.
                self.auto_indent_enabled = false;
                if c == b' ' && self.line.len() >= self.line_start + 3 {
                    self.line.truncate(self.line.len() - 3);
                    r.step_back = 3;
                }
            }
            A_TAB => r = self.tab(term),
            A_INSERT => {
                self.insert(&[c]);
                r.from_cursor = true;
                r.step_forward = 1;
            }
            _ => {}
        }
        r
    }

    // Put `text` in at the cursor (which stays put; the redraw moves it).
    fn insert(&mut self, text: &[u8]) {
        let at = self.cursor.min(self.line.len());
        self.line.extend_from_slice(text);
        if let Some(tail) = self.line.get_mut(at..) {
            tail.rotate_right(text.len());
        }
    }

    // Remove `from..to` (within the buffer): one out-of-line copy for every kind of deletion.
    #[inline(never)]
    fn cut(&mut self, from: usize, to: usize) {
        let len = self.line.len();
        if from <= to && to <= len {
            self.line.copy_within(to.., from);
            self.line.truncate(len - (to - from));
        }
    }

    fn replaced_line(&self) -> Redraw {
        Redraw {
            step_back: self.cursor - self.line_start,
            from_cursor: true,
            step_forward: self.line.len() - self.line_start,
        }
    }

    // Backspace over a whole indent level when only spaces precede the cursor.
    fn backspace_width(&self) -> usize {
        if !self.config.auto_indent {
            return 1;
        }
        let before = &self.line[self.line_start..self.cursor];
        if before.len() >= 4 && before.iter().all(|&b| b == b' ') {
            4
        } else {
            1
        }
    }

    // Distance to the next word boundary: skip non-alphanumerics, then alphanumerics.
    // Upstream may walk back past the start of a continuation line; this stops there.
    fn count_word(&self, forward: bool) -> usize {
        let mut pos = self.cursor;
        let mut in_word = false;
        loop {
            let ch = if forward {
                match self.line.get(pos) {
                    Some(&ch) => ch,
                    None => break,
                }
            } else {
                if pos <= self.line_start {
                    break;
                }
                self.line[pos - 1]
            };
            if ch.is_ascii_alphanumeric() {
                in_word = true;
            } else if in_word {
                break;
            }
            if forward {
                pos += 1;
            } else {
                pos -= 1;
            }
        }
        pos.abs_diff(self.cursor)
    }

    fn tab<T: Terminal + ?Sized>(&mut self, term: &mut T) -> Redraw {
        let after_space = self.cursor > 0
            && self
                .line
                .get(self.cursor - 1)
                .is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'));
        let completion = if after_space {
            // Indenting (also the start of a continuation line, after its '\n').
            Completion::Insert(b"    ")
        } else {
            let typed = &self.line[self.line_start..self.cursor];
            autocomplete(typed, term)
        };
        let mut r = Redraw::default();
        match completion {
            Completion::Insert(text) if !text.is_empty() => {
                self.insert(text);
                r.from_cursor = true;
                r.step_forward = text.len();
            }
            Completion::Insert(_) | Completion::Nothing => {}
            Completion::Many => {
                term.write(self.prompt.as_bytes());
                term.write(&self.line[self.line_start..self.cursor]);
                r.from_cursor = true;
            }
        }
        r
    }

    fn redraw<T: Terminal + ?Sized>(&mut self, term: &mut T, last_len: usize, r: Redraw) {
        if r.step_back > 0 {
            move_cursor_back(term, r.step_back);
            self.cursor -= r.step_back;
        }
        if r.from_cursor {
            if self.line.len() < last_len {
                term.write(b"\x1b[K");
            }
            term.write(&self.line[self.cursor..]);
            let target = self.cursor + r.step_forward;
            move_cursor_back(term, self.line.len().saturating_sub(target));
            self.cursor = target.min(self.line.len());
        } else if r.step_forward > 0 {
            let end = (self.cursor + r.step_forward).min(self.line.len());
            term.write(&self.line[self.cursor..end]);
            self.cursor = end;
        }
    }
}

// Up to 4 steps as backspaces, more as one `ESC [ n D`.
fn move_cursor_back<T: Terminal + ?Sized>(term: &mut T, n: usize) {
    if n == 0 {
        return;
    }
    if n <= 4 {
        term.write(&b"\x08\x08\x08\x08"[..n]);
        return;
    }
    let mut buf = [0u8; 24];
    term.write(b"\x1b[");
    term.write(crate::objs::int::format_isize(n as isize, &mut buf).as_bytes());
    term.write(b"D");
}

enum Completion {
    Nothing,
    Insert(&'static [u8]),
    Many,
}

const IMPORT: &str = "import ";
const WORD_SLOT: usize = 16;
const LIST_WIDTH: usize = 4 * WORD_SLOT;

// Complete the name before the cursor (`typed` = current line up to the cursor). Prints the
// candidate list itself when there is nothing unambiguous to insert.
fn autocomplete<T: Terminal + ?Sized>(typed: &[u8], term: &mut T) -> Completion {
    let is_name = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.';
    let start = typed.iter().rposition(|b| !is_name(b)).map_or(0, |p| p + 1);
    // Only ASCII name characters from here on, so the conversion cannot fail.
    let Ok(chain) = core::str::from_utf8(&typed[start..]) else {
        return Completion::Nothing;
    };
    let mut words: Vec<&str> = chain.split('.').collect();
    let prefix = words.pop().unwrap_or("");
    let query = CompletionQuery {
        path: &words,
        prefix,
        import: typed.starts_with(IMPORT.as_bytes()),
    };
    let mut names: Vec<&'static str> = Vec::new();
    if !term.complete(&query, &mut names) && !words.is_empty() {
        return Completion::Nothing;
    }

    // Keep matching names once each, in the host's order; a bare Tab hides `_` names.
    // Compacted in place: a second vector costs more code than the loop.
    let mut kept = 0;
    for i in 0..names.len() {
        let name = names[i];
        if (prefix.is_empty() && name.starts_with('_'))
            || !name.starts_with(prefix)
            || names[..kept].contains(&name)
        {
            continue;
        }
        names[kept] = name;
        kept += 1;
    }
    names.truncate(kept);
    let matches = names;

    let Some(&first) = matches.first() else {
        // Nothing found: the first word of a line may still be the start of `import `.
        if words.is_empty()
            && start == 0
            && !prefix.is_empty()
            && prefix.len() < IMPORT.len()
            && IMPORT.starts_with(prefix)
        {
            return Completion::Insert(IMPORT.as_bytes().get(prefix.len()..).unwrap_or(&[]));
        }
        return Completion::Nothing;
    };
    let common = matches.iter().fold(first.len(), |n, m| {
        first
            .bytes()
            .zip(m.bytes())
            .take(n)
            .take_while(|(a, b)| a == b)
            .count()
    });
    if matches.len() == 1 || common > prefix.len() {
        let text = first.as_bytes().get(prefix.len()..common).unwrap_or(&[]);
        return Completion::Insert(text);
    }

    // Columns 16 wide, at least 2 spaces apart, lines at most 64; a newline comes first.
    let mut out: Vec<u8> = Vec::new();
    let mut line_len = LIST_WIDTH;
    for name in &matches {
        let mut gap = line_len.div_ceil(WORD_SLOT) * WORD_SLOT - line_len;
        if gap < 2 {
            gap += WORD_SLOT;
        }
        if line_len + gap + name.len() <= LIST_WIDTH {
            out.resize(out.len() + gap, b' ');
            out.extend_from_slice(name.as_bytes());
            line_len += gap + name.len();
        } else {
            out.push(b'\n');
            out.extend_from_slice(name.as_bytes());
            line_len = name.len();
        }
    }
    out.push(b'\n');
    term.write_cooked(&out);
    Completion::Many
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    /// A terminal that records output and completes from a fixed table of dotted paths.
    struct FakeTerm {
        out: Vec<u8>,
        globals: Vec<&'static str>,
        attrs: Vec<(&'static str, Vec<&'static str>)>,
        modules: Vec<&'static str>,
        queries: Vec<(Vec<String>, String, bool)>,
    }

    impl FakeTerm {
        fn new() -> Self {
            FakeTerm {
                out: Vec::new(),
                globals: Vec::new(),
                attrs: Vec::new(),
                modules: Vec::new(),
                queries: Vec::new(),
            }
        }
        fn take(&mut self) -> Vec<u8> {
            core::mem::take(&mut self.out)
        }
    }

    impl Terminal for FakeTerm {
        fn write(&mut self, bytes: &[u8]) {
            self.out.extend_from_slice(bytes);
        }
        fn complete(&mut self, q: &CompletionQuery<'_>, out: &mut Vec<&'static str>) -> bool {
            self.queries.push((
                q.path.iter().map(|s| s.to_string()).collect(),
                q.prefix.to_string(),
                q.import,
            ));
            let names: Vec<&'static str> = if q.path.is_empty() {
                self.globals.clone()
            } else {
                let key = q.path.join(".");
                match self.attrs.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.clone(),
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

    struct Session {
        ed: LineEditor,
        hist: History,
        term: FakeTerm,
    }

    impl Session {
        fn new(config: EditorConfig) -> Self {
            let mut s = Session {
                ed: LineEditor::new(config),
                hist: History::new(8),
                term: FakeTerm::new(),
            };
            s.ed.start(">>> ", &mut s.term);
            s
        }
        fn unix() -> Self {
            Self::new(EditorConfig::UNIX)
        }
        // Feed bytes; return the events produced.
        fn feed(&mut self, bytes: &[u8]) -> Vec<LineEnd> {
            let mut ends = Vec::new();
            for &b in bytes {
                if let Some(e) = self.ed.process_byte(b, &mut self.hist, &mut self.term) {
                    ends.push(e);
                }
            }
            ends
        }
        fn line(&self) -> &[u8] {
            self.ed.current_line()
        }
    }

    #[test]
    fn typing_echoes_and_enter_ends() {
        let mut s = Session::unix();
        assert_eq!(s.term.take(), b">>> ");
        assert_eq!(s.feed(b"abc"), vec![]);
        assert_eq!(s.term.take(), b"abc");
        assert_eq!(s.feed(b"\r"), vec![LineEnd::Enter]);
        assert_eq!(s.term.take(), b"\r\n");
        assert_eq!(s.line(), b"abc");
        assert_eq!(s.hist.get(0), Some(&b"abc"[..]));
    }

    #[test]
    fn crlf_counts_once_but_repeats_count() {
        let mut s = Session::unix();
        assert_eq!(s.feed(b"a\r\n"), vec![LineEnd::Enter]);
        s.ed.start("", &mut s.term);
        // The '\n' of the pair was swallowed; 'b' then resets the pairing.
        assert_eq!(s.feed(b"b\n\n"), vec![LineEnd::Enter, LineEnd::Enter]);
        assert_eq!(s.feed(b"\n\r"), vec![LineEnd::Enter]);
    }

    #[test]
    fn non_ascii_and_unknown_controls_are_ignored() {
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"a\xc3\xa9\x07b");
        assert_eq!(s.line(), b"ab");
        assert_eq!(s.term.take(), b"ab");
    }

    #[test]
    fn control_keys_on_empty_line_end_it() {
        for (c, e) in [
            (CTRL_A, LineEnd::CtrlA),
            (CTRL_B, LineEnd::CtrlB),
            (CTRL_C, LineEnd::CtrlC),
            (CTRL_D, LineEnd::CtrlD),
            (CTRL_E, LineEnd::CtrlE),
        ] {
            let mut s = Session::unix();
            assert_eq!(s.feed(&[c]), vec![e]);
        }
        // Ctrl-C ends a non-empty line too; Ctrl-D deletes instead.
        let mut s = Session::unix();
        assert_eq!(s.feed(b"x\x03"), vec![LineEnd::CtrlC]);
        let mut s = Session::unix();
        assert_eq!(s.feed(b"x\x04"), vec![]);
    }

    #[test]
    fn insert_in_middle_redraws_tail() {
        // repl_emacs_keys: "t = 1", Ctrl-B, "2" shows "t = 1\b21\b".
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"t = 1\x022");
        assert_eq!(s.term.take(), b"t = 1\x0821\x08");
        assert_eq!(s.line(), b"t = 21");
    }

    #[test]
    fn emacs_line_editing() {
        // 'boofar^B^B^B^K^A^F^Df^Ebar' gives 'foobar'.
        let mut s = Session::unix();
        s.feed(b"'boofar\x02\x02\x02\x0b\x01\x06\x04f\x05bar'");
        assert_eq!(s.line(), b"'foobar'");
        // Ctrl-U kills to the start, with erase.
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"abcdef\x02\x02\x15");
        assert_eq!(s.line(), b"ef");
        assert_eq!(
            s.term.take(),
            b"abcdef\x08\x08\x08\x08\x08\x08\x1b[Kef\x08\x08"
        );
    }

    #[test]
    fn emacs_keys_disabled() {
        let config = EditorConfig {
            emacs_keys: false,
            ..EditorConfig::BOARD
        };
        let mut s = Session::new(config);
        s.feed(b"ab\x02\x06\x04\x0b\x15c");
        assert_eq!(s.line(), b"abc");
        // Ctrl-A and Ctrl-E still move.
        s.feed(b"\x01X\x05Y");
        assert_eq!(s.line(), b"XabcY");
    }

    #[test]
    fn arrow_home_end_delete_sequences() {
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"abc\x1b[D\x1b[D");
        assert_eq!(s.term.take(), b"abc\x08\x08");
        s.feed(b"\x1b[3~");
        assert_eq!(s.line(), b"ac");
        assert_eq!(s.term.take(), b"\x1b[Kc\x08");
        s.feed(b"\x1b[H");
        assert_eq!(s.ed.cursor(), 0);
        s.feed(b"\x1b[F");
        assert_eq!(s.ed.cursor(), 2);
        assert_eq!(s.term.take(), b"\x08ac");
        for home in [&b"\x1b[1~"[..], b"\x1b[7~", b"\x1bOH"] {
            s.feed(b"\x1b[4~");
            s.feed(home);
            assert_eq!(s.ed.cursor(), 0);
        }
        for end in [&b"\x1b[4~"[..], b"\x1b[8~", b"\x1bOF"] {
            s.feed(b"\x01");
            s.feed(end);
            assert_eq!(s.ed.cursor(), 2);
        }
        // Right at end and left at start do nothing.
        s.term.take();
        s.feed(b"\x1b[C\x01\x1b[D");
        assert_eq!(s.term.take(), b"\x08\x08");
        // Unknown sequences are swallowed; a two-digit one leaks its final byte (as upstream).
        s.feed(b"\x05\x1bx\x1b[Z\x1b[2~\x1bOQ");
        assert_eq!(s.line(), b"ac");
        s.feed(b"\x1b[15~");
        assert_eq!(s.line(), b"ac~");
    }

    #[test]
    fn long_cursor_moves_use_csi() {
        let mut s = Session::unix();
        s.feed(b"0123456789");
        s.term.take();
        s.feed(b"\x01");
        assert_eq!(s.term.take(), b"\x1b[10D");
        let mut s = Session::unix();
        s.feed(&[b'x'; 1234]);
        s.term.take();
        s.feed(b"\x01");
        assert_eq!(s.term.take(), b"\x1b[1234D");
    }

    #[test]
    fn history_navigation() {
        // repl_emacs_keys: after 1, 2, 3: ^P^P^P shows "3\b2\b1"; ^P^P^P^N shows "1\b3\b2\b3".
        let mut s = Session::unix();
        for l in [b"1\r", b"2\r", b"3\r"] {
            s.feed(l);
            s.ed.start(">>> ", &mut s.term);
        }
        s.term.take();
        s.feed(b"\x10\x10\x10");
        assert_eq!(s.term.take(), b"3\x082\x081");
        assert_eq!(s.feed(b"\r"), vec![LineEnd::Enter]);
        assert_eq!(s.line(), b"1");
        s.ed.start(">>> ", &mut s.term);
        s.term.take();
        s.feed(b"\x10\x10\x10\x0e");
        assert_eq!(s.term.take(), b"1\x083\x082\x083");
        // Down past the newest entry gives back an empty line.
        s.feed(b"\x1b[B");
        assert_eq!(s.line(), b"1");
        assert_eq!(s.term.take(), b"\x081");
        s.feed(b"\x1b[B");
        assert_eq!(s.line(), b"");
        assert_eq!(s.term.take(), b"\x08\x1b[K");
        s.feed(b"\x1b[B");
        assert_eq!(s.term.take(), b"");
    }

    #[test]
    fn history_rules() {
        let mut h = History::new(3);
        h.push(b"a");
        h.push(b"a");
        h.push(b"");
        assert_eq!(h.len(), 1);
        h.push(b"b");
        h.push(b"c");
        h.push(b"d");
        assert_eq!(h.len(), 3);
        assert_eq!(h.get(0), Some(&b"d"[..]));
        let old: Vec<&[u8]> = h.oldest_first().collect();
        assert_eq!(old, vec![&b"b"[..], b"c", b"d"]);
        // Capacity 0: nothing kept, up arrow does nothing.
        let mut s = Session::unix();
        s.hist = History::new(0);
        s.feed(b"x\r");
        assert!(s.hist.is_empty());
        s.ed.start("", &mut s.term);
        s.feed(b"\x1b[A");
        assert_eq!(s.line(), b"");
    }

    #[test]
    fn up_arrow_then_execute() {
        // repl_basic: the up arrow recalls "print(1)".
        let mut s = Session::unix();
        s.feed(b"print(1)\r");
        s.ed.start(">>> ", &mut s.term);
        s.term.take();
        s.feed(b"\x1b[A");
        assert_eq!(s.term.take(), b"print(1)");
        s.feed(b"\r");
        assert_eq!(s.line(), b"print(1)");
    }

    fn run_line(keys: &[u8]) -> Vec<u8> {
        let mut s = Session::unix();
        assert_eq!(s.feed(keys), vec![LineEnd::Enter]);
        s.line().to_vec()
    }

    #[test]
    fn word_moves_match_repl_words_move() {
        // Each case from upstream's repl_words_move test, checked on the resulting line.
        assert_eq!(run_line(b"234\x1bb1\r"), b"1234");
        assert_eq!(run_line(b"234    \x1bb1\r"), b"1234    ");
        assert_eq!(run_line(b"1 2 + 3\x01\x1bb\x06+\r"), b"1+ 2 + 3");
        assert_eq!(run_line(b"1+2 12\x02\x02+\x1bf+3\r"), b"1+2 +12+3");
        assert_eq!(run_line(b"1+    12 3\x01\x06\x06\x1bf+\r"), b"1+    12+ 3");
        assert_eq!(run_line(b"1 + 2 3\x1bf\x02+\r"), b"1 + 2 +3");
        assert_eq!(run_line(b"100 + 45623\x02\x02\x1b\x7f\r"), b"100 + 23");
        assert_eq!(run_line(b"100 + 45623\x1b\x7f1\r"), b"100 + 1");
        assert_eq!(run_line(b"100 + 256\x02\x02\x1bd3\r"), b"100 + 23");
        assert_eq!(run_line(b"1 + 256\x02\x02\x02\x02\x1bd2\r"), b"1 +2");
        assert_eq!(run_line(b"234\x1b[1;5D1\r"), b"1234");
        assert_eq!(run_line(b"12\x02\x02\x1b[1;5C3\r"), b"123");
        assert_eq!(run_line(b"123\x171\r"), b"1");
    }

    #[test]
    fn word_keys_follow_config() {
        let mut s = Session::new(EditorConfig::BOARD);
        s.feed(b"ab cd\x1bbX\x17\x1b[1;5DY");
        // Alt-b, Ctrl-W and Ctrl-Left are inert; the ';' sequence leaks "5D" as text.
        assert_eq!(s.line(), b"ab cdX5DY");
    }

    #[test]
    fn word_moves_stop_at_line_start() {
        let mut s = Session::unix();
        s.feed(b"if 1:\r");
        s.ed.continue_line("... ", &mut s.term);
        s.feed(b"\x7f\x7f\x7f\x7f");
        s.feed(b"  \x1bbX");
        assert_eq!(s.line(), b"X  ");
    }

    #[test]
    fn backspace_removes_indent_levels() {
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"     \x7f");
        assert_eq!(s.line(), b" ");
        assert_eq!(s.term.take(), b"     \x08\x08\x08\x08\x1b[K");
        s.feed(b"x   \x7f");
        assert_eq!(s.line(), b" x  ");
        let config = EditorConfig {
            auto_indent: false,
            ..EditorConfig::UNIX
        };
        let mut s = Session::new(config);
        s.feed(b"    \x08");
        assert_eq!(s.line(), b"   ");
        // Backspace at the start does nothing.
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"\x7f\x08");
        assert_eq!(s.term.take(), b"");
    }

    fn cont(s: &mut Session) -> Vec<u8> {
        s.term.take();
        s.ed.continue_line("... ", &mut s.term);
        s.term.take()
    }

    #[test]
    fn auto_indent_like_repl_autoindent() {
        let mut s = Session::unix();
        s.feed(b"if 1:\r");
        s.term.take();
        assert_eq!(cont(&mut s), b"...     ");
        s.feed(b"print(1)\r");
        assert_eq!(cont(&mut s), b"...     ");
        s.feed(b"\r");
        assert_eq!(cont(&mut s), b"...     ");
        s.feed(b"\r");
        assert_eq!(cont(&mut s), b"... ");
        assert_eq!(s.ed.buffer(), b"if 1:\n    print(1)\n    \n    \n");
    }

    #[test]
    fn space_after_auto_indent_disables_it() {
        let mut s = Session::unix();
        s.feed(b"if 0:\r");
        cont(&mut s);
        s.feed(b"  print(2)\r");
        assert_eq!(s.term.take(), b"\x08\x08\x08 print(2)\r\n");
        assert_eq!(s.line(), b"  print(2)");
        assert_eq!(cont(&mut s), b"... ");
        s.feed(b"else:\r");
        assert_eq!(cont(&mut s), b"... ");
        // Enabled again for the next statement.
        s.ed.start(">>> ", &mut s.term);
        s.feed(b"if 1:\r");
        s.term.take();
        assert_eq!(cont(&mut s), b"...     ");
    }

    #[test]
    fn tab_after_auto_indent_keeps_it_and_disables() {
        let mut s = Session::unix();
        s.feed(b"if 0:\r");
        cont(&mut s);
        s.feed(b"\tprint(4)\r");
        assert_eq!(s.term.take(), b"print(4)\r\n");
        assert_eq!(s.line(), b"    print(4)");
        assert_eq!(cont(&mut s), b"... ");
        s.feed(b"else:\r");
        cont(&mut s);
        // Tab after the line's '\n' indents by 4 spaces.
        s.feed(b"\tprint(5)\r");
        assert_eq!(s.term.take(), b"    print(5)\r\n");
        assert_eq!(s.line(), b"    print(5)");
    }

    #[test]
    fn backspace_after_auto_indent() {
        // repl_cont: "def f(x):", "print(x)", then backspace over the indent.
        let mut s = Session::unix();
        s.feed(b"def f(x):\r");
        cont(&mut s);
        s.feed(b"print(x)\r");
        assert_eq!(cont(&mut s), b"...     ");
        s.feed(b"\x08\r");
        assert_eq!(s.term.take(), b"\x08\x08\x08\x08\x1b[K\r\n");
        assert_eq!(s.ed.buffer(), b"def f(x):\n    print(x)\n");
    }

    #[test]
    fn auto_indent_nested_and_disabled() {
        let mut s = Session::unix();
        s.feed(b"for i in x:\r");
        cont(&mut s);
        s.feed(b"if i:\r");
        assert_eq!(cont(&mut s), b"...         ");
        let config = EditorConfig {
            auto_indent: false,
            ..EditorConfig::UNIX
        };
        let mut s = Session::new(config);
        s.feed(b"if 1:\r");
        s.term.take();
        assert_eq!(cont(&mut s), b"... ");
        // Without auto-indent a space is just a space.
        s.feed(b" ");
        assert_eq!(s.line(), b" ");
    }

    #[test]
    fn tab_expands_after_space() {
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"x =\t\t");
        assert_eq!(s.line(), b"x =");
        s.feed(b" \t");
        assert_eq!(s.line(), b"x =     ");
        // In the middle of a line: inserted and the tail redrawn.
        let mut s = Session::unix();
        s.feed(b"a b\x02");
        s.term.take();
        s.feed(b"\t");
        assert_eq!(s.line(), b"a     b");
        assert_eq!(s.term.take(), b"    b\x08");
    }

    #[test]
    fn completion_disabled_ignores_tab() {
        let config = EditorConfig {
            completion: false,
            ..EditorConfig::UNIX
        };
        let mut s = Session::new(config);
        s.feed(b"impo\t");
        assert_eq!(s.line(), b"impo");
    }

    #[test]
    fn complete_import_keyword_and_modules() {
        // repl_autocomplete: "impo<Tab>sys".
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"impo\t");
        assert_eq!(s.line(), b"import ");
        assert_eq!(s.term.take(), b"import ");
        s.term.modules = vec!["sys", "struct", "select"];
        s.term.globals = vec!["x"];
        s.term.take();
        s.feed(b"s\t");
        assert_eq!(s.line(), b"import s");
        let want = [
            "s\nsys",
            &" ".repeat(13),
            "struct",
            &" ".repeat(10),
            "select\n>>> import s",
        ];
        assert_eq!(s.term.take(), want.concat().as_bytes());
        s.feed(b"y\t");
        assert_eq!(s.line(), b"import sys");
        assert_eq!(
            s.term.queries.last(),
            Some(&(vec![], "sy".to_string(), true))
        );
        // Not the first word of the line: no keyword completion.
        let mut s = Session::unix();
        s.feed(b"x = impo\t");
        assert_eq!(s.line(), b"x = impo");
        // "import" gets its space; a name that is complete gets nothing.
        let mut s = Session::unix();
        s.feed(b"import\t");
        assert_eq!(s.line(), b"import ");
        let mut s = Session::unix();
        s.term.globals = vec!["abc"];
        s.term.take();
        s.feed(b"abc\t");
        assert_eq!(s.term.take(), b"abc");
    }

    #[test]
    fn complete_attribute_single_match() {
        // repl_autocomplete: "1, x.isdi<Tab>()" completes isdigit.
        let mut s = Session::unix();
        s.term.attrs = vec![("x", vec!["isalpha", "isdigit", "isspace", "lower"])];
        s.term.take();
        s.feed(b"1, x.isdi\t");
        assert_eq!(s.term.take(), b"1, x.isdigit");
        assert_eq!(
            s.term.queries.last(),
            Some(&(vec!["x".to_string()], "isdi".to_string(), false))
        );
        s.feed(b"()");
        assert_eq!(s.line(), b"1, x.isdigit()");
    }

    #[test]
    fn complete_unknown_path_does_nothing() {
        let mut s = Session::unix();
        s.term.take();
        s.feed(b"not_exist.\t");
        assert_eq!(s.term.take(), b"not_exist.");
        s.feed(&[0x7f; 10]);
        assert_eq!(s.term.take(), b"\x08\x1b[K".repeat(10));
        assert_eq!(s.line(), b"");
        let mut s = Session::unix();
        s.feed(b"None.\t");
        assert_eq!(s.line(), b"None.");
    }

    #[test]
    fn complete_common_prefix_then_list() {
        // repl_autocomplete_underscore: "obj.<Tab><Tab>a<Tab>".
        let mut s = Session::unix();
        s.term.attrs = vec![(
            "obj",
            vec![
                "__class__",
                "__init__",
                "public_attr",
                "_private_attr",
                "__very_private",
                "public_method",
                "_private_method",
                "public_property",
                "_private_property",
            ],
        )];
        s.term.take();
        s.feed(b"obj.\t");
        assert_eq!(s.term.take(), b"obj.public_");
        s.feed(b"\t");
        assert_eq!(
            s.term.take(),
            b"\npublic_attr     public_method   public_property\n>>> obj.public_"
        );
        s.feed(b"a\t");
        assert_eq!(s.term.take(), b"attr");
        assert_eq!(s.line(), b"obj.public_attr");
        // An explicit '_' prefix shows the private names.
        let mut s = Session::unix();
        s.term.attrs = vec![("o", vec!["_a1", "_a2", "b"])];
        s.feed(b"o._\t");
        assert_eq!(s.line(), b"o._a");
    }

    #[test]
    fn completion_list_wraps_and_redraws_tail() {
        let mut s = Session::unix();
        s.term.globals = vec![
            "name_one",
            "name_two_is_long",
            "name_three",
            "name_four_longer_still",
            "name_five",
            "name_six",
        ];
        s.feed(b"(name_)\x02");
        s.term.take();
        s.feed(b"\t");
        let sp = |n: usize| " ".repeat(n);
        let want = [
            "\nname_one",
            &sp(8),
            "name_two_is_long",
            &sp(16),
            "name_three\nname_four_longer_still",
            &sp(10),
            "name_five",
            &sp(7),
            "name_six\n>>> (name_)\x08",
        ]
        .concat();
        assert_eq!(s.term.take(), want.as_bytes());
        assert_eq!(s.ed.cursor(), 6);
        // A duplicated name from the host counts once.
        let mut s = Session::unix();
        s.term.globals = vec!["abc", "abc"];
        s.feed(b"a\t");
        assert_eq!(s.line(), b"abc");
    }

    #[test]
    fn tab_on_empty_line_lists_public_globals() {
        let mut s = Session::unix();
        s.term.globals = vec!["__name__", "foo", "bar"];
        s.term.take();
        s.feed(b"\t");
        let want = ["\nfoo", &" ".repeat(13), "bar\n>>> "].concat();
        assert_eq!(s.term.take(), want.as_bytes());
        let mut s = Session::unix();
        s.term.globals = vec!["__name__", "foo"];
        s.feed(b"\t");
        assert_eq!(s.line(), b"foo");
        // Tab at the very start of a non-empty line is a completion, not an indent.
        let mut s = Session::unix();
        s.feed(b" x\x01\t");
        assert_eq!(s.line(), b" x");
    }

    #[test]
    fn read_line_for_input() {
        let mut ed = LineEditor::new(EditorConfig::UNIX);
        let mut hist = History::new(8);
        let mut term = FakeTerm::new();
        let mut keys = b"ab\x7fc\rrest".iter().copied();
        let end = ed.read_line("", &mut hist, &mut term, |_| keys.next());
        assert_eq!(end, Some(LineEnd::Enter));
        assert_eq!(ed.buffer(), b"ac");
        assert_eq!(term.take(), b"ab\x08\x1b[Kc\r\n");
        assert_eq!(hist.get(0), Some(&b"ac"[..]));
        let mut keys = b"\x04".iter().copied();
        let end = ed.read_line("", &mut hist, &mut term, |_| keys.next());
        assert_eq!(end, Some(LineEnd::CtrlD));
        assert_eq!(ed.buffer(), b"");
        let mut keys = b"xy".iter().copied();
        assert_eq!(
            ed.read_line("", &mut hist, &mut term, |_| keys.next()),
            None
        );
    }

    #[test]
    fn escape_state_resets_per_line() {
        let mut s = Session::unix();
        s.feed(b"\x1b[");
        s.ed.start(">>> ", &mut s.term);
        s.feed(b"A");
        assert_eq!(s.line(), b"A");
    }

    #[test]
    fn no_panic_on_arbitrary_input() {
        // Every byte pair after a few lines of context, with continuation lines.
        let mut s = Session::unix();
        s.term.globals = vec!["alpha", "alpine"];
        for a in 0..=255u8 {
            for b in [0u8, 1, 4, 8, 9, 13, 27, 32, 59, 91, 127, 200] {
                s.feed(&[a, b, b'x', 9, 27, b'[', b'1', b';', b'5', b'D', 27, 127]);
                if a % 7 == 0 {
                    s.ed.continue_line("... ", &mut s.term);
                }
            }
            s.ed.start(">>> ", &mut s.term);
        }
    }
}
