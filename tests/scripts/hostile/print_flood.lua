-- expect: instruction limit|time limit
while true do print("flood") end
