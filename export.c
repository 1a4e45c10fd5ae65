/*
 * export.c: a hosted zone in zone-file form.  See export.h.
 *
 * States:
 *   FIND	ListHostedZonesByName in flight; matches collects the zones
 *		whose name is exactly the zone's and that are what the
 *		zone's private asks for (nsame counts them all)
 *   VPC	GetHostedZone of matches[icand] in flight, for its VPCs
 *   LIST	ListResourceRecordSets in flight; zoneid is the zone
 *   DONE	status is final
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/r53.h"
#include "conf.h"
#include "dns/base64.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/shadow.h"
#include "export.h"
#include "log.h"

#define EXPORT_MATCHES	8

enum { FIND, VPC, LIST, DONE };

struct export {
	struct r53	*r53;
	FILE		*out;
	int		 state;
	int		 status;
	uint32_t	 op;		/* operation in flight, 0 for none */
	uint8_t		 wire[DNS_NAME_MAX];
	char		 text[DNS_NAME_TEXTMAX];	/* DNS text, for messages */
	char		 r53name[DNS_NAME_TEXTMAX];	/* Route 53 form */
	char		 zoneid[64];
	/* The record set being printed. */
	char		 owner[R53_NAME_MAX * 4 + 1];	/* master-file text */
	char		 type[R53_TYPE_MAX * 4 + 1];
	uint8_t		 rdata[RDATA_MAX];		/* one value */
	char		 rtext[RDATA_MAX + 1];		/* its text */
	struct {
		char	 id[R53_ID_MAX + 1];
		int	 private_zone;
	}		 matches[EXPORT_MATCHES];
	size_t		 nmatches, nsame, icand;
	int		 want_private;	/* -1: either */
	const char	*vpc;		/* the zone's, "" for none */
	unsigned long	 count;
	int		 dhcid;		/* shadow TXT written as DHCID */
};

static int	start_list(struct export *);

static void
finish(struct export *ex, int status)
{
	ex->state = DONE;
	ex->status = status;
	ex->op = 0;
	if (fflush(ex->out) == EOF || ferror(ex->out)) {
		log_warn("export %s: writing the zone", ex->text);
		ex->status = 1;
	}
}

static void
failed(struct export *ex, const char *what, const struct r53_result *res)
{
	if (res->code[0] != '\0')
		log_warnx("export %s: %s: %s: %s", ex->text, what, res->code,
		    res->message);
	else
		log_warnx("export %s: %s: %s", ex->text, what, res->message);
	finish(ex, 1);
}

/*
 * Strings from Route 53 in comments and messages: bytes outside
 * printable ASCII as \DDD, so that nothing can end the line.  safe()
 * copies into dst, cut to fit cap; put_safe() prints.
 */
static void
safe(char *dst, size_t cap, const char *s)
{
	const unsigned char	*p;
	size_t			 n = 0;

	for (p = (const unsigned char *)s; *p != '\0' && cap - n > 4; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			n += (size_t)snprintf(dst + n, cap - n, "\\%03u", *p);
		else
			dst[n++] = (char)*p;
	}
	dst[n] = '\0';
}

static void
put_safe(struct export *ex, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			fprintf(ex->out, "\\%03u", *p);
		else
			fputc(*p, ex->out);
	}
}

static void
put_routing(struct export *ex, const struct r53_rrset *rr)
{
	fputs("routing id=", ex->out);
	put_safe(ex, rr->set_identifier != NULL ? rr->set_identifier : "-");
	fputc(' ', ex->out);
	put_safe(ex, rr->routing);
}

static void
put_alias(struct export *ex, const struct r53_rrset *rr)
{
	fprintf(ex->out, "; %s alias %s -> ", ex->owner, ex->type);
	put_safe(ex, rr->alias_dns_name != NULL ? rr->alias_dns_name : "?");
	fputs(" (zone ", ex->out);
	put_safe(ex, rr->alias_zone_id != NULL ? rr->alias_zone_id : "?");
	fprintf(ex->out, ", evaluate-target-health %s)",
	    rr->alias_evaluate_health ? "true" : "false");
	if (rr->set_identifier != NULL || rr->routing[0] != '\0') {
		fputc(' ', ex->out);
		put_routing(ex, rr);
	}
	fputc('\n', ex->out);
}

