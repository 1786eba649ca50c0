-- expect: 2: brand takes a table
brand "x"
