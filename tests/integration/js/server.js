// tests/integration/js/server.js — one backend of the integration test: a
// stock sockjs 0.3.24 server (the SockJS server of Meteor's ddp-server) with
// a minimal DDP on top, as ddp-server answers it:
//   {"msg":"connect"} -> {"msg":"connected","session":"<NAME>-<n>"} (the
//     session id names the server, so that clients know where they are);
//   {"msg":"method","id":X} -> {"msg":"result","id":X};
//   {"msg":"ping"} -> {"msg":"pong"}.
// SockJS options as ddp-server sets them (prefix /sockjs, heartbeat_delay,
// disconnect_delay; `websocket: false` for the xhr-polling runs, which is
// what Meteor's DISABLE_WEBSOCKETS does), with the delays scaled by the test.
//
// It listens on 127.0.0.1 on a port the kernel picks (port 0) and writes
// that port to PORT_FILE once listening (the test reads it: no fixed ports).
//
// GET /stats (outside the SockJS prefix, asked directly, not through nginx)
// returns the sessions this server holds — every SockJS session, including
// stray ones made by a poll for a session another server holds and ones
// whose "o" no client ever read: {"name", "held", "peak", "area_ms",
// "since_ms", "created", "connected"}: held now, the peak and the
// time-integral (session-milliseconds) since the last GET /stats?reset=1.
//
// usage: node server.js NAME HEARTBEAT_MS DISCONNECT_MS WEBSOCKET(0|1) PORT_FILE [PORT]
// (PORT: listen there instead: a restart on the port nginx knows)
'use strict';
const http = require('http');
const fs = require('fs');
const sockjs = require('sockjs');

const [name, heartbeat, disconnect, websocket, portFile, port] = process.argv.slice(2);
if (!portFile) {
	process.stderr.write('usage: node server.js NAME HEARTBEAT_MS DISCONNECT_MS WEBSOCKET PORT_FILE\n');
	process.exit(2);
}

// sessions held: a step function, integrated exactly at every change
const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;
let held = 0, peak = 0, area = 0, since = now(), last = since, created = 0, connected = 0, nextId = 0;
function change(d) {
	const t = now();
	area += held * (t - last);
	last = t;
	held += d;
	if (held > peak)
		peak = held;
}

const service = sockjs.createServer({
	prefix: '/sockjs',
	log: () => {},
	heartbeat_delay: Number(heartbeat),
	disconnect_delay: Number(disconnect),
	websocket: websocket === '1',
	jsessionid: false,
});
service.on('connection', (conn) => {
	created++;
	change(+1);
	conn.on('close', () => change(-1));
	conn.on('data', (text) => {
		let m;
		try {
			m = JSON.parse(text);
		} catch (e) {
			return;
		}
		if (m.msg === 'connect') {
			connected++;
			conn.write(JSON.stringify({msg: 'connected', session: `${name}-${++nextId}`}));
		} else if (m.msg === 'method') {
			conn.write(JSON.stringify({msg: 'result', id: m.id}));
		} else if (m.msg === 'ping') {
			conn.write(JSON.stringify({msg: 'pong'}));
		}
	});
});

const server = http.createServer((req, res) => {
	if (!req.url.startsWith('/stats')) {
		res.writeHead(404);
		res.end();
		return;
	}
	change(0);
	const body = JSON.stringify({name, held, peak, area_ms: area, since_ms: last - since, created, connected});
	if (req.url.includes('reset=1')) {
		since = last;
		area = 0;
		peak = held;
	}
	res.writeHead(200, {'Content-Type': 'application/json', Connection: 'close'});
	res.end(body);
});
service.installHandlers(server);
server.listen(Number(port || 0), '127.0.0.1', () => {
	// written whole, then renamed: the test never reads half a port
	fs.writeFileSync(portFile + '.tmp', String(server.address().port));
	fs.renameSync(portFile + '.tmp', portFile);
});
server.on('error', (e) => {
	process.stderr.write(`server.js ${name}: ${e.message}\n`);
	process.exit(1);
});
require('./lifetime').endWithTest(0);
