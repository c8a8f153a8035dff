"""An asyncio echo server and 100 concurrent clients in one guest."""
import asyncio


async def echo(reader, writer):
    while data := await reader.read(1024):
        writer.write(data)
        await writer.drain()
    writer.close()


async def client(port, i):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    total = 0
    for j in range(10):
        msg = f"client {i} message {j}\n".encode()
        writer.write(msg)
        await writer.drain()
        total += len(await reader.readexactly(len(msg)))
    writer.close()
    await writer.wait_closed()
    return total


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    results = await asyncio.wait_for(asyncio.gather(*(client(port, i) for i in range(100))), 60)
    server.close()
    await server.wait_closed()
    print(f"clients={len(results)}")
    print(f"bytes={sum(results)}")


asyncio.run(main())
