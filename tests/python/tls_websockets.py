"""The websockets package (from PyPI, pure Python) in a guest: its asyncio
client and server, talking wss:// to each other through pysocket's ssl."""
import asyncio
import ssl
import sys

sys.path.insert(0, sys.argv[1])
cert, key, ca = sys.argv[2:5]

import websockets  # noqa: E402
import websockets.asyncio.client  # noqa: E402
import websockets.asyncio.server  # noqa: E402

print(f"imported=websockets {websockets.version.version}")


async def main():
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=ca)

    async def shout(ws):
        async for message in ws:
            await ws.send(message.upper())

    async with websockets.asyncio.server.serve(shout, "127.0.0.1", 0, ssl=server_ctx) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with websockets.asyncio.client.connect(f"wss://localhost:{port}", ssl=client_ctx) as ws:
            await ws.send("hello over wss")
            print(f"reply={await ws.recv()}")
            print(f"tls={ws.transport.get_extra_info('ssl_object').version()}")


asyncio.run(asyncio.wait_for(main(), 60))
