"""Answers a real network breaks, for the fake servers: a test queues one of these kinds where it
would queue an HTTP status, and the fake sends the answer it would have sent, broken.

* CUT_JSON: HTTP 200 whose JSON body stops half way (its Content-Length says so: nothing is missing
  on the wire, the JSON is just not whole): a proxy or server that cut the answer;
* DROPPED: HTTP 200 whose headers promise the whole body, of which half arrives before the
  connection closes (http.client's IncompleteRead, httpx's RemoteProtocolError);
* RESET: the connection closes before any answer (RemoteDisconnected / ConnectionResetError).
"""

from __future__ import annotations

import socket
import struct
from http.server import BaseHTTPRequestHandler

CUT_JSON = "cut_json"
DROPPED = "dropped"
RESET = "reset"
KINDS = (CUT_JSON, DROPPED, RESET)


def is_broken(kind: object) -> bool:
    return kind in KINDS


def cut(body: bytes) -> bytes:
    """The first half of a body: never valid JSON when the whole was an object or a list."""
    return body[: max(1, len(body) // 2)]


def send_broken(handler: BaseHTTPRequestHandler, kind: str, body: bytes, content_type: str = "application/json") -> None:
    """Answer `handler`'s request with `body`, broken the way `kind` says; the connection is then closed."""
    handler.close_connection = True
    if kind == RESET:
        # SO_LINGER 0: close with a TCP reset rather than a polite end of stream.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return
    sent = cut(body)
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(sent) if kind == CUT_JSON else len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(sent)
    handler.wfile.flush()
