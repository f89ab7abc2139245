# str.format field syntax
print("{} {}".format(1, "a"), "{1}{0}{1}".format("x", "y"), "{a}-{b}".format(a=1, b=[2]))
print("{{}} {{{}}}".format(5), "{!r} {!s}".format("q", "q"), "{!r:>6}|".format("a"))
print("{0[1]} {0[0]}".format(("p", "q")), "{d[k]}".format(d={"k": "v"}))
class C:
    x = 42
    def __str__(self):
        return "C!"
    def __repr__(self):
        return "C()"
print("{0.x} {0} {0!r}".format(C()), "{c.x:>5}".format(c=C()))
print("{:{}}|{:>{w}}|{:.{p}f}".format("a", 4, "b", 1.23456, w=3, p=2))
print("{}".format(None), "{}".format([1, "a"]), "{}".format(1.5), "{}".format(b"x"))
for fmt, args in (("{", ()), ("}", ()), ("{0}{}", (1, 2)), ("{}{0}", (1, 2)), ("{!x}", (1,)),
                  ("{:d}", ("a",)), ("{:s}", (1,)), ("{:=5}", ("a",)), ("{:+c}", (65,)),
                  ("{:5q}", (1,)), ("{2}", (1,)), ("{}", ()), ("{x}", ())):
    try:
        print(fmt.format(*args))
    except (ValueError, IndexError, KeyError) as e:
        print(fmt, type(e).__name__)
