"""A small SMTP server (asyncio streams) in one guest: takes one message,
prints its body, exits."""
import asyncio
import sys

import handoff


async def session(reader, writer, done):
    writer.write(b"220 pysocket test SMTP\r\n")
    body = []
    in_data = False
    while line := await reader.readline():
        if in_data:
            if line == b".\r\n":
                in_data = False
                writer.write(b"250 OK queued\r\n")
            else:
                body.append(line.decode().rstrip("\r\n"))
            continue
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            writer.write(b"250 pysocket\r\n")
        elif verb == b"DATA":
            in_data = True
            writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 Bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 OK\r\n")
        await writer.drain()
    writer.close()
    done.set_result(body)


async def main():
    done = asyncio.get_running_loop().create_future()
    server = await asyncio.start_server(lambda r, w: session(r, w, done), "127.0.0.1", 0)
    handoff.publish(sys.argv[1], server.sockets[0].getsockname()[1])
    body = await asyncio.wait_for(done, 60)
    server.close()
    await server.wait_closed()
    print(f"subject={[l for l in body if l.startswith('Subject:')][0]}")
    print(f"last_line={body[-1]}")


asyncio.run(main())
