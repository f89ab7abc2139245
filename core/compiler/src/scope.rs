//! Scopes and identifier analysis (counterpart of py/scope.c and the scope parts of
//! py/compile.c): which names are locals, cells, free variables or globals, and which local
//! slot each gets. The numbering rules are MicroPython's, because the bytecode depends on them:
//! parameters first (with `*args` moved after the other parameters), then other locals, then
//! cells; free variables come before everything and count as leading positional arguments.

use alloc::string::String;
use alloc::vec::Vec;

/// Kind of scope, in upstream's order (`SCOPE_IS_FUNC_LIKE` means `>= Lambda`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopeKind {
    Module,
    Class,
    Lambda,
    ListComp,
    DictComp,
    SetComp,
    GenExpr,
    Function,
}

impl ScopeKind {
    pub fn is_func_like(self) -> bool {
        self >= ScopeKind::Lambda
    }

    pub fn is_comp_like(self) -> bool {
        matches!(
            self,
            ScopeKind::ListComp | ScopeKind::DictComp | ScopeKind::SetComp | ScopeKind::GenExpr
        )
    }
}

/// How an identifier is bound in a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Undecided,
    GlobalImplicit,
    GlobalImplicitAssigned,
    GlobalExplicit,
    /// Written and only referenced by this function.
    Local,
    /// Local to this function and read/written by an inner one.
    Cell,
    /// Belongs to an enclosing function.
    Free,
}

pub const FLAG_IS_PARAM: u8 = 0x01;
pub const FLAG_IS_STAR_PARAM: u8 = 0x02;
pub const FLAG_IS_DBL_STAR_PARAM: u8 = 0x04;

#[derive(Clone, Debug)]
pub struct IdInfo {
    pub kind: IdKind,
    pub flags: u8,
    pub local_num: usize,
    pub name: String,
}

/// One scope's identifier table and counts.
#[derive(Clone, Debug)]
pub struct ScopeIds {
    pub kind: ScopeKind,
    pub parent: Option<usize>,
    pub scope_flags: usize,
    pub num_pos_args: usize,
    pub num_kwonly_args: usize,
    pub num_def_pos_args: usize,
    pub num_locals: usize,
    pub ids: Vec<IdInfo>,
}

impl ScopeIds {
    pub fn new(kind: ScopeKind, parent: Option<usize>) -> Self {
        ScopeIds {
            kind,
            parent,
            scope_flags: 0,
            num_pos_args: 0,
            num_kwonly_args: 0,
            num_def_pos_args: 0,
            num_locals: 0,
            ids: Vec::new(),
        }
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.ids.iter().position(|id| id.name == name)
    }

    /// Index of `name`, adding it with `kind` when absent.
    pub fn find_or_add(&mut self, name: &str, kind: IdKind) -> usize {
        if let Some(i) = self.find(name) {
            return i;
        }
        self.ids.push(IdInfo {
            kind,
            flags: 0,
            local_num: 0,
            name: String::from(name),
        });
        self.ids.len() - 1
    }
}

/// Id of `name` in `si` for a store or delete: an implicit global becomes a local in
/// function-like scopes, or is marked assigned (so it cannot be closed over) elsewhere.
pub fn id_for_modification(scopes: &mut [ScopeIds], si: usize, name: &str) -> usize {
    let s = &mut scopes[si];
    let i = s.find_or_add(name, IdKind::GlobalImplicit);
    if s.ids[i].kind == IdKind::GlobalImplicit {
        s.ids[i].kind = if s.kind.is_func_like() {
            IdKind::Local
        } else {
            IdKind::GlobalImplicitAssigned
        };
    }
    i
}

fn close_over_in_parents(scopes: &mut [ScopeIds], si: usize, name: &str) {
    let mut cur = scopes[si].parent;
    while let Some(p) = cur {
        let i = scopes[p].find_or_add(name, IdKind::Undecided);
        let id = &mut scopes[p].ids[i];
        if id.kind == IdKind::Undecided {
            // Not declared here: free in this scope too, keep searching outwards.
            id.kind = IdKind::Free;
        } else {
            if id.kind == IdKind::Local {
                id.kind = IdKind::Cell;
            }
            return;
        }
        cur = scopes[p].parent;
        // Never reach the module scope.
        if let Some(pp) = cur {
            if scopes[pp].parent.is_none() {
                return;
            }
        }
    }
}

