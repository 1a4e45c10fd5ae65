/*
 * zone_impl.h: the engine state shared by zone.c (finding, loading and
 * re-reading the mirror, queries), queue.c (UPDATEs from arrival to
 * answer), batch.c (evaluating them into change batches) and outcome.c
 * (what becomes of a sent batch).  Private to those files; everything
 * else uses zone.h.
 *
 * Invariants of a struct zone:
 *   - loaded: mirror holds every RRset of hosted zone hzid as Route 53
 *     listed it, plus r53d's own committed batches;
 *   - q holds UPDATEs not yet in a batch, in arrival order; b the UPDATEs
 *     of the batch in flight (bstate != BS_IDLE), whose changes are in
 *     view's overlay; w the accepted changes waiting for INSYNC;
 *   - at most one Route 53 operation per zone is in flight: op (finding,
 *     loading, re-reading, checking the SOA) or bop (the batch) or wop
 *     (GetChange), never two at once, so the mirror only changes when no
 *     view is open on it.
 */
#ifndef R53D_ZONE_IMPL_H
#define R53D_ZONE_IMPL_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "aws/r53.h"
#include "conf.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/update.h"
#include "serve.h"

#define ZONE_RECENT	256		/* answers kept for retransmissions */
#define ZONE_RECENT_MS	120000		/* ... for this long */
#define ZONE_INFLIGHT	1024		/* counters of UPDATEs in progress */
#define ZONE_REREAD_MAX	16		/* names re-read one by one */
#define ZONE_BATCH_MAX	1000		/* UPDATEs in one batch */
#define ZONE_DKEY_MAX	(18 + 2 + 8)	/* peer, ID, hash */
#define ZONE_SEEN	512		/* names Route 53 confirmed lately */
#define ZONE_ASRT_MAX	32		/* prerequisite RRsets per batch */
#define ZONE_BACKOFF_MIN 1000		/* ms */
#define ZONE_BACKOFF_MAX 300000

enum zstate { ZS_FIND, ZS_LOAD, ZS_READY, ZS_DEAD };
enum bstate {
	BS_IDLE,	/* no batch: b empty, view empty */
	BS_SENT,	/* ChangeResourceRecordSets in flight (bop) */
	BS_CHECK,	/* outcome unknown: reading the apex SOA (op) */
	BS_REREAD,	/* refused: reading names again (op) */
	BS_RELOAD	/* reading the whole zone again (op) */
};

struct upd {
	struct upd	*next;
	struct dnsreq	 req;
	uint8_t		*msg;		/* the UPDATE as received */
	size_t		 len;
	uint64_t	 deadline;	/* monotonic ms */
	int		 rcode;		/* of the last evaluation */
	int		 changed;	/* RRsets it changed then */
	char		 why[UPDATE_REASON_MAX];
	int		 fresh;		/* its prerequisite names re-read */
	int		 answered;	/* SERVFAIL sent at its deadline
					   while in a batch: req is spent */
	int		 counted;	/* in zone's inflight[] */
	uint8_t		 dkey[ZONE_DKEY_MAX];	/* identity, unsigned
						   UDP only */
	size_t		 dklen;
	uint64_t	 dhash;		/* of dkey: compared first */
};

struct recent {
	uint8_t		 dkey[ZONE_DKEY_MAX];
	size_t		 dklen;
	uint64_t	 dhash;
	int		 rcode;
	uint64_t	 when;
};

/*
 * When Route 53 last confirmed a name's data (a re-read, or a batch that
 * changed it accepted): at or after "when" (monotonic ms), the mirror
 * held what Route 53 held.  Direct-mapped by a hash of the name; a lost
 * entry only costs a re-read.
 */
struct seen {
	uint64_t	 hash;
	uint64_t	 when;
};

/* An RRset the batch in flight asserts unchanged (a prerequisite). */
struct zasrt {
	uint8_t		 name[DNS_NAME_MAX];	/* lowercased */
	uint16_t	 type;
};

