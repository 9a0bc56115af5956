"""A small fake of Stripe's API, served over real HTTP on localhost, for the real `stripe` library.

Implements what CoachPro calls: creating and retrieving Checkout Sessions, and refunds. It
answers in Stripe's JSON shapes, honours idempotency keys (same key, same response), records
every request, serves a stand-in checkout page, and builds webhook events signed exactly as
Stripe signs them.
"""

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import stripe


def _nest(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (a[b][0][c]=x) back into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt = None if last else parts[i + 1]
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append({} if not nxt or not nxt.isdigit() else [])
                if last:
                    node[index] = value
                else:
                    node = node[index]
                continue
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, [] if nxt.isdigit() else {})
    return root


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    idempotency_key: str | None


@dataclass
class FakeStripe:
    base_url: str = ""
    sessions: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    by_key: dict = field(default_factory=dict)
    fail_next: bool = False
    # Called with (method, path) while a request is being answered: lets a test look at the
    # app's database at the moment the app is waiting for Stripe.
    while_answering: Callable[[str, str], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    # ---------------------------------------------------------------- API behaviour

    def handle(self, method: str, path: str, params: dict, key: str | None) -> tuple[int, dict]:
        if self.while_answering is not None:
            self.while_answering(method, path)
        with self.lock:
            self.requests.append(Recorded(method, path, params, key))
            if key and (method, path, key) in self.by_key:
                return self.by_key[(method, path, key)]
            if self.fail_next:
                self.fail_next = False
                return 500, {"error": {"type": "api_error", "message": "Something went wrong"}}
            result = self._route(method, path, params)
            if key and method == "POST":
                self.by_key[(method, path, key)] = result
            return result

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(params)
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            return (200, session) if session else _missing("checkout.session")
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        return _missing("endpoint")

    def _create_session(self, params: dict) -> dict:
        session_id = "cs_test_" + secrets.token_hex(12)
        item = params["line_items"][0]["price_data"]
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(item["unit_amount"]),
            "currency": item["currency"],
            "customer_email": params.get("customer_email"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"{self.base_url}/checkout/{session_id}",
        }
        self.sessions[session_id] = session
        return session

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        intent = params.get("payment_intent")
        if not any(s.get("payment_intent") == intent for s in self.sessions.values()):
            return _missing("payment_intent")
        refund = {
            "id": "re_" + secrets.token_hex(10),
            "object": "refund",
            "amount": int(params["amount"]),
            "payment_intent": intent,
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    # ---------------------------------------------------------------- test helpers

    def pay(self, session_id: str, *, delayed: bool = False) -> dict:
        """The customer completes checkout; returns the session as Stripe would send it."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_intent"] = session["payment_intent"] or "pi_" + secrets.token_hex(10)
        session["payment_status"] = "unpaid" if delayed else "paid"
        return dict(session)

    def refunded_charge(self, session_id: str, amount_refunded: int) -> dict:
        session = self.sessions[session_id]
        return {
            "id": "ch_" + session["payment_intent"][3:],
            "object": "charge",
            "payment_intent": session["payment_intent"],
            "amount": session["amount_total"],
            "amount_refunded": amount_refunded,
            "refunded": amount_refunded >= session["amount_total"],
        }

    @staticmethod
    def event(kind: str, obj: dict, event_id: str | None = None) -> dict:
        return {
            "id": event_id or "evt_" + secrets.token_hex(12),
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }

    @staticmethod
    def sign(event: dict, secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and Stripe-Signature header Stripe would send for `event`."""
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
        return payload.encode(), header


def _missing(what: str) -> tuple[int, dict]:
    return 404, {"error": {"type": "invalid_request_error", "message": f"No such {what}"}}


def serve(fake: FakeStripe) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, body: dict | str, content_type="application/json"):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_" + secrets.token_hex(6))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path.startswith("/checkout/"):
                session = fake.sessions.get(self.path.rsplit("/", 1)[1])
                title = "Fake Stripe Checkout"
                amount = f"{session['amount_total']} {session['currency']}" if session else "?"
                html = (
                    f"<!doctype html><title>{title}</title><h1>{title}</h1><p>Amount {amount}</p>"
                )
                return self._reply(200 if session else 404, html, "text/html")
            self._reply(*fake.handle("GET", self.path.split("?")[0], {}, None))

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            params = _nest(parse_qsl(body, keep_blank_values=True))
            key = self.headers.get("Idempotency-Key")
            self._reply(*fake.handle("POST", self.path, params, key))

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
