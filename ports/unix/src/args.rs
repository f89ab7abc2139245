//! The `upy` command line, parsed as MicroPython's unix `micropython` parses it: options,
//! `-X` implementation options, what to run, `sys.argv`, and `sys.path` from MICROPYPATH.
//! Running anything (and checking that a script exists) is left to main.rs.

use std::io;
use std::path::Path;

/// What upy was asked to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunMode {
    /// `upy FILE`: the path exactly as given (also the source name in tracebacks).
    File(String),
    /// `upy -c CMD`: source name `<stdin>`.
    Command(String),
    /// `upy -m MOD`: import MOD as `__main__` (then `MOD.__main__` for a package).
    Module(String),
    /// Nothing named: the REPL when stdin is a terminal, else stdin run as a file.
    ReplOrStdin,
}

/// The default code emitter chosen with `-X emit=`. upy has no native emitter, so
/// `emit=native` and `emit=viper` are rejected, as on an upstream build without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emit {
    Bytecode,
}

/// Everything the command line and environment decide before the interpreter starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub mode: RunMode,
    /// `sys.argv`: `['-c', args…]`, `[MOD, args…]`, `[FILE, args…]`, or `[]` for the REPL.
    pub argv: Vec<String>,
    /// `-i`: enter the REPL after running (MICROPYINSPECT is checked at exit, see `inspect_env`).
    pub inspect: bool,
    /// `-O` level: count of O's, or the digit of `-O<digit>`. 1 and up: `__debug__` is
    /// False and asserts vanish; 3 and up: no line numbers.
    pub optimize: u8,
    /// Count of `-v`: 1 prints `micropython.mem_info()` at exit, 2 also dumps bytecode.
    pub verbose: u32,
    /// GC heap size in bytes (`-X heapsize=`).
    pub heap_size: usize,
    /// `-X emit=`; `None` leaves the default.
    pub emit: Option<Emit>,
    /// `-X compile-only`: parse and compile, don't run.
    pub compile_only: bool,
    /// `-X alloc-fail=N` (upy only, for the robustness sweep): the N-th GC allocation
    /// request fails; at exit the heap is collected, verified and the outcome reported.
    pub alloc_fail: Option<usize>,
    /// `sys.path` before the script's folder replaces the first entry (see `script_dir`).
    pub sys_path: Vec<String>,
}

/// The outcome of parsing: run something, or print help/version and exit 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Run(Options),
    Help,
    Version,
}

/// A command line upstream would reject (the only error parsing can give).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidArgs;

/// Upstream's message for any bad command line, printed on stderr before exiting with 1.
pub const INVALID_ARGS_MESSAGE: &str = "Invalid command line arguments. Use -h option for help.";

/// Default heap: 1 MiB scaled by the word size, as upstream (2 MiB on 64-bit hosts).
pub const DEFAULT_HEAP_SIZE: usize = 1024 * 1024 * (core::mem::size_of::<usize>() / 4);

/// Upstream's default MICROPYPATH.
pub const DEFAULT_MICROPYPATH: &str = ".frozen:~/.micropython/lib:/usr/lib/micropython";

/// The smallest heap accepted; less could not even start the interpreter.
const MIN_HEAP_SIZE: i128 = 700;

/// The MicroPython release whose behaviour upy follows.
pub const MICROPYTHON_VERSION: &str = "v1.29.0";

/// The first banner line, also the `--version` output. It keeps upstream's shape
/// (`MicroPython <version> on <date>; <machine>`, which tests match) and names upy.
pub fn banner_line(machine: &str) -> String {
    format!(
        "MicroPython {MICROPYTHON_VERSION} upy-{} on {}; {machine}",
        env!("CARGO_PKG_VERSION"),
        env!("UPY_BUILD_DATE"),
    )
}

/// `-h` output. `argv0` is the name upy was started as.
pub fn usage(argv0: &str) -> String {
    format!(
        "usage: {argv0} [<opts>] [-X <implopt>] [-c <command> | -m <module> | <filename>] [args...]\n\
         upy runs Python programs the way MicroPython's unix port does.\n\
         Options:\n\
         --version : print upy's version and exit\n\
         -h : print this help and exit\n\
         -i : enter the REPL after the command, module or file has run\n\
         -v : verbose: print memory statistics at exit; twice: also dump bytecode\n\
         -O[N] : optimisation level N (or one per O): no asserts, no __debug__; 3: no line numbers\n\
         \n\
         Implementation specific options (-X):\n  \
         compile-only                 -- parse and compile, run nothing\n  \
         emit=bytecode                -- set the default code emitter\n  \
         heapsize=<n>[w][K|M] -- size of the GC heap in bytes (default {DEFAULT_HEAP_SIZE}); w scales by word size / 4\n\
         \n\
         Environment: MICROPYPATH (':'-separated module search path), MICROPYINSPECT (REPL at exit).\n"
    )
}

