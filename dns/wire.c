/*
 * dns/wire.c: bounds-checked wire cursor with a sticky error.
 */
#include <string.h>

#include "dns/wire.h"

#define WIRE_HOPS_MAX	127	/* compression pointers followed per name */

void
wire_rinit(struct wire *w, const uint8_t *buf, size_t len)
{
	w->base = buf;
	w->wbase = NULL;
	w->cap = len;
	w->pos = 0;
	w->err = 0;
}

void
wire_winit(struct wire *w, uint8_t *buf, size_t cap)
{
	w->base = buf;
	w->wbase = buf;
	w->cap = cap;
	w->pos = 0;
	w->err = 0;
}

int
wire_ok(const struct wire *w)
{
	return w->err == 0;
}

void
wire_fail(struct wire *w)
{
	w->err = 1;
}

size_t
wire_left(const struct wire *w)
{
	if (w->err || w->pos > w->cap)
		return 0;
	return w->cap - w->pos;
}

/* Reserve n bytes for reading or writing; NULL (and sticky error) if not. */
static const uint8_t *
take(struct wire *w, size_t n)
{
	const uint8_t	*p;

	if (w->err || n > w->cap - w->pos) {
		w->err = 1;
		return NULL;
	}
	p = w->base + w->pos;
	w->pos += n;
	return p;
}

uint8_t
wire_get8(struct wire *w)
{
	const uint8_t	*p;

	if ((p = take(w, 1)) == NULL)
		return 0;
	return p[0];
}

uint16_t
wire_get16(struct wire *w)
{
	const uint8_t	*p;

	if ((p = take(w, 2)) == NULL)
		return 0;
	return wire_load16(p);
}

uint32_t
wire_get32(struct wire *w)
{
	const uint8_t	*p;

	if ((p = take(w, 4)) == NULL)
		return 0;
	return wire_load32(p);
}

uint64_t
wire_get48(struct wire *w)
{
	const uint8_t	*p;

	if ((p = take(w, 6)) == NULL)
		return 0;
	return wire_load48(p);
}

void
wire_getbytes(struct wire *w, void *out, size_t n)
{
	const uint8_t	*p;

	if ((p = take(w, n)) == NULL) {
		memset(out, 0, n);
		return;
	}
	memcpy(out, p, n);
}

const uint8_t *
wire_getptr(struct wire *w, size_t n)
{
	return take(w, n);
}

void
wire_skip(struct wire *w, size_t n)
{
	(void)take(w, n);
}

/*
 * Walk a name starting at the cursor.  Each pointer must point strictly
 * before the start of the label sequence it ends (the only form RFC 1035
 * produces), which with the hop cap guarantees termination.  When out is
 * NULL the name is only checked.
 */
