libobdcon_a_SOURCES += \
	src/link/link.c src/link/link.h
