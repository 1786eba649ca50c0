-- expect: the ECU said no (error object is a table)
error({ message = "the ECU said no" })
