// tests/integration/js/client.js — the integration test's load: N Meteor
// clients, each a stock sockjs-client 1.6.1 (the SockJS client Meteor's
// socket-stream-client bundles) in one Node process, behind nginx.
//
// Each client does what Meteor's client stream and DDP connection do:
//  - a connection is `new SockJS(URL/sockjs, undefined, {transports})` with
//    Meteor's whitelist (websocket, xdr-polling, xhr-polling,
//    iframe-xhr-polling, jsonp-polling; in Node only websocket and
//    xhr-polling exist); sockjs-client asks GET /sockjs/info first, then
//    opens the first transport both sides allow (the xhr-polling runs'
//    servers turn websockets off, as Meteor's DISABLE_WEBSOCKETS does);
//  - on open: the retry count resets and the DDP connect goes out
//    ({"msg":"connect","version":"1","support":["1","pre2","pre1"]});
//    "connected" is the DDP connected state;
//  - then a DDP method call every MESSAGE_MS on average (exponential), and
//    Meteor's heartbeat: a ping after HEARTBEAT_MS without a message
//    received, a close if nothing comes within HEARTBEAT_MS again;
//  - on close it reconnects on Meteor's schedule: 10 ms for the first two
//    retries, then min(300 s, 1 s x 2.2^n) x U[0.75, 1.25], that part
//    scaled by RETRY_SCALE; every reconnect is a new SockJS session.
//
// sockjs-client in Node sends every request with Node's http.request and
// keeps no cookies.  This file wraps http.request (the module function
// sockjs-client's xhr driver calls) to give each client what a browser has:
// its own cookie jar (the sticky route cookie), its own source address
// (127.0.k+1.1 for client k with DISTINCT=1: a /24 of its own for
// ip_hash), and a count of its requests by kind, with the upstream that
// answered each (nginx adds X-Upstream).  Which client a request belongs to
// comes from an AsyncLocalStorage context entered when the client starts a
// connection: sockjs-client's timers and callbacks keep it.
//
// The harness tells it (SIGUSR1) when it kills the watched server and
// (SIGUSR2) when it restarts it, to count as the model does: moved (clients
// connected to it when it died), rehome times, broken on recovery.
//
// At the end it asks each backend's GET /stats directly and prints one JSON
// object with the model's counters (summary.json "balancer" names) and both
// session views: `client_sessions_mean` (SockJS sessions the clients hold
// open: after "o", before the close, time-averaged) and
// `server_sessions_mean`/`server_sessions_peak` (sessions the servers hold,
// stray and unread ones included; time-averaged over the run, summed over
// the servers still up at the end).
//
// usage: node client.js OPTIONS (see `opts` below; all required)
'use strict';
const http = require('http');
const {EventEmitter} = require('events');
const {AsyncLocalStorage} = require('async_hooks');

const opts = {};
for (let i = 2; i + 1 < process.argv.length; i += 2)
	opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['port', 'clients', 'duration', 'message', 'retry-scale', 'heartbeat', 'distinct', 'seed', 'backends']) {
	if (opts[k] === undefined) {
		process.stderr.write(`client.js: missing --${k}\n`);
		process.exit(2);
	}
}
const PORT = Number(opts.port), N = Number(opts.clients), DURATION = Number(opts.duration);
const MESSAGE_MS = Number(opts.message), RETRY_SCALE = Number(opts['retry-scale']), HEARTBEAT = Number(opts.heartbeat);
const DISTINCT = opts.distinct === '1', WATCHED = opts.watch || null, RECOVERY_MS = Number(opts.recovery || 0);
// backends: name=port,... (for /stats and to name an X-Upstream)
const backends = opts.backends.split(',').map((s) => {
	const [n, p] = s.split('=');
	return {name: n, port: Number(p)};
});
const byAddr = new Map(backends.map((b) => [`127.0.0.1:${b.port}`, b.name]));

