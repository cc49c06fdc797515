-- Prints wrk's summary as one JSON line and its latency histogram as another. wrk 4 hands
-- done() the histogram after its coordinated-omission correction; bench/wrk.py undoes that
-- to get the latencies of the requests actually sent. No request or response hook, so wrk
-- runs at full speed. `latency(i)` is the i-th non-empty bucket: microseconds and count.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_SUMMARY {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d,' ..
    ' "p99_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
  local buckets = {}
  for i = 1, #latency do
    local us, count = latency(i)
    buckets[i] = string.format("%d:%d", us, count)
  end
  io.write("WRK_HISTOGRAM ", table.concat(buckets, ","), "\n")
end
