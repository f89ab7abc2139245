//! Tuples with named fields (`sys.implementation`, `os.uname()`, `time.localtime()`-style
//! results): a tuple whose type resolves attribute names through a static field list
//! (py/objattrtuple.c).

use crate::obj::{AttrOp, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::tuple::{self, Tuple};
use crate::qstr::{Qstr, Q};
use crate::value::Value;

/// Layout: a tuple header followed by the items, then the field-name table pointer in
/// `fields` (kept in a side object so the items stay a plain tuple for indexing).
#[repr(C)]
pub struct AttrTuple {
    pub base: ObjBase,
    pub fields: &'static [Qstr],
    pub items: Value,
}

pub fn new(fields: &'static [Qstr], items: &[Value]) -> PyResult<Value> {
    let t = tuple::new(items)?;
    Ok(Value::from_ptr(crate::mem::alloc(AttrTuple {
        base: ObjBase::new(&TYPE),
        fields,
        items: t,
    })?))
}

fn get(v: Value) -> Option<&'static AttrTuple> {
    v.downcast::<AttrTuple>(&TYPE).map(|x| &*x)
}

fn attr(v: Value, name: Qstr, op: AttrOp) -> PyResult<Option<Value>> {
    let Some(a) = get(v) else { return Ok(None) };
    if op != AttrOp::Load {
        return Ok(None);
    }
    let items = tuple::items(a.items).map(|s| &*s).unwrap_or(&[]);
    Ok(a.fields
        .iter()
        .position(|f| *f == name)
        .and_then(|i| items.get(i).copied()))
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(a) = get(v) else { return Ok(()) };
    let items = tuple::items(a.items).map(|s| &*s).unwrap_or(&[]);
    let fields = a.fields;
    print_fields(out, "", items.get(..fields.len()).unwrap_or(items), &|i| {
        fields.get(i).map_or("?", |f| f.as_str())
    })
}

/// `<type>(name=value, ...)`, the items of a tuple with field names (also namedtuple's).
pub fn print_fields(
    out: &mut dyn Print,
    type_name: &str,
    items: &[Value],
    name: &dyn Fn(usize) -> &'static str,
) -> PyResult<()> {
    let _g = crate::objs::list::NestGuard::enter()?;
    out.write_str(type_name)?;
    out.write_str("(")?;
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        out.write_str(name(i))?;
        out.write_str("=")?;
        crate::runtime::print_value(out, *x, PrintKind::Repr)?;
    }
    out.write_str(")")
}

fn subscr(v: Value, index: Value, op: crate::obj::SubscrOp) -> PyResult<Option<Value>> {
    let Some(a) = get(v) else { return Ok(None) };
    match tuple::TYPE.subscr {
        Some(f) => f(a.items, index, op),
        None => {
            let items = tuple::items(a.items).map(|s| &*s).unwrap_or(&[]);
            let i = index
                .as_small_int()
                .ok_or_else(|| crate::raise::type_error("tuple indices must be integers"))?;
            let i = if i < 0 { i + items.len() as isize } else { i };
            items
                .get(i as usize)
                .copied()
                .map(Some)
                .ok_or_else(|| crate::raise::index_error("tuple index out of range"))
        }
    }
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(a) = get(v) else { return Ok(None) };
    crate::runtime::unary_op(o, a.items).map(Some)
}

fn getiter(v: Value) -> PyResult<Value> {
    let items = get(v).map(|a| a.items).unwrap_or(Value::NONE);
    crate::runtime::get_iter(items)
}

pub static TYPE: Type = Type {
    name: Q::tuple,
    attr: Some(attr),
    print: Some(print),
    subscr: Some(subscr),
    unary_op: Some(unary_op),
    getiter: Some(getiter),
    parent: Some(&tuple::TYPE),
    ..Type::EMPTY
};

#[allow(dead_code)]
fn unused(_: &Tuple) {}
