#!/usr/bin/env bash
# The kafka part: the batcher's KAFKA overflow, tether-drain and PostgreSQL against a
# real broker (servers.sh). Each scenario checks that the ids stored are exactly the
# ids the producer had accepted (none lost, none twice).
#   kafka_test.sh BUILD LIBS          the test (shorter under CI=true); one line at the end
#   kafka_test.sh BUILD LIBS --bench  records/s through 1 and 2 drains, the producer's RSS
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd) libs=$2 mode=${3:-test}
dir=$(mktemp -d /tmp/tether-kafka.XXXXXX)
chmod 755 "$dir"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  "$here/servers.sh" stop "$dir/servers"
  [ "${KEEP:-}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "kafka: FAILED: $*"
  local f
  for f in "$dir"/*.log; do echo "--- $f"; tail -n 15 "$f"; done
  exit 1
}

"$here/servers.sh" start "$dir/servers" "$libs" || fail "the servers did not start"
set -a
. "$dir/servers/env"
set +a
sql() { psql -X -q -At -c "$1"; }
seconds=6 long=14
[ "${CI:-}" = true ] && seconds=4 long=10

# wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s.
wait_until() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 5; i++)); do
    "$@" && return 0
    sleep 0.2
  done
  return 1
}

# drain NAME TOPIC TABLE [ARGS...]: starts a tether-drain in group $GROUP (g-TOPIC).
drain() {
  local name=$1 topic=$2 table=$3
  shift 3
  "$build/tether-drain" --brokers "$KAFKA" --topic "$topic" --group "${GROUP:-g-$topic}" --table "$table" \
    "$@" >>"$dir/$name.log" 2>&1 &
  eval "pid_$name=$!"
  pids+=($!)
}
# producer NAME TOPIC TABLE SECONDS [ARGS...]: in the background; its pid in pid_NAME.
producer() {
  local name=$1 topic=$2 table=$3 s=$4
  shift 4
  "$build/bench/kafka_producer" --brokers "$KAFKA" --topic "$topic" --table "$table" \
    --seconds "$s" --accepted "$dir/$name.ids" "$@" >"$dir/$name.log" 2>&1 &
  eval "pid_$name=$!"
  pids+=($!)
}
rows() { sql "SELECT count(*) FROM $1"; }
# stored_matches TABLE IDS: the table holds exactly the ids in the file, each once.
stored_matches() {
  sort -n "$2" >"$dir/want"
  sql "SELECT id FROM $1 ORDER BY id" >"$dir/have"
  cmp -s "$dir/want" "$dir/have"
}
# caught_up TABLE IDS: as many rows as ids (then stored_matches says whether they are them).
caught_up() { [ "$(rows "$1")" -eq "$(wc -l <"$2")" ]; }
done_line() { grep 'kafka_producer: done:' "$dir/$1.log"; }
field() { sed -nE "s/.* $2 ([0-9]+).*/\1/p" <<<"$1"; }

# 1. Overflow 10x the sink, the drain SIGKILLed half way and started again.
overflow_and_kill() {
  drain d1 t1 r1 --create-topic 4
  wait_until 60 grep -qs 'assigned partitions: ' "$dir/d1.log" || fail "drain 1 got no partitions"
  producer p1 t1 r1 "$seconds"
  sleep $((seconds / 2))
  kill -9 "$pid_d1"
  wait "$pid_d1" 2>/dev/null
  echo "--- restarted after SIGKILL" >>"$dir/d1.log"
  drain d1 t1 r1
  wait "$pid_p1" || fail "producer 1: $(tail -n 3 "$dir/p1.log")"
  local line
  line=$(done_line p1)
  [ "$(field "$line" kafka_delivered)" -gt 0 ] || fail "producer 1 never overflowed to Kafka: $line"
  wait_until 90 caught_up r1 "$dir/p1.ids" || fail "drain 1 did not catch up: $(rows r1) rows"
  stored_matches r1 "$dir/p1.ids" || fail "table r1 does not hold exactly the accepted ids"
  kill "$pid_d1"
  wait "$pid_d1"
  s1="accepted $(field "$line" accepted) == stored ($(field "$line" kafka_delivered) via Kafka), drain SIGKILLed and restarted"
}

# 2. The broker stopped mid-run: the fallback (BLOCK) engages with a clear error;
# nothing accepted is lost once the broker is back.
broker_stopped() {
  drain d2 t2 r2 --create-topic 4
  wait_until 60 grep -qs 'assigned partitions: ' "$dir/d2.log" || fail "drain 2 got no partitions"
  # (1 ms: memory frees a batch every few ms, so waits for Kafka's room time out)
  producer p2 t2 r2 "$long" --block-ms 1
  sleep 2
  "$here/servers.sh" kafka-stop "$dir/servers"
  wait_until 30 grep -qs 'fallback engaged' "$dir/p2.log" || fail "no fallback with the broker down"
  wait_until 30 grep -qs 'unreachable 1' "$dir/p2.log" || fail "stats never showed kafka_unreachable"
  # last_error then: librdkafka's reason, or a timeout that quotes it (not "but slow")
  grep 'kafka unreachable, fallback BLOCK: ' "$dir/p2.log" | grep 'topic t2 at ' | grep -vq 'but slow' ||
    fail "last_error does not say Kafka is unreachable: $(grep 'fallback BLOCK' "$dir/p2.log")"
  "$here/servers.sh" kafka-start "$dir/servers" || fail "the broker did not start again"
  wait "$pid_p2" || fail "producer 2: $(tail -n 3 "$dir/p2.log")"
  grep -qE 'fallback engaged: TETHER_TIMEOUT: record [0-9]+ timed out .*Kafka \(topic t2 at' \
    "$dir/p2.log" || fail "the fallback's error does not name Kafka: $(grep fallback "$dir/p2.log")"
  wait_until 90 caught_up r2 "$dir/p2.ids" || fail "drain 2 did not catch up: $(rows r2) rows"
  stored_matches r2 "$dir/p2.ids" || fail "table r2 does not hold exactly the accepted ids"
  kill "$pid_d2"
  wait "$pid_d2"
  local line
  line=$(done_line p2)
  s2="fallback engaged ($(field "$line" timed_out) timed out), accepted $(field "$line" accepted) == stored"
}

# 3. Two drains in one group share the partitions.
two_drains() {
  drain d3a t3 r3 --create-topic 4
  wait_until 60 grep -qs 'assigned partitions: ' "$dir/d3a.log" || fail "drain 3a got no partitions"
  drain d3b t3 r3
  wait_until 60 grep -qs 'assigned partitions: ' "$dir/d3b.log" || fail "drain 3b got no partitions"
  producer p3 t3 r3 "$seconds"
  wait "$pid_p3" || fail "producer 3: $(tail -n 3 "$dir/p3.log")"
  wait_until 90 caught_up r3 "$dir/p3.ids" || fail "drains 3 did not catch up: $(rows r3) rows"
  stored_matches r3 "$dir/p3.ids" || fail "table r3 does not hold exactly the accepted ids"
  kill "$pid_d3a" "$pid_d3b"
  wait "$pid_d3a" "$pid_d3b"
  local a b
  a=$(sed -nE 's/.*stopped: consumed ([0-9]+),.*/\1/p' "$dir/d3a.log" | tail -n 1)
  b=$(sed -nE 's/.*stopped: consumed ([0-9]+),.*/\1/p' "$dir/d3b.log" | tail -n 1)
  [ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt 0 ] || fail "both drains must consume: $a and $b"
  s3="two drains consumed $a + $b"
}

if [ "$mode" = --bench ]; then
  . "$here/kafka_bench.sh"
  exit
fi
overflow_and_kill
broker_stopped
two_drains
# Stopped by pid, and nothing of them left (a server outliving the part would hold
# its ports, and the caller's lock, for the next one).
"$here/servers.sh" stop "$dir/servers" || fail "the servers did not stop"
left=$(pgrep -d, -f -- "$dir/servers/")
[ -z "$left" ] || fail "left behind after the stop: $(ps -o pid=,args= -p "$left" | cut -c1-120)"
echo "kafka: passed: $s1; $s2; $s3"
