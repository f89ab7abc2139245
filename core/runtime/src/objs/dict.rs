//! `dict`: an insertion-ordered hash map (see map.rs), its iterator and its views
//! (`keys()`, `values()`, `items()`), following MicroPython's py/objdict.c with CPython's
//! insertion order and LIFO `popitem`.

use crate::map::Map;
use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::objs::fun::{MethodWrapper, CLASSMETHOD_TYPE};
use crate::objs::list::{self, NestGuard};
use crate::qstr::Q;
use crate::raise;
use crate::runtime;
use crate::value::Value;
use upy_compiler::bc::{binary as op, unary as uop};

#[repr(C)]
pub struct Dict {
    pub base: ObjBase,
    pub map: Map,
}

pub fn new() -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Dict {
        base: ObjBase::new(&TYPE),
        map: Map::new(),
    })?))
}

pub fn with_capacity(n: usize) -> PyResult<Value> {
    let map = Map::with_capacity(n)?;
    Ok(Value::from_ptr(mem::alloc(Dict {
        base: ObjBase::new(&TYPE),
        map,
    })?))
}

/// The map of a dict (or of a static dict-derived type such as OrderedDict).
#[inline]
pub fn map_of(v: Value) -> Option<&'static mut Map> {
    if !v.is_obj() {
        return None;
    }
    let ty = v.type_of();
    // Plain dicts (globals, class namespaces) first, without the subclass walk.
    if core::ptr::eq(ty, &TYPE) || (crate::runtime::is_subclass(ty, &TYPE) && !ty.is_heap()) {
        // SAFETY: dict-derived static types share the Dict layout.
        let d: &mut Dict = unsafe { v.downcast_unchecked() };
        return Some(&mut d.map);
    }
    None
}

/// The map of an exact dict (globals, module-level locals), else `None`: a few inline
/// instructions for the VM's name opcodes, which fall back to `map_of` on `None`.
#[inline(always)]
pub fn exact_map(v: Value) -> Option<&'static mut Map> {
    if !v.is_obj() {
        return None;
    }
    // SAFETY: object values point at an ObjBase.
    let ty = unsafe { (*v.as_ptr::<crate::obj::ObjBase>()).ty() };
    if !core::ptr::eq(ty, &TYPE) {
        return None;
    }
    // SAFETY: the object is a Dict.
    let d: &mut Dict = unsafe { v.downcast_unchecked() };
    Some(&mut d.map)
}

/// The map of a dict or of the native dict inside an instance of a dict subclass.
pub fn map_or_native(v: Value) -> Option<&'static mut Map> {
    map_of(v).or_else(|| crate::objs::r#type::native_of(v).and_then(map_of))
}

fn this(v: Value) -> PyResult<&'static mut Map> {
    map_of(v).ok_or_else(|| list::wrong_self(&TYPE, v))
}

/// A dict that may be changed: a fixed dict (a module's read-only table) is a TypeError.
fn this_mut(v: Value) -> PyResult<&'static mut Map> {
    if v.is_obj() && core::ptr::eq(v.type_of(), &FIXED_TYPE) {
        return Err(raise::type_error(""));
    }
    this(v)
}

/// A new read-only dict (such as `errno.errorcode`): it prints and compares as a dict,
/// but every mutation raises TypeError. Fill it through `map_of` before handing it out.
pub fn new_fixed() -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Dict {
        base: ObjBase::new(&FIXED_TYPE),
        map: Map::new(),
    })?))
}

/// `dict[key] = value`.
pub fn store(dict: Value, key: Value, value: Value) -> PyResult<()> {
    this(dict)?.insert(key, value).map(|_| ())
}

/// `dict[key]`, or `None` when absent.
pub fn lookup(dict: Value, key: Value) -> PyResult<Option<Value>> {
    this(dict)?.get(key)
}

/// Entry at slot `i` of a dict's map: `None` past the end, `Some(None)` for a deleted slot.
fn slot(d: Value, i: usize) -> Option<Option<(Value, Value)>> {
    map_of(d)?.slot(i)
}

