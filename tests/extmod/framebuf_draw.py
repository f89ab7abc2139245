# framebuf drawing primitives in every pixel format, printed as the raw buffer bytes
# (expected output checked against MicroPython's own unix build).
import framebuf
from array import array

FORMATS = (
    ("MONO_VLSB", framebuf.MONO_VLSB, 1),
    ("MONO_HLSB", framebuf.MONO_HLSB, 1),
    ("MONO_HMSB", framebuf.MONO_HMSB, 1),
    ("GS2_HMSB", framebuf.GS2_HMSB, 2),
    ("GS4_HMSB", framebuf.GS4_HMSB, 4),
    ("GS8", framebuf.GS8, 8),
    ("RGB565", framebuf.RGB565, 16),
)
W, H = 12, 10


def show(label, buf):
    print(label, buf.hex())


for name, fmt, bpp in FORMATS:
    print(name)
    buf = bytearray((W + 8) * (H + 8) * bpp // 8)
    fb = framebuf.FrameBuffer(buf, W, H, fmt)
    top = (1 << bpp) - 1
    fb.fill(top)
    show("fill", buf)
    fb.fill(0)
    fb.pixel(0, 0, top)
    fb.pixel(W - 1, H - 1, 1)
    fb.pixel(W, 0, 1)
    fb.pixel(-1, 3, 1)
    print("pixel", fb.pixel(0, 0), fb.pixel(W - 1, H - 1), fb.pixel(1, 1), fb.pixel(W, 0))
    fb.hline(-3, 2, 8, 1)
    fb.vline(5, -4, 20, top)
    show("lines", buf)
    fb.fill(0)
    fb.rect(1, 1, 6, 5, 1)
    fb.rect(7, 3, 8, 9, top, True)
    fb.fill_rect(-2, -2, 4, 4, 2)
    show("rects", buf)
    fb.fill(0)
    for x1, y1, x2, y2 in ((0, 0, 11, 9), (11, 0, 0, 9), (3, 9, 4, 0), (-5, 4, 20, 6), (6, 6, 6, 6)):
        fb.line(x1, y1, x2, y2, 1)
    show("line", buf)
    fb.fill(0)
    fb.ellipse(6, 5, 5, 3, 1)
    fb.ellipse(2, 2, 0, 0, top)
    fb.ellipse(9, 7, 2, 4, 1, True, 0b1010)
    show("ellipse", buf)
    fb.fill(0)
    fb.poly(2, 1, array("h", (0, 0, 8, 2, 4, 7, -1, 5)), 1)
    show("poly", buf)
    fb.poly(2, 1, array("b", (0, 0, 8, 2, 4, 7, -1, 5)), top, True)
    fb.poly(0, 0, bytes((1, 1, 3, 1, 3)), 1, True)
    show("poly fill", buf)
    fb.fill(0)
    fb.fill_rect(0, 0, 4, 3, 1)
    fb.pixel(1, 1, 0)
    fb.scroll(2, 1)
    show("scroll+", buf)
    fb.scroll(-3, -2)
    show("scroll-", buf)
    fb.scroll(W, 0)
    show("scroll big", buf)

# blit between formats, with a key colour and a palette.
src = framebuf.FrameBuffer(bytearray(4 * 3), 4, 3, framebuf.GS8)
for i in range(12):
    src.pixel(i % 4, i // 4, i % 3)
pal = framebuf.FrameBuffer(bytearray(3 * 2), 3, 1, framebuf.RGB565)
pal.pixel(0, 0, 0x1234)
pal.pixel(1, 0, 0xABCD)
pal.pixel(2, 0, 0x00FF)
dst_buf = bytearray(6 * 5 * 2)
dst = framebuf.FrameBuffer(dst_buf, 6, 5, framebuf.RGB565)
dst.blit(src, 1, 1, -1, pal)
show("blit pal", dst_buf)
dst.fill(0)
dst.blit(src, -2, 3, 0x00FF, pal)
show("blit key", dst_buf)
dst.fill(0)
dst.blit((bytearray(b"\x81\x42"), 8, 2, framebuf.MONO_HLSB), 0, 0)
show("blit tuple", dst_buf)
dst.blit(src, 6, 0)
dst.blit(src, 0, -3)
show("blit outside", dst_buf)
mono = bytearray(2)
framebuf.FrameBuffer(mono, 8, 2, framebuf.MONO_HMSB).blit([bytes((0x0F, 0xF0)), 8, 2, framebuf.MONO_HLSB], 0, 0, 0)
show("blit list", mono)

# stride wider than the width
buf = bytearray(5 * 3)
fb = framebuf.FrameBuffer(buf, 3, 3, framebuf.GS8, 5)
fb.fill(7)
fb.line(0, 0, 2, 2, 1)
show("stride", buf)

fb1 = framebuf.FrameBuffer1(bytearray(8), 8, 8)
fb1.pixel(1, 2, 1)
print(bytes(fb1))
print(bytes(framebuf.FrameBuffer(bytearray(b"ab"), 2, 1, framebuf.GS8)))
