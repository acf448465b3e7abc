-- wrk script for the elearn HTTP benchmarks (bench/http_load.py).
--
-- Usage: wrk -t2 -c32 -d8s -s bench/wrk/requests.lua http://127.0.0.1:PORT -- REQUEST_FILE
--
-- REQUEST_FILE holds one request per line, fields separated by tabs:
--   METHOD <tab> PATH <tab> BODY (may be empty) [<tab> Header-Name: value]...
-- Every request picks a line at random, so a run spreads over many learners'
-- tokens or session cookies and many course, lesson and media ids.
-- With "once THREADS" after the file (wrk -t THREADS), each line is sent once
-- instead: thread N walks lines N, N+THREADS, ...; a thread that runs out
-- starts again from its first line and counts each such request in "repeats"
-- (submitting a finished quiz attempt again is a different, cheaper request).
-- done() prints one line "BENCH_JSON {...}" with the counts and latency
-- percentiles (microseconds); a response outside 2xx (a redirect too) counts
-- in "non2xx", so a run that errs is never mistaken for a fast one.

local threads = {}
local next_id = 1

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local pool = {}
non2xx = 0
first_bad = 0
repeats = 0
local once = false
local stride = 1
local sent = 0

function init(args)
   local file = args[1]
   if file == nil then
      error("give the request file after --")
   end
   for line in io.lines(file) do
      if line ~= "" then
         local fields = {}
         for field in (line .. "\t"):gmatch("([^\t]*)\t") do
            table.insert(fields, field)
         end
         local headers = {}
         for i = 4, #fields do
            local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
            if name then
               headers[name] = value
            end
         end
         local body = nil
         if fields[3] ~= nil and fields[3] ~= "" then
            body = fields[3]
         end
         table.insert(pool, wrk.format(fields[1], fields[2], headers, body))
      end
   end
   if #pool == 0 then
      error("no requests in " .. file)
   end
   if args[2] == "once" then
      once = true
      stride = tonumber(args[3]) or 1
   end
   math.randomseed(os.time() * 100 + (id or 0))
end

function request()
   if not once then
      return pool[math.random(#pool)]
   end
   local index = id + sent * stride
   sent = sent + 1
   if index > #pool then
      repeats = repeats + 1
      index = (index - 1) % #pool + 1
   end
   return pool[index]
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad == 0 then
         first_bad = status
      end
   end
end

function done(summary, latency, requests)
   local bad, first, again = 0, 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
      again = again + (thread:get("repeats") or 0)
      local status = thread:get("first_bad") or 0
      if first == 0 and status ~= 0 then
         first = status
      end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, "first_bad_status": %d, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "repeats": %d}\n',
      summary.requests, summary.duration, summary.bytes, bad, first,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, again))
end
