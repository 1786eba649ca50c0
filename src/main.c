/* main.c: option parsing and dispatch. */
#include "config.h"
#include <stdio.h>
int main(void) { return 0; }
