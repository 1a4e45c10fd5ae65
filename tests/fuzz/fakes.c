/*
 * fakes.c: the clocks, the log and the Route 53 client of the harnesses;
 * see fakes.h.  The rest of loop.c is the real one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define loop_now	loop_now_monotonic
#include "../../loop.c"
#undef loop_now

#include "aws/r53msg.h"
#include "fakes.h"
#include "log.h"

uint64_t	loop_now(void);

uint64_t	 fake_now = 1000000;
time_t		 fake_wall = 1700000000;
const char	*fake_r53_listing;
int		 fake_r53_listing_fixed;

/* The record sets of a fixed listing, parsed once (pointers into buf). */
static struct {
	const char		*doc;
	char			*buf;
	struct r53_rrset	*sets;
	size_t			 n, cap;
	int			 rc;
} fixed;
void		(*fake_r53_on_change)(const char *, const struct r53_change *,
		    size_t, const char *, size_t, struct fake_answer *);

uint64_t
loop_now(void)
{
	return fake_now;
}

time_t
time(time_t *t)
{
	if (t != NULL)
		*t = fake_wall;
	return fake_wall;
}

/*
 * The log: every line is formatted, so that ASan and UBSan see its
 * arguments, and dropped.  Debug lines too: their paths run.  A fatal
 * error is a crash: none may be reachable from input.
 */
static char	 logline[2048];
size_t		 fake_log_lines;

void
log_init(int foreground, int verbose)
{
	(void)foreground;
	(void)verbose;
}

void
log_setverbose(int v)
{
	(void)v;
}

int
log_getverbose(void)
{
	return 2;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	(void)pri;
	vsnprintf(logline, sizeof(logline), fmt, ap);
	fake_log_lines++;
}

#define LOGFN(name)				\
void						\
name(const char *fmt, ...)			\
{						\
	va_list	ap;				\
						\
	va_start(ap, fmt);			\
	vlog(0, fmt, ap);			\
	va_end(ap);				\
}
LOGFN(log_warn)
LOGFN(log_warnx)
LOGFN(log_info)
LOGFN(log_debug)

void
log_infoline(const char *line)
{
	snprintf(logline, sizeof(logline), "%s", line);
	fake_log_lines++;
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nfatal error reached from input\n");
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nfatal error reached from input\n");
	abort();
}

enum { F_CHANGE, F_GETCHANGE, F_LIST, F_ZONES, F_GETZONE };

struct fop {
	uint32_t		 id;
	int			 kind;
	char			 name[R53_NAME_MAX * 4 + 1];
	char			 type[16];
	r53_change_done		 cdone;
	r53_list_done		 ldone;
	r53_zone_done		 zdone;
	r53_rrset_cb		 each;
	r53_zone_cb		 zeach;
	void			*arg;
	struct fake_answer	 ans;
};

static struct fop	 ops[R53_QUEUE_MAX];
static size_t		 nops;
static uint32_t		 nextid = 1;
static int		 dummy;
static struct r53_counters ctr;

struct r53 *
fake_r53(void)
{
	return (struct r53 *)&dummy;
}

void
fake_r53_reset(void)
{
	nops = 0;
}

static struct fop *
submit(int kind, void *arg)
{
	struct fop	*o;

	if (nops == R53_QUEUE_MAX)
		return NULL;
	o = &ops[nops++];
	memset(o, 0, sizeof(*o));
	o->id = nextid++;
	if (nextid == 0)
		nextid = 1;
	o->kind = kind;
	o->arg = arg;
	return o;
}

size_t
r53_pending(const struct r53 *r)
{
	(void)r;
	return nops;
}

uint64_t
r53_send_at(struct r53 *r, uint64_t now)
{
	(void)r;
	return now;
}

void
r53_cancel(struct r53 *r, uint32_t id)
{
	size_t	i;

	(void)r;
	for (i = 0; i < nops; i++)
		if (ops[i].id == id) {
			memmove(&ops[i], &ops[i + 1],
			    (nops - i - 1) * sizeof(ops[0]));
			nops--;
			return;
		}
}

const struct r53_counters *
r53_counters(const struct r53 *r)
{
	(void)r;
	return &ctr;
}

uint32_t
r53_change(struct r53 *r, const char *zoneid, const char *comment,
    const struct r53_change *c, size_t n, r53_change_done done, void *arg)
{
	struct fop	*o;
	char		*xml;
	int		 len;

	(void)r;
	(void)zoneid;
	if ((xml = malloc(R53_BODY_MAX)) == NULL)
		abort();
	if ((len = r53_change_batch_xml(xml, R53_BODY_MAX, comment, c,
	    n)) < 0 || (o = submit(F_CHANGE, arg)) == NULL) {
		free(xml);
		return 0;
	}
	o->cdone = done;
	o->ans.outcome = R53_SUCCESS;
	o->ans.status = 200;
	if (fake_r53_on_change != NULL)
		fake_r53_on_change(comment, c, n, xml, (size_t)len,
		    &o->ans);
	free(xml);
	return o->id;
}

uint32_t
r53_get_change(struct r53 *r, const char *changeid, r53_change_done done,
    void *arg)
{
	struct fop	*o;

	(void)r;
	(void)changeid;
	if ((o = submit(F_GETCHANGE, arg)) == NULL)
		return 0;
	o->cdone = done;
	return o->id;
}

uint32_t
r53_list_rrsets(struct r53 *r, const char *zoneid, const char *name,
    const char *type, unsigned flags, r53_rrset_cb each, r53_list_done done,
    void *arg)
{
	struct fop	*o;

	(void)r;
	(void)zoneid;
	(void)flags;
	if ((o = submit(F_LIST, arg)) == NULL)
		return 0;
	if (name != NULL)
		snprintf(o->name, sizeof(o->name), "%s", name);
	if (type != NULL)
		snprintf(o->type, sizeof(o->type), "%s", type);
	o->each = each;
	o->ldone = done;
	return o->id;
}

