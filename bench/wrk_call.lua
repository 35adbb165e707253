-- wrk script: call-next at counters 1..6 of several offices with officer tokens.
-- OFFICES="slug1,..."  TOKENS="staff token1,..."
local offices, tokens = {}, {}
for slug in string.gmatch(os.getenv("OFFICES"), "[^,]+") do table.insert(offices, slug) end
for token in string.gmatch(os.getenv("TOKENS"), "[^,]+") do table.insert(tokens, token) end
local counter = 0

request = function()
  counter = counter + 1
  local index = (counter % #offices) + 1
  local desk = (math.floor(counter / #offices) % 6) + 1
  return wrk.format("POST", "/api/v1/offices/" .. offices[index] .. "/counters/" .. desk ..
    "/call-next", {["Authorization"] = "Bearer " .. tokens[index]}, "")
end
