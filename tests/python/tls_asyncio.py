"""asyncio TLS server and 50 concurrent TLS clients in one guest (both ends
use ssl.SSLObject over memory BIOs, asyncio's sslproto)."""
import asyncio
import ssl
import sys

cert, key, ca = sys.argv[1:4]
CLIENTS = 50


async def main():
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=ca)
    versions = set()

    async def handle(reader, writer):
        versions.add(writer.get_extra_info("ssl_object").version())
        while line := await reader.readline():
            writer.write(line.upper())
            await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]

    async def client(i):
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=client_ctx, server_hostname="localhost")
        total = 0
        for j in range(10):
            msg = f"client {i} message {j}\n".encode()
            writer.write(msg)
            await writer.drain()
            reply = await reader.readline()
            assert reply == msg.upper(), (reply, msg)
            total += len(reply)
        writer.close()
        await writer.wait_closed()
        return total

    async with server:
        totals = await asyncio.wait_for(asyncio.gather(*(client(i) for i in range(CLIENTS))), 90)
    print(f"clients={len(totals)}")
    print(f"bytes={sum(totals)}")
    print(f"server_versions={sorted(versions)}")


asyncio.run(main())
