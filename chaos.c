/*
 * chaos.c: version.bind, hostname.bind, id.server, version.server and
 * stats.r53d in class CHAOS.  See chaos.h.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "chaos.h"
#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "stats.h"

/* BIND's built-in zones: SOA TTL and timers, NS and TXT TTL 0. */
#define SOA_TTL		86400
#define TXT_RD_MAX	8192		/* one group of counters */

static const struct {
	const uint8_t		*apex;
	enum chaos_zone		 zone;
} zones[] = {
	{ (const uint8_t *)"\7version\4bind", CHAOS_VERSION },
	{ (const uint8_t *)"\7version\6server", CHAOS_VERSION },
	{ (const uint8_t *)"\10hostname\4bind", CHAOS_HOSTNAME },
	{ (const uint8_t *)"\2id\6server", CHAOS_HOSTNAME },
	{ (const uint8_t *)"\5stats\4r53d", CHAOS_STATS }
};

enum chaos_zone
chaos_find(const uint8_t *qname, const uint8_t **apex)
{
	uint8_t	low[DNS_NAME_MAX];
	size_t	i, len;

	if ((len = name_len(qname, DNS_NAME_MAX)) == 0)
		return CHAOS_NONE;
	memcpy(low, qname, len);
	name_lower(low);
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (name_is_sub(low, zones[i].apex)) {
			*apex = zones[i].apex;
			return zones[i].zone;
		}
	return CHAOS_NONE;
}

int
chaos_allowed(const struct conf *cf, enum chaos_zone z,
    const struct sockaddr *peer, const char *keyname)
{
	if (z == CHAOS_NONE)
		return 0;
	if (z != CHAOS_STATS)
		return 1;
	return acl_match(&cf->allow_stats, peer, keyname);
}

/* name into rd at *off; -1 when it does not fit. */
static int
put_name(uint8_t *rd, size_t cap, size_t *off, const uint8_t *name)
{
	size_t	len = name_len(name, DNS_NAME_MAX);

	if (len == 0 || *off + len > cap)
		return -1;
	memcpy(rd + *off, name, len);
	*off += len;
	return 0;
}

/* The zone's SOA (or NS) as an RR of owner, the apex or the question. */
static int
put_soa(struct dns_wmsg *w, int sec, const uint8_t *owner,
    const uint8_t *apex)
{
	static const uint32_t	 t[5] = { 0, 28800, 7200, 604800, 86400 };
	uint8_t			 rd[2 * DNS_NAME_MAX + 20];
	uint8_t			 rname[DNS_NAME_MAX];
	size_t			 off = 0, len, i;

	len = name_len(apex, DNS_NAME_MAX);
	if (len + 11 > sizeof(rname))
		return DNS_W_BAD;
	memcpy(rname, "\12hostmaster", 11);
	memcpy(rname + 11, apex, len);
	if (put_name(rd, sizeof(rd), &off, apex) == -1 ||
	    put_name(rd, sizeof(rd), &off, rname) == -1)
		return DNS_W_BAD;
	for (i = 0; i < 5; i++) {
		rd[off++] = (uint8_t)(t[i] >> 24);
		rd[off++] = (uint8_t)(t[i] >> 16);
		rd[off++] = (uint8_t)(t[i] >> 8);
		rd[off++] = (uint8_t)t[i];
	}
	return dns_wmsg_rr(w, sec, owner, DNS_T_SOA, DNS_C_CH, SOA_TTL, rd,
	    (uint16_t)off);
}

static int
put_ns(struct dns_wmsg *w, int sec, const uint8_t *owner,
    const uint8_t *apex)
{
	return dns_wmsg_rr(w, sec, owner, DNS_T_NS, DNS_C_CH, 0, apex,
	    (uint16_t)name_len(apex, DNS_NAME_MAX));
}

