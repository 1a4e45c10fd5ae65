/*
 * secondary_impl.h: the state of a secondary zone, shared by the files
 * of the secondary: secondary.c (the refresh: set-up, NOTIFY, SOA
 * queries, timers and expiry, the IXFR and AXFR exchanges, the step)
 * and secondary_units.c (what a transfer brings: the RRs taken from the
 * primary, IXFR increments and the AXFR's difference with the mirror
 * made into units of the write pipeline, and their hand-over).  Private
 * to those files (and to the harness tests/fuzz/fuzz_secondary.c);
 * everything else uses secondary.h.
 */
#ifndef R53D_SECONDARY_IMPL_H
#define R53D_SECONDARY_IMPL_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "dns/rrset.h"
#include "dns/tsig.h"
#include "dns/xfr.h"
#include "dns/zdiff.h"
#include "mirror.h"
#include "primary.h"
#include "secondary.h"

#define SKIP_TYPES	16		/* kinds of RRs left out, logged */

struct spri {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 haskey;
	struct tsig_key		 key;
	char			 str[80];
};

/* A unit of the write pipeline (secondary_units.c). */
struct xent;
struct xunit;

enum sstate {
	SS_WAIT,	/* no exchange: until next_at (and the mirror is
			   loaded) or a NOTIFY */
	SS_SOA,		/* an SOA query is out to pri[ip] */
	SS_XFR,		/* a transfer from pri[ip] is out */
	SS_APPLY	/* a transfer's units are in the pipeline (nunits) */
};

struct secondary {
	const char		*name;
	const uint8_t		*origin;
	struct mirror		*m;
	struct batch		*b;
	struct spri		 pri[CONF_PRIMARIES_MAX];
	size_t			 npri;
	int			 request_ixfr;
	size_t			 max_size;
	unsigned		 timeout;
	unsigned		 min_refresh, max_refresh, min_retry, max_retry;

	enum sstate		 state;
	size_t			 ip;		/* the primary asked */
	int			 roundfail;	/* a primary failed this round */
	int			 notified;
	uint64_t		 next_at;
	unsigned		 refresh, retry, expire;	/* seconds */
	unsigned		 fails;		/* failed rounds in a row */
	uint64_t		 last_ok;	/* a primary answered */
	uint64_t		 last_refresh;	/* when the last round began */
	uint64_t		 notify_time;	/* of the first NOTIFY waiting */
	int			 expired;
	int			 stopped;	/* shutting down */

	/* The exchange. */
	struct primary		 conn;
	short			 revents;
	int			 tcp;
	uint16_t		 id;
	uint16_t		 qtype;
	uint8_t			 mac[TSIG_MAC_MAX];
	size_t			 maclen;
	struct tsig_stream	 ts;
	int			 signed_;
	struct xfr		 x;
	uint32_t		 pserial;	/* the primary's */
	uint32_t		 lserial;	/* Route 53's, at the start */
	uint64_t		 started;
	size_t			 nrrs;
	uint64_t		 cpu[3];	/* parsing and comparing: user
					   and system us, page faults */
	uint64_t		 notified_at;	/* the NOTIFY that began it */
	uint64_t		 sent_at;	/* the query out ... */
	uint64_t		 waited;	/* ... and the primary's time */
	int			 timed;		/* log the NOTIFY's latency */

	/* What the transfer brings. */
	struct zrrs		 all;		/* AXFR */
	struct zrrs		 dels, adds;	/* the IXFR sequence */
	struct zview		 view;		/* IXFR: the mirror changed */
	int			 viewon;
	int			 full;		/* an AXFR(-style) answer */
	size_t			 nseq;
	size_t			 nchanges;
	struct xunit		*units, **utail;	/* made, not sent */
	size_t			 nunits;	/* in the pipeline */
	int			 unitfail;
	uint32_t		 goal;		/* serial the units reach */

	/* The unit being filled. */
	struct xent		*fe;
	size_t			 fn, fcap;
	uint8_t			*fnames;
	size_t			 fnlen, fncap;
	size_t			 frec, fchr;

	uint16_t		 skipped[SKIP_TYPES];
	size_t			 nskipped[SKIP_TYPES];
	size_t			 nskip;
};

/*
 * secondary_units.c.  The sink that dns/xfr.c feeds a transfer's RRs
 * into (arg: the struct secondary): what they change becomes units on
 * s->units, committed as each increment (or the AXFR) is complete.
 */
extern const struct xfr_sink secondary_sink;
/* Hand the (committed) units to the pipeline: the state is SS_APPLY. */
void	secondary_hand_over(struct secondary *);
/* Drop the units not handed over: the uncommitted, or all of them. */
void	secondary_drop_units(struct secondary *, int committed_too);
/* Log the kinds of RRs left out by the transfer, and forget them. */
void	secondary_log_skipped(struct secondary *);

#endif
