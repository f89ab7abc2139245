//! The `match` statement (PEP 634), which MicroPython's grammar lacks: `match` and `case`
//! are soft keywords, so a statement starting with the name `match` is first tried as a
//! match statement and re-read as an ordinary statement when that fails (`match = 1`,
//! `match(x)`, `match.group()` stay expressions).

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{PResult, Parser};
use crate::ast::*;
use crate::error::SyntaxError;
use crate::lexer::Tok;

impl Parser {
    fn is_soft_keyword(&self, word: &str) -> bool {
        self.tok() == Tok::Name && self.lex.text == word.as_bytes()
    }

    /// At a statement starting with the name `match`: the match statement, or `None` (with
    /// the lexer rewound) when the text is not one.
    pub(super) fn try_match_stmt(&mut self) -> PResult<Option<Stmt>> {
        if !self.is_soft_keyword("match") {
            return Ok(None);
        }
        let saved_lex = self.lex.clone();
        let saved_deferred = self.deferred.clone();
        let saved_depth = self.depth;
        let saved_work = self.folder.as_ref().map(|f| f.work);
        let line = self.cur_line();
        let head = self.match_head();
        let subject = match head {
            Ok(Some(s)) => s,
            _ => {
                self.lex = saved_lex;
                self.sync();
                self.deferred = saved_deferred;
                self.depth = saved_depth;
                self.err = None;
                if let (Some(f), Some(w)) = (&mut self.folder, saved_work) {
                    f.work = w;
                }
                return Ok(None);
            }
        };
        // From here on this is a match statement: errors are real.
        self.enter()?;
        self.expect(Tok::Newline)?;
        self.expect(Tok::Indent)?;
        let mut cases = Vec::new();
        loop {
            if !self.is_soft_keyword("case") {
                return Err(self.error());
            }
            cases.push(self.case_block()?);
            if self.eat(Tok::Dedent) {
                break;
            }
        }
        self.leave();
        Ok(Some(Stmt::new(line, StmtKind::Match { subject, cases })))
    }

    /// `match subject :` up to the newline; `None` when the tokens do not read so.
    fn match_head(&mut self) -> PResult<Option<Expr>> {
        self.bump();
        if !(self.tok() == Tok::Star || super::starts_test(self.tok())) {
            return Ok(None);
        }
        let line = self.cur_line();
        let item = |p: &mut Self| {
            if p.tok() == Tok::Star {
                p.star_expr()
            } else {
                p.namedexpr_test()
            }
        };
        let first = item(self)?;
        let subject = if self.tok() == Tok::Comma {
            let mut elts = alloc::vec![first];
            while self.eat(Tok::Comma) {
                if !(self.tok() == Tok::Star || super::starts_test(self.tok())) {
                    break;
                }
                elts.push(item(self)?);
            }
            Expr::new(
                line,
                ExprKind::Tuple {
                    elts,
                    parens: false,
                    const_line: line,
                },
            )
        } else {
            if matches!(first.kind, ExprKind::Starred(_)) {
                return Ok(None);
            }
            first
        };
        if self.tok() != Tok::Colon {
            return Ok(None);
        }
        self.bump();
        if self.tok() != Tok::Newline {
            return Ok(None);
        }
        Ok(Some(subject))
    }

    fn case_block(&mut self) -> PResult<MatchCase> {
        let line = self.cur_line();
        self.bump();
        let pattern = self.patterns()?;
        let guard = if self.eat(Tok::KwIf) {
            Some(self.namedexpr_test()?)
        } else {
            None
        };
        let body = self.colon_suite()?;
        Ok(MatchCase {
            line,
            pattern,
            guard,
            body,
        })
    }