/// Parses the command line (`args[0]` is the program name) and the two environment values
/// it depends on. Like upstream, it works in two passes: the first acts on `-h`,
/// `--version` and `-X` up to the first `-c`, `-m` or script; the second reads the rest and
/// rejects unknown options. So `-h` wins over an unknown option, not over a bad `-X`.
pub fn parse(
    args: &[String],
    micropypath: Option<&str>,
    home: Option<&str>,
) -> Result<Action, InvalidArgs> {
    let mut opts = Options {
        mode: RunMode::ReplOrStdin,
        argv: Vec::new(),
        inspect: false,
        optimize: 0,
        verbose: 0,
        heap_size: DEFAULT_HEAP_SIZE,
        emit: None,
        compile_only: false,
        alloc_fail: None,
        sys_path: sys_path(micropypath, home),
    };
    let rest = args.get(1..).unwrap_or(&[]);

    let mut i = 0;
    while let Some(arg) = rest.get(i) {
        match arg.as_str() {
            "-c" | "-m" => break,
            "-h" => return Ok(Action::Help),
            "--version" => return Ok(Action::Version),
            "-X" => {
                let value = rest.get(i + 1).ok_or(InvalidArgs)?;
                apply_impl_opt(&mut opts, value)?;
                i += 1;
            }
            a if !a.starts_with('-') => break,
            _ => {}
        }
        i += 1;
    }

    let mut i = 0;
    while let Some(arg) = rest.get(i) {
        match arg.as_str() {
            "-i" => opts.inspect = true,
            "-c" | "-m" => {
                let value = rest.get(i + 1).ok_or(InvalidArgs)?.clone();
                let tail = rest.get(i + 2..).unwrap_or(&[]);
                if arg == "-c" {
                    opts.argv.push("-c".to_string());
                    opts.mode = RunMode::Command(value);
                } else {
                    opts.argv.push(value.clone());
                    opts.mode = RunMode::Module(value);
                }
                opts.argv.extend_from_slice(tail);
                return Ok(Action::Run(opts));
            }
            // Already applied in the first pass.
            "-X" => i += 1,
            "-v" => opts.verbose += 1,
            a if a.starts_with("-O") => opts.optimize = optimize_level(a),
            a if a.starts_with('-') => return Err(InvalidArgs),
            a => {
                opts.mode = RunMode::File(a.to_string());
                opts.argv.extend_from_slice(&rest[i..]);
                return Ok(Action::Run(opts));
            }
        }
        i += 1;
    }
    Ok(Action::Run(opts))
}

/// `-O3` gives 3; otherwise the run of O's is counted, so `-OO` is 2 and `-Ox` is 1.
fn optimize_level(arg: &str) -> u8 {
    let after = &arg.as_bytes()[2..];
    match after.first() {
        Some(d) if d.is_ascii_digit() => d - b'0',
        _ => 1 + after.iter().take_while(|&&c| c == b'O').count().min(254) as u8,
    }
}

fn apply_impl_opt(opts: &mut Options, value: &str) -> Result<(), InvalidArgs> {
    match value {
        "compile-only" => opts.compile_only = true,
        "emit=bytecode" => opts.emit = Some(Emit::Bytecode),
        v if v.starts_with("alloc-fail=") => {
            let n = v["alloc-fail=".len()..].parse().map_err(|_| InvalidArgs)?;
            opts.alloc_fail = Some(n);
        }
        v => {
            let size = v.strip_prefix("heapsize=").ok_or(InvalidArgs)?;
            opts.heap_size = parse_heap_size(size).ok_or(InvalidArgs)?;
        }
    }
    Ok(())
}

