#!/usr/bin/env bash
# The servers of the kafka test part and benchmark, each with a fresh data directory,
# on loopback, stopped by pid:
# - PostgreSQL (Debian's postgresql), on a Unix socket in DIR/pg (as the user
#   `postgres` when run as root: initdb refuses root), trust auth, superuser `tether`;
# - Apache Kafka in KRaft mode, one node (broker + controller) on 127.0.0.1 ephemeral
#   ports, from the Maven Central jars that tests/kafka/pom.xml resolves into LIBS.
#   servers.sh start DIR LIBS      both; writes DIR/env (PGHOST PGPORT PGUSER KAFKA)
#   servers.sh stop DIR            both (by the pids in DIR)
#   servers.sh kafka-stop DIR      the broker only (its data and ports stay)
#   servers.sh kafka-start DIR     the broker again on the same data and ports
set -uo pipefail
cmd=$1 dir=$2
# The servers outlive this script: they must not inherit its caller's descriptors (a
# lock taken with flock around the caller would stay held for as long as they run).
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  [ "$fd" -gt 2 ] && eval "exec $fd>&-"
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The prefix that runs a command as postgres: setpriv execs, and a simple command
# started with & is exec'd by the forked shell, so $! is the server itself, for
# stopping it by pid (a function or a subshell would leave a shell in between).
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# wait_port PORT SECONDS PIDFILE: until something accepts on 127.0.0.1:PORT.
wait_port() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$(cat "$3")" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# gone PID: exited (a zombie counts: the servers outlive the shell that started them,
# so their parent is init, which may reap them late).
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ]; }

# stop_pid PIDFILE: TERM, up to 30 s, then KILL; fails if the process is still there.
stop_pid() {
  local pid i
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null
  for ((i = 0; i < 300; i++)); do
    gone "$pid" && { rm -f "$1"; return 0; }
    sleep 0.1
  done
  echo "$1: $pid did not stop on TERM in 30 s: KILL"
  kill -9 "$pid" 2>/dev/null
  sleep 1
  gone "$pid" && rm -f "$1"
}

pg_start() {
  local bin port
  bin=$(pg_bin) port=$(free_port)
  mkdir -p "$dir/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir" "$dir/pg"
  "${as_pg[@]}" "$bin/initdb" -D "$dir/pg/data" -U tether --auth=trust -E UTF8 >"$dir/pg/initdb.log" 2>&1 ||
    { cat "$dir/pg/initdb.log"; return 1; }
  # Unix socket only (no TCP), in DIR/pg; fsync stays on: commits are what the test counts.
  "${as_pg[@]}" "$bin/postgres" -D "$dir/pg/data" -k "$dir/pg" -p "$port" -c listen_addresses= \
    -c max_connections=20 -c shared_buffers=32MB >"$dir/pg/server.log" 2>&1 &
  echo $! >"$dir/pg.pid"
  local i
  for ((i = 0; i < 300; i++)); do
    "$bin/pg_isready" -q -h "$dir/pg" -p "$port" && break
    kill -0 "$(cat "$dir/pg.pid")" 2>/dev/null || { cat "$dir/pg/server.log"; return 1; }
    sleep 0.1
  done
  "$bin/pg_isready" -q -h "$dir/pg" -p "$port" || { echo "postgres did not start"; return 1; }
  printf 'PGHOST=%s\nPGPORT=%s\nPGUSER=tether\nPGDATABASE=postgres\n' "$dir/pg" "$port" >>"$dir/env"
}

kafka_run() {
  local k=$dir/kafka
  (cd "$k" && exec java -Xms256m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$k/log4j.properties" -cp "$(cat "$k/classpath")" \
    kafka.Kafka "$k/server.properties") >>"$k/server.log" 2>&1 &
  echo $! >"$dir/kafka.pid"
  wait_port "$(cat "$k/port")" 120 "$dir/kafka.pid" ||
    { echo "kafka did not start:"; tail -n 30 "$k/server.log"; return 1; }
}

kafka_start() {
  local libs=$1 k=$dir/kafka port cport
  port=$(free_port) cport=$(free_port)
  mkdir -p "$k"
  echo "$port" >"$k/port"
  ls "$(cd "$libs" && pwd)"/*.jar | tr '\n' ':' >"$k/classpath"
  cat >"$k/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$k/data
num.partitions=4
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
log.flush.interval.messages=1
PROPS
  cat >"$k/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$k/broker.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
  java -cp "$(cat "$k/classpath")" -Dlog4j.configuration="file:$k/log4j.properties" \
    kafka.tools.StorageTool format -t "$(java -cp "$(cat "$k/classpath")" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
    -c "$k/server.properties" >"$k/format.log" 2>&1 || { cat "$k/format.log"; return 1; }
  kafka_run || return 1
  echo "KAFKA=127.0.0.1:$port" >>"$dir/env"
}

case $cmd in
  start)
    [ -n "${3:-}" ] && [ -d "$3" ] || { echo "usage: $0 start DIR LIBS (LIBS: the broker's jars)"; exit 2; }
    rm -rf "$dir" && mkdir -p "$dir" && : >"$dir/env"
    pg_start && kafka_start "$3" || { "$0" stop "$dir"; exit 1; }
    ;;
  stop)
    stop_pid "$dir/kafka.pid"
    k=$?
    stop_pid "$dir/pg.pid" && exit $k
    ;;
  kafka-stop) stop_pid "$dir/kafka.pid" ;;
  kafka-start) kafka_run ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
