/*
 * dns/rdata_svcb.c: SVCB and HTTPS service parameters (RFC 9460): their
 * checks in wire form, their text (key=value lists, alpn and mandatory
 * value lists, ech in base64, address hints) and back.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include "dns/base64.h"
#include "dns/rdata_impl.h"
#include "dns/wire.h"

#define SVCB_MANDATORY		0
#define SVCB_ALPN		1
#define SVCB_NODEFALPN		2
#define SVCB_PORT		3
#define SVCB_IPV4HINT		4
#define SVCB_ECH		5
#define SVCB_IPV6HINT		6
#define SVCB_KEY_INVALID	65535
#define SVCB_PARAMS_MAX		32	/* keys accepted in one text value */
#define SVCB_VALUE_MAX		4096	/* decoded text of one value */

/* Is the key present in the SVCB parameters p[0..len)? */
static int
svcb_has(const uint8_t *p, size_t len, uint16_t key)
{
	size_t	i = 0;

	while (i + 4 <= len) {
		if (wire_load16(p + i) == key)
			return 1;
		i += 4 + (size_t)wire_load16(p + i + 2);
	}
	return 0;
}

/* SvcParams in wire form (RFC 9460 section 2.2), p[0..len). */
int
svcb_check(const uint8_t *p, size_t len)
{
	size_t		 i = 0, j, vl;
	long		 prev = -1;
	uint16_t	 key;
	const uint8_t	*v;

	while (i < len) {
		if (len - i < 4)
			return -1;
		key = wire_load16(p + i);
		vl = wire_load16(p + i + 2);
		v = p + i + 4;
		if (len - i - 4 < vl || (long)key <= prev ||
		    key == SVCB_KEY_INVALID)
			return -1;
		prev = key;
		switch (key) {
		case SVCB_MANDATORY:
			if (vl == 0 || vl % 2 != 0)
				return -1;
			for (j = 0; j < vl; j += 2) {
				if (wire_load16(v + j) == SVCB_MANDATORY ||
				    (j > 0 && wire_load16(v + j) <= wire_load16(v + j - 2)))
					return -1;
				if (!svcb_has(p, len, wire_load16(v + j)))
					return -1;
			}
			break;
		case SVCB_ALPN:
			if (vl == 0)
				return -1;
			for (j = 0; j < vl; j += 1 + (size_t)v[j])
				if (v[j] == 0 || vl - j - 1 < v[j])
					return -1;
			break;
		case SVCB_NODEFALPN:
			if (vl != 0)
				return -1;
			break;
		case SVCB_PORT:
			if (vl != 2)
				return -1;
			break;
		case SVCB_IPV4HINT:
			if (vl == 0 || vl % 4 != 0)
				return -1;
			break;
		case SVCB_ECH:
			if (vl == 0)
				return -1;
			break;
		case SVCB_IPV6HINT:
			if (vl == 0 || vl % 16 != 0)
				return -1;
			break;
		default:
			break;
		}
		i += 4 + vl;
	}
	return 0;
}

static const struct {
	uint16_t	 key;
	const char	*name;
} svcb_keys[] = {
	{ SVCB_MANDATORY, "mandatory" },
	{ SVCB_ALPN, "alpn" },
	{ SVCB_NODEFALPN, "no-default-alpn" },
	{ SVCB_PORT, "port" },
	{ SVCB_IPV4HINT, "ipv4hint" },
	{ SVCB_ECH, "ech" },
	{ SVCB_IPV6HINT, "ipv6hint" },
};
#define SVCB_NKEYS	(sizeof(svcb_keys) / sizeof(svcb_keys[0]))

static void
tb_svcbkey(struct tb *t, uint16_t key)
{
	size_t	i;

	for (i = 0; i < SVCB_NKEYS; i++) {
		if (svcb_keys[i].key == key) {
			tb_str(t, svcb_keys[i].name);
			return;
		}
	}
	tb_str(t, "key");
	tb_u(t, key);
}