    /// `patterns`: one pattern, or an open sequence `p, q` (a star item allowed).
    fn patterns(&mut self) -> PResult<Pattern> {
        let line = self.cur_line();
        let first = self.maybe_star_pattern()?;
        if self.tok() != Tok::Comma {
            if matches!(first.kind, PatternKind::Star(_)) {
                return Err(self.fail(SyntaxError::syntax("invalid syntax", line)));
            }
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.eat(Tok::Comma) {
            if matches!(self.tok(), Tok::Colon | Tok::KwIf) {
                break;
            }
            items.push(self.maybe_star_pattern()?);
        }
        Ok(Pattern {
            line,
            kind: PatternKind::Sequence(items),
        })
    }

    fn maybe_star_pattern(&mut self) -> PResult<Pattern> {
        let line = self.cur_line();
        if !self.eat(Tok::Star) {
            return self.pattern();
        }
        let name = self.name()?;
        let target = if name == "_" { None } else { Some(name) };
        Ok(Pattern {
            line,
            kind: PatternKind::Star(target),
        })
    }

    /// `or_pattern ['as' NAME]`.
    fn pattern(&mut self) -> PResult<Pattern> {
        self.enter()?;
        let line = self.cur_line();
        let p = self.or_pattern()?;
        let p = if self.eat(Tok::KwAs) {
            let name_line = self.cur_line();
            let name = self.name()?;
            if name == "_" {
                return Err(self.fail(SyntaxError::syntax("cannot use '_' as a target", name_line)));
            }
            Pattern {
                line,
                kind: PatternKind::As(Box::new(p), name),
            }
        } else {
            p
        };
        self.leave();
        Ok(p)
    }

    fn or_pattern(&mut self) -> PResult<Pattern> {
        let line = self.cur_line();
        let first = self.closed_pattern()?;
        if self.tok() != Tok::Pipe {
            return Ok(first);
        }
        let mut alts = alloc::vec![first];
        while self.eat(Tok::Pipe) {
            alts.push(self.closed_pattern()?);
        }
        Ok(Pattern {
            line,
            kind: PatternKind::Or(alts),
        })
    }

    fn closed_pattern(&mut self) -> PResult<Pattern> {
        let line = self.cur_line();
        let kind = match self.tok() {
            Tok::Name => self.name_pattern()?,
            Tok::KwNone | Tok::KwTrue | Tok::KwFalse => PatternKind::Singleton(self.atom()?),
            Tok::String | Tok::Bytes => {
                let e = self.atom()?;
                if matches!(self.tok(), Tok::Period | Tok::ParenOpen) {
                    // An f-string reads as `'...'.format(...)`.
                    return Err(self.fail(SyntaxError::syntax(
                        "patterns may only match literals and attribute lookups",
                        line,
                    )));
                }
                PatternKind::Value(e)
            }
            Tok::Integer | Tok::FloatOrImag | Tok::Minus => {
                PatternKind::Value(self.number_pattern()?)
            }
            Tok::ParenOpen => {
                self.bump();
                if self.eat(Tok::ParenClose) {
                    PatternKind::Sequence(Vec::new())
                } else {
                    let first = self.maybe_star_pattern()?;
                    if self.eat(Tok::ParenClose) {
                        if matches!(first.kind, PatternKind::Star(_)) {
                            return Err(self.fail(SyntaxError::syntax("invalid syntax", line)));
                        }
                        // A group: the pattern itself.
                        return Ok(first);
                    }
                    let mut items = alloc::vec![first];
                    self.expect(Tok::Comma)?;
                    while self.tok() != Tok::ParenClose {
                        items.push(self.maybe_star_pattern()?);
                        if !self.eat(Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(Tok::ParenClose)?;
                    PatternKind::Sequence(items)
                }
            }
            Tok::BracketOpen => {
                self.bump();
                let mut items = Vec::new();
                while self.tok() != Tok::BracketClose {
                    items.push(self.maybe_star_pattern()?);
                    if !self.eat(Tok::Comma) {
                        break;
                    }
                }
                self.expect(Tok::BracketClose)?;
                PatternKind::Sequence(items)
            }
            Tok::BraceOpen => self.mapping_pattern()?,
            _ => return Err(self.error()),
        };
        Ok(Pattern { line, kind })
    }

    /// `-1`, `2.5`, `1+2j`, `-1-2j`: a real part with an optional imaginary one.
    fn number_pattern(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        let real = self.signed_number()?;
        let op = match self.tok() {
            Tok::Plus => BinOp::Add,
            Tok::Minus => BinOp::Sub,
            _ => return Ok(real),
        };
        if matches!(imag_part(&real).kind, ExprKind::Imag(_)) {
            return Err(self.fail(SyntaxError::syntax(
                "real number required in complex literal",
                line,
            )));
        }
        self.bump();
        let imag_line = self.cur_line();
        let imag = self.atom_number()?;
        if !matches!(imag.kind, ExprKind::Imag(_)) {
            return Err(self.fail(SyntaxError::syntax(
                "imaginary number required in complex literal",
                imag_line,
            )));
        }
        let e = Expr::new(
            line,
            ExprKind::BinOp {
                first: Box::new(real),
                rest: alloc::vec![(op, imag)],
            },
        );
        Ok(self.fold(e))
    }

    fn signed_number(&mut self) -> PResult<Expr> {
        let line = self.cur_line();
        if self.eat(Tok::Minus) {
            let n = self.atom_number()?;
            let e = Expr::new(
                line,
                ExprKind::UnaryOp {
                    op: UnaryOp::Neg,
                    operand: Box::new(n),
                },
            );
            return Ok(self.fold(e));
        }
        self.atom_number()
    }

    fn atom_number(&mut self) -> PResult<Expr> {
        match self.tok() {
            Tok::Integer | Tok::FloatOrImag => self.atom(),
            _ => Err(self.error()),
        }
    }

    /// A pattern starting with a name: capture, wildcard, value (dotted) or class pattern.
    fn name_pattern(&mut self) -> PResult<PatternKind> {
        let line = self.cur_line();
        let first = self.name()?;
        // Folded as a value (a `const()` name is substituted); a capture keeps `first`.
        let mut e = self.fold(Expr::new(line, ExprKind::Name(first.clone())));
        let mut dotted = false;
        while self.tok() == Tok::Period {
            let dot_line = self.cur_line();
            self.bump();
            let attr = self.name()?;
            e = self.fold(Expr::new(
                line,
                ExprKind::Attribute {
                    value: Box::new(e),
                    attr,
                    trailer_line: dot_line,
                },
            ));
            dotted = true;
        }
        if self.tok() == Tok::ParenOpen {
            return self.class_pattern(e);
        }
        Ok(if dotted {
            PatternKind::Value(e)
        } else if first == "_" {
            PatternKind::Wildcard
        } else {
            PatternKind::Capture(first)
        })
    }

    fn class_pattern(&mut self, cls: Expr) -> PResult<PatternKind> {
        self.bump();
        let mut args = Vec::new();
        let mut kwargs: Vec<(Name, Pattern)> = Vec::new();
        while self.tok() != Tok::ParenClose {
            let line = self.cur_line();
            if self.tok() == Tok::Name && self.lex_peek_is_equal() {
                let name = self.name()?;
                self.expect(Tok::Equal)?;
                if kwargs.iter().any(|(n, _)| *n == name) {
                    return Err(self.fail(SyntaxError::syntax(
                        &alloc::format!("attribute name repeated in class pattern: {}", name),
                        line,
                    )));
                }
                kwargs.push((name, self.pattern()?));
            } else {
                let p = self.pattern()?;
                if !kwargs.is_empty() {
                    return Err(self.fail(SyntaxError::syntax(
                        "positional patterns follow keyword patterns",
                        line,
                    )));
                }
                args.push(p);
            }
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::ParenClose)?;
        Ok(PatternKind::Class { cls, args, kwargs })
    }

    /// Whether the token after the current one is `=` (a keyword sub-pattern).
    fn lex_peek_is_equal(&self) -> bool {
        let mut l = self.lex.clone();
        l.next_token();
        l.tok == Tok::Equal
    }

    fn mapping_pattern(&mut self) -> PResult<PatternKind> {
        self.bump();
        let mut keys = Vec::new();
        let mut patterns = Vec::new();
        let mut rest = None;
        while self.tok() != Tok::BraceClose {
            if rest.is_some() {
                return Err(self.error());
            }
            if self.eat(Tok::DblStar) {
                let name_line = self.cur_line();
                let name = self.name()?;
                if name == "_" {
                    return Err(self.fail(SyntaxError::syntax("invalid syntax", name_line)));
                }
                rest = Some(name);
            } else {
                let key_line = self.cur_line();
                let key = match self.tok() {
                    Tok::Name => match self.name_pattern()? {
                        PatternKind::Value(e) => e,
                        _ => return Err(self.fail(SyntaxError::syntax(
                            "mapping pattern keys may only match literals and attribute lookups",
                            key_line,
                        ))),
                    },
                    _ => match self.closed_pattern()?.kind {
                        PatternKind::Value(e) | PatternKind::Singleton(e) => e,
                        _ => return Err(self.fail(SyntaxError::syntax(
                            "mapping pattern keys may only match literals and attribute lookups",
                            key_line,
                        ))),
                    },
                };
                self.expect(Tok::Colon)?;
                keys.push(key);
                patterns.push(self.pattern()?);
            }
            if !self.eat(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::BraceClose)?;
        Ok(PatternKind::Mapping {
            keys,
            patterns,
            rest,
        })
    }
}

/// The last operand of a number pattern (to reject `1j + 2j`).
fn imag_part(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::UnaryOp { operand, .. } => operand,
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::*;
    use crate::parse::parse;

    fn body(src: &str) -> alloc::vec::Vec<Stmt> {
        match parse(src, ParseMode::File) {
            Ok(m) => m.body,
            Err(e) => panic!("parse failed: {e:?}"),
        }
    }

    #[test]
    fn match_as_a_name_stays_an_expression() {
        for src in [
            "match = 1\n",
            "match(x)\n",
            "match.group(1)\n",
            "match[0] = 2\n",
            "match, case = 1, 2\n",
            "match: int = 3\n",
            "match (x)\n",
            "match -x\n",
        ] {
            let b = body(src);
            assert_eq!(b.len(), 1, "{src}");
            assert!(!matches!(b[0].kind, StmtKind::Match { .. }), "{src}");
        }
    }

    #[test]
    fn match_statement_shapes() {
        let b = body(
            "match (x):\n case [a, *_] | {'k': a} as w if a:\n  pass\n case C(1, y=_):\n  pass\n",
        );
        let StmtKind::Match { cases, .. } = &b[0].kind else {
            panic!("not a match");
        };
        assert_eq!(cases.len(), 2);
        assert!(cases[0].guard.is_some());
        assert!(matches!(cases[0].pattern.kind, PatternKind::As(_, ref n) if n == "w"));
        assert!(
            matches!(&cases[1].pattern.kind, PatternKind::Class { args, kwargs, .. } if args.len() == 1 && kwargs.len() == 1)
        );
        let b = body("match -1, *y:\n case 1, 2: pass\n");
        assert!(matches!(b[0].kind, StmtKind::Match { .. }));
    }

    #[test]
    fn pattern_syntax_errors() {
        for (src, msg) in [
            (
                "match x:\n case 1 + 1: pass\n",
                "imaginary number required in complex literal",
            ),
            (
                "match x:\n case C(a=1, 2): pass\n",
                "positional patterns follow keyword patterns",
            ),
            (
                "match x:\n case C(a=1, a=2): pass\n",
                "attribute name repeated in class pattern: a",
            ),
            (
                "match x:\n case 1 as _: pass\n",
                "cannot use '_' as a target",
            ),
        ] {
            match parse(src, ParseMode::File) {
                Ok(_) => panic!("parsed {src}"),
                Err(e) => assert_eq!(e.msg, msg),
            }
        }
    }
}
