//! The VM side of a [`ReplHost`](super::ReplHost) that every port shares: how a statement
//! is parsed (setting `__file__` for a whole file), turning the exception that ended it
//! into an [`ExecOutcome`] and printing it when the REPL asks, tab completion over
//! `__main__`'s globals and the built-in modules, and the `sys.ps1`/`sys.ps2` prompts.
//! The ports keep what is theirs: reading bytes, the terminal, and how code is run
//! (Ctrl-C, the GIL, history for `input()`).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{ExecOutcome, ExecRequest, InputKind, PromptKind};
use crate::exec;
use crate::objs::{dict, exception, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::readline::CompletionQuery;
use crate::runtime;
use crate::state;
use crate::value::Value;
use upy_compiler::ast::ParseMode;

/// What [`LastRun::report`] is to print.
#[derive(Clone, Copy)]
enum Pending {
    Nothing,
    /// An uncaught exception, printed with its traceback.
    Exception(Value),
    /// The value of a `SystemExit` that is not an int, printed on stderr.
    ExitValue(Value),
}

/// How the last piece of code ended, held until the REPL asks for the report. It holds
/// Python values: it must live where the collector looks (the interpreter's stack).
pub struct LastRun {
    pending: Pending,
}

impl Default for LastRun {
    fn default() -> Self {
        Self::new()
    }
}

impl LastRun {
    pub const fn new() -> LastRun {
        LastRun {
            pending: Pending::Nothing,
        }
    }

    /// The outcome of code that ended with `r`; an exception is kept for [`Self::report`].
    pub fn outcome(&mut self, r: crate::PyResult<Value>) -> ExecOutcome {
        self.pending = Pending::Nothing;
        match r {
            Ok(_) => ExecOutcome::Completed,
            Err(e) => self.outcome_of(e.0),
        }
    }

    /// The outcome of code that raised `exc`: `SystemExit` ends the REPL with its code (a
    /// port exiting the process keeps the low 8 bits, as upstream), its value printed if
    /// not an int; any other exception is reported.
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

    /// [`ReplHost::report_exception`](super::ReplHost::report_exception): print what the
    /// last run left, once.
    pub fn report(&mut self) {
        match core::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Nothing => {}
            Pending::Exception(exc) => {
                let _ = exec::print_exception(&mut exec::Stdout, exc);
            }
            Pending::ExitValue(v) => {
                let mut err = exec::Stderr;
                let _ = runtime::print_value(&mut err, v, crate::obj::PrintKind::Str);
                let _ = crate::obj::Print::write_str(&mut err, "\n");
            }
        }
    }

    /// [`ReplHost::keyboard_interrupt`](super::ReplHost::keyboard_interrupt): report the
    /// preallocated `KeyboardInterrupt` next.
    pub fn keyboard_interrupt(&mut self) {
        let kbd = state::get().roots.kbd_exception;
        if !kbd.is_null() {
            self.pending = Pending::Exception(kbd);
        }
    }
}

/// How to parse `req`. A whole file first sets `__file__` in `globals` (`__main__`'s) to
/// the source name, as upstream's REPL does.
pub fn parse_mode(req: &ExecRequest<'_>, globals: Value) -> ParseMode {
    match req.kind {
        InputKind::Single => ParseMode::Single,
        InputKind::File => {
            if let Some(m) = dict::map_of(globals) {
                if let Some(name) = Qstr::intern(req.source_name) {
                    let _ = m.insert_qstr(Q::__file__, Value::qstr(name));
                }
            }
            ParseMode::File
        }
    }
}

/// [`Terminal::complete`](crate::readline::Terminal::complete) over `__main__`: follow
/// `query.path` from its globals, then list the names on what it reaches (or the built-in
/// modules for an import).
pub fn complete(query: &CompletionQuery<'_>, out: &mut Vec<&'static str>) -> bool {
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
    names_on(obj, globals, query, out);
    true
}

