//! `import`: built-in modules, then `.py` files, `.mpy` files and package directories on
//! `sys.path`, with relative imports and `from ... import` (py/builtinimport.c semantics).

use crate::obj::{PyErr, PyResult};
use crate::objs::{dict, list, module, str as pystr};
use crate::qstr::{Qstr, Q};
use crate::raise;
use crate::state;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

fn modules_map() -> PyResult<&'static mut crate::map::Map> {
    let st = state::get();
    if st.roots.modules.is_null() {
        st.roots.modules = dict::new()?;
    }
    dict::map_of(st.roots.modules).ok_or_else(crate::mem::oom)
}

#[cold]
fn not_found(name: &str) -> PyErr {
    raise::msg_fmt(
        &crate::objs::exception::IMPORT_ERROR,
        format_args!("no module named '{}'", name),
    )
}

/// Compile and run `source` as the body of `module`.
pub fn exec_source_in(source: &str, file: &str, globals: Value) -> PyResult<()> {
    let compiled = crate::exec::compile(source, file, upy_compiler::ast::ParseMode::File)?;
    let (ctx, rc) = crate::emitglue::load(&compiled, globals)?;
    crate::vm::run_module_code(ctx, rc, globals, globals)?;
    Ok(())
}

fn exec_mpy_in(bytes: &[u8], globals: Value) -> PyResult<()> {
    let compiled = upy_compiler::mpy::read_with(bytes, 63, crate::qstr::mpy_static_str)
        .map_err(|e| raise::value_error(e.msg))?;
    let (ctx, rc) = crate::emitglue::load_mpy(&compiled, globals)?;
    crate::vm::run_module_code(ctx, rc, globals, globals)?;
    Ok(())
}

/// Read file `p` and run it (source, or `.mpy` when `mpy`) in `globals`.
fn exec_file(
    hal: &crate::modules::vfs::ImportFs,
    p: &str,
    globals: Value,
    mpy: bool,
) -> PyResult<()> {
    let mut bytes = Vec::new();
    hal.read_file(p, &mut bytes).map_err(raise::os_error)?;
    if mpy {
        return exec_mpy_in(&bytes, globals);
    }
    let src = core::str::from_utf8(&bytes)
        .map_err(|_| raise::unicode_error("invalid utf-8 in source"))?;
    exec_source_in(src, p, globals)
}

/// `a` followed by `b`, without `core::fmt`.
fn joined(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    s
}

/// Where a dotted module name was found.
enum Found {
    Py(String),
    Mpy(String),
    Package(String),
    Frozen(&'static crate::frozen::FrozenModule),
}

/// The path below `.frozen/` when `p` names something under sys.path's frozen entry.
fn frozen_rel(p: &str) -> Option<&str> {
    p.strip_prefix(crate::frozen::PATH_PREFIX)?
        .strip_prefix('/')
}

/// Look `p` (`.frozen/...`, without extension) up among the frozen modules.
fn find_frozen(p: &str) -> Option<Found> {
    let rel = frozen_rel(p)?;
    if crate::frozen::is_dir(rel) {
        return Some(Found::Package(String::from(p)));
    }
    for ext in [".py", ".mpy"] {
        let mut f = String::from(rel);
        f.push_str(ext);
        if let Some(m) = crate::frozen::find(&f) {
            return Some(Found::Frozen(m));
        }
    }
    None
}

/// A frozen package's `__init__`, given the package's `.frozen/...` directory.
fn frozen_init(dir: &str) -> Option<&'static crate::frozen::FrozenModule> {
    let rel = frozen_rel(dir)?;
    ["/__init__.py", "/__init__.mpy"].iter().find_map(|init| {
        let mut f = String::from(rel);
        f.push_str(init);
        crate::frozen::find(&f)
    })
}

fn find_on_path(rel: &str, base: Option<&str>) -> Option<Found> {
    let hal = crate::modules::vfs::ImportFs(state::get().hal?);
    let try_dir = |dir: &str| -> Option<Found> {
        let mut p = String::new();
        if !dir.is_empty() {
            p.push_str(dir);
            if !dir.ends_with('/') {
                p.push('/');
            }
        }
        p.push_str(rel);
        if frozen_rel(&p).is_some() {
            return find_frozen(&p);
        }
        if hal.stat(&p) == Some(crate::hal::FileKind::Dir) {
            return Some(Found::Package(p));
        }
        for ext in [".py", ".mpy"] {
            let f = joined(&p, ext);
            if hal.stat(&f) == Some(crate::hal::FileKind::File) {
                return Some(if ext == ".py" {
                    Found::Py(f)
                } else {
                    Found::Mpy(f)
                });
            }
        }
        None
    };
    if let Some(b) = base {
        return try_dir(b);
    }
    // Entries are read one at a time from the live sequence (a Python file system's stat
    // may change sys.path); the entry in hand stays alive as a local.
    let mut i = 0;
    while let Some(v) = sys_path_item(i) {
        i += 1;
        if let Some(dir) = pystr::as_str(v) {
            if let Some(f) = try_dir(dir) {
                return Some(f);
            }
        }
    }
    None
}

