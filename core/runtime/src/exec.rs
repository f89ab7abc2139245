//! Running source text: compile it, load it, execute it, and print uncaught exceptions the
//! way MicroPython does (py/obj.c `mp_obj_print_exception`, shared/runtime/pyexec.c).

use crate::obj::{Print, PrintKind, PyErr, PyResult};
use crate::objs::exception;
use crate::qstr::{Qstr, Q};
use crate::value::Value;
use upy_compiler::ast::ParseMode as Mode;
use upy_compiler::compile::CompileOptions;

/// Convert a compiler error into a Python SyntaxError/IndentationError with a traceback
/// entry naming the file and line (no function name, like upstream).
pub fn syntax_error(ce: upy_compiler::compile::CompileError, file: &str) -> PyErr {
    use upy_compiler::error::SyntaxErrorKind as K;
    let e = ce.error;
    let ty = match e.kind {
        K::IndentationError => &exception::INDENTATION_ERROR,
        K::NotImplementedError => &exception::NOT_IMPLEMENTED_ERROR,
        K::RuntimeError => &exception::RUNTIME_ERROR,
        _ => &exception::SYNTAX_ERROR,
    };
    let err = crate::raise::msg(ty, &e.msg);
    if let Some(file) = Qstr::intern(file) {
        let block = ce
            .block
            .as_deref()
            .and_then(Qstr::intern)
            .unwrap_or(Qstr(0));
        exception::add_traceback(err.0, file, e.line as usize, block);
    }
    err
}

/// Compiler settings for code compiled on this target (small ints as wide as a word).
pub fn compile_options(mode: Mode) -> CompileOptions {
    let mut opts = CompileOptions::for_port(
        mode,
        crate::state::get().opt_level,
        crate::value::SMALL_INT_BITS as u8,
    );
    opts.trace_lines = cfg!(feature = "settrace");
    // As upstream's parser asks its running qstr pool: a long string literal equal to a name
    // the interpreter already has loads as that qstr.
    opts.is_interned = Some(is_interned);
    opts
}

fn is_interned(s: &str) -> bool {
    Qstr::find(s).is_some()
}

/// Compile source text for this target.
pub fn compile(
    source: &str,
    file: &str,
    mode: Mode,
) -> PyResult<upy_compiler::rawcode::CompiledModule> {
    upy_compiler::compile::compile_detailed(source, file, &compile_options(mode))
        .map_err(|e| syntax_error(e, file))
}

/// Compile `source` named `file` in `mode` and run it with the given namespaces.
pub fn exec_source(
    source: &str,
    file: &str,
    mode: Mode,
    globals: Value,
    locals: Value,
) -> PyResult<Value> {
    let compiled = compile(source, file, mode)?;
    let (ctx, rc) = crate::emitglue::load(&compiled, globals)?;
    crate::vm::run_module_code(ctx, rc, globals, locals)
}

/// Print `exc` with its traceback: "Traceback (most recent call last):" and one line per
/// frame, outermost first, then "Type: message".
pub fn print_exception(out: &mut dyn Print, exc: Value) -> PyResult<()> {
    let entries: heapless_tb::Entries = heapless_tb::collect(exc);
    if !entries.is_empty() {
        out.write_str("Traceback (most recent call last):\n")?;
        for (file, line, block) in entries.iter().rev() {
            // Written piece by piece: a traceback must print even when the heap is full.
            let mut num = [0u8; 24];
            out.write_str("  File \"")?;
            out.write_str(file.as_str())?;
            out.write_str("\", line ")?;
            out.write_str(crate::objs::int::format_isize(*line as isize, &mut num))?;
            if block.0 != 0 {
                out.write_str(", in ")?;
                out.write_str(block.as_str())?;
            }
            out.write_str("\n")?;
        }
    }
    print_exception_line(out, exc)?;
    out.write_str("\n")
}

