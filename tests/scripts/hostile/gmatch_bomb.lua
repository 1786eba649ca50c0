-- expect: pattern too complex
for x in ("a"):rep(3000):gmatch("(.-)(.-)(.-)b") do end