/// Names visible on `obj` (None: `__main__`'s globals), or the built-in modules' names for
/// an import, in qstr order like upstream, which tries every qstr against the object.
/// Without a prefix, private names are left out.
fn names_on(
    obj: Option<Value>,
    globals: Value,
    query: &CompletionQuery<'_>,
    out: &mut Vec<&'static str>,
) {
    let prefix = query.prefix;
    // Built-in names after MicroPython's fixed list are numbered in hash order (qstr.rs);
    // upstream numbers them alphabetically, so their matches are sorted to come out alike.
    let mut sorted_from = None;
    for n in 1..exec::qstr_count() {
        if n == crate::qstr::MPY_STATIC_COUNT {
            sorted_from = Some(out.len());
        } else if n == crate::qstr::STATIC_COUNT {
            sort_from(out, sorted_from.take());
        }
        let q = Qstr(n as u32);
        let s = q.as_str();
        if s.is_empty() || !s.starts_with(prefix) || (prefix.is_empty() && s.starts_with('_')) {
            continue;
        }
        let found = match obj {
            _ if query.import => crate::modules::names().any(|m| m == q),
            None => dict::map_of(globals).is_some_and(|m| m.get_qstr(q).is_some()),
            Some(o) => runtime::load_attr(o, q).is_ok(),
        };
        if found {
            out.push(s);
        }
    }
    sort_from(out, sorted_from);
}

fn sort_from(out: &mut [&'static str], from: Option<usize>) {
    if let Some(tail) = from.and_then(|k| out.get_mut(k..)) {
        tail.sort_unstable();
    }
}

/// [`ReplHost::prompt`](super::ReplHost::prompt): `sys.ps1`/`sys.ps2`, the usual prompts
/// while unset, an empty one if set to a non-string.
pub fn prompt(kind: PromptKind) -> String {
    let (name, default) = match kind {
        PromptKind::Primary => ("ps1", ">>> "),
        PromptKind::Continuation => ("ps2", "... "),
    };
    // Not interned means no `sys.ps1` can exist.
    let Some(q) = Qstr::find(name) else {
        return default.to_string();
    };
    let sys = Value::from_static(&crate::modules::sys::MODULE);
    match runtime::load_attr(sys, q) {
        Ok(v) => pystr::as_str(v).unwrap_or("").to_string(),
        Err(_) => default.to_string(),
    }
}

/// [`ReplHost::before_statement`](super::ReplHost::before_statement): unlock the heap, so
/// code that left it locked cannot make the REPL unusable.
pub fn before_statement() {
    state::get().heap.lock_depth = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_last_run_reports_nothing() {
        let mut last = LastRun::new();
        assert_eq!(last.outcome(Ok(Value::NONE)), ExecOutcome::Completed);
        assert!(matches!(last.pending, Pending::Nothing));
        // Nothing pending: printing nothing needs no interpreter.
        last.report();
        assert!(matches!(last.pending, Pending::Nothing));
    }

    #[test]
    fn completion_lists_built_in_names_in_upstreams_order() {
        crate::state::testing::with_vm(|| {
            // A str has methods from MicroPython's fixed list and from after it.
            let g = exec::main_globals();
            assert!(g.is_ok());
            let g = g.unwrap_or(Value::NONE);
            let (name, text) = (Qstr::intern("s"), pystr::new("a"));
            let map = dict::map_of(g);
            assert!(name.is_some() && text.is_ok() && map.is_some());
            if let (Some(m), Some(name), Ok(text)) = (map, name, text) {
                assert!(m.insert_qstr(name, text).is_ok());
            }
            let query = CompletionQuery {
                path: &["s"],
                prefix: "",
                import: false,
            };
            let mut got = Vec::new();
            assert!(complete(&query, &mut got));
            let mut fixed: Vec<&str> = Vec::new();
            let mut rest: Vec<&str> = Vec::new();
            for &s in &got {
                let q = Qstr::find(s).map_or(0, |q| q.0 as usize);
                assert!(q > 0 && q < crate::qstr::STATIC_COUNT, "{s}");
                if q < crate::qstr::MPY_STATIC_COUNT {
                    fixed.push(s);
                } else {
                    rest.push(s);
                }
            }
            assert!(!fixed.is_empty() && rest.len() > 1, "{got:?}");
            // Fixed-list names first, in their numbering, then the others alphabetically.
            assert_eq!(got[..fixed.len()], fixed[..]);
            let ids: Vec<u32> = fixed
                .iter()
                .filter_map(|s| Qstr::find(s))
                .map(|q| q.0)
                .collect();
            assert!(ids.windows(2).all(|w| w[0] < w[1]));
            let mut sorted = rest.clone();
            sorted.sort();
            assert_eq!(rest, sorted);
            assert!(got.contains(&"startswith") && got.contains(&"isdigit"));
        });
    }

    #[test]
    fn single_input_leaves_globals_alone() {
        let req = ExecRequest {
            source: b"1",
            kind: InputKind::Single,
            repl_print: true,
            source_name: super::super::SOURCE_NAME,
        };
        // `Value::NONE` is no dict: parsing a single statement must not look at it.
        assert!(matches!(parse_mode(&req, Value::NONE), ParseMode::Single));
    }
}
