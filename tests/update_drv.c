/*
 * update_drv.c: apply UPDATE messages to a zone with dns/update.c, for
 * tests/update_ref.py, which applies the same messages to named.
 *
 * Usage: update_drv ORIGIN ZONEFILE MSG...
 * ZONEFILE has one RR per line, "name ttl TYPE value", values in Route
 * 53 text.  Each MSG file holds one UPDATE message in wire form; each is
 * evaluated and committed at once.  Output: one line per message, "rcode
 * summary", then "ZONE" and one line per RR, "name type ttl hexrdata".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrset.h"
#include "dns/rrtype.h"
#include "dns/update.h"

#define MAXRR	512

static uint8_t	rdbuf[2][MAXRR][RDATA_MAX];
static uint8_t	nmbuf[2][MAXRR][DNS_NAME_MAX];

static int
add_rr(struct zstore *st, const uint8_t *nm, uint16_t type, uint32_t ttl,
    const uint8_t *rd, size_t len)
{
	const struct rrset	*old = zstore_get(st, nm, type);
	static struct rr	 rrs[RRSET_MAXRR];
	struct rrset		*s;
	size_t			 n = 0;
	int			 i, rv;

	for (i = 0; old != NULL && i < old->nrr && n < RRSET_MAXRR - 1; i++)
		rrs[n++] = old->rr[i];
	rrs[n].rdata = rd;
	rrs[n].len = (uint16_t)len;
	rrs[n].text = NULL;
	if ((s = rrset_new(type, ttl, 0, NULL, rrs, n + 1)) == NULL)
		return -1;
	rv = zstore_put(st, nm, s);
	rrset_unref(s);
	return rv;
}

static int
load(struct zstore *st, const char *path)
{
	char		 line[8192], name[1024], tname[32];
	uint8_t		 nm[DNS_NAME_MAX], rd[RDATA_MAX];
	unsigned	 ttl;
	uint16_t	 type;
	size_t		 len;
	int		 off;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%1023s %u %31s %n", name, &ttl, tname,
		    &off) < 3)
			continue;
		if (name_from_text(name, nm, NULL) == -1 ||
		    rrtype_from_text(tname, &type) == -1 ||
		    rdata_from_r53(type, line + off, strlen(line + off), rd,
		    sizeof(rd), &len) == -1 ||
		    rdata_canon(type, rd, len, rd, sizeof(rd)) == -1 ||
		    add_rr(st, nm, type, ttl, rd, len) == -1) {
			fprintf(stderr, "bad zone line: %s\n", line);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* The RRs of one section as struct upd_rr, RDATA canonical. */
static int
section(const struct dns_msg *m, int sec, int k, struct upd_rr *out,
    size_t *np)
{
	struct dns_rr_iter	it;
	struct dns_rr		rr;
	size_t			n = 0, len;

	dns_rr_iter_init(&it, m, sec);
	while (dns_rr_next(&it, &rr) == 1) {
		if (n >= MAXRR)
			return -1;
		memcpy(nmbuf[k][n], rr.owner, rr.owner_len);
		len = 0;
		if (rr.rdlen > 0 && (dns_rr_rdata(m, &rr, rdbuf[k][n],
		    RDATA_MAX, &len) == -1 || rdata_canon(rr.type,
		    rdbuf[k][n], len, rdbuf[k][n], RDATA_MAX) == -1))
			return -1;
		out[n].name = nmbuf[k][n];
		out[n].type = rr.type;
		out[n].class = rr.class;
		out[n].ttl = rr.ttl;
		out[n].rdlen = (uint16_t)len;
		out[n].rdata = len > 0 ? rdbuf[k][n] : NULL;
		n++;
	}
	*np = n;
	return 0;
}

static void
dump(const struct zstore *st)
{
	const struct znode	*n;
	const struct rr		*r;
	char			 txt[DNS_NAME_TEXTMAX];
	size_t			 i;
	int			 k, j, b;

	printf("ZONE\n");
	for (i = 0; i < zstore_nnodes(st); i++) {
		n = zstore_nth(st, i);
		name_to_text(n->name, txt, sizeof(txt));
		for (k = 0; k < n->nset; k++)
			for (j = 0; j < n->set[k]->nrr; j++) {
				r = &n->set[k]->rr[j];
				printf("%s %u %u ", txt, n->set[k]->type,
				    n->set[k]->ttl);
				for (b = 0; b < r->len; b++)
					printf("%02x", r->rdata[b]);
				printf("\n");
			}
	}
}

int
main(int argc, char **argv)
{
	static uint8_t		 msg[DNS_MSG_MAX];
	static struct upd_rr	 pre[MAXRR], up[MAXRR];
	uint8_t			 origin[DNS_NAME_MAX];
	struct zstore		 st;
	struct zview		 v;
	struct dns_msg		 m;
	struct upd_req		 q;
	struct upd_result	 res;
	size_t			 ml;
	FILE			*f;
	int			 a;

	if (argc < 3 || name_from_text(argv[1], origin, NULL) == -1) {
		fprintf(stderr, "usage: update_drv origin zonefile msg...\n");
		return 2;
	}
	zstore_init(&st, 10000);
	if (load(&st, argv[2]) == -1)
		return 2;
	zview_init(&v, &st);
	for (a = 3; a < argc; a++) {
		if ((f = fopen(argv[a], "rb")) == NULL)
			return 2;
		ml = fread(msg, 1, sizeof(msg), f);
		fclose(f);
		memset(&q, 0, sizeof(q));
		q.origin = origin;
		q.zclass = DNS_C_IN;
		q.prereq = pre;
		q.update = up;
		if (dns_msg_parse(&m, msg, ml) != DNS_PARSE_OK ||
		    section(&m, DNS_SEC_PREREQ, 0, pre, &q.nprereq) == -1 ||
		    section(&m, DNS_SEC_UPDATE, 1, up, &q.nupdate) == -1) {
			printf("%d malformed message\n", DNS_R_FORMERR);
			continue;
		}
		update_eval(&v, &q, &res);
		printf("%d %s\n", res.rcode, res.reason);
		if (zview_commit(&v) == -1)
			return 3;
	}
	dump(&st);
	zview_free(&v);
	zstore_free(&st);
	return 0;
}
