"""tests/integration/lb/backend.py — the app behind the load balancers in
live_lb.sh: an HTTP/1.1 server (keep-alive) on $HOST:$PORT0 whose every
answer is its task id ($MESOS_TASK_ID), and which echoes the bytes of an
upgraded connection (a websocket handshake answered 101, then raw echo:
enough to see that the balancer passes the upgrade).  It does nothing
special on SIGTERM: it dies at once, like a naive server, so that the
balancers' retries are what keeps requests from being lost."""
import http.server
import os
import socketserver


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.end_headers()
            self.wfile.flush()
            while True:
                data = self.connection.recv(4096)
                if not data:
                    return
                self.connection.sendall(data)
        body = os.environ["MESOS_TASK_ID"].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # (a balancer that resets a kept-alive connection is no error here)


Server((os.environ["HOST"], int(os.environ["PORT0"])), Handler).serve_forever()
