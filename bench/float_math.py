# Float arithmetic: a Mandelbrot grid and a leapfrog orbit, with math functions.
import math


def mandel(w, h, iters):
    total = 0
    for py in range(h):
        ci = py * 2.0 / h - 1.0
        for px in range(w):
            cr = px * 3.0 / w - 2.0
            zr = zi = 0.0
            n = 0
            while n < iters and zr * zr + zi * zi < 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                n += 1
            total += n
    return total


def orbit(steps):
    x, y, vx, vy = 1.0, 0.0, 0.0, 1.0
    dt = 0.001
    for _ in range(steps):
        r = math.sqrt(x * x + y * y)
        a = -1.0 / (r * r * r)
        vx += a * x * dt
        vy += a * y * dt
        x += vx * dt
        y += vy * dt
    return math.atan2(y, x)


print(mandel(160, 120, 250))
print("%.6f" % orbit(600000))
