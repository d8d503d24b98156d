#!/usr/bin/env bash
# services.sh installs and starts the servers the output integration tests
# talk to: InfluxDB 1.x on 127.0.0.1:18086 and Prometheus (remote-write
# receiver on) on 127.0.0.1:19090, each with a temporary data directory.
# It prints the export lines that .ci/run evaluates:
#   eval "$(.ci/services.sh)"
# Diagnostics go to stderr; stdout carries only the export lines.
# Assumes `apt-get update` already ran. Ports: LLMBENCH_INFLUXDB_PORT,
# LLMBENCH_PROMETHEUS_PORT override the defaults.
set -euo pipefail

influx_port="${LLMBENCH_INFLUXDB_PORT:-18086}"
prom_port="${LLMBENCH_PROMETHEUS_PORT:-19090}"

log() { echo "services.sh: $*" >&2; }

if ! command -v influxd >/dev/null || ! command -v prometheus >/dev/null || ! command -v curl >/dev/null; then
	log "installing influxdb and prometheus"
	DEBIAN_FRONTEND=noninteractive apt-get install -y influxdb prometheus curl >&2
fi

dir="$(mktemp -d /tmp/llmbench-services.XXXXXX)"
log "data in $dir"

# InfluxDB 1.x: everything bound to 127.0.0.1, no reporting, no auth.
mkdir -p "$dir/influxdb"
cat >"$dir/influxdb/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$((influx_port + 2))"
[meta]
  dir = "$dir/influxdb/meta"
[data]
  dir = "$dir/influxdb/data"
  wal-dir = "$dir/influxdb/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$influx_port"
  auth-enabled = false
  log-enabled = false
[monitor]
  store-enabled = false
CONF
if ! curl -fsS "http://127.0.0.1:$influx_port/ping" >/dev/null 2>&1; then
	nohup influxd -config "$dir/influxdb/influxdb.conf" >"$dir/influxdb.log" 2>&1 &
	log "influxd pid $!"
else
	log "something already answers on $influx_port; reusing it"
fi

if ! curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1; then
	cat >"$dir/prometheus.yml" <<CONF
global:
  scrape_interval: 1m
scrape_configs: []
CONF
	nohup prometheus --config.file="$dir/prometheus.yml" \
		--storage.tsdb.path="$dir/prometheus" \
		--web.listen-address="127.0.0.1:$prom_port" \
		--web.enable-remote-write-receiver \
		--enable-feature=native-histograms \
		>"$dir/prometheus.log" 2>&1 &
	log "prometheus pid $!"
else
	log "something already answers on $prom_port; reusing it"
fi

wait_for() { # name url
	for _ in $(seq 1 120); do
		if curl -fsS "$2" >/dev/null 2>&1; then
			log "$1 ready"
			return 0
		fi
		sleep 0.5
	done
	log "$1 did not become ready at $2; its log:"
	tail -n 30 "$dir"/*.log >&2 || true
	return 1
}
wait_for influxdb "http://127.0.0.1:$influx_port/ping"
wait_for prometheus "http://127.0.0.1:$prom_port/-/ready"

echo "export LLMBENCH_TEST_INFLUXDB_URL=http://127.0.0.1:$influx_port"
echo "export LLMBENCH_TEST_PROMETHEUS_URL=http://127.0.0.1:$prom_port"