/*
 * One value in master-file form in ex->rtext, or -1 if it cannot be read
 * as RDATA of the type (0: unknown type).
 */
static int
value_text(struct export *ex, uint16_t type, const char *value)
{
	size_t	len;

	if (type == 0 || rdata_from_r53(type, value, strlen(value), ex->rdata,
	    sizeof(ex->rdata), &len) == -1 ||
	    rdata_to_text(type, ex->rdata, len, ex->rtext,
	    sizeof(ex->rtext)) < 0)
		return -1;
	return 0;
}

/*
 * A shadow TXT RRset (dns/shadow.h) as the DHCID RRset it stands for, in
 * RFC 4701's base64 presentation: 1 written, 0 it is not one.
 */
static int
put_dhcid(struct export *ex, const uint8_t *wire,
    const struct r53_rrset *rr)
{
	uint8_t	 d[SHADOW_RDATA_MAX];
	char	 b64[BASE64_ENCLEN(SHADOW_RDATA_MAX) + 1];
	size_t	 i, len, dl;

	if (!ex->dhcid || !shadow_is_name(wire) || rr->nvalues == 0 ||
	    strcmp(rr->type, "TXT") != 0 ||
	    (rr->flags & (R53_RRSET_ALIAS | R53_RRSET_ROUTING)))
		return 0;
	for (i = 0; i < rr->nvalues; i++)
		if (rdata_from_r53(DNS_T_TXT, rr->values[i],
		    strlen(rr->values[i]), ex->rdata, sizeof(ex->rdata),
		    &len) == -1 ||
		    shadow_rdata(ex->rdata, len, d, sizeof(d), &dl) == -1)
			return 0;
	if (name_to_text(shadow_owner(wire), ex->owner,
	    sizeof(ex->owner)) == -1)
		return 0;
	for (i = 0; i < rr->nvalues; i++) {
		if (rdata_from_r53(DNS_T_TXT, rr->values[i],
		    strlen(rr->values[i]), ex->rdata, sizeof(ex->rdata),
		    &len) == -1 ||
		    shadow_rdata(ex->rdata, len, d, sizeof(d), &dl) == -1 ||
		    base64_encode(d, dl, b64, sizeof(b64)) == -1)
			return 0;	/* checked above */
		fprintf(ex->out, "%s\t%u\tIN\tDHCID\t%s\n", ex->owner,
		    rr->has_ttl ? rr->ttl : 0, b64);
	}
	return 1;
}

/*
 * A record set: one line per value.  A value that cannot be read (or
 * whose owner or type cannot) becomes a comment and a warning.
 */
static int
each_rrset(void *arg, const struct r53_rrset *rr)
{
	struct export	*ex = arg;
	uint8_t		 wire[DNS_NAME_MAX];
	size_t		 i, len;
	uint32_t	 ttl = rr->has_ttl ? rr->ttl : 0;
	uint16_t	 type = 0;
	int		 ok, good;

	ex->count++;
	ok = name_from_r53(rr->name, wire, &len) == 0 &&
	    name_to_text(wire, ex->owner, sizeof(ex->owner)) == 0;
	if (!ok)
		safe(ex->owner, sizeof(ex->owner), rr->name);
	if (rrtype_from_text(rr->type, &type) == 0 && !rrtype_is_meta(type))
		rrtype_to_text(type, ex->type);
	else {
		type = 0;
		safe(ex->type, sizeof(ex->type), rr->type);
	}
	if (rr->flags & R53_RRSET_ALIAS) {
		put_alias(ex, rr);
		return 0;
	}
	if (ok && put_dhcid(ex, wire, rr))
		return 0;
	for (i = 0; i < rr->nvalues; i++) {
		good = ok && value_text(ex, type, rr->values[i]) == 0;
		if (!good)
			log_warnx("export %s: %s %s: value %zu cannot be read "
			    "as DNS data; written as a comment", ex->text,
			    ex->owner, ex->type, i + 1);
		if (!good || (rr->flags & R53_RRSET_ROUTING))
			fputs("; ", ex->out);
		if (rr->flags & R53_RRSET_ROUTING) {
			put_routing(ex, rr);
			fputs(": ", ex->out);
		}
		fprintf(ex->out, "%s\t%u\tIN\t%s\t", ex->owner, ttl, ex->type);
		if (good)
			fputs(ex->rtext, ex->out);
		else
			put_safe(ex, rr->values[i]);
		fputc('\n', ex->out);
	}
	return 0;
}

