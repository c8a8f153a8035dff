"""smtplib in another guest, against smtp_server.py."""
import smtplib
import sys
from email.message import EmailMessage

import handoff

port = handoff.wait_for_port(sys.argv[1])
msg = EmailMessage()
msg["From"] = "guest@example.invalid"
msg["To"] = "host@example.invalid"
msg["Subject"] = "hello from a wasm guest"
msg.set_content("sent with smtplib over pysocket")
# local_hostname: smtplib would otherwise look up getfqdn(), a DNS lookup
# this guest's policy (rightly) refuses.
with smtplib.SMTP("127.0.0.1", port, timeout=30, local_hostname="guest.invalid") as smtp:
    refused = smtp.send_message(msg)
print(f"refused={refused}")
