# A TCP echo server and client over localhost with asyncio streams.
import asyncio

PORT = 47231


async def handle(reader, writer):
    line = await reader.readline()
    print("server got", line)
    writer.write(line.upper())
    await writer.drain()
    data = await reader.readexactly(5)
    print("server got", data)
    writer.write(data[::-1])
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT)
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
    writer.write(b"hello stream\n")
    await writer.drain()
    print("client got", await reader.readline())
    writer.write(b"abcde")
    await writer.drain()
    print("client got", await reader.read(100))
    print("client eof", await reader.read(100))
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    print("closed")


asyncio.run(main())
