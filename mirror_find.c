/*
 * mirror_find.c: finding a zone's hosted zone: by ID, or by name among
 * the hosted zones Route 53 lists, public or private, and for a private
 * one the one associated with the configured VPC.  The rest of the
 * mirror (loading, re-reading names, reading the SOA back, the step) is
 * in mirror.c; mirror_impl.h holds what the two share.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aws/r53.h"
#include "dns/name.h"
#include "log.h"
#include "mirror.h"
#include "mirror_impl.h"

static void
getzone_done(void *arg, const struct r53_result *res, const struct r53_zone *hz)
{
	struct mirror	*m = arg;
	uint8_t		 a[DNS_NAME_MAX];

	mirror_record(m, res);
	if (!m->ok)
		return;
	snprintf(m->foundid, sizeof(m->foundid), "%.*s", R53_ID_MAX, hz->id);
	if (name_from_r53(hz->name, a, NULL) == -1 ||
	    !name_equal(a, m->origin)) {
		m->ok = 0;
		snprintf(m->msg, sizeof(m->msg), "hosted zone %s is named %s, "
		    "not %s", hz->id, hz->name, m->name);
	}
	m->nfound = m->nmatch = 1;
}

static int
byname_each(void *arg, const struct r53_zone *hz)
{
	struct mirror	*m = arg;
	uint8_t		 a[DNS_NAME_MAX];

	if (name_from_r53(hz->name, a, NULL) == -1)
		return 0;
	if (!name_equal(a, m->origin))
		return name_cmp(a, m->origin) > 0 ? 1 : 0;
	if (m->nfound < MIRROR_FOUND_MAX) {
		snprintf(m->found[m->nfound].id, sizeof(m->found[0].id),
		    "%.*s", R53_ID_MAX, hz->id);
		m->found[m->nfound].private_zone = hz->private_zone;
	}
	m->nfound++;
	if (m->want_private != -1 && m->want_private != hz->private_zone)
		return 0;
	if (m->nmatch++ == 0)
		snprintf(m->foundid, sizeof(m->foundid), "%.*s", R53_ID_MAX,
		    hz->id);
	return 0;
}

static void
byname_done(void *arg, const struct r53_result *res)
{
	mirror_record(arg, res);
}

int
mirror_find(struct mirror *m, const char *hosted_zone, int want_private,
    const char *vpc)
{
	m->nfound = m->nmatch = 0;
	m->foundid[0] = '\0';
	m->want_private = want_private;
	snprintf(m->vpc, sizeof(m->vpc), "%s", vpc != NULL ? vpc : "");
	if (m->vpc[0] != '\0')
		m->want_private = 1;
	if (hosted_zone != NULL && hosted_zone[0] != '\0') {
		/* Named by ID: nothing to choose. */
		m->want_private = -1;
		m->vpc[0] = '\0';
		return mirror_started(m, MR_FIND, r53_get_zone(m->r53,
		    hosted_zone, getzone_done, m));
	}
	return mirror_started(m, MR_FIND, r53_list_zones_by_name(m->r53,
	    m->origin_r53, byname_each, byname_done, m));
}

static const char *
kind(int private_zone)
{
	return private_zone ? "private" : "public";
}

/* The zones found, one log line each. */
static void
found_log(const struct mirror *m)
{
	int	i;

	for (i = 0; i < m->nfound && i < MIRROR_FOUND_MAX; i++)
		log_warnx("zone %s:   %s (%s)", m->name, m->found[i].id,
		    kind(m->found[i].private_zone));
	if (m->nfound > MIRROR_FOUND_MAX)
		log_warnx("zone %s:   and %d more", m->name,
		    m->nfound - MIRROR_FOUND_MAX);
}

/* Several zones are left: which keyword would choose between them. */
static const char *
hint(const struct mirror *m)
{
	int	i, npriv = 0;

	if (m->want_private == 1)
		return "add vpc with the ID of a VPC associated with the one "
		    "to use, or set hosted-zone";
	if (m->want_private == 0)
		return "set hosted-zone to the one to use";
	for (i = 0; i < m->nfound && i < MIRROR_FOUND_MAX; i++)
		npriv += m->found[i].private_zone;
	if (npriv == 0)
		return "set hosted-zone to the one to use";
	if (npriv == m->nfound)
		return "add vpc with the ID of a VPC associated with the one "
		    "to use, or set hosted-zone";
	return "add \"private yes;\" or \"private no;\" (and vpc if several "
	    "are private), or set hosted-zone";
}