/// "Type: message" (just "Type: " when there is no message), as MicroPython prints it.
pub fn print_exception_line(out: &mut dyn Print, exc: Value) -> PyResult<()> {
    out.write_str(exc.type_of().name.as_str())?;
    // Upstream prints the separator even when there is no message (`KeyboardInterrupt: `),
    // then what the built-in exception's str() gives: the message, the args tuple, or
    // `[Errno N] ENAME`. A user class's __str__ is not consulted.
    out.write_str(": ")?;
    if !exc.type_of().is_heap() {
        return crate::runtime::print_value(out, exc, PrintKind::Str);
    }
    match exception::args(exc) {
        [] => Ok(()),
        [arg] => crate::runtime::print_value(out, *arg, PrintKind::Str),
        _ => crate::runtime::print_value(
            out,
            exception::get(exc).map(|e| e.args).unwrap_or(Value::NONE),
            PrintKind::Repr,
        ),
    }
}

/// Traceback entries copied out of the exception into a fixed buffer (printing may run
/// Python code, which must not see a half-iterated heap array).
mod heapless_tb {
    use crate::qstr::Qstr;
    use crate::value::Value;

    pub struct Entries {
        items: [(Qstr, usize, Qstr); 64],
        len: usize,
    }

    impl Entries {
        pub fn is_empty(&self) -> bool {
            self.len == 0
        }
        pub fn iter(&self) -> core::slice::Iter<'_, (Qstr, usize, Qstr)> {
            self.items[..self.len].iter()
        }
    }

    pub fn collect(exc: Value) -> Entries {
        let mut e = Entries {
            items: [(Qstr(0), 0, Qstr(0)); 64],
            len: 0,
        };
        for t in crate::objs::exception::traceback(exc) {
            if e.len < e.items.len() {
                e.items[e.len] = t;
                e.len += 1;
            }
        }
        e
    }
}

/// A [`Print`] sink writing to the port's stdout.
pub struct Stdout;

impl Print for Stdout {
    fn write_str(&mut self, s: &str) -> PyResult<()> {
        if let Some(h) = crate::state::get().hal {
            h.stdout_write(s.as_bytes());
        }
        Ok(())
    }
}

/// A [`Print`] sink writing to the port's stderr.
pub struct Stderr;

impl Print for Stderr {
    fn write_str(&mut self, s: &str) -> PyResult<()> {
        if let Some(h) = crate::state::get().hal {
            h.stderr_write(s.as_bytes());
        }
        Ok(())
    }
}

/// Outcome of running a whole program, for the port's exit code.
pub enum Outcome {
    Ok,
    /// Uncaught exception (already printed).
    Exception(Value),
    /// SystemExit with this exit code.
    Exit(i32),
}

/// Handle an uncaught exception at top level: SystemExit gives an exit code, anything else
/// is printed to `out`.
pub fn handle_uncaught(err: PyErr, out: &mut dyn Print) -> Outcome {
    let exc = err.0;
    if crate::runtime::is_instance(exc, &exception::SYSTEM_EXIT) {
        let args = exception::args(exc);
        let code = match args.first() {
            None => 0,
            Some(v) if v.is_none() => 0,
            Some(v) => match v.as_small_int() {
                Some(n) => (n & 0xff) as i32,
                None => {
                    let mut e = Stderr;
                    let _ = crate::runtime::print_value(&mut e, *v, PrintKind::Str);
                    let _ = e.write_str("\n");
                    1
                }
            },
        };
        return Outcome::Exit(code);
    }
    let _ = print_exception(out, exc);
    Outcome::Exception(exc)
}

/// The `__main__` module's globals, created on first use.
pub fn main_globals() -> PyResult<Value> {
    let st = crate::state::get();
    if st.roots.main_globals.is_null() {
        let m = crate::objs::module::new(Q::__main__)?;
        st.roots.main_globals = crate::objs::module::globals(m);
        if let Some(mm) = crate::objs::dict::map_of(st.roots.modules) {
            mm.insert_qstr(Q::__main__, m)?;
        }
    }
    Ok(crate::state::get().roots.main_globals)
}

/// How many qstrs exist (static and interned): tab completion walks them all in order, as
/// upstream does, so candidates come out in interning order.
pub fn qstr_count() -> usize {
    crate::qstr::STATIC_COUNT + crate::state::get().qstrs.len()
}