/* One TXT RR of the strings s[0..n), each cut at 255 octets. */
static int
put_txt(struct dns_wmsg *w, const uint8_t *owner, char *const *s, size_t n)
{
	static uint8_t	 rd[TXT_RD_MAX];
	size_t		 off = 0, i, len;

	for (i = 0; i < n; i++) {
		len = strlen(s[i]);
		if (len > 255)
			len = 255;
		if (off + 1 + len > sizeof(rd))
			break;
		rd[off++] = (uint8_t)len;
		memcpy(rd + off, s[i], len);
		off += len;
	}
	if (off == 0)
		rd[off++] = 0;
	return dns_wmsg_rr(w, DNS_SEC_AN, owner, DNS_T_TXT, DNS_C_CH, 0, rd,
	    (uint16_t)off);
}

struct stats_out {
	struct dns_wmsg	*w;
	const uint8_t	*owner;
	int		 rv;
};

static void
stats_rr(void *arg, char *const *s, size_t n)
{
	struct stats_out	*o = arg;
	int			 rv;

	if (o->rv != DNS_W_OK)
		return;
	if ((rv = put_txt(o->w, o->owner, s, n)) != DNS_W_OK)
		o->rv = rv;
}

/*
 * The zone's TXT data into the answer: DNS_W_OK, DNS_W_FULL or
 * DNS_W_BAD; *none set when the zone has none (turned off).
 */
static int
put_data(const struct conf *cf, enum chaos_zone z, const uint8_t *owner,
    struct dns_wmsg *w, int *none)
{
	struct stats_out	 o;
	char			 host[256], *s[1];
	const char		*v;

	*none = 0;
	switch (z) {
	case CHAOS_VERSION:
		if (cf->version_none) {
			*none = 1;
			return DNS_W_OK;
		}
		v = cf->version != NULL ? cf->version : CONF_DEFAULT_VERSION;
		s[0] = (char *)(uintptr_t)v;
		return put_txt(w, owner, s, 1);
	case CHAOS_HOSTNAME:
		if (cf->hostname_none) {
			*none = 1;
			return DNS_W_OK;
		}
		if (cf->hostname != NULL)
			v = cf->hostname;
		else if (gethostname(host, sizeof(host)) == 0) {
			host[sizeof(host) - 1] = '\0';
			v = host;
		} else {
			/* BIND answers without data when it has no name. */
			*none = 1;
			return DNS_W_OK;
		}
		s[0] = (char *)(uintptr_t)v;
		return put_txt(w, owner, s, 1);
	case CHAOS_STATS:
		o.w = w;
		o.owner = owner;
		o.rv = DNS_W_OK;
		stats_report(stats_rr, &o);
		return o.rv;
	case CHAOS_NONE:
		break;
	}
	*none = 1;
	return DNS_W_OK;
}

int
chaos_answer(const struct conf *cf, enum chaos_zone z, const uint8_t *apex,
    const struct dns_msg *m, struct dns_wmsg *w)
{
	int	rv, none = 1;

	if (!name_equal(m->qname, apex)) {
		put_soa(w, DNS_SEC_NS, apex, apex);
		return DNS_R_NXDOMAIN;
	}
	switch (m->qtype) {
	case DNS_T_TXT:
		rv = put_data(cf, z, m->qname, w, &none);
		if (rv == DNS_W_BAD)
			return DNS_R_SERVFAIL;
		if (none)
			put_soa(w, DNS_SEC_NS, apex, apex);
		else
			put_ns(w, DNS_SEC_NS, apex, apex);
		break;
	case DNS_T_SOA:
		put_soa(w, DNS_SEC_AN, m->qname, apex);
		put_ns(w, DNS_SEC_NS, apex, apex);
		break;
	case DNS_T_NS:
		put_ns(w, DNS_SEC_AN, m->qname, apex);
		break;
	case DNS_T_ANY:
		if (put_data(cf, z, m->qname, w, &none) == DNS_W_BAD)
			return DNS_R_SERVFAIL;
		put_soa(w, DNS_SEC_AN, m->qname, apex);
		put_ns(w, DNS_SEC_AN, m->qname, apex);
		break;
	default:
		put_soa(w, DNS_SEC_NS, apex, apex);
		break;
	}
	return DNS_R_NOERROR;
}