/// `<n>[w][K|M]`: n as C's strtol reads it with base 0 (decimal, `0x` hex, `0` octal,
/// optional sign); `w` scales by word size / 4; K and M multiply by 1024 and 1024².
/// Anything after the suffix, or a result under 700 bytes, is invalid.
pub fn parse_heap_size(text: &str) -> Option<usize> {
    let (mut n, rest) = strtol(text);
    let mut rest = rest.as_bytes();
    let mut word_adjust = false;
    if let Some(b'w' | b'W') = rest.first() {
        word_adjust = true;
        rest = &rest[1..];
    }
    match rest.first() {
        Some(b'k' | b'K') => {
            n = n.checked_mul(1024)?;
            rest = &rest[1..];
        }
        Some(b'm' | b'M') => {
            n = n.checked_mul(1024 * 1024)?;
            rest = &rest[1..];
        }
        _ => {}
    }
    if !rest.is_empty() {
        return None;
    }
    if word_adjust {
        n = n.checked_mul(core::mem::size_of::<usize>() as i128)? / 4;
    }
    if n < MIN_HEAP_SIZE {
        return None;
    }
    usize::try_from(n).ok()
}

/// A C `strtol(s, &end, 0)`: the value (0 when no digits) and the unread rest. Values too
/// large saturate, as strtol clamps; heap sizes that large fail later anyway.
fn strtol(s: &str) -> (i128, &str) {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = t.get(..2).map(str::to_ascii_lowercase);
    let hex_digits = t.as_bytes().get(2).is_some_and(|c| c.is_ascii_hexdigit());
    let (radix, digits) = if lower.as_deref() == Some("0x") && hex_digits {
        (16, &t[2..])
    } else if t.starts_with('0') {
        (8, t)
    } else {
        (10, t)
    };
    let len = digits
        .bytes()
        .take_while(|c| (*c as char).is_digit(radix))
        .count();
    if len == 0 {
        return (0, s);
    }
    let mut value: i128 = 0;
    for c in digits[..len].chars() {
        let d = c.to_digit(radix).unwrap_or(0) as i128;
        value = value
            .saturating_mul(radix as i128)
            .saturating_add(d)
            .min(i64::MAX as i128);
    }
    (if neg { -value } else { value }, &digits[len..])
}

/// `sys.path` from MICROPYPATH (`None` = unset, giving the default): `''` first, then each
/// `:`-separated entry, `~/` at an entry's start expanded with HOME. A leading `:` is
/// dropped since `''` is already there; an empty MICROPYPATH gives just `['']`.
pub fn sys_path(micropypath: Option<&str>, home: Option<&str>) -> Vec<String> {
    let mut path = vec![String::new()];
    let value = micropypath.unwrap_or(DEFAULT_MICROPYPATH);
    let value = value.strip_prefix(':').unwrap_or(value);
    if value.is_empty() {
        return path;
    }
    for entry in value.split(':') {
        match (entry.strip_prefix("~/"), home) {
            (Some(tail), Some(home)) => path.push(format!("{home}/{tail}")),
            _ => path.push(entry.to_string()),
        }
    }
    path
}

/// Parses the process's own arguments and environment. Help and version are printed here
/// and the process exits with 0; a bad command line prints upstream's message on stderr and
/// exits with 1. Only `Options` come back.
pub fn from_env() -> Options {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let micropypath = std::env::var("MICROPYPATH").ok();
    let home = std::env::var("HOME").ok();
    match parse(&args, micropypath.as_deref(), home.as_deref()) {
        Ok(Action::Run(opts)) => opts,
        Ok(Action::Help) => {
            print!("{}", usage(args.first().map_or("upy", String::as_str)));
            std::process::exit(0)
        }
        Ok(Action::Version) => {
            println!(
                "{}",
                banner_line(upy_runtime::hal::Hal::machine(&crate::hal::HAL))
            );
            std::process::exit(0)
        }
        Err(InvalidArgs) => {
            eprintln!("{INVALID_ARGS_MESSAGE}");
            std::process::exit(1)
        }
    }
}

/// MICROPYINSPECT non-empty asks for the REPL after the program; upstream reads it at exit,
/// so a program can set it.
pub fn inspect_env() -> bool {
    std::env::var_os("MICROPYINSPECT").is_some_and(|v| !v.is_empty())
}

/// The folder of the script's real path, which replaces `sys.path[0]` when running a file.
/// An error here means the script cannot be opened: see `cant_open_message`.
pub fn script_dir(path: &str) -> io::Result<String> {
    let real = std::fs::canonicalize(path)?;
    let dir = real.parent().unwrap_or(Path::new("/"));
    Ok(dir.to_string_lossy().into_owned())
}

