/*
 * export.c: a hosted zone in zone-file form.  See export.h.
 *
 * States:
 *   FIND	ListHostedZonesByName in flight; matches collects the zones
 *		whose name is exactly the zone's
 *   LIST	ListResourceRecordSets in flight; zoneid is the zone
 *   DONE	status is final
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/r53.h"
#include "conf.h"
#include "dns/name.h"
#include "export.h"
#include "log.h"

#define EXPORT_MATCHES	8

enum { FIND, LIST, DONE };

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
	struct {
		char	 id[R53_ID_MAX + 1];
		int	 private_zone;
	}		 matches[EXPORT_MATCHES];
	size_t		 nmatches;
	unsigned long	 count;
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

/* Owner name in DNS text form; the Route 53 form if it does not parse. */
static void
owner_text(const char *r53name, char *buf, size_t cap)
{
	uint8_t	wire[DNS_NAME_MAX];
	size_t	len;

	if (name_from_r53(r53name, wire, &len) == -1 ||
	    name_to_text(wire, buf, cap) == -1)
		snprintf(buf, cap, "%s", r53name);
}

static int
each_rrset(void *arg, const struct r53_rrset *rr)
{
	struct export	*ex = arg;
	char		 owner[DNS_NAME_TEXTMAX];
	size_t		 i;

	owner_text(rr->name, owner, sizeof(owner));
	ex->count++;
	if (rr->flags & R53_RRSET_ALIAS) {
		fprintf(ex->out, "; %s alias %s -> %s (zone %s, "
		    "evaluate-target-health %s)", owner, rr->type,
		    rr->alias_dns_name != NULL ? rr->alias_dns_name : "?",
		    rr->alias_zone_id != NULL ? rr->alias_zone_id : "?",
		    rr->alias_evaluate_health ? "true" : "false");
		if (rr->set_identifier != NULL || rr->routing[0] != '\0')
			fprintf(ex->out, " routing id=%s %s",
			    rr->set_identifier != NULL ? rr->set_identifier :
			    "-", rr->routing);
		fputc('\n', ex->out);
		return 0;
	}
	for (i = 0; i < rr->nvalues; i++) {
		if (rr->flags & R53_RRSET_ROUTING)
			fprintf(ex->out, "; routing id=%s %s: ",
			    rr->set_identifier != NULL ? rr->set_identifier :
			    "-", rr->routing);
		fprintf(ex->out, "%s\t%u\tIN\t%s\t%s\n", owner,
		    rr->has_ttl ? rr->ttl : 0, rr->type, rr->values[i]);
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
	if (ex->nmatches < EXPORT_MATCHES) {
		snprintf(ex->matches[ex->nmatches].id,
		    sizeof(ex->matches[0].id), "%s", z->id);
		ex->matches[ex->nmatches].private_zone = z->private_zone;
		ex->nmatches++;
	}
	return 0;
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
		log_warnx("export %s: no hosted zone has this name", ex->text);
		finish(ex, 1);
		return;
	}
	if (ex->nmatches > 1) {
		list[0] = '\0';
		for (i = 0; i < ex->nmatches && n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s (%s)", i > 0 ? ", " : "",
			    ex->matches[i].id, ex->matches[i].private_zone ?
			    "private" : "public");
		log_warnx("export %s: %zu hosted zones have this name: %s; "
		    "set hosted-zone in the zone's configuration to choose",
		    ex->text, ex->nmatches, list);
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