static void	vpc_done(void *, const struct r53_result *,
		    const struct r53_zone *);

/* Ask for the VPCs of the next private candidate from icand on. */
static enum mirror_status
vpc_next(struct mirror *m)
{
	for (; m->icand < m->nfound; m->icand++)
		if (m->found[m->icand].private_zone)
			break;
	if (m->icand == m->nfound) {
		log_warnx("zone %s: no private hosted zone of this name is "
		    "associated with %s%s:", m->name, m->vpc, m->vpc_cut ?
		    " (among the VPCs r53d could read)" : "");
		found_log(m);
		return mirror_over(m, MIRROR_FAIL);
	}
	m->vpc_hit = 0;
	if (mirror_started(m, MR_VPC, r53_get_zone(m->r53,
	    m->found[m->icand].id, vpc_done, m)) == -1) {
		log_warnx("zone %s: cannot read hosted zone %s", m->name,
		    m->found[m->icand].id);
		return mirror_over(m, MIRROR_FAIL);
	}
	return MIRROR_BUSY;
}

static void
vpc_done(void *arg, const struct r53_result *res, const struct r53_zone *hz)
{
	struct mirror	*m = arg;
	size_t		 i;

	mirror_record(m, res);
	if (!m->ok)
		return;
	for (i = 0; i < hz->nvpcs; i++)
		if (strcasecmp(hz->vpcs[i], m->vpc) == 0)
			m->vpc_hit = 1;
	if (!m->vpc_hit && hz->nvpcs < hz->nvpcs_listed)
		m->vpc_cut = 1;
}

enum mirror_status
mirror_find_end(struct mirror *m)
{
	if (!m->ok) {
		log_warnx("zone %s: looking up the hosted zone: %s", m->name,
		    mirror_why(m, "failed"));
		return mirror_over(m, MIRROR_FAIL);
	}
	if (m->nfound == 0) {
		log_warnx("zone %s: no hosted zone of that name", m->name);
		return mirror_over(m, MIRROR_FAIL);
	}
	if (m->nmatch == 0) {
		log_warnx("zone %s: %d hosted zones have this name, none of "
		    "them %s:", m->name, m->nfound, kind(m->want_private));
		found_log(m);
		return mirror_over(m, MIRROR_FAIL);
	}
	if (m->vpc[0] != '\0') {
		if (m->nfound > MIRROR_FOUND_MAX) {
			log_warnx("zone %s: %d hosted zones have this name, "
			    "more than r53d looks through for a VPC (%d); set "
			    "hosted-zone", m->name, m->nfound,
			    MIRROR_FOUND_MAX);
			return mirror_over(m, MIRROR_FAIL);
		}
		m->icand = 0;
		m->vpc_cut = 0;
		return vpc_next(m);
	}
	if (m->nmatch > 1) {
		log_warnx("zone %s: %d %shosted zones have this name; %s:",
		    m->name, m->nmatch, m->want_private == -1 ? "" :
		    m->want_private ? "private " : "public ", hint(m));
		found_log(m);
		return mirror_over(m, MIRROR_FAIL);
	}
	memcpy(m->hzid, m->foundid, sizeof(m->hzid));
	log_info("zone %s: hosted zone %s", m->name, m->hzid);
	return mirror_over(m, MIRROR_OK);
}

/*
 * One candidate read.  Route 53 never associates one VPC with two
 * private zones of the same name (ConflictingDomainExists in the API
 * model), so the first that has it is the one.
 */
enum mirror_status
mirror_vpc_end(struct mirror *m)
{
	if (!m->ok) {
		log_warnx("zone %s: reading hosted zone %s: %s", m->name,
		    m->found[m->icand].id, mirror_why(m, "failed"));
		return mirror_over(m, MIRROR_FAIL);
	}
	if (!m->vpc_hit) {
		m->icand++;
		return vpc_next(m);
	}
	memcpy(m->hzid, m->found[m->icand].id, sizeof(m->hzid));
	log_info("zone %s: hosted zone %s (private, associated with %s)",
	    m->name, m->hzid, m->vpc);
	return mirror_over(m, MIRROR_OK);
}
