libobdcon_a_SOURCES += \
	src/ui/ui.c src/ui/ui.h \
	src/ui/layout.c src/ui/layout.h