/// Entry `i` of sys.path, which may have been replaced by any sequence (a tuple to force
/// built-ins).
fn sys_path_item(i: usize) -> Option<Value> {
    let path = state::get().roots.sys_path;
    match list::get(path) {
        Some(l) => l.items().get(i).copied(),
        None => crate::objs::tuple::items(path).and_then(|t| t.get(i).copied()),
    }
}

fn sys_path_is_empty() -> bool {
    let path = state::get().roots.sys_path;
    match list::get(path) {
        Some(l) => l.items().is_empty(),
        None => crate::objs::tuple::items(path).is_some_and(|t| t.is_empty()),
    }
}

fn set_str(globals: Value, key: Qstr, s: &str) -> PyResult<()> {
    let v = pystr::new(s)?;
    if let Some(m) = dict::map_of(globals) {
        m.insert_qstr(key, v)?;
    }
    Ok(())
}

/// `__file__` of a frozen module: its path, which is also its source name (qstr 0), so the
/// name costs no heap.
fn set_frozen_file(globals: Value, fm: &crate::frozen::FrozenModule) -> PyResult<()> {
    match fm.qstrs.first() {
        Some(&q) if q.as_str() == fm.path => {
            if let Some(m) = dict::map_of(globals) {
                m.insert_qstr(Q::__file__, Value::qstr(q))?;
            }
            Ok(())
        }
        _ => set_str(globals, Q::__file__, fm.path),
    }
}

/// Load one module by its full dotted name, given the directory its parent package lives in
/// (None: search sys.path). Returns the module, loading it if needed; `fresh` says whether
/// sys.modules lacked it.
fn load_one(full: &str, last: &str, parent_dir: Option<&str>, fresh: &mut bool) -> PyResult<Value> {
    let fq = crate::runtime::intern_name(full)?;
    let loaded = modules_map()?.get_qstr(fq);
    *fresh = loaded.is_none();
    // An empty sys.path forces the built-in, even over a loaded module of that name (a
    // file that shadows a built-in imports the built-in this way).
    if let Some(m) = loaded {
        if !sys_path_is_empty() {
            return Ok(m);
        }
    }
    if parent_dir.is_none() {
        if let Some(m) = crate::modules::find_builtin(fq) {
            return Ok(m);
        }
        // `usys`: the one u-prefixed alias of a non-extensible module, kept upstream for
        // backwards compatibility; it is never searched for on sys.path.
        if fq == Q::usys {
            if let Some(m) = crate::modules::find_builtin(Q::sys) {
                return Ok(m);
            }
        }
    }
    let found = find_on_path(last, parent_dir);
    let found = match found {
        Some(f) => f,
        None => {
            if let Some(m) = crate::modules::find_builtin_extensible(fq) {
                return Ok(m);
            }
            return Err(not_found(full));
        }
    };
    let m = module::new(fq)?;
    let globals = module::globals(m);
    modules_map()?.insert_qstr(fq, m)?;
    let hal = crate::modules::vfs::ImportFs(
        state::get()
            .hal
            .ok_or_else(|| raise::runtime_error("no hal"))?,
    );
    let result = (|| -> PyResult<()> {
        match &found {
            Found::Py(p) | Found::Mpy(p) => {
                set_str(globals, Q::__file__, p)?;
                exec_file(&hal, p, globals, matches!(found, Found::Mpy(_)))
            }
            Found::Frozen(fm) => {
                set_frozen_file(globals, fm)?;
                crate::frozen::exec_in(fm, globals)
            }
            Found::Package(dir) if frozen_rel(dir).is_some() => {
                set_str(globals, Q::__path__, dir)?;
                if let Some(fm) = frozen_init(dir) {
                    set_frozen_file(globals, fm)?;
                    crate::frozen::exec_in(fm, globals)?;
                }
                Ok(())
            }
            Found::Package(dir) => {
                set_str(globals, Q::__path__, dir)?;
                // Only a source `__init__` sets `__file__`, as upstream.
                for (name, mpy) in [("/__init__.py", false), ("/__init__.mpy", true)] {
                    let init = joined(dir, name);
                    if hal.stat(&init) == Some(crate::hal::FileKind::File) {
                        if !mpy {
                            set_str(globals, Q::__file__, &init)?;
                        }
                        return exec_file(&hal, &init, globals, mpy);
                    }
                }
                Ok(())
            }
        }
    })();
    if let Err(e) = result {
        let _ = modules_map()?.remove(Value::qstr(fq));
        return Err(e);
    }
    Ok(m)
}

