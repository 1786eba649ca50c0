/* complete.h: Tab completion of file paths in a text field, as a shell
 * does it: the longest common continuation of the names that start with
 * what was typed, a "/" after a directory, and the candidates listed when
 * more than one is left. "~/" stands for $HOME. No terminal needed. */
#ifndef OBDCON_UI_COMPLETE_H
#define OBDCON_UI_COMPLETE_H

#include <stddef.h>

#include "ui/logbuf.h"

/* Completes the path typed in text (its whole content) into out. The
 * names still possible go to matches (sorted; directories end in "/";
 * emptied first, NULL to skip). Returns the number of names possible: 0
 * (out is text), 1 (out is that name), or more (out is their common
 * start). Hidden names are offered only when the typed name starts with
 * a dot. */
size_t ui_complete_path(const char *text, char *out, size_t n, struct ui_lines *matches);

/* The path typed with a leading "~/" made absolute from $HOME (copied
 * unchanged otherwise). */
void ui_expand_home(const char *text, char *out, size_t n);

#endif
