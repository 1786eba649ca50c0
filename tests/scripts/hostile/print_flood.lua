-- expect: instruction limit
while true do print("flood") end