/// A new dict with the same entries (and type) as `d`.
pub fn copy_of(d: Value) -> PyResult<Value> {
    let src = this(d)?;
    let r = with_capacity(src.len())?;
    if let Some(rd) = r.downcast::<Dict>(&TYPE) {
        if !core::ptr::eq(d.type_of(), &FIXED_TYPE) {
            rd.base = ObjBase::new(d.type_of());
        }
    }
    let dst = this(r)?;
    if src.is_linear() {
        dst.set_linear();
    }
    let mut i = 0;
    while let Some(e) = slot(d, i) {
        if let Some((k, v)) = e {
            dst.insert(k, v)?;
        }
        i += 1;
    }
    Ok(r)
}

/// `d.update(other)` for the positional argument: a dict, an object with `keys()`, or an
/// iterable of key/value pairs.
fn update_from(d: Value, other: Value) -> PyResult<()> {
    let other = match crate::objs::r#type::native_of(other) {
        Some(n) if map_of(n).is_some() => n,
        _ => other,
    };
    if map_of(other).is_some() {
        if other == d {
            return Ok(());
        }
        let mut i = 0;
        while let Some(e) = slot(other, i) {
            if let Some((k, v)) = e {
                store(d, k, v)?;
            }
            i += 1;
        }
        return Ok(());
    }
    if crate::objs::r#type::as_type(other).is_none() {
        if let Some(keys) = runtime::load_attr_opt(other, Q::keys)? {
            let it = runtime::get_iter(runtime::call0(keys)?)?;
            while let Some(k) = runtime::iter_next(it)? {
                let v = runtime::subscr(other, k)?;
                store(d, k, v)?;
            }
            return Ok(());
        }
    }
    let it = runtime::get_iter(other)?;
    while let Some(pair) = runtime::iter_next(it)? {
        let inner = runtime::get_iter(pair)?;
        let k = runtime::iter_next(inner)?;
        let v = runtime::iter_next(inner)?;
        match (k, v) {
            (Some(k), Some(v)) if runtime::iter_next(inner)?.is_none() => store(d, k, v)?,
            _ => return Err(raise::value_error("dict update sequence has wrong length")),
        }
    }
    Ok(())
}

/// Store flattened keyword (name, value) pairs.
fn update_kw(d: Value, kw: &[Value]) -> PyResult<()> {
    for pair in kw.chunks(2) {
        if let [k, v] = pair {
            store(d, *k, *v)?;
        }
    }
    Ok(())
}

// --- slots ---

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(list::too_many_args(1, args.len()));
    }
    let d = new()?;
    if let Some(dd) = d.downcast::<Dict>(&TYPE) {
        dd.base = ObjBase::new(ty);
        if crate::runtime::is_subclass(ty, &crate::modules::collections::ORDERED_DICT_TYPE) {
            dd.map.set_linear();
        }
    }
    if let Some(a) = args.first() {
        update_from(d, *a)?;
    }
    update_kw(d, kw)?;
    Ok(d)
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let ty = v.type_of();
    let (pre, open, close) = if core::ptr::eq(ty, &TYPE) {
        ("", "{", "}")
    } else {
        (ty.name.as_str(), "({", "})")
    };
    let mut i = 0;
    list::print_items(out, pre, open, close, &mut || {
        while let Some(e) = slot(v, i) {
            i += 1;
            if let Some((k, x)) = e {
                return Ok(Some((k, Some(x))));
            }
        }
        Ok(None)
    })
}

fn subscr(v: Value, index: Value, sop: SubscrOp) -> PyResult<Option<Value>> {
    let Some(m) = map_of(v) else { return Ok(None) };
    if !matches!(sop, SubscrOp::Load) {
        this_mut(v)?;
    }
    match sop {
        SubscrOp::Load => match m.get(index)? {
            Some(x) => Ok(Some(x)),
            None => Err(raise::key_error(index)),
        },
        SubscrOp::Store(x) => {
            m.insert(index, x)?;
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => match m.remove(index)? {
            Some(_) => Ok(Some(Value::NONE)),
            None => Err(raise::key_error(index)),
        },
    }
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(m) = map_of(v) else { return Ok(None) };
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(!m.is_empty())),
        uop::LEN => Some(Value::small_int(m.len() as isize)),
        uop::HASH => return Err(list::unhashable(v)),
        _ => None,
    })
}

