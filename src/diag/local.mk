# diag