/// The directory of a package module (its `__path__`), if it is a package.
fn package_dir(m: Value) -> Option<&'static str> {
    // Not copied: a pointer into the str keeps it alive (conservative roots).
    module::lookup(m, Q::__path__).and_then(pystr::as_str)
}

/// Resolve a relative import against the importing module's globals.
fn resolve_relative(name: &str, level: usize, globals: Value) -> PyResult<String> {
    let g = dict::map_of(globals);
    let modname = g
        .as_ref()
        .and_then(|m| m.get_qstr(Q::__name__))
        .and_then(pystr::as_str)
        .unwrap_or("");
    let is_pkg = g.as_ref().and_then(|m| m.get_qstr(Q::__path__)).is_some();
    let mut base: &str = modname;
    let mut drop = if is_pkg { level - 1 } else { level };
    while drop > 0 {
        match base.rfind('.') {
            Some(i) => base = &base[..i],
            None => {
                if base.is_empty()
                    || drop > 1
                    || (!is_pkg && drop == 1 && base == modname && !base.contains('.'))
                {
                    return Err(raise::import_error("can't perform relative import"));
                }
                base = "";
            }
        }
        drop -= 1;
    }
    if base.is_empty() || base == "__main__" {
        return Err(raise::import_error("can't perform relative import"));
    }
    let mut out = String::from(base);
    if !name.is_empty() {
        out.push('.');
        out.push_str(name);
    }
    Ok(out)
}

/// `IMPORT_NAME`: import `name` (dotted), returning the top package unless `fromlist` is
/// given, in which case the named module itself.
pub fn import_name(name: Qstr, fromlist: Value, level: usize, globals: Value) -> PyResult<Value> {
    let name_s = name.as_str();
    // A top-level name already loaded, or built in: found without building any strings
    // (the first steps of `load_one`). Compiled `match` statements import `builtins`
    // for their type tests, and functions often import inside their bodies.
    if level == 0 && !name_s.contains('.') {
        if !sys_path_is_empty() {
            if let Some(m) = modules_map()?.get_qstr(name) {
                return Ok(m);
            }
        }
        if let Some(m) = crate::modules::find_builtin(name) {
            return Ok(m);
        }
    }
    // Upstream cannot even intern such a name (its compiler fails on it); say so here.
    if name_s.len() > 255 {
        return Err(raise::runtime_error("name too long"));
    }
    let relative;
    let full: &str = if level > 0 {
        relative = resolve_relative(name_s, level, globals)?;
        &relative
    } else {
        name_s
    };
    if full.is_empty() {
        return Err(raise::value_error("empty module name"));
    }
    let mut top = Value::NULL;
    let mut cur = Value::NULL;
    let mut dir: Option<&str> = None;
    // Each step's dotted name is a prefix of the full one.
    let mut end = 0;
    for (i, part) in full.split('.').enumerate() {
        if i > 0 {
            end += 1;
        }
        end += part.len();
        let prefix = full.get(..end).unwrap_or(full);
        if i > 0 && dir.is_none() {
            return Err(not_found(prefix));
        }
        let mut fresh = false;
        let m = load_one(prefix, part, dir, &mut fresh)?;
        // Only a first import binds the submodule as an attribute of its parent.
        if i > 0 && fresh {
            // Bind the submodule as an attribute of its parent.
            if let (Some(pm), Ok(q)) = (
                dict::map_of(module::globals(cur)),
                Qstr::intern(part).ok_or(()),
            ) {
                pm.insert_qstr(q, m)?;
            }
        } else if i == 0 {
            top = m;
        }
        dir = package_dir(m);
        cur = m;
    }
    let from_empty = fromlist.is_none()
        || fromlist.is_null()
        || crate::objs::tuple::items(fromlist)
            .map(|t| t.is_empty())
            .unwrap_or(false);
    if from_empty && level == 0 {
        Ok(top)
    } else {
        Ok(cur)
    }
}

