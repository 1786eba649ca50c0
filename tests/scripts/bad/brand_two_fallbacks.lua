-- expect: 3: is already the fallback brand
brand { id = "x", name = "X", fallback = true }
brand { id = "y", name = "Y", fallback = true }