// the SockJS client reads Math.random for its server_id; ours is seeded
let rng = BigInt(opts.seed) * 0x9E3779B97F4A7C15n & 0xFFFFFFFFFFFFFFFFn;
function uniform() { // splitmix64
	rng = (rng + 0x9E3779B97F4A7C15n) & 0xFFFFFFFFFFFFFFFFn;
	let z = rng;
	z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & 0xFFFFFFFFFFFFFFFFn;
	z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & 0xFFFFFFFFFFFFFFFFn;
	z ^= z >> 31n;
	return Number(z >> 11n) / 9007199254740992;
}

const now = () => Number(process.hrtime.bigint() / 1000n) / 1000; // ms
const counts = {requests: 0, sends: 0, polls: 0, info: 0, send_404: 0, lost: 0, opens: 0, connected_ok: 0,
		reconnects: 0, other_closes: 0, moved: 0, broken: 0};
const closeReasons = {};
const rehome = [];
let killedAt = -1, restartedAt = -1, allConnected = false;

// ---- the per-client http wrapper ----
const als = new AsyncLocalStorage();
const upstreamName = (v) => { // the last address nginx tried
	const m = String(v || '').match(/127\.0\.0\.1:\d+/g);
	return m ? byAddr.get(m[m.length - 1]) || '' : '';
};
const realRequest = http.request;
// The emulated network: a request leaves LATENCY_MS (a fresh exponential
// draw) after the client makes it, and its answer reaches the client
// another draw after it arrived.  A request the client gives up while it is
// still on its way goes out all the same (it was on the wire) and its
// answer is dropped; one already at the server is aborted (the client
// closes its connection).  Returns what sockjs-client's xhr driver uses of
// a ClientRequest: on('error'), write, end, abort.
const LATENCY_MS = Number(opts.latency || 0);
const draw = () => (LATENCY_MS > 0 ? -Math.log(1 - uniform()) * LATENCY_MS : 0);
function delayed(options, cb) {
	const proxy = new EventEmitter();
	let real = null, gone = false;
	const body = [];
	proxy.write = (d) => { body.push(d); return true; };
	proxy.end = (d) => {
		if (d)
			body.push(d);
		setTimeout(() => {
			real = realRequest.call(http, options, (res) => {
				setTimeout(() => {
					if (gone)
						res.resume();
					else
						cb(res);
				}, draw());
			});
			real.on('error', (e) => { if (!gone) proxy.emit('error', e); });
			for (const d of body)
				real.write(d);
			real.end();
		}, draw());
	};
	proxy.abort = () => {
		if (gone)
			return;
		gone = true;
		if (real)
			real.abort();
	};
	return proxy;
}
http.request = function (options, cb) {
	const c = als.getStore();
	if (!c || typeof options !== 'object' || !options.path || !options.path.startsWith('/sockjs/'))
		return realRequest.apply(http, arguments);
	const path = options.path.split('?')[0];
	const kind = path.endsWith('/xhr_send') ? 'send' : path.endsWith('/xhr') ? 'poll' : 'info';
	options = Object.assign({}, options, {headers: Object.assign({}, options.headers || {})});
	if (c.cookie)
		options.headers.Cookie = c.cookie;
	if (DISTINCT)
		options.localAddress = c.addr;
	counts.requests++;
	if (kind === 'send')
		counts.sends++;
	else if (kind === 'poll')
		counts.polls++;
	else
		counts.info++;
	return delayed(options, (res) => {
		const sc = res.headers['set-cookie'];
		if (sc) // the jar keeps name=value of the route cookie
			for (const line of sc) {
				const m = /^\s*(route=[^;]*)/.exec(line);
				if (m)
					c.cookie = m[1];
			}
		const up = upstreamName(res.headers['x-upstream']);
		if (kind === 'send' && res.statusCode === 404) {
			counts.send_404++;
			c.failedAt = up;
		} else if (kind === 'poll') {
			c.pollAt = up;
		}
		cb(res);
	});
};
const SockJS = require('sockjs-client');

