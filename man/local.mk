dist_man_MANS += man/obdcon.1
