scriptsdir = $(pkgdatadir)/scripts
dist_scripts_DATA = scripts/demo.lua scripts/generic.lua \
	scripts/vw.lua scripts/ford.lua scripts/truck.lua