/// If an implicit global `id` of `si` is really a variable of an enclosing function, make it
/// free here and a cell where it is defined.
pub fn check_to_close_over(scopes: &mut [ScopeIds], si: usize, idx: usize) {
    let name = scopes[si].ids[idx].name.clone();
    let mut cur = scopes[si].parent;
    while let Some(p) = cur {
        if scopes[p].parent.is_none() {
            break;
        }
        if let Some(j) = scopes[p].find(&name) {
            let k = scopes[p].ids[j].kind;
            if matches!(k, IdKind::Local | IdKind::Cell | IdKind::Free) {
                scopes[si].ids[idx].kind = IdKind::Free;
                close_over_in_parents(scopes, si, &name);
            }
            break;
        }
        cur = scopes[p].parent;
    }
}

/// Final numbering of local slots (mirrors `scope_compute_things` in py/compile.c).
pub fn compute_things(scopes: &mut [ScopeIds], si: usize) {
    let flags_varargs = crate::bc::scope_flags::VARARGS as usize;
    {
        let s = &mut scopes[si];
        if s.scope_flags & flags_varargs != 0 {
            // Move *args after all other parameters (but before **kw).
            let mut id_param: Option<usize> = None;
            for i in (0..s.ids.len()).rev() {
                if s.ids[i].flags & FLAG_IS_STAR_PARAM != 0 {
                    if let Some(p) = id_param {
                        s.ids.swap(p, i);
                    }
                    break;
                } else if id_param.is_none() && s.ids[i].flags == FLAG_IS_PARAM {
                    id_param = Some(i);
                }
            }
        }
        s.num_locals = 0;
        let kind = s.kind;
        for id in s.ids.iter_mut() {
            if kind == ScopeKind::Class && id.name == "__class__" {
                continue;
            }
            if kind.is_func_like() && id.kind == IdKind::GlobalImplicit {
                id.kind = IdKind::GlobalExplicit;
            }
            if id.kind == IdKind::Local || id.flags & FLAG_IS_PARAM != 0 {
                id.local_num = s.num_locals;
                s.num_locals += 1;
            }
        }
        for id in s.ids.iter_mut() {
            if id.kind == IdKind::Cell && id.flags & FLAG_IS_PARAM == 0 {
                id.local_num = s.num_locals;
                s.num_locals += 1;
            }
        }
    }
    if let Some(p) = scopes[si].parent {
        // A parent always comes before its children.
        let (head, tail) = scopes.split_at_mut(si);
        let (Some(parent), Some(s)) = (head.get(p), tail.first_mut()) else {
            return;
        };
        let mut num_free = 0;
        for pid in parent.ids.iter() {
            if matches!(pid.kind, IdKind::Cell | IdKind::Free) {
                for id2 in s.ids.iter_mut() {
                    if id2.kind == IdKind::Free && id2.name == pid.name {
                        id2.local_num = num_free;
                        num_free += 1;
                    }
                }
            }
        }
        if num_free > 0 {
            for id in s.ids.iter_mut() {
                if id.kind != IdKind::Free || id.flags & FLAG_IS_PARAM != 0 {
                    id.local_num += num_free;
                }
            }
            s.num_pos_args += num_free;
            s.num_locals += num_free;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn closure_cells_and_frees() {
        // module -> f (defines a) -> g (reads a)
        let mut scopes = vec![
            ScopeIds::new(ScopeKind::Module, None),
            ScopeIds::new(ScopeKind::Function, Some(0)),
            ScopeIds::new(ScopeKind::Function, Some(1)),
        ];
        id_for_modification(&mut scopes, 1, "a");
        let g_a = scopes[2].find_or_add("a", IdKind::GlobalImplicit);
        check_to_close_over(&mut scopes, 2, g_a);
        assert_eq!(scopes[2].ids[g_a].kind, IdKind::Free);
        assert_eq!(scopes[1].ids[0].kind, IdKind::Cell);
        for i in 0..3 {
            compute_things(&mut scopes, i);
        }
        assert_eq!(scopes[2].num_pos_args, 1);
        assert_eq!(scopes[2].ids[g_a].local_num, 0);
        assert_eq!(scopes[1].num_locals, 1);
    }

    #[test]
    fn module_names_stay_global() {
        let mut scopes = vec![
            ScopeIds::new(ScopeKind::Module, None),
            ScopeIds::new(ScopeKind::Function, Some(0)),
        ];
        id_for_modification(&mut scopes, 0, "x");
        let i = scopes[1].find_or_add("x", IdKind::GlobalImplicit);
        check_to_close_over(&mut scopes, 1, i);
        compute_things(&mut scopes, 1);
        assert_eq!(scopes[1].ids[i].kind, IdKind::GlobalExplicit);
        assert_eq!(scopes[0].ids[0].kind, IdKind::GlobalImplicitAssigned);
    }
}