// ---- both session views, integrated exactly ----
let believed = 0, believedArea = 0, believedLast = 0, t0 = 0;
function believe(d) {
	const t = now();
	if (t0 > 0)
		believedArea += believed * (t - believedLast);
	believedLast = t;
	believed += d;
}

// ---- Meteor's client ----
const TRANSPORTS = ['websocket', 'xdr-polling', 'xhr-polling', 'iframe-xhr-polling', 'jsonp-polling'];
let stopping = false;

function retryDelay(n) {
	if (n < 2)
		return 10;
	return Math.min(300000, 1000 * Math.pow(2.2, n)) * (uniform() * 0.5 + 0.75) * RETRY_SCALE;
}

function clearTimers(c) {
	for (const t of ['msgTimer', 'hbTimer', 'retryTimer'])
		if (c[t]) {
			clearTimeout(c[t]);
			c[t] = null;
		}
}

function heartbeat(c) { // Meteor's DDP heartbeat: ping after silence
	if (c.hbTimer)
		clearTimeout(c.hbTimer);
	c.hbTimer = setTimeout(() => {
		c.hbTimer = null;
		if (c.sock && c.sock.readyState === SockJS.OPEN) {
			c.sock.send(JSON.stringify({msg: 'ping'}));
			c.hbTimer = setTimeout(() => c.sock && c.sock.close(), HEARTBEAT);
		}
	}, HEARTBEAT);
}

function nextMessage(c) {
	c.msgTimer = setTimeout(() => {
		c.msgTimer = null;
		if (c.state !== 'connected' || !c.sock || c.sock.readyState !== SockJS.OPEN)
			return;
		c.sock.send(JSON.stringify({msg: 'method', method: 'm', params: [], id: String(++c.nmsg)}));
		nextMessage(c);
	}, -Math.log(1 - uniform()) * MESSAGE_MS);
}

function launch(c) {
	if (stopping)
		return;
	counts.opens++;
	c.state = 'opening';
	c.failedAt = c.pollAt = '';
	als.run(c, () => {
		const sock = new SockJS(`http://127.0.0.1:${PORT}/sockjs`, undefined, {
			transports: TRANSPORTS,
			server: String(Math.floor(uniform() * 1000)).padStart(3, '0'),
		});
		c.sock = sock;
		let open = false;
		sock.onopen = () => {
			open = true;
			believe(+1);
			c.retries = 0; // Meteor's _connected
			c.state = 'connecting';
			sock.send(JSON.stringify({msg: 'connect', version: '1', support: ['1', 'pre2', 'pre1']}));
			heartbeat(c);
		};
		sock.onmessage = (e) => {
			heartbeat(c);
			let m;
			try {
				m = JSON.parse(e.data);
			} catch (x) {
				return;
			}
			if (m.msg === 'connected' && c.state === 'connecting') {
				c.state = 'connected';
				c.server = String(m.session).split('-')[0];
				counts.connected_ok++;
				if (!allConnected && clients.every((x) => x.state === 'connected')) {
					allConnected = true;
					process.stderr.write('all connected\n');
				}
				if (c.moved) {
					c.moved = false;
					rehome.push((now() - killedAt) / 1000);
				}
				nextMessage(c);
			} else if (m.msg === 'ping') {
				sock.send(JSON.stringify({msg: 'pong'}));
			}
		};
		sock.onclose = (e) => {
			if (c.sock !== sock)
				return;
			if (open)
				believe(-1);
			const wasConnected = c.state === 'connected';
			const reason = String(e.reason || e.code);
			const key = reason.startsWith('Sending error') ? 'Sending error' : reason;
			closeReasons[key] = (closeReasons[key] || 0) + 1;
			if (reason === 'Server lost session')
				counts.lost++;
			else if (!reason.startsWith('Sending error'))
				counts.other_closes++;
			// broken on recovery: closed by a request that reached the
			// restarted server within the recovery window
			const at = reason.startsWith('Sending error') ? c.failedAt : reason === 'Server lost session' ? c.pollAt : '';
			if (wasConnected && restartedAt >= 0 && WATCHED && at === WATCHED && now() - restartedAt <= RECOVERY_MS)
				counts.broken++;
			c.sock = null;
			c.state = 'waiting';
			clearTimers(c);
			if (stopping)
				return;
			counts.reconnects++;
			c.retryTimer = setTimeout(() => launch(c), retryDelay(c.retries++));
		};
	});
}