fn dict_equal(a: Value, b: Value) -> PyResult<bool> {
    let _g = NestGuard::enter()?;
    let b = match crate::objs::r#type::native_of(b) {
        Some(n) if map_of(n).is_some() => n,
        _ => b,
    };
    let (Some(ma), Some(mb)) = (map_of(a), map_of(b)) else {
        return Ok(false);
    };
    if ma.len() != mb.len() {
        return Ok(false);
    }
    let mut i = 0;
    while let Some(e) = slot(a, i) {
        if let Some((k, x)) = e {
            match map_of(b).map(|m| m.get(k)).transpose()?.flatten() {
                Some(y) if runtime::equal(x, y)? => {}
                _ => return Ok(false),
            }
        }
        i += 1;
    }
    Ok(true)
}

fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    let Some(m) = map_of(a) else { return Ok(None) };
    match o {
        op::CONTAINS => Ok(Some(Value::from_bool(m.get(b)?.is_some()))),
        op::EQUAL => Ok(Some(Value::from_bool(dict_equal(a, b)?))),
        op::OR | op::INPLACE_OR => {
            if map_of(b).is_none() {
                return Ok(None);
            }
            let target = if o == op::OR { copy_of(a)? } else { a };
            update_from(target, b)?;
            Ok(Some(target))
        }
        _ => Ok(None),
    }
}

fn getiter(v: Value) -> PyResult<Value> {
    new_iter(v, ViewKind::Keys)
}

// --- views and iterators ---

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum ViewKind {
    Items = 0,
    Keys = 1,
    Values = 2,
}

#[repr(C)]
pub struct DictView {
    pub base: ObjBase,
    pub dict: Value,
    pub kind: ViewKind,
}

#[repr(C)]
pub struct DictIter {
    pub base: ObjBase,
    pub dict: Value,
    pub index: usize,
    /// The dict's length when iteration began (a change means it was resized under us),
    /// shifted left by two, with the [`ViewKind`] in the low bits: four words in all, so
    /// the iterator fits a `runtime::IterBuf`.
    pub len_kind: usize,
}

impl DictIter {
    fn new(dict: Value, kind: ViewKind) -> DictIter {
        let len = map_of(dict).map(|m| m.len()).unwrap_or(0);
        DictIter {
            base: ObjBase::new(&ITER_TYPE),
            dict,
            index: 0,
            len_kind: len << 2 | kind as usize,
        }
    }

    fn kind(&self) -> ViewKind {
        match self.len_kind & 3 {
            0 => ViewKind::Items,
            1 => ViewKind::Keys,
            _ => ViewKind::Values,
        }
    }
}

/// A key iterator placed in `buf` (see `runtime::get_iter_buf`).
pub fn iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Value {
    crate::runtime::place_iter(buf, DictIter::new(v, ViewKind::Keys))
}

fn new_iter(dict: Value, kind: ViewKind) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(DictIter::new(dict, kind))?))
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    let Some(s) = it.downcast::<DictIter>(&ITER_TYPE) else {
        return Ok(None);
    };
    if map_of(s.dict).map(|m| m.len()) != Some(s.len_kind >> 2) && map_of(s.dict).is_some() {
        return Err(crate::raise::runtime_error(
            "dictionary changed size during iteration",
        ));
    }
    while let Some(e) = slot(s.dict, s.index) {
        s.index += 1;
        if let Some((k, v)) = e {
            return Ok(Some(match s.kind() {
                ViewKind::Keys => k,
                ViewKind::Values => v,
                ViewKind::Items => crate::objs::tuple::new(&[k, v])?,
            }));
        }
    }
    Ok(None)
}

