# f-strings.
x = 42
name = "upy"
items = [1, 2, 3]
print(f"x={x}", f"{name!r}", f"{name:>6}|", f"{x:04d}", f"{x:x}", f"{x:>+5}")
print(f"{x + 1} {x * 2} {items[1]} {len(items)} {'nested'}")
print(f"{{braces}} {x}")
d = {"k": "v"}
print(f"{d['k']}", f"{items!r}")
w = 8
print(f"{x:{w}}|", f"{'s':<{w}}|")
def f(a):
    return a * 2
print(f"{f(x)}", f"{[i * i for i in range(4)]}")
print(f"a" f"b" "c" f"{x}")
print(f"""multi
{x}""")
print(f"{x!s:>5}", f"{-x:+d}", f"{x=}" if False else "x=42")