/* SvcParams of well-formed RDATA, each preceded by a space. */
void
tb_svcb(struct tb *t, const uint8_t *p, size_t len)
{
	size_t		 i = 0, j, vl, start;
	uint16_t	 key;
	const uint8_t	*v;
	char		 b64[SVCB_VALUE_MAX];

	while (i < len) {
		key = wire_load16(p + i);
		vl = wire_load16(p + i + 2);
		v = p + i + 4;
		i += 4 + vl;
		tb_c(t, ' ');
		tb_svcbkey(t, key);
		start = t->len;
		switch (key) {
		case SVCB_MANDATORY:
			tb_c(t, '=');
			for (j = 0; j < vl; j += 2) {
				if (j > 0)
					tb_c(t, ',');
				tb_svcbkey(t, wire_load16(v + j));
			}
			break;
		case SVCB_ALPN:
			tb_c(t, '=');
			for (j = 0; j < vl; j += 1 + (size_t)v[j]) {
				size_t	 e;

				if (j > 0)
					tb_c(t, ',');
				for (e = j + 1; e <= j + v[j]; e++) {
					if (v[e] == ',' || v[e] == '\\')
						tb_esc(t, '\\', 0);
					tb_esc(t, v[e], 0);
				}
			}
			break;
		case SVCB_NODEFALPN:
			break;
		case SVCB_PORT:
			tb_c(t, '=');
			tb_u(t, wire_load16(v));
			break;
		case SVCB_IPV4HINT:
		case SVCB_IPV6HINT:
			tb_c(t, '=');
			for (j = 0; j < vl; j += key == SVCB_IPV4HINT ? 4 : 16) {
				if (j > 0)
					tb_c(t, ',');
				tb_addr(t, key == SVCB_IPV4HINT ? AF_INET :
				    AF_INET6, v + j);
			}
			break;
		case SVCB_ECH:
			tb_c(t, '=');
			if (base64_encode(v, vl, b64, sizeof(b64)) == -1)
				t->err = 1;
			else
				tb_str(t, b64);
			break;
		default:
			if (vl == 0)
				break;
			tb_c(t, '=');
			for (j = 0; j < vl; j++)
				tb_esc(t, v[j], 0);
			break;
		}
		/*
		 * The parser decodes one value in SVCB_VALUE_MAX bytes: print
		 * nothing it could not read back.  (A Route 53 Value is at
		 * most 4000 characters in all.)
		 */
		if (!t->err && t->len - start >= SVCB_VALUE_MAX)
			t->err = 1;
	}
}

/* SVCB key name or keyNNNN; generic is set for the keyNNNN form. */
static int
svcb_key(const char *p, size_t n, uint16_t *key, int *generic)
{
	uint32_t	v;
	size_t		i;

	*generic = 0;
	for (i = 0; i < SVCB_NKEYS; i++) {
		if (strlen(svcb_keys[i].name) == n &&
		    strncmp(svcb_keys[i].name, p, n) == 0) {
			*key = svcb_keys[i].key;
			return 0;
		}
	}
	if (n < 4 || strncmp(p, "key", 3) != 0 || (p[3] == '0' && n > 4) ||
	    tin_decimal(p + 3, n - 3, 65534, &v) == -1)
		return -1;
	*key = (uint16_t)v;
	*generic = 1;
	return 0;
}

struct sparam {
	uint16_t	 key;
	int		 generic;
	int		 hasv;
	const char	*v;	/* escapes still in */
	size_t		 vlen;
};

/* key, key=value or key="value" */
static int
tin_sparam(struct tin *t, struct sparam *sp)
{
	const char	*p;
	size_t		 start, klen;

	tin_sp(t);
	start = t->pos;
	while (t->pos < t->len && !is_sp(t->s[t->pos]) &&
	    t->s[t->pos] != '=')
		t->pos++;
	p = t->s + start;
	klen = t->pos - start;
	if (svcb_key(p, klen, &sp->key, &sp->generic) == -1)
		return -1;
	sp->hasv = 0;
	sp->v = NULL;
	sp->vlen = 0;
	if (t->pos >= t->len || t->s[t->pos] != '=')
		return 0;
	t->pos++;
	sp->hasv = 1;
	if (t->pos < t->len && t->s[t->pos] == '"')
		return tin_quoted(t, &sp->v, &sp->vlen);
	start = t->pos;
	while (t->pos < t->len && !is_sp(t->s[t->pos])) {
		if (t->s[t->pos] == '"')
			return -1;
		t->pos += t->s[t->pos] == '\\' ? 2 : 1;
	}
	if (t->pos > t->len)
		return -1;
	sp->v = t->s + start;
	sp->vlen = t->pos - start;
	return 0;
}

