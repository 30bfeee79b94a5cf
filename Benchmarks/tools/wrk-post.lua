-- wrk script for the webhook ceiling: POSTs the very body CaseWatch sends (the sample payload written by
-- `casewatch-bench deliver-webhooks --sample-out FILE`), with headers of the same shape and size as a
-- signed Standard Webhooks delivery. Usage: wrk ... -s wrk-post.lua URL -- BODY_FILE
local request_bytes

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local body = file:read("*a")
  file:close()
  local headers = {
    ["Content-Type"] = "application/json",
    ["User-Agent"] = "CaseWatch/1",
    ["webhook-id"] = "msg_" .. string.rep("a", 26),
    ["webhook-timestamp"] = "1764240000",
    ["webhook-signature"] = "v1," .. string.rep("A", 43) .. "=",
  }
  request_bytes = wrk.format("POST", nil, headers, body)
end

function request()
  return request_bytes
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"benchmark": "wrk", "requests": %d, "seconds": %.4f, "per_second": %.1f, "latency_p50_ms": %.3f, ' ..
    '"latency_p99_ms": %.3f, "errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, ' ..
    '"errors_timeout": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
