/*
 * dns/wire.h: the one bounds-checked cursor over DNS wire data.
 *
 * A struct wire is either a reader (over const bytes) or a writer (over a
 * caller-owned buffer with a fixed capacity).  The error is sticky: after
 * the first short read, overrun, bad name or bad pointer every further
 * call is a no-op that returns zero values, and the caller checks
 * wire_ok() once at the end of a block of reads or writes.  Nothing here
 * allocates; the caller owns every buffer for the cursor's lifetime.
 *
 * Names are handled in uncompressed wire form: a sequence of
 * length-prefixed labels ending with the root label, at most DNS_NAME_MAX
 * (255) bytes, each label at most 63 bytes.  Readers follow compression
 * pointers only backwards (to an offset before the label that holds the
 * pointer), so decompression always terminates; a hop cap bounds the work.
 *
 * Writers may compress names through a struct wire_ctab, which remembers
 * where earlier names (and their suffixes) were written.  Compression is
 * only ever used for names in the header-and-RR owner positions and in
 * RDATA of the RFC 1035 types; the caller decides by passing a table or
 * NULL.
 *
 * Legal order: wire_rinit() or wire_winit(), then any number of get/put
 * calls, then wire_ok().  wire_mark()/wire_seek() let a writer come back
 * to patch a length or count it reserved earlier.
 */
#ifndef R53D_DNS_WIRE_H
#define R53D_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX	255
#define DNS_LABEL_MAX	63
#define WIRE_CTAB_MAX	64	/* names remembered for compression */

struct wire {
	const uint8_t	*base;	/* message start: pointers are offsets */
	uint8_t		*wbase;	/* same buffer when writing, else NULL */
	size_t		 cap;	/* bytes readable, or capacity */
	size_t		 pos;	/* next byte to read or write */
	int		 err;	/* sticky: nonzero after any failure */
};

/* Offsets of names already written, for compression. */
struct wire_ctab {
	uint16_t	off[WIRE_CTAB_MAX];
	int		n;
};

void		 wire_rinit(struct wire *, const uint8_t *, size_t);
void		 wire_winit(struct wire *, uint8_t *, size_t);
int		 wire_ok(const struct wire *);	/* 1 when no error yet */
void		 wire_fail(struct wire *);	/* make the error sticky */
size_t		 wire_left(const struct wire *);	/* 0 after an error */

/* Reading.  On error these return 0 and leave *out zeroed. */
uint8_t		 wire_get8(struct wire *);
uint16_t	 wire_get16(struct wire *);
uint32_t	 wire_get32(struct wire *);
uint64_t	 wire_get48(struct wire *);	/* TSIG's Time Signed */
void		 wire_getbytes(struct wire *, void *, size_t);
const uint8_t	*wire_getptr(struct wire *, size_t);	/* NULL on error */
void		 wire_skip(struct wire *, size_t);
/*
 * Read a possibly compressed name into out (DNS_NAME_MAX bytes), store
 * its length in *lenp and return it; 0 on error.  The cursor ends after
 * the name as it appears at the current position (after the pointer if
 * the name was compressed).
 */
size_t		 wire_getname(struct wire *, uint8_t *, size_t *);
/* Skip a name without copying it; checks it the same way. */
void		 wire_skipname(struct wire *);

/* Writing.  On overrun the error becomes sticky and nothing is written. */
void		 wire_put8(struct wire *, uint8_t);
void		 wire_put16(struct wire *, uint16_t);
void		 wire_put32(struct wire *, uint32_t);
void		 wire_put48(struct wire *, uint64_t);	/* the low 48 bits */
void		 wire_putbytes(struct wire *, const void *, size_t);
/*
 * Write an uncompressed wire name, compressing it against the table if ct
 * is not NULL, and add its suffixes to the table while there is room.
 */
void		 wire_putname(struct wire *, const uint8_t *, struct wire_ctab *);

size_t		 wire_mark(const struct wire *);	/* current position */
/* Forget table entries at or after a mark the writer seeks back to. */
void		 wire_ctab_trim(struct wire_ctab *, size_t);
void		 wire_seek(struct wire *, size_t);	/* back to a mark */
void		 wire_set16(struct wire *, size_t, uint16_t); /* patch at mark */

/*
 * Fields at a known place in a buffer the caller has already checked
 * holds them (RDATA of a known length, a header): network byte order,
 * like the cursor, without one.
 */
static inline uint16_t
wire_load16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
wire_load32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
wire_load48(const uint8_t *p)
{
	return (uint64_t)wire_load16(p) << 32 | wire_load32(p + 2);
}

static inline void
wire_store16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wire_store32(uint8_t *p, uint32_t v)
{
	wire_store16(p, (uint16_t)(v >> 16));
	wire_store16(p + 2, (uint16_t)v);
}

static inline void
wire_store48(uint8_t *p, uint64_t v)
{
	wire_store16(p, (uint16_t)(v >> 32));
	wire_store32(p + 2, (uint32_t)v);
}

#endif
