libobdcon_a_SOURCES += \
	src/util/error.c src/util/error.h \
	src/util/buf.c src/util/buf.h \
	src/util/hex.c src/util/hex.h \
	src/util/sha256.c src/util/sha256.h \
	src/util/json.c src/util/json.h \
	src/util/clock.c src/util/clock.h \
	src/util/fsutil.c src/util/fsutil.h
