//! The `upy-cross` command line, accepted as MicroPython's `mpy-cross` accepts it: options,
//! the one input file, and the refusals (native emitters, unknown architectures) with the
//! texts and exit codes a build script driving `mpy-cross` expects.

/// Architectures `-march=` knows (upstream's list). upy emits bytecode only: an architecture
/// is accepted (bytecode is the same for all; upstream's output for code without native
/// parts does not record it either), and code that asks for native emitters is refused.
pub const ARCHES: [&str; 14] = [
    "x86",
    "x64",
    "armv6",
    "armv6m",
    "armv7m",
    "armv7em",
    "armv7emsp",
    "armv7emdp",
    "xtensa",
    "xtensawin",
    "rv32imc",
    "rv64imc",
    "host",
    "debug",
];

/// Everything one compilation needs from the command line.
#[derive(Debug, PartialEq)]
pub struct Options {
    /// The input path, `-` for stdin.
    pub input: String,
    /// `-o`: the output path, `-` for stdout; `None` derives it from the input.
    pub output: Option<String>,
    /// `-s`: the source name stored in the `.mpy` (tracebacks show it).
    pub source_name: Option<String>,
    pub opt_level: u8,
    pub small_int_bits: u8,
    pub source_lines: bool,
    /// `-march=`: makes `@micropython.native`/`viper` decorators a clean refusal instead of
    /// upstream's "invalid arch" error.
    pub arch: Option<String>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Action {
    Compile(Options),
    Version,
    Help,
}

/// Why the command line was refused.
#[derive(Debug, PartialEq)]
pub enum Refusal {
    /// Malformed: the usage text goes to stdout and the exit code is 1, as upstream.
    Usage,
    /// A one-line message for stderr, exit code 1.
    Message(String),
}

/// Upstream's `-O` rule: `-O<digit>` sets the level to that digit, otherwise the level is
/// the number of consecutive `O`s (`-O` 1, `-OO` 2).
fn opt_level(arg: &str) -> u8 {
    let rest = &arg.as_bytes()[2..];
    match rest.first() {
        Some(d) if d.is_ascii_digit() => d & 0xf,
        _ => 1 + rest.iter().take_while(|&&c| c == b'O').count().min(254) as u8,
    }
}

/// An integer as C's `strtol(s, &end, 0)` reads it, requiring the whole string to be used
/// (`0x` hex, a leading `0` octal, otherwise decimal, optional sign).
fn c_integer(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, h)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let v = i64::from_str_radix(digits, radix).ok()?;
    if digits.starts_with(['+', '-']) {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// `mpy-cross` converts Windows separators in paths it embeds or opens.
fn forward_slashes(s: &str) -> String {
    s.replace('\\', "/")
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Action, Refusal> {
    let mut source_lines = true;
    let mut emit_native = false;
    // `-X` options take effect before everything else, as upstream's first pass.
    let mut i = 0;
    while i < args.len() {
        if args[i] == "-X" {
            let Some(val) = args.get(i + 1) else {
                return Err(Refusal::Usage);
            };
            match val.as_str() {
                "emit=bytecode" => emit_native = false,
                "emit=native" | "emit=viper" => emit_native = true,
                "source-lines" => source_lines = true,
                "no-source-lines" => source_lines = false,
                // The compiler's memory is not a fixed heap; the size is irrelevant.
                v if v.starts_with("heapsize=") => {}
                _ => return Err(Refusal::Usage),
            }
            i += 1;
        }
        i += 1;
    }

    let mut input: Option<String> = None;
    let mut output = None;
    let mut source_name = None;
    let mut opt = 0u8;
    let mut bits = 31u8;
    let mut arch: Option<&str> = None;
    let mut options_end = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if !options_end && arg.starts_with('-') && arg.len() > 1 {
            match arg {
                "-X" => i += 1,
                "--version" => return Ok(Action::Version),
                "-h" | "--help" => return Ok(Action::Help),
                "-v" => {}
                "-o" | "-s" => {
                    let Some(val) = args.get(i + 1) else {
                        return Err(Refusal::Usage);
                    };
                    if arg == "-o" {
                        output = Some(val.clone());
                    } else {
                        source_name = Some(forward_slashes(val));
                    }
                    i += 1;
                }
                "--" => options_end = true,
                a if a.starts_with("-O") => opt = opt_level(a),
                a if a.starts_with("-msmall-int-bits=") => {
                    let n = c_integer(&a["-msmall-int-bits=".len()..]).ok_or(Refusal::Usage)?;
                    // The encoder needs a sign bit and must fit its 64-bit arithmetic.
                    if !(2..=63).contains(&n) {
                        return Err(Refusal::Message(format!(
                            "small-int bits must be between 2 and 63, not {n}"
                        )));
                    }
                    bits = n as u8;
                }
                a if a.starts_with("-march-flags=") => {}
                a if a.starts_with("-march=") => {
                    let name = &a["-march=".len()..];
                    if !ARCHES.contains(&name) {
                        return Err(Refusal::Usage);
                    }
                    arch = Some(name);
                }
                _ => return Err(Refusal::Usage),
            }
        } else {
            if input.is_some() {
                return Err(Refusal::Message("multiple input files".into()));
            }
            input = Some(forward_slashes(arg));
        }
        i += 1;
    }

    if emit_native {
        return Err(Refusal::Message(
            "native code emitters are not supported by upy-cross; use -X emit=bytecode".into(),
        ));
    }
    let Some(input) = input else {
        return Err(Refusal::Message("no input file".into()));
    };
    Ok(Action::Compile(Options {
        input,
        output,
        source_name,
        opt_level: opt,
        small_int_bits: bits,
        source_lines,
        arch: arch.map(String::from),
    }))
}

/// Where the `.mpy` goes: `None` for stdout. Like mpy-cross, the default replaces the
/// input's last two bytes (`py`) with `mpy`, whatever they are.
pub fn output_path(o: &Options) -> Option<String> {
    match &o.output {
        Some(out) if out == "-" => None,
        Some(out) => Some(out.clone()),
        None if o.input == "-" => None,
        None => {
            let mut bytes = o.input.clone().into_bytes();
            bytes.truncate(bytes.len().saturating_sub(2));
            bytes.extend_from_slice(b"mpy");
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Action, Refusal> {
        let v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&v)
    }

    fn opts(args: &[&str]) -> Options {
        match p(args) {
            Ok(Action::Compile(o)) => o,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn defaults_and_paths() {
        let o = opts(&["dir\\x.py"]);
        assert_eq!(o.input, "dir/x.py");
        assert_eq!(
            (o.opt_level, o.small_int_bits, o.source_lines),
            (0, 31, true)
        );
        assert_eq!(output_path(&o).as_deref(), Some("dir/x.mpy"));
        assert_eq!(output_path(&opts(&["x.txt"])).as_deref(), Some("x.tmpy"));
        assert_eq!(output_path(&opts(&["-"])), None);
        assert_eq!(output_path(&opts(&["-o", "-", "a.py"])), None);
        let o = opts(&["-o", "out.mpy", "-s", "a\\b.py", "a.py"]);
        assert_eq!(output_path(&o).as_deref(), Some("out.mpy"));
        assert_eq!(o.source_name.as_deref(), Some("a/b.py"));
        assert_eq!(opts(&["--", "-weird.py"]).input, "-weird.py");
    }

    #[test]
    fn optimisation_levels() {
        assert_eq!(opts(&["-O", "a.py"]).opt_level, 1);
        assert_eq!(opts(&["-OOO", "a.py"]).opt_level, 3);
        assert_eq!(opts(&["-O2", "a.py"]).opt_level, 2);
        assert_eq!(opts(&["-Ox", "a.py"]).opt_level, 1);
    }

    #[test]
    fn implementation_options() {
        let o = opts(&["-X", "no-source-lines", "-X", "heapsize=8wk", "a.py"]);
        assert!(!o.source_lines);
        assert!(opts(&["-X", "emit=bytecode", "a.py"]).source_lines);
        assert_eq!(p(&["-X", "bogus", "a.py"]), Err(Refusal::Usage));
        assert_eq!(p(&["a.py", "-X"]), Err(Refusal::Usage));
        assert!(matches!(
            p(&["-X", "emit=viper", "a.py"]),
            Err(Refusal::Message(_))
        ));
    }

    #[test]
    fn small_int_bits() {
        assert_eq!(opts(&["-msmall-int-bits=63", "a.py"]).small_int_bits, 63);
        assert_eq!(opts(&["-msmall-int-bits=0x1f", "a.py"]).small_int_bits, 31);
        assert_eq!(opts(&["-msmall-int-bits=017", "a.py"]).small_int_bits, 15);
        assert_eq!(p(&["-msmall-int-bits=3x", "a.py"]), Err(Refusal::Usage));
        assert!(matches!(
            p(&["-msmall-int-bits=64", "a.py"]),
            Err(Refusal::Message(_))
        ));
        assert!(matches!(
            p(&["-msmall-int-bits=-5", "a.py"]),
            Err(Refusal::Message(_))
        ));
    }

    #[test]
    fn architectures_and_errors() {
        assert_eq!(p(&["-march=z80", "a.py"]), Err(Refusal::Usage));
        match p(&["-march=armv7m", "a.py"]) {
            Ok(Action::Compile(o)) => assert_eq!(o.arch.as_deref(), Some("armv7m")),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            p(&["a.py", "b.py"]),
            Err(Refusal::Message("multiple input files".into()))
        );
        assert_eq!(p(&[]), Err(Refusal::Message("no input file".into())));
        assert_eq!(p(&["-q", "a.py"]), Err(Refusal::Usage));
        assert_eq!(p(&["-o"]), Err(Refusal::Usage));
        assert_eq!(p(&["--version", "-q"]), Ok(Action::Version));
        assert_eq!(p(&["-h"]), Ok(Action::Help));
    }
}