static size_t
getname(struct wire *w, uint8_t *out, size_t *lenp)
{
	size_t	 p, end = 0, len = 0, seqstart;
	int	 hops = 0, jumped = 0;
	uint8_t	 c;

	if (w->err)
		goto bad;
	p = w->pos;
	seqstart = p;
	for (;;) {
		if (p >= w->cap)
			goto bad;
		c = w->base[p];
		if ((c & 0xc0) == 0xc0) {
			size_t	 target;

			if (p + 1 >= w->cap)
				goto bad;
			target = (size_t)(c & 0x3f) << 8 | w->base[p + 1];
			if (target >= seqstart || ++hops > WIRE_HOPS_MAX)
				goto bad;
			if (!jumped) {
				end = p + 2;
				jumped = 1;
			}
			p = seqstart = target;
			continue;
		}
		if (c & 0xc0)		/* 0x40 and 0x80: reserved types */
			goto bad;
		if (p + 1 + c > w->cap || len + 1 + c > DNS_NAME_MAX)
			goto bad;
		if (out != NULL)
			memcpy(out + len, w->base + p, 1 + (size_t)c);
		len += 1 + (size_t)c;
		p += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	w->pos = jumped ? end : p;
	if (lenp != NULL)
		*lenp = len;
	return len;
bad:
	w->err = 1;
	if (lenp != NULL)
		*lenp = 0;
	if (out != NULL)
		out[0] = 0;
	return 0;
}

size_t
wire_getname(struct wire *w, uint8_t *out, size_t *lenp)
{
	return getname(w, out, lenp);
}

void
wire_skipname(struct wire *w)
{
	(void)getname(w, NULL, NULL);
}

static uint8_t *
reserve(struct wire *w, size_t n)
{
	uint8_t	*p;

	if (w->err || w->wbase == NULL || n > w->cap - w->pos) {
		w->err = 1;
		return NULL;
	}
	p = w->wbase + w->pos;
	w->pos += n;
	return p;
}

void
wire_put8(struct wire *w, uint8_t v)
{
	uint8_t	*p;

	if ((p = reserve(w, 1)) != NULL)
		p[0] = v;
}

void
wire_put16(struct wire *w, uint16_t v)
{
	uint8_t	*p;

	if ((p = reserve(w, 2)) != NULL)
		wire_store16(p, v);
}

void
wire_put32(struct wire *w, uint32_t v)
{
	uint8_t	*p;

	if ((p = reserve(w, 4)) != NULL)
		wire_store32(p, v);
}

void
wire_put48(struct wire *w, uint64_t v)
{
	uint8_t	*p;

	if ((p = reserve(w, 6)) != NULL)
		wire_store48(p, v);
}

void
wire_putbytes(struct wire *w, const void *src, size_t n)
{
	uint8_t	*p;

	if ((p = reserve(w, n)) != NULL && n > 0)
		memcpy(p, src, n);
}

/*
 * Compare the uncompressed name suffix n with the (possibly compressed)
 * name written at offset off of the message, case-insensitively.
 */
static int
suffix_at(const struct wire *w, const uint8_t *n, size_t off)
{
	int	 hops = 0;
	uint8_t	 c, a, b;
	size_t	 i;

	for (;;) {
		if (off >= w->pos)
			return 0;
		c = w->base[off];
		if ((c & 0xc0) == 0xc0) {
			if (off + 1 >= w->pos || ++hops > WIRE_HOPS_MAX)
				return 0;
			off = (size_t)(c & 0x3f) << 8 | w->base[off + 1];
			continue;
		}
		if (c != n[0] || off + 1 + c > w->pos)
			return 0;
		for (i = 1; i <= c; i++) {
			a = n[i];
			b = w->base[off + i];
			if (a >= 'A' && a <= 'Z')
				a += 'a' - 'A';
			if (b >= 'A' && b <= 'Z')
				b += 'a' - 'A';
			if (a != b)
				return 0;
		}
		if (c == 0)
			return 1;
		n += 1 + c;
		off += 1 + (size_t)c;
	}
}

void
wire_putname(struct wire *w, const uint8_t *name, struct wire_ctab *ct)
{
	const uint8_t	*n = name;
	size_t		 here[DNS_NAME_MAX / 2 + 1];
	int		 i, k = 0, nl = 0;

	while (n[0] != 0) {
		if (ct != NULL) {
			for (i = 0; i < ct->n; i++) {
				if (suffix_at(w, n, ct->off[i])) {
					wire_put16(w, 0xc000 | ct->off[i]);
					goto remember;
				}
			}
		}
		here[nl++] = w->pos;
		wire_putbytes(w, n, 1 + (size_t)n[0]);
		n += 1 + n[0];
	}
	wire_put8(w, 0);
remember:
	if (ct == NULL || w->err)
		return;
	for (k = 0; k < nl && ct->n < WIRE_CTAB_MAX; k++)
		if (here[k] < 0x4000)
			ct->off[ct->n++] = (uint16_t)here[k];
}

void
wire_ctab_trim(struct wire_ctab *ct, size_t mark)
{
	int	i, j = 0;

	for (i = 0; i < ct->n; i++)
		if (ct->off[i] < mark)
			ct->off[j++] = ct->off[i];
	ct->n = j;
}

size_t
wire_mark(const struct wire *w)
{
	return w->pos;
}

void
wire_seek(struct wire *w, size_t mark)
{
	if (mark > w->cap)
		w->err = 1;
	else
		w->pos = mark;
}

void
wire_set16(struct wire *w, size_t at, uint16_t v)
{
	if (w->err || w->wbase == NULL || at > w->cap || w->cap - at < 2) {
		w->err = 1;
		return;
	}
	w->wbase[at] = v >> 8;
	w->wbase[at + 1] = v & 0xff;
}