pub static ITER_TYPE: Type = Type {
    name: Q::iterator,
    flags: flags::ITER_IS_ITERNEXT,
    iternext: Some(iter_next),
    ..Type::EMPTY
};

fn new_view(dict: Value, kind: ViewKind) -> PyResult<Value> {
    this(dict)?;
    Ok(Value::from_ptr(mem::alloc(DictView {
        base: ObjBase::new(&VIEW_TYPE),
        dict,
        kind,
    })?))
}

fn view_of(v: Value) -> Option<&'static mut DictView> {
    v.downcast(&VIEW_TYPE)
}

fn view_print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(view) = view_of(v) else {
        return Ok(());
    };
    let open = match view.kind {
        ViewKind::Items => "dict_items([",
        ViewKind::Keys => "dict_keys([",
        ViewKind::Values => "dict_values([",
    };
    let mut it = None;
    list::print_items(out, "", open, "])", &mut || {
        let it = match it {
            Some(it) => it,
            None => *it.insert(new_iter(view.dict, view.kind)?),
        };
        Ok(iter_next(it)?.map(|x| (x, None)))
    })
}

fn view_unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(view) = view_of(v) else {
        return Ok(None);
    };
    if o == uop::HASH {
        if view.kind == ViewKind::Values {
            return Ok(Some(Value::small_int((v.bits() >> 3) as isize)));
        }
        return Err(list::unhashable(v));
    }
    unary_op(o, view.dict)
}

fn view_binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    let Some(view) = view_of(a) else {
        return Ok(None);
    };
    if o != op::CONTAINS {
        return view_set_op(o, a, view.kind, b);
    }
    match view.kind {
        ViewKind::Keys => Ok(Some(Value::from_bool(this(view.dict)?.get(b)?.is_some()))),
        ViewKind::Items => {
            let Some(pair) = crate::objs::tuple::items(b) else {
                return Ok(Some(Value::FALSE));
            };
            let [k, x] = pair else {
                return Ok(Some(Value::FALSE));
            };
            let found = match this(view.dict)?.get(*k)? {
                Some(y) => runtime::equal(y, *x)?,
                None => false,
            };
            Ok(Some(Value::from_bool(found)))
        }
        ViewKind::Values => Ok(None),
    }
}

/// Keys and items views are set-like (as in CPython): `| & - ^` with any iterable give a
/// set, and they compare with sets and other views as sets.
fn view_set_op(o: u8, a: Value, kind: ViewKind, b: Value) -> PyResult<Option<Value>> {
    use crate::objs::set;
    if kind == ViewKind::Values {
        return Ok(None);
    }
    let set_like =
        |v: Value| set::get(v).is_some() || view_of(v).is_some_and(|w| w.kind != ViewKind::Values);
    let (plain, swapped) = match o {
        op::OR | op::AND | op::SUBTRACT | op::XOR => (o, false),
        op::REVERSE_OR..=op::REVERSE_POWER => {
            let p = o - op::REVERSE_OR + op::OR;
            if !matches!(p, op::OR | op::AND | op::SUBTRACT | op::XOR) {
                return Ok(None);
            }
            (p, true)
        }
        op::EQUAL | op::LESS | op::LESS_EQUAL | op::MORE | op::MORE_EQUAL => {
            if !set_like(b) {
                return Ok(if o == op::EQUAL {
                    Some(Value::FALSE)
                } else {
                    None
                });
            }
            (o, false)
        }
        _ => return Ok(None),
    };
    if crate::objs::r#type::as_type(b).is_none() && runtime::get_iter(b).is_err() {
        return Ok(None);
    }
    let mine = set::new_from(&set::TYPE, a)?;
    let other = set::new_from(&set::TYPE, b)?;
    let (x, y) = if swapped {
        (other, mine)
    } else {
        (mine, other)
    };
    runtime::binary_op(plain, x, y).map(Some)
}

