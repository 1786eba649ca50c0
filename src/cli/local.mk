libobdcon_a_SOURCES += \
	src/cli/cli.c src/cli/cli.h \
	src/cli/cli_vehicle.c src/cli/cli_diag.c src/cli/cli_raw.c src/cli/cli_session.c src/cli/cli_flash.c
