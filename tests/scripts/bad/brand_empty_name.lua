-- expect: 2: field 'name' must not be empty
brand { id = "x", name = "" }
