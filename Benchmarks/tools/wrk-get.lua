-- wrk script for the daemon's published documents: GETs the URL as a feed reader does (no validators), and
-- prints one JSON line named by the URL's path. Usage: wrk ... -s wrk-get.lua URL

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"benchmark": "serve-get", "name": "%s", "requests": %d, "seconds": %.4f, "per_second": %.1f, ' ..
    '"latency_p50_ms": %.3f, "latency_p99_ms": %.3f, "errors_connect": %d, "errors_read": %d, "errors_write": %d, ' ..
    '"errors_status": %d, "errors_timeout": %d}\n',
    wrk.path, summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout))
end
