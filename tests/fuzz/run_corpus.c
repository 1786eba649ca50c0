/* run_corpus.c: runs a fuzz harness over the files of its corpus without
 * libFuzzer, so every input ever saved (seeds and fixed crashes) is checked
 * by make check with any compiler. Prints one TAP line. */
#include "config.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads one file and feeds it to the harness; -1 if it cannot be read. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long size;
	size_t got;

	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc(size > 0 ? (size_t)size : 1);
	if (data == NULL || size < 0) {
		fclose(f);
		free(data);
		return -1;
	}
	got = fread(data, 1, (size_t)size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, got);
	free(data);
	return 0;
}

/* Runs every file of the corpus directory given as the only argument. */
int main(int argc, char **argv)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int count = 0, bad = 0;

	if (argc != 3 || (d = opendir(argv[2])) == NULL) {
		printf("1..1\nnot ok 1 - corpus directory %s\n", argc > 2 ? argv[2] : "(none)");
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", argv[2], de->d_name);
		if (run_file(path) < 0)
			bad++;
		count++;
	}
	closedir(d);
	printf("1..1\n%s 1 - %s: %d corpus inputs ran without a crash\n",
	       bad || count == 0 ? "not ok" : "ok", argv[1], count);
	return bad || count == 0;
}
