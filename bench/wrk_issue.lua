-- wrk script: POST a ticket to one of several offices, each with its own kiosk token.
-- OFFICES="slug1,slug2,..."  TOKENS="token1,token2,..."  (same order)
local offices, tokens = {}, {}
for slug in string.gmatch(os.getenv("OFFICES"), "[^,]+") do table.insert(offices, slug) end
for token in string.gmatch(os.getenv("TOKENS"), "[^,]+") do table.insert(tokens, token) end
local counter = 0

request = function()
  counter = counter + 1
  local index = (counter % #offices) + 1
  local body = '{"service":"s' .. (counter % 4) .. '"}'
  return wrk.format("POST", "/api/v1/offices/" .. offices[index] .. "/tickets",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[index]}, body)
end
