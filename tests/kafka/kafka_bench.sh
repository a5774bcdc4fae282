# The kafka benchmark, sourced by kafka_test.sh --bench (its servers and helpers): a
# topic filled by the producer, then drained into PostgreSQL by 1 and by 2 tether-drain
# instances (records/s each, and the ratio); and the producer's peak RSS against its
# budget (memory + in flight) + 16 MiB, at 10x its sink.
bench_seconds=20
[ "${CI:-}" = true ] && bench_seconds=4

# The producer at 10x its sink, with drains running: its RSS line.
drain bd0 b0 rb0 --create-topic 4
wait_until 60 grep -qs 'assigned partitions: ' "$dir/bd0.log" || fail "bench drain got no partitions"
producer bp0 b0 rb0 "$bench_seconds"
wait "$pid_bp0" || fail "bench producer: $(tail -n 3 "$dir/bp0.log")"
rss_line=$(done_line bp0)
kill "$pid_bd0"

# A topic of records, then timed drains over it (each group reads it all from the start).
drain create bt rcreate --create-topic 4
wait_until 60 grep -qs 'assigned partitions: ' "$dir/create.log" || fail "no topic bt"
kill "$pid_create"
producer fill bt rfill "$bench_seconds" --factor 40 --in-flight-kib 16384 --first-id 1000000000
wait "$pid_fill" || fail "fill producer: $(tail -n 3 "$dir/fill.log")"
in_topic=$(field "$(done_line fill)" kafka_delivered)
# time_drains INSTANCES TABLE: sets took, the seconds from start until the table
# holds every record of the topic.
all_in() { [ "$(rows "$1" 2>/dev/null || echo 0)" -ge "$in_topic" ]; }
time_drains() {
  local n=$1 table=$2 i start
  start=$(date +%s.%N)
  for ((i = 0; i < n; i++)); do GROUP=g-$table drain "bench_$table$i" bt "$table"; done
  wait_until 600 all_in "$table" || fail "$n drains did not store the $in_topic records"
  took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
  for ((i = 0; i < n; i++)); do eval "kill \$pid_bench_$table$i"; done
}
time_drains 1 rone
t1=$took
time_drains 2 rtwo
t2=$took
awk -v n="$in_topic" -v t1="$t1" -v t2="$t2" 'BEGIN {
  r1 = n / t1; r2 = n / t2;
  printf "drain -> PostgreSQL: %d records of 512 bytes from 4 partitions\n", n;
  printf "  1 instance : %9.0f records/s (%.2f s)\n", r1, t1;
  printf "  2 instances: %9.0f records/s (%.2f s), %.2fx one\n", r2, t2, r2 / r1 }'
echo "producer at 10x its sink: ${rss_line#kafka_producer: done: }"