static void
list_done(void *arg, const struct r53_result *res)
{
	struct export	*ex = arg;

	ex->op = 0;
	if (res->outcome != R53_SUCCESS) {
		failed(ex, "ListResourceRecordSets", res);
		return;
	}
	fprintf(ex->out, "; %lu record sets\n", ex->count);
	log_debug("export %s: %lu record sets from hosted zone %s in %u "
	    "pages", ex->text, ex->count, ex->zoneid, res->pages);
	finish(ex, 0);
}

static int
start_list(struct export *ex)
{
	ex->state = LIST;
	fprintf(ex->out, "; zone %s, hosted zone %s, exported by r53d\n",
	    ex->text, ex->zoneid);
	ex->op = r53_list_rrsets(ex->r53, ex->zoneid, NULL, NULL, 0,
	    each_rrset, list_done, ex);
	return ex->op == 0 ? -1 : 0;
}

static int
each_zone(void *arg, const struct r53_zone *z)
{
	struct export	*ex = arg;
	uint8_t		 wire[DNS_NAME_MAX];
	size_t		 len;

	if (name_from_r53(z->name, wire, &len) == -1 ||
	    !name_equal(wire, ex->wire))
		return 1;	/* past the zone's name: stop */
	ex->nsame++;
	if (ex->want_private != -1 && ex->want_private != z->private_zone)
		return 0;
	if (ex->nmatches < EXPORT_MATCHES) {
		snprintf(ex->matches[ex->nmatches].id,
		    sizeof(ex->matches[0].id), "%s", z->id);
		ex->matches[ex->nmatches].private_zone = z->private_zone;
	}
	ex->nmatches++;
	return 0;
}

static void	vpc_done(void *, const struct r53_result *,
		    const struct r53_zone *);

/*
 * GetHostedZone of the next candidate from icand on; none left: no
 * zone of the name has the VPC.  Route 53 never associates one VPC
 * with two private zones of the same name, so the first with it is
 * the one.
 */
static void
vpc_next(struct export *ex)
{
	if (ex->icand >= ex->nmatches) {
		log_warnx("export %s: no private hosted zone of this name is "
		    "associated with %s", ex->text, ex->vpc);
		finish(ex, 1);
		return;
	}
	ex->state = VPC;
	if ((ex->op = r53_get_zone(ex->r53, ex->matches[ex->icand].id,
	    vpc_done, ex)) == 0) {
		log_warnx("export %s: cannot read hosted zone %s", ex->text,
		    ex->matches[ex->icand].id);
		finish(ex, 1);
	}
}

static void
vpc_done(void *arg, const struct r53_result *res, const struct r53_zone *hz)
{
	struct export	*ex = arg;
	size_t		 i;

	ex->op = 0;
	if (res->outcome != R53_SUCCESS) {
		failed(ex, "GetHostedZone", res);
		return;
	}
	for (i = 0; i < hz->nvpcs; i++)
		if (strcasecmp(hz->vpcs[i], ex->vpc) == 0)
			break;
	if (i == hz->nvpcs) {
		ex->icand++;
		vpc_next(ex);
		return;
	}
	snprintf(ex->zoneid, sizeof(ex->zoneid), "%s",
	    ex->matches[ex->icand].id);
	if (start_list(ex) == -1) {
		log_warnx("export %s: cannot list hosted zone %s", ex->text,
		    ex->zoneid);
		finish(ex, 1);
	}
}

