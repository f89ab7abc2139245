# Compile-time errors of the match statement (CPython's messages) and soft-keyword parsing.


def check(src):
    try:
        exec(src, {})
        print("ok")
    except SyntaxError as e:
        print("SyntaxError:", e.args[0])


check("match 1:\n case x: pass\n case 2: pass")
check("match 1:\n case _: pass\n case 2: pass")
check("match 1:\n case x if x: pass\n case 2: pass")
check("match 1:\n case (x): pass\n case 2: pass")
check("match 1:\n case 1 | x: pass\n case 2: pass")
check("match 1:\n case x | 1: pass")
check("match 1:\n case [x, x]: pass")
check("match 1:\n case [x, *y, *z]: pass")
check("match 1:\n case {'a': 1, 'a': 2}: pass")
check("match 1:\n case {1: 1, True: 2}: pass")
check("match 1:\n case {0: 1, False: 2}: pass")
check("match 1:\n case [a] | [b]: pass")
check("match 1:\n case 1 as _: pass")
check("match 1:\n case f'x': pass")
check("match 1:\n case 1 + 1: pass")
check("match 1:\n case 1j + 1j: pass")
check("match 1:\n case C(x=1, x=2): pass")
check("match 1:\n case C(x=1, 2): pass")
check("match 1:\n case {**rest, 'a': 1}: pass")
check("class a:\n b = int\nmatch 1:\n case a.b(): print('dotted class')")
check("match 1:\n case [x, {'k': x}]: pass")
check("match 1:\n case (x as x): pass")
check("match = print\nmatch(2)")
check("match [1]:\n case [1]: pass")
check("match -1:\n case -1: pass")
check("match (x := 3):\n case 3: print('walrus subject', x)")
check("match 1:\n  case 1:\n    pass\n  case 2:\n    pass")
