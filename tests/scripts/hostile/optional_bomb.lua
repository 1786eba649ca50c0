-- expect: pattern too complex
-- Each optional item doubles the backtracking, even on a short subject.
string.find(("a"):rep(40), ("a?"):rep(40) .. ("a"):rep(40))
