"""A small fake of Twilio's Messages API, served over real HTTP on localhost, for the real
`twilio` library (as tests/fake_stripe.py is for `stripe`).

Implements what CoachPro calls: POST /2010-04-01/Accounts/{sid}/Messages.json with HTTP
basic auth. Answers in Twilio's JSON shapes; a number in `unsubscribed` gets Twilio's 400
with error 21610 ("Attempt to send to unsubscribed recipient"); `fail_next` answers that
many requests with a 500. It also sends texts *to* CoachPro: an inbound message posted to
the app's webhook and signed exactly as Twilio signs them.
"""

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-test-auth-token-0123456789"
FROM = "+15005550006"


@dataclass
class FakeTwilio:
    messages: list[dict] = field(default_factory=list)
    unsubscribed: set[str] = field(default_factory=set)
    fail_next: int = 0
    base_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, auth: str | None, form: dict) -> tuple[int, dict]:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if auth != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
            return 404, {"code": 20404, "message": "The requested resource was not found",
                         "status": 404}  # fmt: skip
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            to = form.get("To", "")
            if to in self.unsubscribed:
                return 400, {
                    "code": 21610,
                    "message": "Attempt to send to unsubscribed recipient",
                    "status": 400,
                }
            if not form.get("Body") or not (form.get("From") or form.get("MessagingServiceSid")):
                return 400, {"code": 21602, "message": "Message body is required.", "status": 400}
            sid = "SM" + secrets.token_hex(16)
            message = {
                "sid": sid,
                "account_sid": ACCOUNT_SID,
                "to": to,
                "from": form.get("From"),
                "body": form["Body"],
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
            }
            self.messages.append(message)
            return 201, message

    def to(self, number: str) -> list[str]:
        """The bodies of the texts sent to `number`, in order."""
        return [m["body"] for m in self.messages if m["to"] == number]


def serve(fake: FakeTwilio) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            status, body = fake.handle(self.path, self.headers.get("Authorization"), form)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def inbound(client, base_url: str, sender: str, body: str, *, token: str = AUTH_TOKEN):
    """Post a text from `sender` to the app's webhook, signed as Twilio signs it."""
    path = "/sms/inbound"
    form = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": FROM,
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(token).compute_signature(base_url + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})