/// `IMPORT_FROM`: an attribute of the module, or its submodule.
pub fn import_from(m: Value, name: Qstr) -> PyResult<Value> {
    match crate::runtime::load_attr_opt(m, name) {
        Ok(Some(v)) => return Ok(v),
        Ok(None) => {}
        Err(e) if crate::runtime::is_instance(e.0, &crate::objs::exception::ATTRIBUTE_ERROR) => {}
        Err(e) => return Err(e),
    }
    // Try a submodule of a package.
    if let Some(dir) = package_dir(m) {
        let parent = module::get(m).map(|x| x.name.as_str()).unwrap_or("");
        let full = joined(parent, &joined(".", name.as_str()));
        let sub = load_one(&full, name.as_str(), Some(dir), &mut false)?;
        if let Some(pm) = dict::map_of(module::globals(m)) {
            pm.insert_qstr(name, sub)?;
        }
        return Ok(sub);
    }
    Err(raise::msg_fmt(
        &crate::objs::exception::IMPORT_ERROR,
        format_args!("can't import name {}", name.as_str()),
    ))
}

/// The attributes of `m` named by the strings of `all`, into `dst`.
fn import_listed(m: Value, all: Value, dst: &mut crate::map::Map) -> PyResult<()> {
    let it = crate::runtime::get_iter(all)?;
    while let Some(k) = crate::runtime::iter_next(it)? {
        let q = pystr::as_str(k)
            .and_then(Qstr::intern)
            .ok_or_else(|| raise::type_error("__all__ must hold strings"))?;
        dst.insert(k, crate::runtime::load_attr(m, q)?)?;
    }
    Ok(())
}

/// `from m import *` into `locals`.
pub fn import_all(m: Value, locals: Value) -> PyResult<()> {
    let Some(dst) = dict::map_of(locals) else {
        return Ok(());
    };
    let all = match crate::runtime::load_attr_opt(m, Q::__all__) {
        Ok(v) => v,
        Err(e) if crate::runtime::is_instance(e.0, &crate::objs::exception::ATTRIBUTE_ERROR) => {
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(all) = all {
        // The names the module lists in __all__.
        return import_listed(m, all, dst);
    }
    if let Some(src) = dict::map_of(module::globals(m)) {
        for (k, v) in src.iter() {
            if let Some(s) = pystr::as_str(k) {
                if !s.starts_with('_') {
                    dst.insert(k, v)?;
                }
            }
        }
    } else if let Some(md) = module::get(m) {
        for (k, v) in md.table.iter() {
            if !k.as_str().starts_with('_') {
                dst.insert_qstr(k, v)?;
            }
        }
    } else if let Some(all) = crate::runtime::load_attr_opt(m, Q::__all__)? {
        // Any object standing in for a module: its __all__ names...
        import_listed(m, all, dst)?;
    } else if let Some(d) = crate::runtime::load_attr_opt(m, Q::__dict__)?.and_then(dict::map_of) {
        // ...or its public attributes.
        for (k, v) in d.iter() {
            if pystr::as_str(k)
                .map(|s| !s.starts_with('_'))
                .unwrap_or(false)
            {
                dst.insert(k, v)?;
            }
        }
    } else {
        return Err(raise::import_error("can't import * from this object"));
    }
    Ok(())
}

/// `upy -m name`: run a module (or a package's `__main__`) as `__main__`.
pub fn import_main(name: Qstr) -> PyResult<Value> {
    let globals = crate::exec::main_globals()?;
    let full = name.as_str();
    let rel: String = full.replace('.', "/");
    let hal = crate::modules::vfs::ImportFs(
        state::get()
            .hal
            .ok_or_else(|| raise::runtime_error("no hal"))?,
    );
    let mut missing = String::from(full);
    let path = match find_on_path(&rel, None) {
        Some(Found::Frozen(fm)) => {
            set_frozen_file(globals, fm)?;
            crate::frozen::exec_in(fm, globals)?;
            return Ok(Value::NONE);
        }
        Some(Found::Package(dir)) if frozen_rel(&dir).is_some() => {
            let main = joined(frozen_rel(&dir).unwrap_or(""), "/__main__.py");
            let fm =
                crate::frozen::find(&main).ok_or_else(|| not_found(&joined(full, ".__main__")))?;
            set_frozen_file(globals, fm)?;
            crate::frozen::exec_in(fm, globals)?;
            return Ok(Value::NONE);
        }
        Some(Found::Py(p)) => p,
        Some(Found::Package(dir)) => {
            missing.push_str(".__main__");
            joined(&dir, "/__main__.py")
        }
        Some(Found::Mpy(p)) => {
            exec_file(&hal, &p, globals, true)?;
            return Ok(Value::NONE);
        }
        None => return Err(not_found(full)),
    };
    set_str(globals, Q::__file__, &path)?;
    let mut bytes = Vec::new();
    hal.read_file(&path, &mut bytes)
        .map_err(|_| not_found(&missing))?;
    let src = core::str::from_utf8(&bytes)
        .map_err(|_| raise::unicode_error("invalid utf-8 in source"))?;
    exec_source_in(src, &path, globals)?;
    Ok(Value::NONE)
}
