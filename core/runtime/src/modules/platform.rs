//! `platform`: identifying strings for the system we run on (extmod/modplatform.c):
//! `platform()`, `python_compiler()` and `libc_ver()`. Upstream bakes these in from C
//! preprocessor facts; here they come from the compilation target and the port's
//! `Hal::platform`. The C library version is not knowable from `no_std` code, so
//! `libc_ver()` gives the library's name and an empty version.

use crate::obj::PyResult;
use crate::objs::{module::Module, str as pystr, tuple};
use crate::qstr::{Qstr, Q};
use crate::value::Value;
use crate::vstr::VStr;

/// Upstream's `MICROPY_PLATFORM_ARCH` names.
fn arch() -> &'static str {
    if cfg!(target_arch = "x86_64") {
        "x86_64"
    } else if cfg!(target_arch = "x86") {
        "x86"
    } else if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else if cfg!(target_arch = "arm") {
        "arm"
    } else if cfg!(target_arch = "riscv32") || cfg!(target_arch = "riscv64") {
        "riscv"
    } else if cfg!(target_arch = "xtensa") {
        "xtensa"
    } else {
        ""
    }
}

fn libc_name() -> &'static str {
    if cfg!(target_env = "gnu") {
        "glibc"
    } else if cfg!(target_env = "musl") {
        "musl"
    } else if cfg!(target_env = "newlib") {
        "newlib"
    } else {
        ""
    }
}

/// Upstream's `MICROPY_PLATFORM_SYSTEM`: the OS name, or MicroPython on bare metal.
fn system() -> &'static str {
    let sys_platform = crate::state::get()
        .hal
        .map(|h| h.platform())
        .unwrap_or("linux");
    match sys_platform {
        "linux" => "Linux",
        "darwin" => "Darwin",
        "win32" => "Windows",
        "freebsd" => "FreeBSD",
        _ => "MicroPython",
    }
}

/// `platform()`: system-version-arch-osversion-with-libc, as upstream formats it.
fn platform(_args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    let mut s = VStr::new();
    for part in [
        system(),
        concat!("-", super::sys::mp_version!(), "-"),
        arch(),
        "--with-",
        libc_name(),
    ] {
        s.push_bytes(part.as_bytes())?;
    }
    s.into_str()
}

fn python_compiler() -> PyResult<Value> {
    Ok(Value::qstr(Q::rustc))
}

fn libc_ver(_args: &[Value], _kw: &[Value]) -> PyResult<Value> {
    tuple::new(&[pystr::new(libc_name())?, Value::qstr(Q::_empty_)])
}

static GLOBALS: &[(Qstr, Value)] = &[
    (Q::__name__, Value::qstr(Q::platform)),
    crate::entry!(
        libc_ver,
        crate::fun!(
            libc_ver,
            Kw {
                min: 0,
                f: libc_ver
            }
        )
    ),
    crate::entry!(
        platform,
        crate::fun!(
            platform,
            Kw {
                min: 0,
                f: platform
            }
        )
    ),
    crate::entry!(
        python_compiler,
        crate::fun!(python_compiler, F0(python_compiler))
    ),
];

pub static MODULE: Module = Module::new_static(Q::platform, crate::locals!(GLOBALS));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testing::with_vm;

    #[test]
    fn strings() {
        with_vm(|| {
            let p = platform(&[], &[]).unwrap();
            let text = pystr::as_str(p).unwrap();
            assert!(text.contains("-1.29.0-"), "{text}");
            assert!(text.contains("--with-"), "{text}");
            assert_eq!(pystr::as_str(python_compiler().unwrap()), Some("rustc"));
            let t = libc_ver(&[], &[]).unwrap();
            assert_eq!(tuple::items(t).map(|i| i.len()), Some(2));
        });
    }
}
