# websocket: continuation frames, masking across reads, ping skipping, data opcode.
import io
import websocket

ws = websocket.websocket(io.BytesIO(b"\x02\x02ab\x80\x83\x01\x02\x03\x04bfg\x89\x00\x88\x00"))
print(ws.read(3), ws.read(1), ws.read(5), ws.read(1))
print(ws.ioctl(8))

s = io.BytesIO()
ws = websocket.websocket(s)
print(ws.ioctl(9, 2))
ws.write(b"xyz")
print(s.getvalue())
