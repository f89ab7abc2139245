//! `set` and `frozenset`: an open-addressing hash table iterated in slot order.
//!
//! The table follows CPython's set layout rather than the insertion-ordered map, because
//! programs print sets and their order must match the reference: slots are `hash & mask`,
//! probing checks up to nine neighbours linearly and then jumps with a perturbed step,
//! deleted slots hold a dummy marker (an insert reuses the last one passed), and the table
//! grows when 3/5 full (to 4x the live count; 2x past 8192 items to save memory). Hashes
//! are CPython's for ints, floats, tuples and frozensets (`tuple::hash_for_container`), so
//! `{3, 1, 2}` prints `{1, 2, 3}` as in CPython. Only keys are stored; hashes are
//! recomputed when the table is rebuilt, as MicroPython does.
//!
//! ```text
//!   table: [ key ... ]  NULL = never used, DUMMY = deleted;  len = mask + 1
//!   fill = live + dummies, used = live
//! ```
//! Any operation that calls Python code (`__eq__`, `__hash__`, iteration) re-reads the
//! table afterwards and restarts a probe if the table was replaced meanwhile.

use crate::mem;
use crate::obj::{flags, ObjBase, Print, PrintKind, PyResult, Type};
use crate::objs::list::{self, NestGuard};
use crate::objs::tuple::hash_for_container;
use crate::qstr::Q;
use crate::raise;
use crate::runtime;
use crate::value::Value;
use crate::{entry, fun};
use upy_compiler::bc::{binary as op, unary as uop};

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
/// Marker for a deleted slot: an immediate that is never a Python value.
const DUMMY: Value = Value::from_bits((7 << 3) | 6);

/// A slot holds only the key: hashes are recomputed when the table is rebuilt, as
/// MicroPython does, which halves the table's memory.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct Entry {
    pub key: Value,
}

#[repr(C)]
pub struct Set {
    pub base: ObjBase,
    fill: usize,
    used: usize,
    /// Table length - 1; the table is allocated lazily (NULL means an empty 8-slot table).
    mask: usize,
    table: *mut Entry,
    /// Where `pop` resumes its scan.
    finger: usize,
}

fn is_set_type(ty: &'static Type) -> bool {
    core::ptr::eq(ty, &TYPE) || core::ptr::eq(ty, &FROZENSET_TYPE)
}

/// The set behind `v` (exact set or frozenset).
pub fn get(v: Value) -> Option<&'static mut Set> {
    if v.is_obj() && is_set_type(v.type_of()) {
        // SAFETY: both types use the Set layout.
        Some(unsafe { v.downcast_unchecked() })
    } else {
        None
    }
}

fn this(v: Value) -> PyResult<&'static mut Set> {
    get(v).ok_or_else(|| list::wrong_self(&TYPE, v))
}

fn is_frozen(v: Value) -> bool {
    v.is_type(&FROZENSET_TYPE)
}

#[inline]
fn keys_equal(a: Value, b: Value) -> PyResult<bool> {
    if a == b {
        return Ok(true);
    }
    if (a.is_small_int() && b.is_small_int()) || (a.is_qstr() && b.is_qstr()) {
        return Ok(false);
    }
    runtime::equal(a, b)
}

/// Hash of a key. A `set` used as a lookup key hashes as the equal frozenset would (CPython
/// lets `{1} in s_of_frozensets` work); inserting a set is rejected by the caller.
fn key_hash(key: Value) -> PyResult<usize> {
    if key.is_type(&TYPE) {
        return Ok(frozen_hash(key)? as usize);
    }
    Ok(hash_for_container(key)? as usize)
}

impl Set {
    fn empty(ty: &'static Type) -> Set {
        Set {
            base: ObjBase::new(ty),
            fill: 0,
            used: 0,
            mask: MIN_SIZE - 1,
            table: core::ptr::null_mut(),
            finger: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    fn entries(&self) -> &'static mut [Entry] {
        if self.table.is_null() {
            return &mut [];
        }
        // SAFETY: a non-null table holds mask + 1 entries.
        unsafe { core::slice::from_raw_parts_mut(self.table, self.mask + 1) }
    }

    /// Live key at slot `i`: `None` past the end, `Some(None)` for an empty slot.
    fn slot_key(&self, i: usize) -> Option<Option<Value>> {
        let e = self.entries().get(i)?;
        Some(if e.key.is_null() || e.key == DUMMY {
            None
        } else {
            Some(e.key)
        })
    }

    /// Live key at slot `i` with its hash (see [`Set::slot_key`]).
    fn slot(&self, i: usize) -> PyResult<Option<Option<(Value, usize)>>> {
        Ok(match self.slot_key(i) {
            None => None,
            Some(None) => Some(None),
            Some(Some(k)) => Some(Some((k, key_hash(k)?))),
        })
    }

    /// Probe sequence from CPython: nine linear neighbours, then a perturbed jump.
    fn probe(mask: usize, hash: usize) -> impl Iterator<Item = usize> {
        let mut i = hash & mask;
        let mut perturb = hash;
        let mut k = 0usize;
        let mut limit = if i + LINEAR_PROBES <= mask {
            LINEAR_PROBES
        } else {
            0
        };
        core::iter::from_fn(move || {
            let r = i + k;
            if k < limit {
                k += 1;
            } else {
                perturb >>= PERTURB_SHIFT;
                i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
                k = 0;
                limit = if i + LINEAR_PROBES <= mask {
                    LINEAR_PROBES
                } else {
                    0
                };
            }
            Some(r & mask)
        })
    }

    /// Slot of `key`, if present.
    fn find(&self, key: Value, hash: usize) -> PyResult<Option<usize>> {
        'restart: loop {
            let (table, mask) = (self.table, self.mask);
            if table.is_null() {
                return Ok(None);
            }
            for i in Set::probe(mask, hash) {
                let Some(e) = self.entries().get(i).copied() else {
                    return Ok(None);
                };
                if e.key.is_null() {
                    return Ok(None);
                }
                if e.key != DUMMY {
                    let eq = keys_equal(e.key, key)?;
                    if self.table != table || self.mask != mask {
                        continue 'restart;
                    }
                    if eq {
                        return Ok(Some(i));
                    }
                }
            }
            return Ok(None);
        }
    }

