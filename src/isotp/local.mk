libobdcon_a_SOURCES += src/isotp/isotp.c src/isotp/isotp.h
