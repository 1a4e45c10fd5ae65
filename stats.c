/*
 * stats.c: the daemon's counters and their text.  See stats.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws/r53.h"
#include "dns/msg.h"
#include "log.h"
#include "loop.h"
#include "stats.h"
#include "zone.h"

/* Answers: QUERY, NOTIFY, UPDATE and the other opcodes, by rcode. */
#define OPS		4
#define RCODES		24		/* NOERROR .. BADCOOKIE */
/* Time buckets, in ms: at most this long (and one more: longer). */
#define NBUCKETS	4
static const uint64_t	 bucket_ms[NBUCKETS] = { 100, 1000, 10000, 60000 };
static const char *const bucket_name[NBUCKETS + 1] = {
	"le-100ms", "le-1s", "le-10s", "le-60s", "gt-60s"
};

struct timing {
	uint64_t	 n, sum, max;
	uint64_t	 b[NBUCKETS + 1];	/* not cumulative */
};

static const struct r53	*client;
static uint64_t		 started;
static uint64_t		 answers[OPS][RCODES + 1];	/* [RCODES]: other */
static uint64_t		 dropped;
static uint64_t		 nbatches, units, units_max, changes, changes_max;
static struct timing	 t_pending, t_insync;
static uint64_t		 xfr[STATS_XFR_COUNT];
static uint64_t		 queued_max;

static const char *const opnames[OPS] = { "query", "notify", "update",
	"other" };
static const char *const totnames[OPS] = { "queries", "notifies",
	"updates", "others" };
static const char *const xfr_name[STATS_XFR_COUNT] = {
	"soa-queries", "soa-failures", "up-to-date", "ixfr", "axfr",
	"axfr-fallbacks", "done", "failures", "rrs", "rrsets-applied",
	"rrsets-failed"
};

void
stats_init(const struct r53 *r)
{
	client = r;
	started = loop_now();
}

void
stats_answer(int opcode, int rcode)
{
	int	op;

	switch (opcode) {
	case DNS_OP_QUERY:
		op = 0;
		break;
	case DNS_OP_NOTIFY:
		op = 1;
		break;
	case DNS_OP_UPDATE:
		op = 2;
		break;
	default:
		op = 3;
		break;
	}
	answers[op][rcode >= 0 && rcode < RCODES ? rcode : RCODES]++;
}

void
stats_dropped(void)
{
	dropped++;
}

void
stats_batch(size_t u, size_t c)
{
	nbatches++;
	units += u;
	changes += c;
	if (u > units_max)
		units_max = u;
	if (c > changes_max)
		changes_max = c;
}

static void
timing_add(struct timing *t, uint64_t ms)
{
	size_t	i;

	t->n++;
	t->sum += ms;
	if (ms > t->max)
		t->max = ms;
	for (i = 0; i < NBUCKETS && ms > bucket_ms[i]; i++)
		;
	t->b[i]++;
}

void
stats_pending(uint64_t ms)
{
	timing_add(&t_pending, ms);
}

void
stats_insync(uint64_t ms)
{
	timing_add(&t_insync, ms);
}

void
stats_xfr(enum stats_xfr what, uint64_t n)
{
	if (what < STATS_XFR_COUNT)
		xfr[what] += n;
}

void
stats_queued(size_t n)
{
	if (n > queued_max)
		queued_max = n;
}

/* ---- reading ---- */

/* One group being written: its strings in one arena. */
struct group {
	char	*s[STATS_GROUP_MAX];
	size_t	 n;
	char	 arena[STATS_GROUP_MAX * 48 + STATS_STR_MAX + 1];
	size_t	 used;
};