const clients = [];
for (let k = 0; k < N; k++)
	clients.push({idx: k, addr: `127.0.${(k + 1) % 256}.1`, cookie: '', retries: 0, nmsg: 0, state: 'waiting',
		sock: null, server: '', moved: false});

process.on('SIGUSR1', () => {
	killedAt = now();
	for (const c of clients)
		if (c.state === 'connected' && c.server === WATCHED) {
			c.moved = true;
			counts.moved++;
		}
});
process.on('SIGUSR2', () => { restartedAt = now(); });
require('./lifetime').endWithTest(1);

function stats(b) {
	return new Promise((resolve) => {
		const req = realRequest.call(http, {host: '127.0.0.1', port: b.port, path: '/stats' + (t0 ? '' : '?reset=1'),
			agent: false}, (res) => {
			let body = '';
			res.on('data', (d) => { body += d; });
			res.on('end', () => {
				try {
					resolve(JSON.parse(body));
				} catch (e) {
					resolve(null);
				}
			});
		});
		req.on('error', () => resolve(null));
		req.setTimeout(5000, () => { req.destroy(); resolve(null); });
		req.end();
	});
}

async function main() {
	await Promise.all(backends.map(stats)); // resets the servers' integrals
	t0 = now();
	believedLast = t0;
	process.stderr.write('started\n'); // the harness times its kill from here
	for (const c of clients)
		launch(c);
	await new Promise((r) => setTimeout(r, DURATION));
	believe(0);
	const t1 = now();
	const perServer = {};
	for (const b of backends)
		perServer[b.name] = 0;
	for (const c of clients)
		if (c.state === 'connected')
			perServer[c.server] = (perServer[c.server] || 0) + 1;
	const st = await Promise.all(backends.map(stats));
	stopping = true;
	for (const c of clients) {
		clearTimers(c);
		if (c.sock)
			c.sock.close();
	}
	let held = 0, peak = 0, servers = 0;
	for (const s of st)
		if (s && s.since_ms > 0) {
			held += s.area_ms / s.since_ms;
			peak += s.peak;
			servers++;
		}
	const r6 = (x) => Math.round(x * 1e6) / 1e6;
	const out = {
		requests: counts.requests, sends: counts.sends, polls: counts.polls, info_requests: counts.info,
		send_404_rate: counts.sends ? r6(counts.send_404 / counts.sends) : null,
		lost_session_rate: counts.polls ? r6(counts.lost / counts.polls) : null,
		opens: counts.opens,
		connect_success_per_open: counts.opens ? r6(counts.connected_ok / counts.opens) : null,
		reconnects_per_client_minute: r6(counts.reconnects / (DURATION / 60000 * N)),
		client_sessions_mean: r6(believedArea / (t1 - t0)),
		server_sessions_mean: servers === backends.length || WATCHED ? r6(held) : null,
		server_sessions_peak: servers === backends.length || WATCHED ? peak : null,
		sessions_per_server: perServer,
		moved_by_failure: counts.moved, broken_on_recovery: counts.broken,
		rehome_seconds_max: rehome.length ? r6(Math.max(...rehome)) : null,
		other_closes: counts.other_closes, close_reasons: closeReasons,
	};
	process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
}
main();
