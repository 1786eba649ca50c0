libobdcon_a_SOURCES += \
	src/app/app.c src/app/app.h src/app/app_internal.h \
	src/app/coding.c src/app/transaction.c src/app/raw.c src/app/dtc.c src/app/live.c src/app/restore.c src/app/replay_port.c src/app/check.c src/app/flash.c
# the console: unfinished flashes of this vehicle, PID table and DTC status words
libobdcon_a_SOURCES += src/app/flash_pending.c src/app/console_info.c
