/*
 * stats.h: the daemon's counters, and their text for the log (SIGUSR1)
 * and for the CHAOS TXT query stats.r53d (chaos.h).
 *
 * Counters count from start-up and survive reloads; nothing resets
 * them.  They are plain integers in static storage: counting is an
 * addition, reading walks them, and no sample is ever kept (times are
 * kept as a count, a sum, a maximum and a few log-scale buckets).
 *
 * What the Route 53 client counts (operations by outcome, requests,
 * throttles, retries) stays in aws/ (r53_counters()); what the zones
 * hold now (queues, mirrors) is asked of zone.h when the counters are
 * read.  stats_init() names the client, once at start-up (NULL when
 * there is none); the stats_*() counting functions may be called at
 * any time after it, and stats_report() and stats_log() read.
 */
#ifndef R53D_STATS_H
#define R53D_STATS_H

#include <stddef.h>
#include <stdint.h>

struct r53;

/* Strings of one group: at most this many, each at most this long. */
#define STATS_GROUP_MAX	48
#define STATS_STR_MAX	255

/* What a zone transfer did (secondary.c, secondary_units.c). */
enum stats_xfr {
	STATS_XFR_SOA,		/* SOA queries sent to a primary */
	STATS_XFR_SOA_FAIL,	/* ... unanswered or answered badly */
	STATS_XFR_UPTODATE,	/* ... whose serial was not newer */
	STATS_XFR_IXFR,		/* IXFR requests */
	STATS_XFR_AXFR,		/* AXFR requests, fallbacks included */
	STATS_XFR_FALLBACK,	/* IXFR answered "ask with AXFR" */
	STATS_XFR_DONE,		/* transfers received whole */
	STATS_XFR_FAIL,		/* transfers that failed */
	STATS_XFR_RRS,		/* RRs received in whole transfers */
	STATS_XFR_APPLIED,	/* RRset changes Route 53 accepted */
	STATS_XFR_NOTAPPLIED,	/* RRset changes that failed */
	STATS_XFR_COUNT
};

void	stats_init(const struct r53 *);

/* An answer sent: the request's opcode and the answer's rcode. */
void	stats_answer(int opcode, int rcode);
/* A message dropped without an answer (a response, or too short). */
void	stats_dropped(void);
/* A change batch sent: its units and its Route 53 changes. */
void	stats_batch(size_t units, size_t changes);
/* A change batch accepted (PENDING) or INSYNC, ms after it was sent. */
void	stats_pending(uint64_t ms);
void	stats_insync(uint64_t ms);
void	stats_xfr(enum stats_xfr, uint64_t n);
/* Units now queued in a zone's pipeline: the maximum is kept. */
void	stats_queued(size_t n);

/*
 * Every group of counters in turn: fn(arg, strs, n) with n strings
 * "name=value" (each NUL-terminated, at most STATS_STR_MAX octets, the
 * first names the group), valid only during the call.  Groups: the
 * daemon, answers, Route 53, batches, times, transfers, queues and
 * mirrors in total, then one per zone.
 */
typedef void	 stats_group_fn(void *arg, char *const *strs, size_t n);
void	stats_report(stats_group_fn *fn, void *arg);
/* Every group on one log line ("stats: name=value ..."). */
void	stats_log(void);

#endif
