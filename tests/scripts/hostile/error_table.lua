-- expect: error object is a table
error({ code = 1 })