struct waitchg {
	struct waitchg	*next;
	char		 id[R53_ID_MAX + 1];
	struct upd	*upds;
	uint64_t	 sent;
};

struct zone {
	struct zone		*next;
	const struct zone_conf	*zc;
	char			 name[ACL_NAME_MAX];
	uint8_t			 origin[DNS_NAME_MAX];
	char			 origin_r53[DNS_NAME_TEXTMAX];
	char			 hzid[R53_ID_MAX + 1];
	enum zstate		 state;
	int			 loaded;
	uint32_t		 op;		/* find, load, re-read, check */
	uint64_t		 retry_at;	/* 0: nothing scheduled */
	unsigned		 backoff;
	struct zstore		 mirror;
	struct zstore		 fresh;		/* a load in progress */
	int			 nfound;	/* finding by name */
	char			 found[4][R53_ID_MAX + 8];

	struct upd		*q, **qtail;
	size_t			 nq;
	struct upd		*b, **btail;
	size_t			 nb, nbchanged;
	enum bstate		 bstate;
	uint32_t		 bop;
	struct zview		 view;
	uint32_t		 newserial;
	size_t			 bcap;		/* UPDATEs in the next batch */
	struct zasrt		 asrt[ZONE_ASRT_MAX];
	size_t			 nasrt;
	int			 refused;	/* refused once, names re-read */
	uint64_t		 bsent;
	uint64_t		 kick_at;	/* next batch waits for a
						   request token; 0: no */

	uint8_t			(*names)[DNS_NAME_MAX];	/* to re-read */
	size_t			 nnames, iname;
	struct rrset		*rd[ZNODE_MAXSETS];
	size_t			 nrd;
	int			 rdbad;
	uint32_t		 soa_seen;
	int			 soa_found;

	struct waitchg		*w, **wtail;
	uint32_t		 wop;
	uint64_t		 wnext;
	unsigned		 wdelay;

	/* Direct-mapped by dhash: a newer answer evicts an older one. */
	struct recent		 recent[ZONE_RECENT];
	/*
	 * UDP UPDATEs queued, in a batch or waiting, counted by dhash
	 * modulo ZONE_INFLIGHT: a zero count means a retransmission has
	 * nothing to join, without walking the queues.
	 */
	uint32_t		 inflight[ZONE_INFLIGHT];
	struct seen		 seen[ZONE_SEEN];
	uint64_t		 rdstart;	/* re-read of names[iname] */
};

extern struct r53	*zone_r53;

/* zone.c */
void	zone_schedule(struct zone *, unsigned);
void	zone_backoff_reset(struct zone *);
int	zone_rrset_from_r53(const struct r53_rrset *, uint8_t *,
	    struct rrset **);
void	zone_reread(struct zone *, const uint8_t (*)[DNS_NAME_MAX], size_t);
void	zone_reload(struct zone *);
void	zone_check_soa(struct zone *);
void	zone_seen(struct zone *, const uint8_t *, uint64_t);
int	zone_seen_since(const struct zone *, const uint8_t *, uint64_t);

#define WAIT_MIN_MS	1000		/* GetChange polls: first ... */
#define WAIT_MAX_MS	15000		/* ... and longest interval */

/* queue.c */
void	upd_finish(struct zone *, struct upd *, int, const char *,
	    const char *);		/* answer, log once, free */
void	batch_timer(struct zone *, uint64_t);
uint64_t batch_deadline(const struct zone *);
void	batch_drop_all(struct zone *, int rcode);

/* batch.c */
void	batch_answer(struct zone *, const char *);
void	batch_kick(struct zone *);
void	batch_requeue(struct zone *);

/* outcome.c */
void	batch_done(void *, const struct r53_result *,
	    const struct r53_change_info *);	/* r53_change() callback */
void	batch_checked(struct zone *, int applied);

#endif