/// Upstream's message when the script is missing (exit status 2):
/// `upy: can't open file 'x.py': [Errno 2] No such file or directory`.
pub fn cant_open_message(argv0: &str, path: &str, err: &io::Error) -> String {
    let errno = err.raw_os_error().unwrap_or(0);
    // io::Error renders as "<strerror text> (os error N)"; only the text is wanted.
    let text = err.to_string();
    let text = text
        .strip_suffix(&format!(" (os error {errno})"))
        .unwrap_or(&text)
        .to_string();
    format!("{argv0}: can't open file '{path}': [Errno {errno}] {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(line: &str) -> Vec<String> {
        core::iter::once("upy")
            .chain(line.split_whitespace())
            .map(str::to_string)
            .collect()
    }

    fn run(line: &str) -> Options {
        match parse(&argv(line), None, Some("/home/u")) {
            Ok(Action::Run(o)) => o,
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    fn outcome(line: &str) -> Result<Action, InvalidArgs> {
        parse(&argv(line), None, None)
    }

    #[test]
    fn no_arguments_is_repl_with_empty_argv() {
        let o = run("");
        assert_eq!(o.mode, RunMode::ReplOrStdin);
        assert!(o.argv.is_empty());
        assert_eq!(o.heap_size, DEFAULT_HEAP_SIZE);
        assert_eq!(
            (o.optimize, o.verbose, o.inspect, o.compile_only),
            (0, 0, false, false)
        );
    }

    #[test]
    fn file_takes_the_rest_as_argv() {
        let o = run("-i x.py -v -c foo");
        assert_eq!(o.mode, RunMode::File("x.py".to_string()));
        assert_eq!(o.argv, ["x.py", "-v", "-c", "foo"]);
        assert!(o.inspect);
        assert_eq!(o.verbose, 0);
    }

    #[test]
    fn command_and_module() {
        let o = run("-c print(1) a b");
        assert_eq!(o.mode, RunMode::Command("print(1)".to_string()));
        assert_eq!(o.argv, ["-c", "a", "b"]);
        let o = run("-v -v -m pkg.mod -h");
        assert_eq!(o.mode, RunMode::Module("pkg.mod".to_string()));
        assert_eq!(o.argv, ["pkg.mod", "-h"]);
        assert_eq!(o.verbose, 2);
        // What follows -c is the command even when it looks like an option.
        assert_eq!(run("-c -h").mode, RunMode::Command("-h".to_string()));
    }

    #[test]
    fn missing_values_are_invalid() {
        assert_eq!(outcome("-c"), Err(InvalidArgs));
        assert_eq!(outcome("-m"), Err(InvalidArgs));
        assert_eq!(outcome("-X"), Err(InvalidArgs));
        assert_eq!(outcome("-i -c"), Err(InvalidArgs));
    }

    #[test]
    fn unknown_options_are_invalid() {
        for line in [
            "-q",
            "-",
            "--",
            "--help",
            "-vv",
            "-ii",
            "-X foo",
            "-X emit=native",
            "-X emit=viper",
            "-X realtime",
        ] {
            assert_eq!(outcome(line), Err(InvalidArgs), "{line}");
        }
    }

    #[test]
    fn help_and_version_win_when_seen_first() {
        assert_eq!(outcome("-h"), Ok(Action::Help));
        assert_eq!(outcome("--version"), Ok(Action::Version));
        // Unknown options are only rejected in the second pass.
        assert_eq!(outcome("-q -h"), Ok(Action::Help));
        // A bad -X is rejected in the first pass, before a later -h is seen.
        assert_eq!(outcome("-X bad -h"), Err(InvalidArgs));
        assert_eq!(outcome("-h -X bad"), Ok(Action::Help));
        // After the script, -h belongs to the script.
        assert!(matches!(outcome("x.py -h"), Ok(Action::Run(_))));
        // -X consumes its value even when it looks like -h.
        assert_eq!(outcome("-X -h"), Err(InvalidArgs));
    }

    #[test]
    fn optimisation_levels() {
        assert_eq!(run("-O").optimize, 1);
        assert_eq!(run("-OO").optimize, 2);
        assert_eq!(run("-OOO").optimize, 3);
        assert_eq!(run("-O3").optimize, 3);
        assert_eq!(run("-O0").optimize, 0);
        assert_eq!(run("-O9x").optimize, 9);
        assert_eq!(run("-Ox").optimize, 1);
        assert_eq!(run("-OO -O1").optimize, 1);
    }

    #[test]
    fn implementation_options() {
        let o = run("-X compile-only -X emit=bytecode -X heapsize=64k x.py");
        assert!(o.compile_only);
        assert_eq!(o.emit, Some(Emit::Bytecode));
        assert_eq!(o.heap_size, 65536);
        assert_eq!(o.mode, RunMode::File("x.py".to_string()));
        assert_eq!(o.argv, ["x.py"]);
    }

    #[test]
    fn heap_sizes() {
        let word = core::mem::size_of::<usize>();
        assert_eq!(parse_heap_size("700"), Some(700));
        assert_eq!(parse_heap_size("699"), None);
        assert_eq!(parse_heap_size("1K"), Some(1024));
        assert_eq!(parse_heap_size("2m"), Some(2 * 1024 * 1024));
        assert_eq!(parse_heap_size("1wK"), Some(1024 * word / 4));
        assert_eq!(parse_heap_size("1000w"), Some(1000 * word / 4));
        assert_eq!(parse_heap_size("0x400"), Some(1024));
        assert_eq!(parse_heap_size("02000"), Some(1024));
        assert_eq!(parse_heap_size(" +800"), Some(800));
        assert_eq!(parse_heap_size("-1M"), None);
        assert_eq!(parse_heap_size(""), None);
        assert_eq!(parse_heap_size("K"), None);
        assert_eq!(parse_heap_size("1Kw"), None);
        assert_eq!(parse_heap_size("1KB"), None);
        assert_eq!(parse_heap_size("800x"), None);
        // strtol saturates; a mebibyte multiple of that no longer fits a usize.
        assert_eq!(parse_heap_size("99999999999999999999999999999999M"), None);
        assert_eq!(outcome("-X heapsize=600"), Err(InvalidArgs));
        assert_eq!(outcome("-X heapsize="), Err(InvalidArgs));
    }

    #[test]
    fn micropypath() {
        let home = Some("/home/u");
        assert_eq!(
            sys_path(None, home),
            [
                "",
                ".frozen",
                "/home/u/.micropython/lib",
                "/usr/lib/micropython"
            ]
        );
        assert_eq!(
            sys_path(None, None),
            ["", ".frozen", "~/.micropython/lib", "/usr/lib/micropython"]
        );
        assert_eq!(sys_path(Some(""), home), [""]);
        assert_eq!(sys_path(Some(":"), home), [""]);
        assert_eq!(
            sys_path(Some(":a:~/b:~c"), home),
            ["", "a", "/home/u/b", "~c"]
        );
        assert_eq!(sys_path(Some("a:"), home), ["", "a", ""]);
        assert_eq!(run("").sys_path[2], "/home/u/.micropython/lib");
    }

    #[test]
    fn messages() {
        // Upstream's REPL tests match the banner with `MicroPython .+ version`; its
        // date must look like upstream's build date.
        let b = banner_line("linux [rustc] version");
        let rest = b.strip_prefix("MicroPython v1.29.0 upy-0.1.0 on ").unwrap();
        let (date, machine) = rest.split_once("; ").unwrap();
        assert_eq!(machine, "linux [rustc] version");
        assert_eq!(date.len(), 10);
        assert!(date.bytes().enumerate().all(|(i, c)| if i == 4 || i == 7 {
            c == b'-'
        } else {
            c.is_ascii_digit()
        }));
        let u = usage("upy");
        assert!(u.starts_with("usage: upy [<opts>]"));
        assert!(u.contains(&format!("(default {DEFAULT_HEAP_SIZE})")));
        let err = io::Error::from_raw_os_error(2);
        assert_eq!(
            cant_open_message("upy", "nope.py", &err),
            "upy: can't open file 'nope.py': [Errno 2] No such file or directory"
        );
    }

    #[test]
    fn script_dir_is_the_real_parent() {
        let dir = std::env::temp_dir().join(format!("upy-args-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.py");
        std::fs::write(&file, "").unwrap();
        let real = std::fs::canonicalize(&dir).unwrap();
        assert_eq!(
            script_dir(file.to_str().unwrap()).unwrap(),
            real.to_string_lossy()
        );
        assert!(script_dir(dir.join("missing.py").to_str().unwrap()).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
