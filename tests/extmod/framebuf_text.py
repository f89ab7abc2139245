# framebuf text: our public-domain 8x8 font drawn as ASCII art, clipped at every edge;
# bytes outside 32..126 (also each byte of a multi-byte character) show the DEL glyph.
import framebuf

W, H = 26, 10
buf = bytearray(W * H)
fb = framebuf.FrameBuffer(buf, W, H, framebuf.GS8)


def show():
    for y in range(H):
        print("".join(".#+"[fb.pixel(x, y)] for x in range(W)))
    print()


fb.text("Hi!", 1, 1)
show()
fb.fill(0)
fb.text("upy", -3, -2, 2)
fb.text("xyz", 20, 5)
show()
fb.fill(1)
fb.text("\x7f\x1f", 0, 0, 0)
fb.text("é", 16, 2, 2)
show()
fb.fill(0)
fb.text(b"0", 0, 0)
fb.text("", 0, 0)
fb.text("A", W, 0)
fb.text("A", 0, H)
show()