/// The generic `help()` text (`MICROPY_PY_BUILTINS_HELP_TEXT` of ports without their own).
pub const HELP_TEXT: &str = "Welcome to MicroPython!\n\
\n\
For online docs please visit http://docs.micropython.org/\n\
\n\
Control commands:\n\
\x20 CTRL-A        -- on a blank line, enter raw REPL mode\n\
\x20 CTRL-B        -- on a blank line, enter normal REPL mode\n\
\x20 CTRL-C        -- interrupt a running program\n\
\x20 CTRL-D        -- on a blank line, exit or do a soft reset\n\
\x20 CTRL-E        -- on a blank line, enter paste mode\n\
\n\
For further help on a specific object, type help(obj)\n\
For a list of available modules, type help('modules')\n";

fn help_write(s: &str) -> PyResult<()> {
    crate::modules::sys::stdout_write(s.as_bytes())
}

// `help('modules')`: built-in and frozen module names sorted (frozen ones by path, such as
// `upysh/__init__`, as upstream), in 4 columns of 18 filled column-first.
fn help_modules() -> PyResult<()> {
    let mut names: alloc::vec::Vec<&str> = alloc::vec::Vec::new();
    for q in crate::modules::names() {
        names.push(q.as_str());
    }
    names.extend(crate::frozen::modules().iter().map(|m| {
        m.path
            .strip_suffix(".py")
            .or_else(|| m.path.strip_suffix(".mpy"))
            .unwrap_or(m.path)
    }));
    names.sort_unstable();
    let rows = names.len().div_ceil(4);
    let mut line = alloc::string::String::new();
    for i in 0..rows {
        line.clear();
        let mut j = i;
        while let Some(name) = names.get(j) {
            line.push_str(name);
            j += rows;
            if j >= names.len() {
                break;
            }
            let mut gap = 18 - name.len() as isize;
            while gap < 1 {
                gap += 18;
            }
            for _ in 0..gap {
                line.push(' ');
            }
        }
        line.push('\n');
        help_write(&line)?;
    }
    help_write("Plus any modules on the filesystem\n")
}

// One `  name -- value` line of `help(obj)`.
fn help_entry(name: Value, value: Value) -> PyResult<()> {
    let mut s = crate::vstr::VStr::new();
    s.write_str("  ")?;
    crate::runtime::print_value(&mut s, name, PrintKind::Str)?;
    s.write_str(" -- ")?;
    crate::runtime::print_value(&mut s, value, PrintKind::Str)?;
    s.write_str("\n")?;
    help_write(core::str::from_utf8(s.as_bytes()).unwrap_or(""))
}

fn help(args: &[Value]) -> PyResult<Value> {
    let Some(&obj) = args.first() else {
        help_write(HELP_TEXT)?;
        return Ok(Value::NONE);
    };
    if crate::objs::str::as_str(obj) == Some("modules") {
        help_modules()?;
        return Ok(Value::NONE);
    }
    let mut s = crate::vstr::VStr::new();
    s.write_str("object ")?;
    crate::runtime::print_value(&mut s, obj, PrintKind::Str)?;
    s.write_str(" is of type ")?;
    s.write_str(obj.type_of().name.as_str())?;
    s.write_str("\n")?;
    help_write(core::str::from_utf8(s.as_bytes()).unwrap_or(""))?;
    // Upstream lists the module's globals, or the own namespace of the type (of the object).
    if let Some(m) = crate::objs::module::get(obj) {
        if let Some(d) = crate::objs::dict::map_of(m.globals) {
            for (k, v) in d.iter() {
                help_entry(k, v)?;
            }
        }
        for (k, v) in m.table.iter() {
            help_entry(Value::qstr(k), v)?;
        }
        return Ok(Value::NONE);
    }
    let ty = crate::objs::r#type::as_type(obj).unwrap_or_else(|| obj.type_of());
    for (k, v) in ty.locals.iter() {
        help_entry(Value::qstr(k), v)?;
    }
    if let Some(d) = crate::objs::dict::map_of(ty.dict()) {
        for (k, v) in d.iter() {
            help_entry(k, v)?;
        }
    }
    Ok(Value::NONE)
}

/// The `help` built-in, for ports that enable it (the unix port stores it in the builtins
/// override dict at start-up).
pub static HELP: Value = crate::fun!(
    help,
    Var {
        min: 0,
        max: 1,
        f: help
    }
);
