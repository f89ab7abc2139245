//! Python modules carried as source text inside the binary and compiled when first
//! imported, found under the `.frozen` entry of `sys.path` as MicroPython's frozen modules
//! are. A stand-in until frozen (compiled-at-build-time) modules exist: `find` is the one
//! function that mechanism replaces.

/// (path below `.frozen`, source). A package is a `<name>/__init__.py` entry.
static TABLE: &[(&str, &str)] = &[
    (
        "asyncio/__init__.py",
        include_str!("../../../lib/asyncio/__init__.py"),
    ),
    (
        "asyncio/core.py",
        include_str!("../../../lib/asyncio/core.py"),
    ),
    (
        "asyncio/event.py",
        include_str!("../../../lib/asyncio/event.py"),
    ),
    (
        "asyncio/funcs.py",
        include_str!("../../../lib/asyncio/funcs.py"),
    ),
    (
        "asyncio/lock.py",
        include_str!("../../../lib/asyncio/lock.py"),
    ),
    (
        "asyncio/stream.py",
        include_str!("../../../lib/asyncio/stream.py"),
    ),
    (
        "asyncio/task.py",
        include_str!("../../../lib/asyncio/task.py"),
    ),
    ("uasyncio.py", include_str!("../../../lib/uasyncio.py")),
];

/// What an import of `rel` (slash-separated, below `.frozen`) finds.
pub enum Found {
    /// A module: its path (for `__file__`) and source.
    Module(&'static str, &'static str),
    /// A package: the `__init__.py` path and source.
    Package(&'static str, &'static str),
}

fn get(path: &str) -> Option<(&'static str, &'static str)> {
    TABLE.iter().find(|(p, _)| *p == path).copied()
}

/// Look `rel` up as a package first, then as a module, as the file system search does.
pub fn find(rel: &str) -> Option<Found> {
    let mut buf = [0u8; 128];
    let pkg = concat(&mut buf, rel, "/__init__.py")?;
    if let Some((p, s)) = get(pkg) {
        return Some(Found::Package(p, s));
    }
    let mut buf = [0u8; 128];
    let module = concat(&mut buf, rel, ".py")?;
    get(module).map(|(p, s)| Found::Module(p, s))
}

/// `a` followed by `b` in `buf`, if it fits (longer names are never in the table).
fn concat<'a>(buf: &'a mut [u8], a: &str, b: &str) -> Option<&'a str> {
    let n = a.len() + b.len();
    let out = buf.get_mut(..n)?;
    out.get_mut(..a.len())?.copy_from_slice(a.as_bytes());
    out.get_mut(a.len()..)?.copy_from_slice(b.as_bytes());
    core::str::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_packages_and_modules() {
        assert!(matches!(
            find("asyncio"),
            Some(Found::Package("asyncio/__init__.py", _))
        ));
        assert!(matches!(
            find("asyncio/core"),
            Some(Found::Module("asyncio/core.py", _))
        ));
        assert!(find("nosuch").is_none());
        assert!(find(&"x".repeat(300)).is_none());
    }
}
