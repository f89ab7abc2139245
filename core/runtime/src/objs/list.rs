//! `list`: a growable array of values in a separately allocated buffer.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Type};
use crate::qstr::Q;
use crate::value::Value;

#[repr(C)]
pub struct List {
    pub base: ObjBase,
    pub len: usize,
    pub cap: usize,
    pub items: *mut Value,
}

impl List {
    pub fn items(&self) -> &'static mut [Value] {
        if self.items.is_null() {
            return &mut [];
        }
        // SAFETY: items holds len initialised values.
        unsafe { core::slice::from_raw_parts_mut(self.items, self.len) }
    }

    pub fn reserve(&mut self, extra: usize) -> PyResult<()> {
        let need = self.len.checked_add(extra).ok_or_else(mem::oom)?;
        if need <= self.cap {
            return Ok(());
        }
        let cap = need.max(self.cap + self.cap / 2).max(4);
        self.items = mem::realloc_array::<Value>(self.items, cap)?;
        self.cap = cap;
        Ok(())
    }

    pub fn push(&mut self, v: Value) -> PyResult<()> {
        if self.len == self.cap {
            self.reserve(1)?;
        }
        // SAFETY: len < cap after reserve.
        unsafe { *self.items.add(self.len) = v };
        self.len += 1;
        Ok(())
    }
}

/// A new list holding a copy of `items`.
pub fn new(items: &[Value]) -> PyResult<Value> {
    let mut l = List {
        base: ObjBase::new(&TYPE),
        len: 0,
        cap: 0,
        items: core::ptr::null_mut(),
    };
    if !items.is_empty() {
        l.items = mem::alloc_array::<Value>(items.len())?;
        l.cap = items.len();
        // SAFETY: fresh buffer of items.len() values.
        unsafe { core::ptr::copy_nonoverlapping(items.as_ptr(), l.items, items.len()) };
        l.len = items.len();
    }
    Ok(Value::from_ptr(mem::alloc(l)?))
}

/// An empty list with room for `n` items.
pub fn with_capacity(n: usize) -> PyResult<Value> {
    let v = new(&[])?;
    if let Some(l) = get(v) {
        l.reserve(n)?;
    }
    Ok(v)
}

/// The list behind `v` (exact list type).
pub fn get(v: Value) -> Option<&'static mut List> {
    v.downcast(&TYPE)
}

/// Append to a list value.
pub fn append(list: Value, x: Value) -> PyResult<()> {
    match get(list) {
        Some(l) => l.push(x),
        None => Err(crate::raise::type_error("expected a list")),
    }
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let items = get(v).map(|l| l.items()).unwrap_or(&mut []);
    out.write_str("[")?;
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        crate::runtime::print_value(out, *x, PrintKind::Repr)?;
    }
    out.write_str("]")
}

pub static TYPE: Type = Type {
    name: Q::list,
    flags: flags::BASETYPE,
    print: Some(print),
    ..Type::EMPTY
};

/// A new list of the items of any iterable.
pub fn from_iter(iterable: Value) -> PyResult<Value> {
    let l = new(&[])?;
    extend_from_iter(l, iterable)?;
    Ok(l)
}

/// Append every item of `iterable` to `list`.
pub fn extend_from_iter(list: Value, iterable: Value) -> PyResult<()> {
    let l = get(list).ok_or_else(|| crate::raise::type_error("expected a list"))?;
    if let Some(items) = crate::objs::tuple::items(iterable) {
        l.reserve(items.len())?;
        for v in items.iter() {
            l.push(*v)?;
        }
        return Ok(());
    }
    let it = crate::runtime::get_iter(iterable)?;
    while let Some(v) = crate::runtime::iter_next(it)? {
        l.push(v)?;
    }
    Ok(())
}
