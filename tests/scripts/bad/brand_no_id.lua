-- expect: 2: brand: field 'id' must be a string
brand { name = "No id" }
