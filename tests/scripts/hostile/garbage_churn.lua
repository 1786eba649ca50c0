-- expect: instruction limit|time limit
-- Garbage is collected: only the instruction budget stops this.
while true do local t = { 1, 2, 3 } end
