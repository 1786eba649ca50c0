/* fuzz_import.c: session import on arbitrary archive bytes: every input is
 * refused or imported, and nothing ever lands outside the sessions folder. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];

/* Removes the scratch folder at exit. */
__attribute__((destructor)) static void remove_root(void)
{
	char cmd[128];

	if (root[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", root);
	}
}

/* Writes the input as an archive and imports it with small limits; the
 * scratch folder must hold only the sessions folder afterwards. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_limits lim = { 1 << 20, 4 << 20, 64, 1 << 20 };
	char archive[128], base[128], dir[512], cmd[256];
	struct error e;
	FILE *f;

	if (root[0] == 0 && mkdtemp(strcpy(root, "/tmp/obdcon-fuzz-import-XXXXXX")) == NULL)
		abort();
	snprintf(archive, sizeof archive, "%s/in.tar", root);
	snprintf(base, sizeof base, "%s/sessions", root);
	f = fopen(archive, "wb");
	if (f == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	if (session_import_with(archive, base, &lim, dir, sizeof dir, &e) < 0 && e.text[0] == 0)
		abort();
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s' | grep -v -x -e in.tar -e sessions)\"",
		 root);
	if (system(cmd) != 0)
		abort();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		abort();
	return 0;
}
