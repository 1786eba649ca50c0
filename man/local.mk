dist_man_MANS += man/obdcon.1
dist_man_MANS += man/obdcon-scripts.5
