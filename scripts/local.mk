scriptsdir = $(pkgdatadir)/scripts
dist_scripts_DATA = scripts/demo.lua scripts/generic.lua \
	scripts/vw.lua scripts/ford.lua scripts/truck.lua

# The brand scripts of the simulated vw, ford and truck vehicles.
TESTS += tests/integration/brands.sh
EXTRA_DIST += tests/integration/brands.sh