uint32_t
r53_list_zones_by_name(struct r53 *r, const char *dnsname, r53_zone_cb each,
    r53_list_done done, void *arg)
{
	struct fop	*o;

	(void)r;
	if ((o = submit(F_ZONES, arg)) == NULL)
		return 0;
	if (dnsname != NULL)
		snprintf(o->name, sizeof(o->name), "%s", dnsname);
	o->zeach = each;
	o->ldone = done;
	return o->id;
}

uint32_t
r53_get_zone(struct r53 *r, const char *zoneid, r53_zone_done done,
    void *arg)
{
	struct fop	*o;

	(void)r;
	(void)zoneid;
	if ((o = submit(F_GETZONE, arg)) == NULL)
		return 0;
	o->zdone = done;
	return o->id;
}

/* Names as Route 53 lists them: the final dot is optional in a query. */
static int
same_name(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

struct filter {
	const struct fop	*o;
	int			 stopped;
};

static int
list_each(void *arg, const struct r53_rrset *rs)
{
	struct filter	*f = arg;

	if (f->o->name[0] != '\0' && !same_name(f->o->name, rs->name))
		return 0;
	if (f->o->type[0] != '\0' && strcmp(f->o->type, rs->type) != 0)
		return 0;
	if (f->o->each(f->o->arg, rs) != 0) {
		f->stopped = 1;
		return 1;
	}
	return 0;
}

static int
keep_rrset(void *arg, const struct r53_rrset *rs)
{
	(void)arg;
	if (fixed.n == fixed.cap) {
		fixed.cap = fixed.cap ? 2 * fixed.cap : 64;
		if ((fixed.sets = realloc(fixed.sets,
		    fixed.cap * sizeof(*fixed.sets))) == NULL)
			abort();
	}
	fixed.sets[fixed.n++] = *rs;
	return 0;
}

/*
 * Parse a fixed listing the first time it is seen; the record sets keep
 * pointing into the parsed copy, which is kept with them.
 */
static int
fixed_listing(const char *doc)
{
	struct r53_rrset_page	 page;
	struct r53_why		 why;
	size_t			 len;

	if (fixed.doc == doc)
		return fixed.rc;
	free(fixed.buf);
	fixed.n = 0;
	len = strlen(doc);
	if ((fixed.buf = malloc(len + 1)) == NULL)
		abort();
	memcpy(fixed.buf, doc, len + 1);
	fixed.rc = r53_parse_list_rrsets(fixed.buf, len, keep_rrset, NULL,
	    &page, &why);
	fixed.doc = doc;
	return fixed.rc;
}

static void
complete(const struct fop *o)
{
	struct r53_result	 res;
	struct r53_change_info	 ci;
	struct r53_rrset_page	 page;
	struct r53_zone		 z;
	struct r53_why		 why;
	struct filter		 f;
	char			*b;
	size_t			 len, i;
	int			 rc;

	memset(&res, 0, sizeof(res));
	res.outcome = R53_SUCCESS;
	res.status = 200;
	res.code = res.message = "";
	res.attempts = res.pages = 1;
	memset(&z, 0, sizeof(z));
	z.id = FAKE_ZONE_ID;
	z.name = o->name[0] != '\0' ? o->name : "example.";
	z.rrset_count = -1;
	switch (o->kind) {
	case F_CHANGE:
	case F_GETCHANGE:
		memset(&ci, 0, sizeof(ci));
		snprintf(ci.id, sizeof(ci.id), "C%u", o->id);
		ci.status = o->kind == F_CHANGE ? R53_PENDING : R53_INSYNC;
		if (o->kind == F_CHANGE) {
			res.outcome = o->ans.outcome;
			res.status = o->ans.status;
			res.code = o->ans.code;
			res.message = o->ans.message;
		}
		o->cdone(o->arg, &res, res.outcome == R53_SUCCESS ? &ci :
		    NULL);
		break;
	case F_LIST:
		f.o = o;
		f.stopped = 0;
		rc = R53_EXML;
		if (fake_r53_listing != NULL && fake_r53_listing_fixed) {
			rc = fixed_listing(fake_r53_listing);
			for (i = 0; rc == R53_OK && i < fixed.n; i++)
				if (list_each(&f, &fixed.sets[i]) != 0) {
					rc = R53_EABORT;
					break;
				}
		} else if (fake_r53_listing != NULL) {
			len = strlen(fake_r53_listing);
			if ((b = malloc(len + 1)) == NULL)
				abort();
			memcpy(b, fake_r53_listing, len + 1);
			rc = r53_parse_list_rrsets(b, len, list_each, &f,
			    &page, &why);
			free(b);
		}
		if (rc != R53_OK && rc != R53_EABORT) {
			res.outcome = R53_AWS_ERROR;
			res.status = 500;
			res.code = "InternalError";
			res.message = "no listing";
		}
		res.stopped = f.stopped;
		o->ldone(o->arg, &res);
		break;
	case F_ZONES:
		if (o->zeach(o->arg, &z) == 0)
			res.stopped = 0;
		o->ldone(o->arg, &res);
		break;
	case F_GETZONE:
		z.name = "example.";
		o->zdone(o->arg, &res, &z);
		break;
	}
}

size_t
fake_r53_run(void)
{
	struct fop	o;
	size_t		n = 0;

	/* Callbacks submit more; a bound keeps a loop of them finite. */
	while (nops > 0 && n < 10000) {
		o = ops[0];
		memmove(&ops[0], &ops[1], (nops - 1) * sizeof(ops[0]));
		nops--;
		complete(&o);
		n++;
	}
	return n;
}