fn view_getiter(v: Value) -> PyResult<Value> {
    let Some(view) = view_of(v) else {
        return Err(raise::type_error("expected a dict view"));
    };
    new_iter(view.dict, view.kind)
}

pub static VIEW_TYPE: Type = Type {
    name: Q::dict_view,
    print: Some(view_print),
    unary_op: Some(view_unary_op),
    binary_op: Some(view_binary_op),
    getiter: Some(view_getiter),
    ..Type::EMPTY
};

// --- methods ---

fn clear(d: Value) -> PyResult<Value> {
    this_mut(d)?.clear();
    Ok(Value::NONE)
}

fn copy(d: Value) -> PyResult<Value> {
    copy_of(d)
}

fn fromkeys(args: &[Value]) -> PyResult<Value> {
    let (cls, keys) = match args {
        [c, k, ..] => (*c, *k),
        _ => {
            return Err(raise::type_error(
                "function missing 1 required positional arguments",
            ))
        }
    };
    let value = args.get(2).copied().unwrap_or(Value::NONE);
    let d = match crate::objs::r#type::as_type(cls) {
        Some(t) if core::ptr::eq(t, &TYPE) => new()?,
        _ => runtime::call0(cls)?,
    };
    let it = runtime::get_iter(keys)?;
    while let Some(k) = runtime::iter_next(it)? {
        runtime::store_subscr(d, k, value)?;
    }
    Ok(d)
}

fn get(args: &[Value]) -> PyResult<Value> {
    let m = this(args[0])?;
    let key = args.get(1).copied().unwrap_or(Value::NONE);
    Ok(m.get(key)?
        .unwrap_or_else(|| args.get(2).copied().unwrap_or(Value::NONE)))
}

fn pop(args: &[Value]) -> PyResult<Value> {
    let m = this_mut(args[0])?;
    let key = args.get(1).copied().unwrap_or(Value::NONE);
    match m.remove(key)? {
        Some(v) => Ok(v),
        None => match args.get(2) {
            Some(default) => Ok(*default),
            None => Err(raise::key_error(key)),
        },
    }
}

fn setdefault(args: &[Value]) -> PyResult<Value> {
    let m = this_mut(args[0])?;
    let key = args.get(1).copied().unwrap_or(Value::NONE);
    if let Some(v) = m.get(key)? {
        return Ok(v);
    }
    let v = args.get(2).copied().unwrap_or(Value::NONE);
    m.insert(key, v)?;
    Ok(v)
}

fn popitem(d: Value) -> PyResult<Value> {
    match this_mut(d)?.pop_last() {
        Some((k, v)) => crate::objs::tuple::new(&[k, v]),
        None => Err(raise::msg(
            &crate::objs::exception::KEY_ERROR,
            "popitem(): dictionary is empty",
        )),
    }
}

fn update(args: &[Value], kw: &[Value]) -> PyResult<Value> {
    let d = args[0];
    this_mut(d)?;
    match args.len() {
        1 => {}
        2 => update_from(d, args[1])?,
        n => {
            return Err(list::too_many_args(2, n));
        }
    }
    update_kw(d, kw)?;
    Ok(Value::NONE)
}

fn items(d: Value) -> PyResult<Value> {
    new_view(d, ViewKind::Items)
}

fn keys(d: Value) -> PyResult<Value> {
    new_view(d, ViewKind::Keys)
}

fn values(d: Value) -> PyResult<Value> {
    new_view(d, ViewKind::Values)
}

fn getitem(d: Value, k: Value) -> PyResult<Value> {
    runtime::subscr(d, k)
}

fn setitem(d: Value, k: Value, v: Value) -> PyResult<Value> {
    runtime::store_subscr(d, k, v)?;
    Ok(Value::NONE)
}

fn delitem(d: Value, k: Value) -> PyResult<Value> {
    runtime::delete_subscr(d, k)?;
    Ok(Value::NONE)
}

