# profiles: adapter and vehicle profiles of the simulator (Lua data),
# installed for users to read and copy into
# $XDG_CONFIG_HOME/obdcon/profiles/{adapters,vehicles}/ (where a file of
# the same name overrides the copy built into obdcon: see src/sim/local.mk).
profilesadaptersdir = $(pkgdatadir)/profiles/adapters
dist_profilesadapters_DATA = profiles/adapters/elm327.lua \
	profiles/adapters/clone15.lua profiles/adapters/stn1110.lua \
	profiles/adapters/stn2120.lua
profilesvehiclesdir = $(pkgdatadir)/profiles/vehicles
dist_profilesvehicles_DATA = profiles/vehicles/demo.lua \
	profiles/vehicles/ford.lua profiles/vehicles/truck.lua profiles/vehicles/vw.lua
