# the math module: values, integer-returning functions, domain errors

import math

print(math.pi, math.e, math.tau, math.inf, math.nan)
for name in ("sqrt", "exp", "log", "log2", "log10", "cos", "sin", "tan", "atan", "fabs",
             "cosh", "sinh", "tanh", "asinh", "erf", "erfc", "expm1"):
    f = getattr(math, name)
    print(name, "%.12g %.12g" % (f(0.5), f(2.0)))
print("%.12g %.12g %.12g" % (math.acos(0.5), math.asin(0.5), math.acosh(2.0)))
print("%.12g %.12g" % (math.atanh(0.5), math.atan2(1, -1)))
print(math.pow(2, 10), math.pow(2, -1), math.log(8, 2), math.log(100, 10))
print(math.gamma(5), math.gamma(0.5) ** 2 - math.pi < 1e-12, "%.12g" % math.lgamma(10))
print(math.floor(-1.5), math.ceil(-1.5), math.trunc(-1.5), math.floor(2), math.ceil(10**30))
print(type(math.floor(1.5)), math.floor(1e20), math.ceil(-1e20))
print(math.fmod(7.5, 2), math.fmod(-7.5, 2), math.copysign(3, -0.0), math.copysign(-2, 1))
print(math.frexp(8.0), math.frexp(0.0), math.frexp(-3.5), math.ldexp(0.5, 4), math.ldexp(1, -1))
print(math.modf(2.5), math.modf(-2.5), math.modf(3.0))
print(math.isfinite(1.0), math.isfinite(math.inf), math.isinf(-math.inf), math.isnan(math.nan), math.isnan(1))
print(math.degrees(math.pi), math.radians(180) == math.pi)
print(math.factorial(0), math.factorial(1), math.factorial(10), math.factorial(30))
print(math.isclose(1.0, 1.0 + 1e-10), math.isclose(1.0, 1.1), math.isclose(1.0, 1.1, rel_tol=0.2))
print(math.isclose(0.0, 1e-10), math.isclose(0.0, 1e-10, abs_tol=1e-9), math.isclose(math.inf, math.inf))
for f, args in ((math.sqrt, (-1,)), (math.log, (0,)), (math.log, (-1,)), (math.acos, (2,)),
                (math.asin, (-2,)), (math.log, (2, -1)), (math.factorial, (-1,)),
                (math.fmod, (1, 0)), (math.acosh, (0,)), (math.atanh, (1,))):
    try:
        f(*args)
    except ValueError:
        print("ValueError", args)
for f in (math.floor, math.ceil, math.trunc):
    try:
        f(math.inf)
    except OverflowError:
        print("OverflowError")
    try:
        f(math.nan)
    except ValueError:
        print("ValueError")
