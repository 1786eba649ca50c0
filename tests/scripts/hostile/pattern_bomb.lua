-- expect: pattern too complex
-- Backtracking in C that the instruction hook cannot interrupt.
string.find(string.rep("a", 5000), ".-.-.-.-b")