static void
find_done(void *arg, const struct r53_result *res)
{
	struct export	*ex = arg;
	char		 list[EXPORT_MATCHES * (R53_ID_MAX + 16)];
	size_t		 i, n = 0;

	ex->op = 0;
	if (res->outcome != R53_SUCCESS) {
		failed(ex, "ListHostedZonesByName", res);
		return;
	}
	if (ex->nmatches == 0) {
		if (ex->nsame == 0)
			log_warnx("export %s: no hosted zone has this name",
			    ex->text);
		else
			log_warnx("export %s: %zu hosted zones have this name, "
			    "none of them %s", ex->text, ex->nsame,
			    ex->want_private ? "private" : "public");
		finish(ex, 1);
		return;
	}
	if (ex->vpc[0] != '\0') {
		if (ex->nmatches > EXPORT_MATCHES) {
			log_warnx("export %s: %zu private hosted zones have "
			    "this name, more than r53d looks through for a VPC "
			    "(%d); set hosted-zone", ex->text, ex->nmatches,
			    EXPORT_MATCHES);
			finish(ex, 1);
			return;
		}
		ex->icand = 0;
		vpc_next(ex);
		return;
	}
	if (ex->nmatches > 1) {
		list[0] = '\0';
		for (i = 0; i < ex->nmatches && i < EXPORT_MATCHES &&
		    n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s (%s)", i > 0 ? ", " : "",
			    ex->matches[i].id, ex->matches[i].private_zone ?
			    "private" : "public");
		log_warnx("export %s: %zu hosted zones have this name: %s; "
		    "set hosted-zone, private or vpc in the zone's "
		    "configuration to choose", ex->text, ex->nmatches, list);
		finish(ex, 1);
		return;
	}
	snprintf(ex->zoneid, sizeof(ex->zoneid), "%s", ex->matches[0].id);
	if (start_list(ex) == -1) {
		log_warnx("export %s: cannot list hosted zone %s", ex->text,
		    ex->zoneid);
		finish(ex, 1);
	}
}

struct export *
export_start(struct r53 *r53, const struct conf *cf, const char *zone,
    FILE *out)
{
	struct export		*ex;
	const struct zone_conf	*zc;
	size_t			 len;

	if ((ex = calloc(1, sizeof(*ex))) == NULL) {
		log_warn("export");
		return NULL;
	}
	ex->r53 = r53;
	ex->out = out;
	if (name_from_text(zone, ex->wire, &len) == -1 ||
	    name_to_text(ex->wire, ex->text, sizeof(ex->text)) == -1 ||
	    name_to_r53(ex->wire, ex->r53name, sizeof(ex->r53name)) == -1) {
		log_warnx("export %s: not a domain name", zone);
		free(ex);
		return NULL;
	}
	zc = cf != NULL ? conf_zone_find(cf, zone) : NULL;
	ex->want_private = zc != NULL ? zc->private_zone : -1;
	ex->vpc = zc != NULL ? zc->vpc : "";
	ex->dhcid = zc != NULL ? zc->dhcid : 1;
	if (zc != NULL && zc->hosted_zone[0] != '\0') {
		snprintf(ex->zoneid, sizeof(ex->zoneid), "%s",
		    zc->hosted_zone);
		if (start_list(ex) == -1)
			goto fail;
		return ex;
	}
	ex->state = FIND;
	ex->op = r53_list_zones_by_name(r53, ex->r53name, each_zone,
	    find_done, ex);
	if (ex->op == 0)
		goto fail;
	return ex;
 fail:
	log_warnx("export %s: cannot start", ex->text);
	free(ex);
	return NULL;
}

int
export_finished(const struct export *ex)
{
	return ex->state == DONE;
}

int
export_status(const struct export *ex)
{
	return ex->state == DONE ? ex->status : 1;
}

unsigned long
export_count(const struct export *ex)
{
	return ex->count;
}

void
export_free(struct export *ex)
{
	if (ex == NULL)
		return;
	if (ex->op != 0)
		r53_cancel(ex->r53, ex->op);
	free(ex);
}