    pub fn contains(&self, key: Value) -> PyResult<bool> {
        Ok(self.find(key, key_hash(key)?)?.is_some())
    }

    /// Place a key known to be absent into a table with no dummies.
    fn insert_clean(table: &mut [Entry], mask: usize, key: Value, hash: usize) {
        for i in Set::probe(mask, hash) {
            match table.get_mut(i) {
                Some(e) if e.key.is_null() => {
                    *e = Entry { key };
                    return;
                }
                Some(_) => {}
                None => return,
            }
        }
    }

    fn resize(&mut self, minused: usize) -> PyResult<()> {
        let mut size = MIN_SIZE;
        while size <= minused {
            size = size.checked_mul(2).ok_or_else(mem::oom)?;
        }
        let new = mem::alloc_array::<Entry>(size)?;
        // SAFETY: fresh zeroed buffer of `size` entries (zero = NULL key, empty).
        let new_s = unsafe { core::slice::from_raw_parts_mut(new, size) };
        let old_ptr = self.table;
        let n_old = self.entries().len();
        for i in 0..n_old {
            let Some(Some(k)) = self.slot_key(i) else {
                continue;
            };
            let h = key_hash(k)?;
            if self.table != old_ptr {
                // A `__hash__` changed this set meanwhile: keep its new table.
                mem::free(new);
                return Ok(());
            }
            Set::insert_clean(new_s, size - 1, k, h);
        }
        self.table = new;
        self.mask = size - 1;
        self.fill = self.used;
        // The old table is left to the collector, not freed: a lookup suspended in a key's
        // `__eq__` compares table pointers to notice a resize, and a freed table's address
        // could come back for the next table.
        let _ = old_ptr;
        Ok(())
    }