static FROMKEYS: MethodWrapper = MethodWrapper {
    base: ObjBase::new(&CLASSMETHOD_TYPE),
    fun: crate::fun!(
        fromkeys,
        Var {
            min: 2,
            max: 3,
            f: fromkeys
        }
    ),
};

#[rustfmt::skip]
static LOCALS: [(crate::qstr::Qstr, Value); 14] = [
    crate::entry!(clear, crate::fun!(clear, F1(clear))),
    crate::entry!(copy, crate::fun!(copy, F1(copy))),
    crate::entry!(fromkeys, Value::from_static(&FROMKEYS)),
    crate::entry!(get, crate::fun!(get, Var { min: 2, max: 3, f: get })),
    crate::entry!(items, crate::fun!(items, F1(items))),
    crate::entry!(keys, crate::fun!(keys, F1(keys))),
    crate::entry!(pop, crate::fun!(pop, Var { min: 2, max: 3, f: pop })),
    crate::entry!(popitem, crate::fun!(popitem, F1(popitem))),
    crate::entry!(setdefault, crate::fun!(setdefault, Var { min: 2, max: 3, f: setdefault })),
    crate::entry!(update, crate::fun!(update, Kw { min: 1, f: update })),
    crate::entry!(values, crate::fun!(values, F1(values))),
    crate::entry!(__getitem__, crate::fun!(__getitem__, F2(getitem))),
    crate::entry!(__setitem__, crate::fun!(__setitem__, F3(setitem))),
    crate::entry!(__delitem__, crate::fun!(__delitem__, F2(delitem))),
];