static void
g_start(struct group *g, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));
static void
g_add(struct group *g, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

/* A string, cut at STATS_STR_MAX; dropped when the group is full. */
static void
g_vadd(struct group *g, const char *fmt, va_list ap)
{
	size_t	room = sizeof(g->arena) - g->used;
	int	w;

	if (g->n == STATS_GROUP_MAX || room < 2)
		return;
	if (room > STATS_STR_MAX + 1)
		room = STATS_STR_MAX + 1;
	w = vsnprintf(g->arena + g->used, room, fmt, ap);
	if (w < 0)
		return;
	if ((size_t)w >= room)
		w = (int)room - 1;
	g->s[g->n++] = g->arena + g->used;
	g->used += (size_t)w + 1;
}

static void
g_start(struct group *g, const char *fmt, ...)
{
	va_list	ap;

	g->n = 0;
	g->used = 0;
	va_start(ap, fmt);
	g_vadd(g, fmt, ap);
	va_end(ap);
}

static void
g_add(struct group *g, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	g_vadd(g, fmt, ap);
	va_end(ap);
}

static void
g_timing(struct group *g, const char *name, const struct timing *t)
{
	uint64_t	cum = 0;
	size_t		i;

	g_add(g, "%s=%llu", name, (unsigned long long)t->n);
	g_add(g, "%s-avg-ms=%llu", name, (unsigned long long)(t->n > 0 ?
	    t->sum / t->n : 0));
	g_add(g, "%s-max-ms=%llu", name, (unsigned long long)t->max);
	for (i = 0; i <= NBUCKETS; i++) {
		/* "le" buckets count every sample up to their bound. */
		cum = i < NBUCKETS ? cum + t->b[i] : t->b[i];
		g_add(g, "%s-%s=%llu", name, bucket_name[i],
		    (unsigned long long)cum);
	}
}

struct totals {
	size_t		 zones, loaded, names, rrsets, queued, held;
	stats_group_fn	*fn;
	void		*arg;
	struct group	*g;
	int		 each;		/* report each zone */
};

static void
zone_fig(void *arg, const struct zone_figures *f)
{
	struct totals	*t = arg;
	struct group	*g = t->g;

	if (!t->each) {
		t->zones++;
		t->loaded += f->loaded != 0;
		t->names += f->names;
		t->rrsets += f->rrsets;
		t->queued += f->queued;
		t->held += f->updates;
		return;
	}
	g_start(g, "zone %s", f->name);
	g_add(g, "loaded=%s", f->loaded ? "yes" : "no");
	g_add(g, "names=%zu", f->names);
	g_add(g, "rrsets=%zu", f->rrsets);
	g_add(g, "queued=%zu", f->queued);
	g_add(g, "updates-held=%zu", f->updates);
	t->fn(t->arg, g->s, g->n);
}

void
stats_report(stats_group_fn *fn, void *arg)
{
	static struct group		 g;
	const struct r53_counters	*c;
	struct totals			 t;
	uint64_t			 sum;
	size_t				 i, j;
	const char			*on;

	g_start(&g, "daemon");
	g_add(&g, "uptime=%llu", (unsigned long long)((loop_now() - started) /
	    1000));
	fn(arg, g.s, g.n);

	g_start(&g, "answers");
	for (i = 0; i < OPS; i++) {
		for (sum = 0, j = 0; j <= RCODES; j++)
			sum += answers[i][j];
		g_add(&g, "%s=%llu", totnames[i], (unsigned long long)sum);
	}
	g_add(&g, "dropped=%llu", (unsigned long long)dropped);
	for (i = 0; i < OPS; i++)
		for (j = 0; j <= RCODES; j++)
			if (answers[i][j] != 0)
				g_add(&g, "%s.%s=%llu", opnames[i], j < RCODES ?
				    dns_rcode_name((int)j) : "other",
				    (unsigned long long)answers[i][j]);
	fn(arg, g.s, g.n);

	g_start(&g, "route53");
	if (client != NULL) {
		c = r53_counters(client);
		g_add(&g, "requests=%lu", c->requests);
		g_add(&g, "throttles=%lu", c->throttles);
		g_add(&g, "retries=%lu", c->retries);
		g_add(&g, "queued=%zu", r53_pending(client));
		for (i = 0; i < R53_NOPS; i++)
			for (j = 0; j <= R53_UNKNOWN; j++)
				if (c->ops[i][j] != 0 &&
				    (on = r53_op_name(i)) != NULL)
					g_add(&g, "%s.%s=%lu", on,
					    r53_outcome_name(
					    (enum r53_outcome)j), c->ops[i][j]);
	}
	fn(arg, g.s, g.n);

	g_start(&g, "batches");
	g_add(&g, "sent=%llu", (unsigned long long)nbatches);
	g_add(&g, "units=%llu", (unsigned long long)units);
	g_add(&g, "units-max=%llu", (unsigned long long)units_max);
	g_add(&g, "changes=%llu", (unsigned long long)changes);
	g_add(&g, "changes-max=%llu", (unsigned long long)changes_max);
	fn(arg, g.s, g.n);

	g_start(&g, "times");
	g_timing(&g, "pending", &t_pending);
	g_timing(&g, "insync", &t_insync);
	fn(arg, g.s, g.n);

	g_start(&g, "transfers");
	for (i = 0; i < STATS_XFR_COUNT; i++)
		g_add(&g, "%s=%llu", xfr_name[i], (unsigned long long)xfr[i]);
	fn(arg, g.s, g.n);

	memset(&t, 0, sizeof(t));
	t.fn = fn;
	t.arg = arg;
	t.g = &g;
	zones_each(zone_fig, &t);
	g_start(&g, "queues");
	g_add(&g, "queued=%zu", t.queued);
	g_add(&g, "queued-max=%llu", (unsigned long long)queued_max);
	g_add(&g, "updates-held=%zu", t.held);
	fn(arg, g.s, g.n);

	g_start(&g, "mirrors");
	g_add(&g, "zones=%zu", t.zones);
	g_add(&g, "loaded=%zu", t.loaded);
	g_add(&g, "names=%zu", t.names);
	g_add(&g, "rrsets=%zu", t.rrsets);
	fn(arg, g.s, g.n);

	t.each = 1;
	zones_each(zone_fig, &t);
}

/* One log line a group: "stats: answers: queries=3 ...". */
static void
log_group(void *arg, char *const *s, size_t n)
{
	char	line[2048];
	size_t	i, len;
	int	w;

	(void)arg;
	if (n == 0)
		return;
	len = 0;
	w = snprintf(line, sizeof(line), "stats: %s:", s[0]);
	if (w > 0)
		len = (size_t)w < sizeof(line) ? (size_t)w : sizeof(line) - 1;
	for (i = 1; i < n && len < sizeof(line) - 1; i++) {
		w = snprintf(line + len, sizeof(line) - len, " %s", s[i]);
		if (w < 0)
			break;
		len += (size_t)w;
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
	}
	log_info("%s", line);
}

void
stats_log(void)
{
	stats_report(log_group, NULL);
}
