//! `dict`: an insertion-ordered hash map (see map.rs), its views and iterators.

use crate::map::Map;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, SubscrOp, Type};
use crate::qstr::Q;
use crate::value::Value;
use upy_compiler::bc::unary as uop;

#[repr(C)]
pub struct Dict {
    pub base: ObjBase,
    pub map: Map,
}

pub fn new() -> PyResult<Value> {
    Ok(Value::from_ptr(crate::mem::alloc(Dict {
        base: ObjBase::new(&TYPE),
        map: Map::new(),
    })?))
}

pub fn with_capacity(n: usize) -> PyResult<Value> {
    let map = Map::with_capacity(n)?;
    Ok(Value::from_ptr(crate::mem::alloc(Dict {
        base: ObjBase::new(&TYPE),
        map,
    })?))
}

/// The map of a dict (or dict subclass native part is not handled here).
pub fn map_of(v: Value) -> Option<&'static mut Map> {
    if v.is_obj() && crate::runtime::is_subclass(v.type_of(), &TYPE) && !v.type_of().is_heap() {
        // SAFETY: dict-derived static types share the Dict layout.
        let d: &mut Dict = unsafe { v.downcast_unchecked() };
        return Some(&mut d.map);
    }
    None
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(m) = map_of(v) else { return Ok(()) };
    out.write_str("{")?;
    for (i, (k, x)) in m.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        crate::runtime::print_value(out, k, PrintKind::Repr)?;
        out.write_str(": ")?;
        crate::runtime::print_value(out, x, PrintKind::Repr)?;
    }
    out.write_str("}")
}

fn subscr(v: Value, index: Value, op: SubscrOp) -> PyResult<Option<Value>> {
    let Some(m) = map_of(v) else { return Ok(None) };
    match op {
        SubscrOp::Load => match m.get(index)? {
            Some(x) => Ok(Some(x)),
            None => Err(crate::raise::key_error(index)),
        },
        SubscrOp::Store(x) => {
            m.insert(index, x)?;
            Ok(Some(Value::NONE))
        }
        SubscrOp::Delete => match m.remove(index)? {
            Some(_) => Ok(Some(Value::NONE)),
            None => Err(crate::raise::key_error(index)),
        },
    }
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(m) = map_of(v) else { return Ok(None) };
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(!m.is_empty())),
        uop::LEN => Some(Value::small_int(m.len() as isize)),
        uop::HASH => return Err(crate::raise::type_error("unhashable type: 'dict'")),
        _ => None,
    })
}

pub static TYPE: Type = Type {
    name: Q::dict,
    flags: flags::BASETYPE,
    print: Some(print),
    subscr: Some(subscr),
    unary_op: Some(unary_op),
    ..Type::EMPTY
};
