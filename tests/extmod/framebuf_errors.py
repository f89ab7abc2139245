# framebuf argument errors and edge cases (expected output checked against MicroPython's
# own unix build).
import framebuf


def attempt(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__, e.args)


buf = bytearray(64)
attempt("ok", lambda: type(framebuf.FrameBuffer(buf, 8, 8, framebuf.MONO_VLSB)).__name__)
attempt("w0", lambda: framebuf.FrameBuffer(buf, 0, 8, framebuf.GS8))
attempt("h0", lambda: framebuf.FrameBuffer(buf, 8, 0, framebuf.GS8))
attempt("stride<w", lambda: framebuf.FrameBuffer(buf, 8, 2, framebuf.GS8, 7))
attempt("big", lambda: framebuf.FrameBuffer(buf, 0x10000, 1, framebuf.GS8))
attempt("format", lambda: framebuf.FrameBuffer(buf, 8, 8, 7))
attempt("format-1", lambda: framebuf.FrameBuffer(buf, 8, 8, -1))
attempt("small", lambda: framebuf.FrameBuffer(buf, 8, 9, framebuf.GS8))
attempt("exact", lambda: framebuf.FrameBuffer(buf, 8, 8, framebuf.GS8) is not None)
attempt("rgb", lambda: framebuf.FrameBuffer(buf, 8, 5, framebuf.RGB565))
attempt("vlsb rows", lambda: framebuf.FrameBuffer(bytearray(16), 8, 9, framebuf.MONO_VLSB))
attempt("vlsb stride", lambda: framebuf.FrameBuffer(bytearray(12), 4, 9, framebuf.MONO_VLSB, 8))
attempt("hlsb", lambda: framebuf.FrameBuffer(bytearray(2), 9, 1, framebuf.MONO_HLSB))
attempt("gs2", lambda: framebuf.FrameBuffer(bytearray(2), 5, 1, framebuf.GS2_HMSB) is not None)
attempt("gs4", lambda: framebuf.FrameBuffer(bytearray(2), 5, 1, framebuf.GS4_HMSB))
attempt("bytes", lambda: framebuf.FrameBuffer(bytes(64), 8, 8, framebuf.GS8))
attempt("nobuf", lambda: framebuf.FrameBuffer(1, 8, 8, framebuf.GS8))
attempt("nargs", lambda: framebuf.FrameBuffer(buf, 8, 8))
attempt("float", lambda: framebuf.FrameBuffer(buf, 8.0, 8, framebuf.GS8))

fb = framebuf.FrameBuffer(buf, 8, 8, framebuf.GS8)
attempt("pixel args", lambda: fb.pixel(1))
attempt("blit none", lambda: fb.blit(None, 0, 0))
attempt("blit short tuple", lambda: fb.blit((buf, 8, 8), 0, 0))
attempt("blit long tuple", lambda: fb.blit((buf, 8, 8, 6, 8, 1), 0, 0))
attempt("blit bad tuple", lambda: fb.blit((buf, 8, 9, 6), 0, 0))
attempt("poly empty", lambda: fb.poly(0, 0, bytes(1), 1))
attempt("poly nobuf", lambda: fb.poly(0, 0, [1, 2, 3, 4], 1))
attempt("text int", lambda: fb.text(1, 0, 0))
attempt("scroll", lambda: fb.scroll(100, -100))
attempt("big col", lambda: (fb.fill(0x1FF), fb.pixel(0, 0)))
attempt("huge line", lambda: fb.line(-(2**16), 3, 2**12, 3, 5) or buf[24:32])
attempt("huge ellipse", lambda: fb.ellipse(4, 4, 2**14, 2**14, 3))
attempt("far poly", lambda: fb.poly(0, -(2**29), bytes((0, 0, 5, 255)), 1, True))
print(bytes(fb))
