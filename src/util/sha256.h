/* sha256.h: SHA-256 (FIPS 180-4) for manifests and integrity checks. */
#ifndef OBDCON_UTIL_SHA256_H
#define OBDCON_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t total;
	uint8_t block[64];
	size_t used;
};

/* Starts a new digest. */
void sha256_init(struct sha256 *s);
/* Feeds bytes. */
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Finishes and writes the 32-byte digest. */
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* Digest of a buffer as 64 lower-case hex digits plus NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);
/* Digest of a file as hex; -1 if it cannot be read. Sets *size if not NULL. */
int sha256_file_hex(const char *path, char out[65], uint64_t *size);
/* Writes a binary digest as 64 lower-case hex digits plus NUL. */
void sha256_to_hex(const uint8_t digest[32], char out[65]);

#endif