/*
 * Write the wire value of one SvcParam from its text: the character-
 * string is decoded first, then read per key (comma lists, numbers,
 * base64).
 */
static int
svcb_value(struct wire *w, const struct sparam *sp)
{
	uint8_t		 dec[SVCB_VALUE_MAX], item[256], addr[16];
	uint8_t		 raw[BASE64_DECMAX(SVCB_VALUE_MAX)];
	uint16_t	 keys[SVCB_PARAMS_MAX], k;
	size_t		 n = 0, i, s, il;
	uint32_t	 v;
	int		 nk = 0, g, j;

	if (sp->hasv && cs_decode(sp->v, sp->vlen, dec, sizeof(dec), &n) == -1)
		return -1;
	if (sp->generic) {
		wire_putbytes(w, dec, n);
		return 0;
	}
	if (sp->key == SVCB_NODEFALPN)
		return sp->hasv ? -1 : 0;
	if (n == 0)
		return -1;
	switch (sp->key) {
	case SVCB_PORT:
		if (tin_decimal((const char *)dec, n, 65535, &v) == -1)
			return -1;
		wire_put16(w, (uint16_t)v);
		return 0;
	case SVCB_ECH:
		if (base64_decode((const char *)dec, n, raw, sizeof(raw),
		    &il) == -1 || il == 0)
			return -1;
		wire_putbytes(w, raw, il);
		return 0;
	case SVCB_ALPN:
		/* Value list: "\," is a comma and "\\" a backslash. */
		for (i = 0, il = 0; i <= n; i++) {
			if (i == n || dec[i] == ',') {
				if (il == 0)
					return -1;
				wire_put8(w, (uint8_t)il);
				wire_putbytes(w, item, il);
				il = 0;
				continue;
			}
			if (dec[i] == '\\') {
				if (++i == n || (dec[i] != ',' && dec[i] != '\\'))
					return -1;
			}
			if (il >= 255)
				return -1;
			item[il++] = dec[i];
		}
		return 0;
	default:
		break;
	}
	/* mandatory, ipv4hint, ipv6hint: plain comma lists. */
	for (i = 0, s = 0; i <= n; i++) {
		if (i < n && dec[i] != ',')
			continue;
		if (i == s)
			return -1;
		switch (sp->key) {
		case SVCB_MANDATORY:
			if (svcb_key((const char *)dec + s, i - s, &k, &g) == -1 ||
			    k == SVCB_MANDATORY || nk >= SVCB_PARAMS_MAX)
				return -1;
			for (j = nk; j > 0 && keys[j - 1] > k; j--)
				keys[j] = keys[j - 1];
			keys[j] = k;
			nk++;
			break;
		case SVCB_IPV4HINT:
			if (tin_addr((const char *)dec + s, i - s, AF_INET,
			    addr) == -1)
				return -1;
			wire_putbytes(w, addr, 4);
			break;
		case SVCB_IPV6HINT:
			if (tin_addr((const char *)dec + s, i - s, AF_INET6,
			    addr) == -1)
				return -1;
			wire_putbytes(w, addr, 16);
			break;
		}
		s = i + 1;
	}
	for (j = 0; j < nk; j++) {
		if (j > 0 && keys[j] == keys[j - 1])
			return -1;
		wire_put16(w, keys[j]);
	}
	return 0;
}

int
tin_svcb(struct tin *t, struct wire *w)
{
	struct sparam	 sp[SVCB_PARAMS_MAX], tmp;
	size_t		 at;
	int		 n = 0, i, j;

	while (tin_more(t)) {
		if (n >= SVCB_PARAMS_MAX || tin_sparam(t, &tmp) == -1)
			return -1;
		for (j = n; j > 0 && sp[j - 1].key > tmp.key; j--)
			sp[j] = sp[j - 1];
		sp[j] = tmp;
		n++;
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && sp[i].key == sp[i - 1].key)
			return -1;
		wire_put16(w, sp[i].key);
		at = wire_mark(w);
		wire_put16(w, 0);
		if (svcb_value(w, &sp[i]) == -1)
			return -1;
		if (wire_ok(w) && wire_mark(w) - at - 2 > 65535)
			return -1;
		wire_set16(w, at, (uint16_t)(wire_mark(w) - at - 2));
	}
	return 0;
}
