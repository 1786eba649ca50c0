-- expect: instruction limit|time limit
while true do end
