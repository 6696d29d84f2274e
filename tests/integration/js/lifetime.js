// tests/integration/js/lifetime.js — how the test's node processes end:
// TERM, INT or HUP (the test stops them by PID) end them at once, and one
// whose test was killed outright (SIGKILL: no trap ran) notices within
// half a second that its parent (CS_ITEST_PARENT) is gone and ends too.
'use strict';
exports.endWithTest = function (status) {
	for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'])
		process.on(sig, () => process.exit(status));
	const parent = Number(process.env.CS_ITEST_PARENT || 0);
	if (parent > 0)
		setInterval(() => {
			try {
				process.kill(parent, 0);
			} catch (e) {
				process.exit(1);
			}
		}, 500).unref();
};