    /// Add `key` (with its hash); no effect when already present.
    fn add_entry(&mut self, key: Value, hash: usize) -> PyResult<()> {
        if self.table.is_null() {
            self.table = mem::alloc_array::<Entry>(MIN_SIZE)?;
            self.mask = MIN_SIZE - 1;
        }
        'restart: loop {
            let (table, mask) = (self.table, self.mask);
            let mut freeslot = None;
            let mut target = None;
            for i in Set::probe(mask, hash) {
                let Some(e) = self.entries().get(i).copied() else {
                    return Ok(());
                };
                if e.key.is_null() {
                    target = Some(i);
                    break;
                }
                if e.key == DUMMY {
                    // CPython reuses the last dummy seen before the empty slot.
                    freeslot = Some(i);
                    continue;
                }
                let eq = keys_equal(e.key, key)?;
                if self.table != table || self.mask != mask {
                    continue 'restart;
                }
                if eq {
                    return Ok(());
                }
            }
            let entries = self.entries();
            if let Some(f) = freeslot {
                if let Some(e) = entries.get_mut(f) {
                    *e = Entry { key };
                    self.used += 1;
                }
                return Ok(());
            }
            let Some(t) = target else { return Ok(()) };
            if let Some(e) = entries.get_mut(t) {
                *e = Entry { key };
                self.fill += 1;
                self.used += 1;
            }
            if self.fill * 5 < self.mask * 3 {
                return Ok(());
            }
            // CPython quadruples up to 50000 items; past 8192 items doubling keeps memory
            // in check (large sets' order is rarely printed).
            let grow = if self.used > 8192 {
                self.used * 2
            } else {
                self.used * 4
            };
            return self.resize(grow);
        }
    }

    /// Remove `key`; whether it was present.
    fn discard_entry(&mut self, key: Value, hash: usize) -> PyResult<bool> {
        match self.find(key, hash)? {
            Some(i) => {
                if let Some(e) = self.entries().get_mut(i) {
                    *e = Entry { key: DUMMY };
                    self.used -= 1;
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn clear(&mut self) {
        self.table = core::ptr::null_mut();
        self.mask = MIN_SIZE - 1;
        self.fill = 0;
        self.used = 0;
        self.finger = 0;
    }
}

/// Add `key` to set value `s` (hashing it; sets themselves are unhashable).
fn add_value(s: Value, key: Value) -> PyResult<()> {
    if key.is_type(&TYPE) {
        return Err(list::unhashable(key));
    }
    let h = hash_for_container(key)? as usize;
    this(s)?.add_entry(key, h)
}

/// Merge all of `other` (a set or frozenset) into `s`, as CPython's `set_merge`.
fn merge(s: Value, other: Value) -> PyResult<()> {
    let o = this(other)?;
    let so = this(s)?;
    if o.used == 0 || s == other {
        return Ok(());
    }
    if (so.fill + o.used) * 5 >= so.mask * 3 {
        so.resize((so.used + o.used) * 2)?;
    }
    if so.fill == 0 && so.mask == o.mask && o.fill == o.used {
        // Same-sized empty target and no dummies in the source: copy the slots verbatim.
        let n = o.mask + 1;
        let t = mem::alloc_array::<Entry>(n)?;
        // SAFETY: t is a fresh buffer of n entries; the source table has n entries.
        unsafe { core::ptr::copy_nonoverlapping(o.table, t, n) };
        so.table = t;
        so.fill = o.fill;
        so.used = o.used;
        return Ok(());
    }
    if so.fill == 0 {
        if so.table.is_null() {
            so.table = mem::alloc_array::<Entry>(so.mask + 1)?;
        }
        // Empty target: place keys without comparisons, in the source's slot order.
        let mask = so.mask;
        let dst = so.entries();
        let mut i = 0;
        let mut n = 0;
        while let Some(e) = this(other)?.slot(i)? {
            if let Some((k, h)) = e {
                Set::insert_clean(dst, mask, k, h);
                n += 1;
            }
            i += 1;
        }
        so.fill = n;
        so.used = n;
        return Ok(());
    }
    let mut i = 0;
    while let Some(e) = this(other)?.slot(i)? {
        if let Some((k, h)) = e {
            this(s)?.add_entry(k, h)?;
        }
        i += 1;
    }
    Ok(())
}

/// Add every item of `iterable` to set `s` (CPython's `set_update_internal`).
fn update_internal(s: Value, iterable: Value) -> PyResult<()> {
    if get(iterable).is_some() {
        return merge(s, iterable);
    }
    let it = runtime::get_iter(iterable)?;
    while let Some(x) = runtime::iter_next(it)? {
        add_value(s, x)?;
    }
    Ok(())
}

fn alloc(ty: &'static Type) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(Set::empty(ty))?))
}

/// A new empty `set` (the VM's BUILD_SET).
pub fn new_set() -> PyResult<Value> {
    alloc(&TYPE)
}

/// A new set of type `ty` (set or frozenset) holding the items of `iterable`.
pub fn new_from(ty: &'static Type, iterable: Value) -> PyResult<Value> {
    let s = alloc(&TYPE)?;
    update_internal(s, iterable)?;
    if let Some(st) = get(s) {
        st.base = ObjBase::new(ty);
    }
    Ok(s)
}

/// Whether `v` could be a compile-time constant in CPython (number, str, bytes, None,
/// bool, or a tuple of those).
fn is_constant_like(v: Value) -> bool {
    if !v.is_obj() {
        return true;
    }
    if let Some(items) = crate::objs::tuple::items(v) {
        return items.iter().all(|x| is_constant_like(*x));
    }
    let ty = v.type_of();
    ty.has_flag(flags::EQ_CHECKS_OTHER_TYPE) || crate::objs::str::as_bytes(v).is_some()
}

/// `{a, b, c}` for the VM's BUILD_SET. CPython compiles a display of three or more
/// constants into an update from a frozenset constant, which lays the table out differently
/// from adding one by one; this mirrors that so printed sets match.
pub fn build(items: &[Value]) -> PyResult<Value> {
    let s = new_set()?;
    if items.len() > 2 && items.iter().all(|x| is_constant_like(*x)) {
        // The compiler builds the frozenset, then rebuilds it from its own iteration order
        // when merging constants; the display is an update from that.
        let first = new_set()?;
        for x in items {
            add_value(first, *x)?;
        }
        let konst = new_set()?;
        let mut i = 0;
        while let Some(e) = this(first)?.slot(i)? {
            if let Some((k, h)) = e {
                this(konst)?.add_entry(k, h)?;
            }
            i += 1;
        }
        merge(s, konst)?;
        return Ok(s);
    }
    for x in items {
        add_value(s, *x)?;
    }
    Ok(s)
}

/// Alias of [`build`] (the name the VM uses).
pub fn new_from_slice(items: &[Value]) -> PyResult<Value> {
    build(items)
}

/// `s.add(item)` for the VM (BUILD_SET, set comprehensions).
pub fn add(set: Value, item: Value) -> PyResult<()> {
    add_value(set, item)
}

/// Whether `s` (a set or frozenset) contains `key`.
pub fn contains(s: Value, key: Value) -> PyResult<bool> {
    this(s)?.contains(key)
}

/// `set(x)` for an argument that is already a set, or any iterable otherwise; result has
/// the type of `like`.
fn copy_as(like: Value, src: Value) -> PyResult<Value> {
    let ty = if is_frozen(like) {
        &FROZENSET_TYPE
    } else {
        &TYPE
    };
    new_from(ty, src)
}

/// CPython's frozenset hash: order independent mixing of the item hashes, in word
/// arithmetic as CPython's `Py_uhash_t`.
fn frozen_hash(v: Value) -> PyResult<isize> {
    let _g = NestGuard::enter()?;
    let s = this(v)?;
    let shuffle = |h: usize| -> usize { ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167) };
    let mut hash: usize = 0;
    for e in s.entries().iter() {
        if !e.key.is_null() && e.key != DUMMY {
            hash ^= shuffle(key_hash(e.key)?);
        }
    }
    hash ^= (s.used + 1).wrapping_mul(1927868237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907133923);
    Ok(((hash as isize) << 1) >> 1)
}

// --- set algebra ---

fn union_into(result: Value, others: &[Value]) -> PyResult<Value> {
    for o in others {
        if *o != result {
            update_internal(result, *o)?;
        }
    }
    Ok(result)
}

/// Call `f` with each key of `other` and its hash: a set's live slots in table order, or
/// the items of any other iterable; stops at the first `false` from `f` (and answers it).
/// One loop for all the set algebra, so each operation is only its per-key step.
fn each_key(other: Value, f: &mut dyn FnMut(Value, usize) -> PyResult<bool>) -> PyResult<bool> {
    if get(other).is_some() {
        let mut i = 0;
        while let Some(e) = this(other)?.slot(i)? {
            if let Some((k, h)) = e {
                if !f(k, h)? {
                    return Ok(false);
                }
            }
            i += 1;
        }
        return Ok(true);
    }
    let it = runtime::get_iter(other)?;
    while let Some(x) = runtime::iter_next(it)? {
        if !f(x, key_hash(x)?)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn intersection(s: Value, other: Value) -> PyResult<Value> {
    let ty = if is_frozen(s) { &FROZENSET_TYPE } else { &TYPE };
    let result = alloc(ty)?;
    if s == other {
        merge(result, s)?;
        return Ok(result);
    }
    // Iterate the smaller set (or the iterable), look up in the other.
    let (small, big) = match get(other) {
        Some(o) if o.len() > this(s)?.len() => (s, other),
        _ => (other, s),
    };
    each_key(small, &mut |k, h| {
        if this(big)?.find(k, h)?.is_some() {
            this(result)?.add_entry(k, h)?;
        }
        Ok(true)
    })?;
    Ok(result)
}

fn difference_update(s: Value, other: Value) -> PyResult<()> {
    if s == other {
        this(s)?.clear();
        return Ok(());
    }
    each_key(other, &mut |k, h| {
        this(s)?.discard_entry(k, h)?;
        Ok(true)
    })?;
    Ok(())
}

fn difference(s: Value, other: Value) -> PyResult<Value> {
    let ty = if is_frozen(s) { &FROZENSET_TYPE } else { &TYPE };
    let big_vs_small = get(other).map(|o| (this(s).map(|x| x.len()).unwrap_or(0) >> 2) > o.len());
    let result = alloc(ty)?;
    if big_vs_small != Some(false) {
        // Copy then remove (non-set other, or other much smaller than s).
        merge(result, s)?;
        difference_update(result, other)?;
        return Ok(result);
    }
    each_key(s, &mut |k, h| {
        if this(other)?.find(k, h)?.is_none() {
            this(result)?.add_entry(k, h)?;
        }
        Ok(true)
    })?;
    Ok(result)
}

fn symmetric_difference_update(s: Value, other: Value) -> PyResult<()> {
    if s == other {
        this(s)?.clear();
        return Ok(());
    }
    each_key(as_set(other)?, &mut |k, h| {
        if !this(s)?.discard_entry(k, h)? {
            this(s)?.add_entry(k, h)?;
        }
        Ok(true)
    })?;
    Ok(())
}

fn symmetric_difference(s: Value, other: Value) -> PyResult<Value> {
    let result = copy_as(s, other)?;
    symmetric_difference_update(result, s)?;
    Ok(result)
}

/// Whether every item of `a` is in `b` (both sets).
fn is_subset(a: Value, b: Value) -> PyResult<bool> {
    if this(a)?.len() > this(b)?.len() {
        return Ok(false);
    }
    keys_found(a, b, true)
}

/// Whether every key of `a` (any iterable) is in set `b` (`found`), or none is (`!found`):
/// one loop for issubset and isdisjoint.
fn keys_found(a: Value, b: Value, found: bool) -> PyResult<bool> {
    each_key(a, &mut |k, h| Ok(this(b)?.find(k, h)?.is_some() == found))
}

/// `other` as a set: itself if it is one, else a new set of its items.
fn as_set(other: Value) -> PyResult<Value> {
    if get(other).is_some() {
        Ok(other)
    } else {
        new_from(&TYPE, other)
    }
}

// --- slots ---

fn make_new(ty: &'static Type, args: &[Value], kw: &[Value]) -> PyResult<Value> {
    list::check_args(args, kw, 0, 1)?;
    match args.first() {
        None => alloc(ty),
        Some(x) if core::ptr::eq(ty, &FROZENSET_TYPE) && x.is_type(&FROZENSET_TYPE) => Ok(*x),
        Some(x) => new_from(ty, *x),
    }
}

fn print(out: &mut dyn Print, v: Value, _k: PrintKind) -> PyResult<()> {
    let Some(s) = get(v) else { return Ok(()) };
    let (open, close) = match (is_frozen(v), s.used == 0) {
        (false, true) => ("set(", ")"),
        (true, true) => ("frozenset(", ")"),
        (false, false) => ("{", "}"),
        (true, false) => ("frozenset({", "})"),
    };
    let mut i = 0;
    list::print_items(out, "", open, close, &mut || {
        while let Some(e) = get(v).and_then(|s| s.slot_key(i)) {
            i += 1;
            if let Some(k) = e {
                return Ok(Some((k, None)));
            }
        }
        Ok(None)
    })
}

fn unary_op(o: u8, v: Value) -> PyResult<Option<Value>> {
    let Some(s) = get(v) else { return Ok(None) };
    Ok(match o {
        uop::BOOL => Some(Value::from_bool(s.used != 0)),
        uop::LEN => Some(Value::small_int(s.used as isize)),
        uop::HASH if is_frozen(v) => Some(Value::small_int(frozen_hash(v)?)),
        uop::HASH => return Err(list::unhashable(v)),
        _ => None,
    })
}

fn binary_op(o: u8, a: Value, b: Value) -> PyResult<Option<Value>> {
    if get(a).is_none() {
        return Ok(None);
    }
    if o == op::CONTAINS {
        return Ok(Some(Value::from_bool(this(a)?.contains(b)?)));
    }
    // The native set inside an instance of a set subclass takes part as a set.
    let b = match crate::objs::r#type::native_of(b) {
        Some(n) if get(n).is_some() => n,
        _ => b,
    };
    if get(b).is_none() {
        return Ok(if o == op::EQUAL {
            Some(Value::FALSE)
        } else {
            None
        });
    }
    let mutable = !is_frozen(a);
    let r = match o {
        op::OR => union_into(copy_as(a, a)?, &[b])?,
        op::AND => intersection(a, b)?,
        op::SUBTRACT => difference(a, b)?,
        op::XOR => symmetric_difference(a, b)?,
        op::INPLACE_OR if mutable => {
            update_internal(a, b)?;
            a
        }
        op::INPLACE_AND if mutable => {
            intersection_update_one(a, b)?;
            a
        }
        op::INPLACE_SUBTRACT if mutable => {
            difference_update(a, b)?;
            a
        }
        op::INPLACE_XOR if mutable => {
            symmetric_difference_update(a, b)?;
            a
        }
        op::EQUAL | op::LESS_EQUAL | op::LESS | op::MORE_EQUAL | op::MORE => {
            // `>` and `>=` are `<` and `<=` swapped; each is a subset test after a size test.
            let (x, y) = if o == op::MORE || o == op::MORE_EQUAL {
                (b, a)
            } else {
                (a, b)
            };
            let (nx, ny) = (this(x)?.len(), this(y)?.len());
            let sizes_ok = match o {
                op::EQUAL => nx == ny,
                op::LESS | op::MORE => nx < ny,
                _ => true,
            };
            Value::from_bool(sizes_ok && is_subset(x, y)?)
        }
        _ => return Ok(None),
    };
    Ok(Some(r))
}

/// Replace the contents of `s` by its intersection with `other`.
fn intersection_update_one(s: Value, other: Value) -> PyResult<()> {
    let tmp = intersection(s, other)?;
    let (t, so) = (this(tmp)?, this(s)?);
    so.table = t.table;
    so.mask = t.mask;
    so.fill = t.fill;
    so.used = t.used;
    so.finger = 0;
    Ok(())
}

// --- iterator ---

#[repr(C)]
pub struct SetIter {
    pub base: ObjBase,
    pub set: Value,
    pub index: usize,
}

fn getiter(v: Value) -> PyResult<Value> {
    Ok(Value::from_ptr(mem::alloc(SetIter {
        base: ObjBase::new(&ITER_TYPE),
        set: v,
        index: 0,
    })?))
}

/// A set iterator placed in `buf` (see `runtime::get_iter_buf`).
pub fn iter_in(v: Value, buf: &mut crate::runtime::IterBuf) -> Value {
    crate::runtime::place_iter(
        buf,
        SetIter {
            base: ObjBase::new(&ITER_TYPE),
            set: v,
            index: 0,
        },
    )
}

fn iter_next(it: Value) -> PyResult<Option<Value>> {
    let Some(s) = it.downcast::<SetIter>(&ITER_TYPE) else {
        return Ok(None);
    };
    while let Some(e) = get(s.set).and_then(|x| x.slot_key(s.index)) {
        s.index += 1;
        if let Some(k) = e {
            return Ok(Some(k));
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

// --- methods ---

fn mutable(v: Value) -> PyResult<&'static mut Set> {
    match get(v) {
        Some(s) if !is_frozen(v) => Ok(s),
        _ => Err(list::wrong_self(&TYPE, v)),
    }
}

fn set_add(s: Value, x: Value) -> PyResult<Value> {
    mutable(s)?;
    add_value(s, x)?;
    Ok(Value::NONE)
}

fn clear(s: Value) -> PyResult<Value> {
    mutable(s)?.clear();
    Ok(Value::NONE)
}

fn copy(s: Value) -> PyResult<Value> {
    if is_frozen(s) {
        return Ok(s);
    }
    copy_as(s, s)
}

fn discard(s: Value, x: Value) -> PyResult<Value> {
    let h = key_hash(x)?;
    mutable(s)?.discard_entry(x, h)?;
    Ok(Value::NONE)
}

fn remove(s: Value, x: Value) -> PyResult<Value> {
    let h = key_hash(x)?;
    if !mutable(s)?.discard_entry(x, h)? {
        return Err(raise::key_error(x));
    }
    Ok(Value::NONE)
}

fn pop(s: Value) -> PyResult<Value> {
    let st = mutable(s)?;
    // An empty set may still have a table (of dummies): its scan finds nothing.
    let n = st.mask + 1;
    let entries = st.entries();
    let mut i = st.finger & st.mask;
    for _ in 0..n {
        if let Some(e) = entries.get_mut(i) {
            if !e.key.is_null() && e.key != DUMMY {
                let k = e.key;
                *e = Entry { key: DUMMY };
                st.used -= 1;
                st.finger = i + 1;
                return Ok(k);
            }
        }
        i = (i + 1) & st.mask;
    }
    Err(raise::msg(
        &crate::objs::exception::KEY_ERROR,
        "pop from an empty set",
    ))
}

fn union(args: &[Value]) -> PyResult<Value> {
    let s = args[0];
    this(s)?;
    union_into(copy_as(s, s)?, &args[1..])
}

/// The in-place methods taking any number of others: `step` with each in turn.
fn update_each(args: &[Value], step: fn(Value, Value) -> PyResult<()>) -> PyResult<Value> {
    let s = args[0];
    mutable(s)?;
    for o in &args[1..] {
        step(s, *o)?;
    }
    Ok(Value::NONE)
}

fn update(args: &[Value]) -> PyResult<Value> {
    update_each(args, update_internal)
}

fn intersection_m(args: &[Value]) -> PyResult<Value> {
    let mut r = args[0];
    this(r)?;
    if args.len() == 1 {
        return copy_as(r, r);
    }
    for o in &args[1..] {
        r = intersection(r, *o)?;
    }
    Ok(r)
}

fn inter_upd(args: &[Value]) -> PyResult<Value> {
    update_each(args, intersection_update_one)
}

fn difference_m(args: &[Value]) -> PyResult<Value> {
    let s = args[0];
    this(s)?;
    if args.len() == 1 {
        return copy_as(s, s);
    }
    let r = difference(s, args[1])?;
    for o in &args[2..] {
        difference_update(r, *o)?;
    }
    Ok(r)
}

fn diff_upd(args: &[Value]) -> PyResult<Value> {
    update_each(args, difference_update)
}

fn sym_diff(s: Value, o: Value) -> PyResult<Value> {
    this(s)?;
    symmetric_difference(s, o)
}

fn sym_diff_upd(s: Value, o: Value) -> PyResult<Value> {
    mutable(s)?;
    symmetric_difference_update(s, o)?;
    Ok(Value::NONE)
}

fn issubset(s: Value, o: Value) -> PyResult<Value> {
    this(s)?;
    Ok(Value::from_bool(is_subset(s, as_set(o)?)?))
}

fn issuperset(s: Value, o: Value) -> PyResult<Value> {
    this(s)?;
    Ok(Value::from_bool(is_subset(as_set(o)?, s)?))
}

fn isdisjoint(s: Value, o: Value) -> PyResult<Value> {
    this(s)?;
    Ok(Value::from_bool(keys_found(o, s, false)?))
}

fn contains_m(s: Value, x: Value) -> PyResult<Value> {
    Ok(Value::from_bool(this(s)?.contains(x)?))
}

/// No upper bound on the number of other iterables.
const N: u16 = u16::MAX;

/// Methods set and frozenset share (one object each, as upstream).
const M_COPY: Value = fun!(copy, F1(copy));
const M_DIFFERENCE: Value = fun!(
    difference,
    Var {
        min: 1,
        max: N,
        f: difference_m
    }
);
const M_INTERSECTION: Value = fun!(
    intersection,
    Var {
        min: 1,
        max: N,
        f: intersection_m
    }
);
const M_ISDISJOINT: Value = fun!(isdisjoint, F2(isdisjoint));
const M_ISSUBSET: Value = fun!(issubset, F2(issubset));
const M_ISSUPERSET: Value = fun!(issuperset, F2(issuperset));
const M_SYMMETRIC_DIFFERENCE: Value = fun!(symmetric_difference, F2(sym_diff));
const M_UNION: Value = fun!(
    union,
    Var {
        min: 1,
        max: N,
        f: union
    }
);
const M_CONTAINS: Value = fun!(__contains__, F2(contains_m));
const M_LEN: Value = fun!(__len__, F1(len_m));

#[rustfmt::skip]
static LOCALS: [(crate::qstr::Qstr, Value); 19] = [
    entry!(add, fun!(add, F2(set_add))),
    entry!(clear, fun!(clear, F1(clear))),
    entry!(copy, M_COPY),
    entry!(discard, fun!(discard, F2(discard))),
    entry!(difference, M_DIFFERENCE),
    entry!(difference_update, fun!(difference_update, Var { min: 1, max: N, f: diff_upd })),
    entry!(intersection, M_INTERSECTION),
    entry!(intersection_update, fun!(intersection_update, Var { min: 1, max: N, f: inter_upd })),
    entry!(isdisjoint, M_ISDISJOINT),
    entry!(issubset, M_ISSUBSET),
    entry!(issuperset, M_ISSUPERSET),
    entry!(pop, fun!(pop, F1(pop))),
    entry!(remove, fun!(remove, F2(remove))),
    entry!(symmetric_difference, M_SYMMETRIC_DIFFERENCE),
    entry!(symmetric_difference_update, fun!(symmetric_difference_update, F2(sym_diff_upd))),
    entry!(union, M_UNION),
    entry!(update, fun!(update, Var { min: 1, max: N, f: update })),
    entry!(__contains__, M_CONTAINS),
    entry!(__len__, M_LEN),
];

fn len_m(s: Value) -> PyResult<Value> {
    Ok(Value::small_int(this(s)?.len() as isize))
}

#[rustfmt::skip]
static FROZEN_LOCALS: [(crate::qstr::Qstr, Value); 11] = [
    entry!(copy, M_COPY),
    entry!(difference, M_DIFFERENCE),
    entry!(intersection, M_INTERSECTION),
    entry!(isdisjoint, M_ISDISJOINT),
    entry!(issubset, M_ISSUBSET),
    entry!(issuperset, M_ISSUPERSET),
    entry!(symmetric_difference, M_SYMMETRIC_DIFFERENCE),
    entry!(union, M_UNION),
    entry!(__contains__, M_CONTAINS),
    entry!(__len__, M_LEN),
    entry!(__hash__, fun!(__hash__, F1(hash_m))),
];

fn hash_m(s: Value) -> PyResult<Value> {
    Ok(Value::small_int(frozen_hash(s)?))
}

pub static TYPE: Type = Type {
    name: Q::set,
    flags: flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    getiter: Some(getiter),
    locals: crate::locals!(&LOCALS),
    ..Type::EMPTY
};

pub static FROZENSET_TYPE: Type = Type {
    name: Q::frozenset,
    flags: flags::BASETYPE,
    make_new: Some(make_new),
    print: Some(print),
    unary_op: Some(unary_op),
    binary_op: Some(binary_op),
    getiter: Some(getiter),
    locals: crate::locals!(&FROZEN_LOCALS),
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

    fn set_of(ns: &[isize]) -> Value {
        let s = new_set().unwrap();
        for n in ns {
            add(s, int(*n)).unwrap();
        }
        s
    }

    #[test]
    fn order_matches_cpython_slots() {
        with_vm(|| {
            assert_eq!(repr(set_of(&[3, 1, 2])), "{1, 2, 3}");
            assert_eq!(repr(new_set().unwrap()), "set()");
            // Collisions probe linearly: 9 lands after 1 in an 8-slot table.
            assert_eq!(repr(set_of(&[9, 1])), "{9, 1}");
            assert_eq!(repr(set_of(&[1, 9])), "{1, 9}");
            // Growth at 5 items re-inserts into 32 slots.
            assert_eq!(repr(set_of(&[40, 30, 20, 10, 0])), "{0, 40, 10, 20, 30}");
            // A display of constants goes through a frozenset, as CPython compiles it.
            let items = [int(40), int(30), int(20), int(10), int(0)];
            assert_eq!(repr(build(&items).unwrap()), "{0, 20, 40, 10, 30}");
            let copy = new_from(&TYPE, set_of(&[40, 30, 20, 10, 0])).unwrap();
            assert_eq!(repr(copy), "{0, 20, 40, 10, 30}");
            // -1 hashes as -2 (as CPython), True as 1.
            assert_eq!(repr(set_of(&[-1, 7])), "{-1, 7}");
            let s = set_of(&[1]);
            add(s, Value::TRUE).unwrap();
            assert_eq!(repr(s), "{1}");
            let big: std::vec::Vec<isize> = (0..100).rev().collect();
            let s = set_of(&big);
            assert_eq!(this(s).unwrap().len(), 100);
            let it = runtime::get_iter(s).unwrap();
            let mut prev = -1;
            while let Some(x) = runtime::iter_next(it).unwrap() {
                let x = x.as_small_int().unwrap();
                assert!(x > prev);
                prev = x;
            }
        });
    }

    #[test]
    fn algebra() {
        with_vm(|| {
            let a = set_of(&[1, 2, 3, 4]);
            let b = set_of(&[3, 4, 5]);
            assert_eq!(
                repr(runtime::binary_op(op::OR, a, b).unwrap()),
                "{1, 2, 3, 4, 5}"
            );
            assert_eq!(repr(runtime::binary_op(op::AND, a, b).unwrap()), "{3, 4}");
            assert_eq!(
                repr(runtime::binary_op(op::SUBTRACT, a, b).unwrap()),
                "{1, 2}"
            );
            assert_eq!(
                repr(runtime::binary_op(op::XOR, a, b).unwrap()),
                "{1, 2, 5}"
            );
            assert!(runtime::compare(op::LESS, set_of(&[3]), b).unwrap());
            assert!(!runtime::compare(op::LESS, b, b).unwrap());
            assert!(runtime::compare(op::LESS_EQUAL, b, b).unwrap());
            assert!(runtime::compare(op::MORE, a, set_of(&[1])).unwrap());
            assert!(runtime::equal(set_of(&[1, 2]), set_of(&[2, 1])).unwrap());
            assert!(!runtime::equal(set_of(&[1, 2]), set_of(&[2])).unwrap());
            assert!(runtime::binary_op(op::OR, a, int(1)).is_err());
            let r = runtime::binary_op(op::INPLACE_OR, a, b).unwrap();
            assert_eq!(r, a);
            assert_eq!(repr(a), "{1, 2, 3, 4, 5}");
            runtime::binary_op(op::INPLACE_AND, a, set_of(&[2, 3, 9])).unwrap();
            assert_eq!(repr(a), "{2, 3}");
            runtime::binary_op(op::INPLACE_SUBTRACT, a, set_of(&[2])).unwrap();
            assert_eq!(repr(a), "{3}");
            runtime::binary_op(op::INPLACE_XOR, a, set_of(&[3, 4])).unwrap();
            assert_eq!(repr(a), "{4}");
            // Methods accept any iterable.
            let l = crate::objs::list::new(&[int(4), int(6)]).unwrap();
            assert_eq!(repr(union(&[a, l]).unwrap()), "{4, 6}");
            assert_eq!(issubset(a, l).unwrap(), Value::TRUE);
            assert_eq!(issuperset(a, l).unwrap(), Value::FALSE);
            assert_eq!(isdisjoint(a, l).unwrap(), Value::FALSE);
            assert_eq!(
                repr(difference_m(&[set_of(&[1, 2, 3]), l, set_of(&[1])]).unwrap()),
                "{2, 3}"
            );
        });
    }

    #[test]
    fn remove_pop_and_errors() {
        with_vm(|| {
            let s = set_of(&[1, 2]);
            remove(s, int(1)).unwrap();
            let e = remove(s, int(1)).unwrap_err();
            assert!(runtime::is_instance(
                e.0,
                &crate::objs::exception::KEY_ERROR
            ));
            discard(s, int(1)).unwrap();
            assert_eq!(pop(s).unwrap(), int(2));
            assert!(pop(s).is_err());
            // Removed slots are reused and lookups probe past them.
            let s = set_of(&[1, 9, 17]);
            remove(s, int(9)).unwrap();
            assert!(contains(s, int(17)).unwrap());
            add(s, int(25)).unwrap();
            assert_eq!(repr(s), "{1, 25, 17}");
            // Sets are unhashable; frozensets hash by content.
            assert!(add(s, set_of(&[1])).is_err());
            let f1 = new_from(&FROZENSET_TYPE, set_of(&[1, 2])).unwrap();
            let f2 = new_from(&FROZENSET_TYPE, set_of(&[2, 1])).unwrap();
            assert_eq!(runtime::hash(f1).unwrap(), runtime::hash(f2).unwrap());
            assert_eq!(repr(f1), "frozenset({1, 2})");
            let outer = new_set().unwrap();
            add(outer, f1).unwrap();
            add(outer, f2).unwrap();
            assert_eq!(this(outer).unwrap().len(), 1);
            // A set finds the equal frozenset.
            assert!(contains(outer, set_of(&[1, 2])).unwrap());
            let e = runtime::hash(s).unwrap_err();
            assert!(runtime::is_instance(
                e.0,
                &crate::objs::exception::TYPE_ERROR
            ));
        });
    }

    #[test]
    fn gc_stress_sets_of_tuples() {
        with_vm(|| {
            let outer = new_set().unwrap();
            for i in 0..300isize {
                let t =
                    crate::objs::tuple::new(&[int(i), crate::objs::list::new(&[int(i)]).unwrap()]);
                // Tuples holding lists are unhashable: the error must not disturb the set.
                assert!(add(outer, t.unwrap()).is_err());
                let inner = set_of(&[i, i + 1000]);
                let f = new_from(&FROZENSET_TYPE, inner).unwrap();
                add(outer, crate::objs::tuple::new(&[int(i), f]).unwrap()).unwrap();
                if i % 25 == 0 {
                    crate::state::get().heap.collect();
                }
                let _garbage = set_of(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
            }
            crate::state::get().heap.collect();
            assert_eq!(this(outer).unwrap().len(), 300);
            for i in 0..300isize {
                let f = new_from(&FROZENSET_TYPE, set_of(&[i + 1000, i])).unwrap();
                let key = crate::objs::tuple::new(&[int(i), f]).unwrap();
                assert!(contains(outer, key).unwrap());
            }
        });
    }
}
