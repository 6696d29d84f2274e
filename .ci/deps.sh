#!/bin/sh
# Install the Debian packages named on the command line that are missing.
# As root: apt-get update, then apt-get install. Otherwise: print the line.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	echo "make deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# packages with services (nginx) must not start them: tests run their
	# own instances on loopback
	guard=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
	fi
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
	rc=$?
	[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
	[ $rc -eq 0 ] || { echo "make deps: apt-get failed" >&2; exit 1; }
else
	echo "make deps: missing packages; run as root:" >&2
	echo "  apt-get update && $line" >&2
	exit 1
fi