pub static TYPE: Type = Type {
    name: Q::dict,
    flags: flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

/// The type of fixed dicts; named `dict` like upstream, where fixedness is a map flag.
pub static FIXED_TYPE: Type = Type {
    name: Q::dict,
    flags: 0,
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    subscr: Some(subscr),
    getiter: Some(getiter),
    locals: TYPE.locals,
    parent: Some(&TYPE),
    ..Type::EMPTY
};

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::state::testing::with_vm;
    use std::string::{String, ToString};

    fn repr(v: Value) -> String {
        let s = runtime::repr(v).expect("repr");
        crate::objs::str::as_str(s).unwrap_or("?").to_string()
    }

    fn int(n: isize) -> Value {
        Value::small_int(n)
    }

    fn arg0(e: Value) -> String {
        let a = crate::objs::exception::args(e);
        repr(a.first().copied().unwrap_or(Value::NONE))
    }

    fn dict_of(pairs: &[(isize, isize)]) -> Value {
        let d = new().unwrap();
        for (k, v) in pairs {
            store(d, int(*k), int(*v)).unwrap();
        }
        d
    }

    #[test]
    fn order_views_and_methods() {
        with_vm(|| {
            let d = dict_of(&[(3, 30), (1, 10), (2, 20)]);
            assert_eq!(repr(d), "{3: 30, 1: 10, 2: 20}");
            assert_eq!(repr(keys(d).unwrap()), "dict_keys([3, 1, 2])");
            assert_eq!(repr(values(d).unwrap()), "dict_values([30, 10, 20])");
            assert_eq!(
                repr(items(d).unwrap()),
                "dict_items([(3, 30), (1, 10), (2, 20)])"
            );
            assert_eq!(runtime::len(keys(d).unwrap()).unwrap(), 3);
            assert!(runtime::contains(keys(d).unwrap(), int(1)).unwrap());
            assert!(runtime::contains(values(d).unwrap(), int(20)).unwrap());
            let pair = crate::objs::tuple::new(&[int(1), int(10)]).unwrap();
            assert!(runtime::contains(items(d).unwrap(), pair).unwrap());
            assert!(runtime::hash(keys(d).unwrap()).is_err());
            assert!(runtime::hash(values(d).unwrap()).is_ok());
            assert_eq!(get(&[d, int(5)]).unwrap(), Value::NONE);
            assert_eq!(get(&[d, int(5), int(7)]).unwrap(), int(7));
            assert_eq!(setdefault(&[d, int(4), int(40)]).unwrap(), int(40));
            assert_eq!(setdefault(&[d, int(4), int(41)]).unwrap(), int(40));
            assert_eq!(pop(&[d, int(3)]).unwrap(), int(30));
            assert!(pop(&[d, int(3)]).is_err());
            assert_eq!(pop(&[d, int(3), int(0)]).unwrap(), int(0));
            assert_eq!(repr(popitem(d).unwrap()), "(4, 40)");
            assert_eq!(repr(d), "{1: 10, 2: 20}");
            let c = copy(d).unwrap();
            clear(d).unwrap();
            assert_eq!(repr(d), "{}");
            let e = popitem(d).unwrap_err();
            assert_eq!(arg0(e.0), "'popitem(): dictionary is empty'");
            assert!(runtime::equal(c, dict_of(&[(2, 20), (1, 10)])).unwrap());
            assert!(!runtime::equal(c, dict_of(&[(2, 20), (1, 11)])).unwrap());
            // Deleting during growth keeps order; iteration skips deleted slots.
            let d = new().unwrap();
            for i in 0..50 {
                store(d, int(i), int(i)).unwrap();
            }
            for i in (0..50).step_by(2) {
                runtime::delete_subscr(d, int(i)).unwrap();
            }
            let it = runtime::get_iter(d).unwrap();
            let mut expect = 1;
            while let Some(k) = runtime::iter_next(it).unwrap() {
                assert_eq!(k, int(expect));
                expect += 2;
            }
            assert_eq!(expect, 51);
        });
    }

    #[test]
    fn constructor_update_union_and_keys() {
        with_vm(|| {
            let pairs = crate::objs::list::new(&[
                crate::objs::tuple::new(&[int(1), int(2)]).unwrap(),
                crate::objs::list::new(&[int(3), int(4)]).unwrap(),
            ])
            .unwrap();
            let kw = [Value::qstr(Q::key), int(9)];
            let d = make_new(&TYPE, &[pairs], &kw).unwrap();
            assert_eq!(repr(d), "{1: 2, 3: 4, 'key': 9}");
            let bad =
                crate::objs::list::new(&[crate::objs::tuple::new(&[int(1)]).unwrap()]).unwrap();
            let e = make_new(&TYPE, &[bad], &[]).unwrap_err();
            assert_eq!(arg0(e.0), "'dict update sequence has wrong length'");
            let a = dict_of(&[(1, 1), (2, 2)]);
            let b = dict_of(&[(2, 3), (4, 4)]);
            assert_eq!(
                repr(runtime::binary_op(op::OR, a, b).unwrap()),
                "{1: 1, 2: 3, 4: 4}"
            );
            assert_eq!(repr(a), "{1: 1, 2: 2}");
            runtime::binary_op(op::INPLACE_OR, a, b).unwrap();
            assert_eq!(repr(a), "{1: 1, 2: 3, 4: 4}");
            // Unhashable keys are rejected even in small maps; True is the key 1.
            let l = crate::objs::list::new(&[]).unwrap();
            assert!(store(a, l, int(0)).is_err());
            assert!(runtime::subscr(a, l).is_err());
            store(a, Value::TRUE, int(5)).unwrap();
            assert_eq!(runtime::subscr(a, int(1)).unwrap(), int(5));
            let big = new().unwrap();
            for i in 0..40 {
                store(big, int(i), int(i)).unwrap();
            }
            store(big, Value::TRUE, int(-1)).unwrap();
            assert_eq!(runtime::subscr(big, int(1)).unwrap(), int(-1));
            assert_eq!(runtime::len(big).unwrap(), 40);
            let e = runtime::subscr(big, int(99)).unwrap_err();
            assert_eq!(arg0(e.0), "99");
            let fk =
                fromkeys(&[TYPE.as_value(), crate::objs::range::new(0, 3, 1).unwrap()]).unwrap();
            assert_eq!(repr(fk), "{0: None, 1: None, 2: None}");
        });
    }
}
