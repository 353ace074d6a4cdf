"""A webhook receiver that checks every request with the Standard Webhooks reference
library (the `standardwebhooks` package) and logs what it saw, one JSON line per request.

    python3 webhook_receiver.py LOG SECRET [--fail-from EPOCH --fail-until EPOCH]

Prints the port it listens on (loopback) on its first line. Between --fail-from and
--fail-until (Unix seconds) it answers 500 to every request, as a receiver that is down;
otherwise 204 when the signature verifies and 400 when it does not. A request is logged
with its webhook-id, whether it verified (and why not), the status answered, the time it
arrived and the body.
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

args = argparse.ArgumentParser()
args.add_argument("log")
args.add_argument("secret")
args.add_argument("--fail-from", type=float, default=0)
args.add_argument("--fail-until", type=float, default=0)
opts = args.parse_args()

hook = Webhook(opts.secret)
lock = threading.Lock()
log = open(opts.log, "a", encoding="utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        arrived = time.time()
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k: v for k, v in self.headers.items()}
        try:
            hook.verify(body, headers, json_parse=False)
            verified, problem = True, None
        except (WebhookVerificationError, ValueError, UnicodeDecodeError) as e:
            verified, problem = False, str(e)
        if opts.fail_from <= arrived < opts.fail_until:
            status = 500
        else:
            status = 204 if verified else 400
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()
        entry = {
            "id": headers.get("webhook-id") or headers.get("Webhook-Id"),
            "story": headers.get("newswire-story") or headers.get("Newswire-Story"),
            "version": headers.get("newswire-version") or headers.get("Newswire-Version"),
            "status": headers.get("newswire-status") or headers.get("Newswire-Status"),
            "content_type": headers.get("content-type") or headers.get("Content-Type"),
            "traceparent": headers.get("traceparent") or headers.get("Traceparent"),
            "signatures": len((headers.get("webhook-signature") or headers.get("Webhook-Signature") or "").split()),
            "verified": verified,
            "problem": problem,
            "answered": status,
            "arrived": arrived,
            "body": body.decode("utf-8", "replace"),
        }
        with lock:
            log.write(json.dumps(entry) + "\n")
            log.flush()

    def log_message(self, *a):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
