-- The soak's load: each wrk thread cycles through the request list in the file named by the
-- first script argument ("kind path" per line) and stops itself after the number of responses
-- given by the second. Kinds: anon (no credentials), user (the session cookie in SOAK_COOKIE),
-- api (the bearer token in SOAK_TOKEN), write (question writes through the API into the deck
-- whose id is the path: create, then edit what was created, then delete what was edited, so
-- the deck stays small). "{n}" in a path becomes a running number (a new search each time).
-- Each thread counts the statuses it got; done() prints them beside wrk's own summary.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_summary.lua")
local summary_done = done

items, statuses, index, answered, limit, writes = {}, {}, 0, 0, 0, 0
local created, edited = {}, {}

function init(args)
  for line in io.lines(args[1]) do
    local kind, path = line:match("^(%S+) (%S+)$")
    if kind then items[#items + 1] = {kind, path} end
  end
  limit = tonumber(args[2])
end

local function headers(kind)
  local found = {}
  if kind == "user" then found["Cookie"] = os.getenv("SOAK_COOKIE") end
  if kind == "api" or kind == "write" then
    found["Authorization"] = "Bearer " .. os.getenv("SOAK_TOKEN")
    found["Content-Type"] = "application/json"
  end
  return found
end

local function write(deck)
  writes = writes + 1
  local turn = writes % 3
  if turn == 2 and #edited > 0 then
    return wrk.format("DELETE", "/api/v1/questions/" .. table.remove(edited, 1), headers("write"))
  end
  if turn >= 1 and #created > 0 then
    local id = table.remove(created, 1)
    local body = string.format(
      '{"prompt": "Soak edited %s", "answer": "Edited *again*: %d.", "level": "basic"}', id, writes)
    return wrk.format("PATCH", "/api/v1/questions/" .. id, headers("write"), body)
  end
  local body = string.format(
    '{"prompt": "Soak created %d", "answer": "A `created` answer, %d.", "tags": ["soak"]}',
    writes, writes)
  return wrk.format("POST", "/api/v1/decks/" .. deck .. "/questions", headers("write"), body)
end

function request()
  index = index + 1
  local item = items[(index - 1) % #items + 1]
  local kind, path = item[1], item[2]:gsub("{n}", tostring(index))
  if kind == "write" then return write(path) end
  return wrk.format("GET", path, headers(kind))
end

function response(status, _, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- One question of the API (a list has "items", a page starts with "<").
  if body:sub(1, 1) == "{" and not body:find('"items"', 1, true) then
    local id = body:match('[{,]%s*"id":%s*(%d+)')
    if status == 201 and body:find('"Soak created', 1, true) then created[#created + 1] = id end
    if status == 200 and body:find('"Soak edited', 1, true) then edited[#edited + 1] = id end
  end
  answered = answered + 1
  if answered == limit then
    io.write("SOAK_THREAD_DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  summary_done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[#total + 1] = string.format("%d:%d", status, count)
    end
  end
  io.write("SOAK_STATUSES ", table.concat(total, ","), "\n")
end
