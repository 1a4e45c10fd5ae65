/*
 * batch.h: a zone's write pipeline: units of change in, Route 53 change
 * batches out, and each unit told how it ended.
 *
 * A producer (upd.c for UPDATE, the secondary for zone transfers)
 * embeds a struct bunit in its own record and hands it over with
 * batch_add().  The pipeline knows nothing of where a unit came from: when
 * it builds a batch it asks the unit, through ops->apply(), to apply
 * itself to a view of the mirror, and through ops->done() it tells the
 * unit how it ended.  The pipeline owns:
 *
 *   - coalescing: queued units are applied in arrival order on one view,
 *     each seeing the changes of those before it, while the batch stays
 *     within Route 53's limits (1,000 records and 32,000 value characters
 *     per request); a unit that cannot fit even alone ends BE_TOOLARGE;
 *   - the SOA serial: a batch that changes something advances the apex
 *     serial by the zone's policy, or sets the one a unit asked for
 *     (batch_set_serial());
 *   - compare-and-swap: every changed RRset is sent as DELETE old +
 *     CREATE new, so Route 53 refuses the batch when somebody else changed
 *     it; a unit may assert more RRsets unchanged (batch_assert());
 *   - the outcomes: accepted (the view is committed to the mirror);
 *     refused (the names are read again and the units applied again, and
 *     when it is refused again, the batch is split until the one unit
 *     that causes it ends BE_REFUSED alone); unknown (the SOA is read
 *     back: its serial, unique to the batch, says whether it was
 *     applied); transient (the batch is sent again later); any other
 *     error (the units that changed something end BE_FAILED);
 *   - telling each unit how it ended, once, and at INSYNC if it asks;
 *   - following every change it sent to INSYNC, for the log.
 *
 * The pipeline does not decide when to act: the zone's step (zone.c) calls
 * batch_build() when it may send, and batch_outcome() once the request in
 * flight has ended (batch_ended()), and carries out what they return
 * (reading names or the SOA with the mirror, waiting).  The Route 53
 * callbacks only record.
 *
 * Units: every unit handed over ends exactly once with ops->done(), from
 * batch_build(), batch_outcome(), batch_checked(), batch_track() or
 * batch_drop(), unless the producer takes it back with batch_cancel()
 * while it is queued or waiting for INSYNC.  done() may add and cancel
 * other units but must not call the other batch_*() functions.
 */
#ifndef R53D_BATCH_H
#define R53D_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "aws/r53.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "mirror.h"

#define BATCH_UNITS_MAX		1000	/* units in one batch */
/* What one batch holds besides its SOA's DELETE and CREATE. */
#define BATCH_RECORDS		(R53_BATCH_RECORDS_MAX - 2)
#define BATCH_CHARS		(R53_BATCH_CHARS_MAX - 2 * 1100)
#define BATCH_ASSERT_MAX	32	/* RRsets asserted per batch */
#define BATCH_WAIT_MIN_MS	1000	/* GetChange polls: first ... */
#define BATCH_WAIT_MAX_MS	15000	/* ... and longest interval */
#define BATCH_TRACK_MAX		64	/* changes followed to INSYNC */

struct bunit;
struct bctx;

/* What a unit's apply() did to the view. */
enum bapply {
	BA_CHANGED,	/* it changed the view: it goes in the batch */
	BA_UNCHANGED,	/* it changed nothing: it ends with the batch */
	BA_REREAD,	/* its outcome rests on names Route 53 has not
			   confirmed: it named them (batch_reread()); the
			   view is as before; apply it again after */
	BA_FULL		/* it needs more than the batch has room for
			   (batch_assert() failed): like not fitting */
};

/* How a unit ended. */
enum bend_how {
	BE_APPLIED,	/* its batch was applied (change set), or needed no
			   request (change NULL), or it changed nothing:
			   its own result stands */
	BE_INSYNC,	/* after BE_APPLIED, its change is INSYNC */
	BE_FAILED,	/* its batch failed for good (code, message) */
	BE_REFUSED,	/* Route 53 refused it alone (code, message) */
	BE_TOOLARGE,	/* it does not fit one change batch */
	BE_NOTBUILT,	/* its batch could not be built (no memory) */
	BE_DROPPED	/* the zone went away */
};

/* Valid only during ops->done(). */
struct bend {
	enum bend_how	 how;
	const char	*change;	/* change ID or NULL */
	int		 track;		/* INSYNC can be told for it */
	const char	*code;		/* Route 53's code or "" */
	const char	*message;	/* "" if none */
};

struct bunit_ops {
	/*
	 * Apply the unit to ctx's view (batch_view()): change it, or not,
	 * or ask for names to be read first.  A savepoint is set before
	 * the call and the pipeline rolls back when the unit does not fit.
	 */
	enum bapply	(*apply)(struct bunit *, struct bctx *);
	/*
	 * The unit ended.  After BE_APPLIED with a change ID, return 1 to
	 * stay in the pipeline until that change is INSYNC (a later
	 * done() with BE_INSYNC); otherwise return 0: the pipeline forgets
	 * the unit, which is the producer's again.
	 */
	int		(*done)(struct bunit *, const struct bend *);
};

enum bunit_where { BU_NONE, BU_QUEUED, BU_BATCH, BU_WAIT };

struct bunit {
	struct bunit		*next;
	const struct bunit_ops	*ops;
	enum bunit_where	 where;
	int			 changed;	/* its last apply() */
	int			 reread;	/* the names it asked for
						   were read since */
};

/* An RRset the batch in flight asserts unchanged. */
struct basrt {
	uint8_t		 name[DNS_NAME_MAX];	/* lowercased */
	uint16_t	 type;
};

/* An RRset as the batch whose outcome is being checked left it. */
struct bverify {
	uint8_t		 name[DNS_NAME_MAX];	/* lowercased */
	uint16_t	 type;
	struct rrset	*set;			/* NULL: deleted */
};

/* A change Route 53 accepted, with the units waiting for its INSYNC. */
struct bchange {
	struct bchange	*next;
	char		 id[R53_ID_MAX + 1];
	struct bunit	*units;
	uint64_t	 sent;
};

struct batch {
	struct r53	*r53;
	struct mirror	*mirror;
	const char	*name;		/* the zone, for messages */
	const uint8_t	*origin;

	struct bunit	*q, **qtail;	/* queued, in arrival order */
	size_t		 nq;
	struct bunit	*b, **btail;	/* the batch being built or sent */
	size_t		 nb, nbchanged;
	struct zview	 view;		/* the batch's changes */
	size_t		 bcap;		/* units in the next batch */
	int		 refused;	/* refused once: names read again */
	struct basrt	 asrt[BATCH_ASSERT_MAX];
	size_t		 nasrt;
	uint32_t	 newserial;	/* the batch's SOA serial */
	uint32_t	 oldserial;	/* the serial it replaces */
	struct bverify	*vset;		/* outcome unknown: what it wrote */
	size_t		 nvset, vcur;	/* ... and how far it was read */
	int		 setserial;	/* a unit set it */
	int		 keepserial;	/* units kept it: it did not move */
	uint64_t	 sent;

	uint32_t	 op;		/* ChangeResourceRecordSets */
	int		 ended;		/* ... whose callback has run */
	enum r53_outcome outcome;
	int		 transient;
	char		 code[64];
	char		 msg[R53_ERRMSG_SIZE];
	char		 changeid[R53_ID_MAX + 1];
	int		 insync;
	int		 dry;		/* dry-run: nothing is sent */
	int		 dryrun;	/* the batch out was not sent */

	struct bchange	*w, **wtail;	/* changes not yet INSYNC */
	size_t		 nw;
	int		 untrack;	/* follow only those units wait on */
	uint32_t	 wop;		/* GetChange */
	int		 wended;
	int		 wok;
	int		 winsync;
	char		 wid[R53_ID_MAX + 1];
	uint64_t	 wnext;
	unsigned	 wdelay;
};

/* How a batch is built: the zone's settings at the time. */
struct batch_conf {
	int		 coalesce;	/* 0: one unit per batch */
	int		 dry_run;	/* log the batches, send nothing */
	int		 policy;	/* UPD_SERIAL_* */
};

/* What batch_build() and batch_outcome() ask the step to do. */
enum bnext {
	BN_IDLE,	/* nothing more: wait for units */
	BN_AGAIN,	/* units ended without a request; build again */
	BN_SENT,	/* a request is in flight: wait for batch_ended() */
	BN_REREAD,	/* read names[0..n) again, then build again */
	BN_RELOAD,	/* read the whole zone again, then build again */
	BN_CHECK,	/* read the SOA back, then batch_checked() */
	BN_VERIFY,	/* read names[0..n) again, then batch_verified() */
	BN_RETRY	/* build again after a backoff */
};

void	batch_init(struct batch *, struct r53 *, struct mirror *,
	    const char *name, const uint8_t *origin);
/*
 * End every unit BE_DROPPED (why: "zone removed", "shutting down") and
 * free what the pipeline holds.
 */
void	batch_drop(struct batch *, const char *why);

void	batch_add(struct batch *, struct bunit *);
/* End every queued unit BE_FAILED (why): the zone cannot be read. */
void	batch_fail_queued(struct batch *, const char *why);
/* Take back a unit that is queued or waiting: 0, or -1 in a batch. */
int	batch_cancel(struct batch *, struct bunit *);
size_t	batch_queued(const struct batch *);
/* 1 while a batch is out (sent, or being checked or re-read). */
int	batch_busy(const struct batch *);

/*
 * Build the next batch from the queue and send it.  Call when the
 * mirror is loaded and idle and no batch is out.  On BN_REREAD, names
 * (room for MIRROR_REREAD_MAX) and *n are set.
 */
enum bnext batch_build(struct batch *, const struct batch_conf *,
	    uint64_t now, uint8_t (*names)[DNS_NAME_MAX], size_t *n);
/* 1 when the request in flight has ended (its outcome recorded). */
int	batch_ended(const struct batch *);
/* Act on the recorded outcome: BN_IDLE, BN_REREAD, BN_RELOAD, BN_CHECK
 * or BN_RETRY (names as for batch_build()). */
enum bnext batch_outcome(struct batch *, uint64_t now,
	    uint8_t (*names)[DNS_NAME_MAX], size_t *n);
/*
 * After BN_CHECK: what the SOA read back (serial) shows.  The serial the
 * batch replaced: not applied (BN_REREAD, the apex in names).  The
 * serial an increment's last part set: applied.  Otherwise another
 * writer (a second r53d on the zone) may have moved the serial, even
 * to the batch's own: BN_VERIFY, the names the batch wrote, in rounds
 * (n 0: the whole zone, when that takes fewer requests).
 */
enum bnext batch_checked(struct batch *, uint32_t serial, uint64_t now,
	    uint8_t (*names)[DNS_NAME_MAX], size_t *n);
/*
 * After BN_VERIFY: the next round (BN_VERIFY), or the decision once
 * every name was read.  Route 53 holds every RRset as the batch left
 * it: applied.  It holds the serial the batch replaced: not applied,
 * evaluated again.  Otherwise the batch may or may not have been
 * applied and was written over: its units fail (SERVFAIL), never
 * evaluated again, which could undo what the other writer did since.
 */
enum bnext batch_verified(struct batch *, uint64_t now,
	    uint8_t (*names)[DNS_NAME_MAX], size_t *n);
/* Put the batch back at the head of the queue, the view emptied. */
void	batch_requeue(struct batch *);
/*
 * Changes Route 53 accepted and not yet INSYNC (BATCH_TRACK_MAX at most):
 * poll GetChange for the newest, log each change that became INSYNC and
 * how long it took, and end the units waiting on it.  With no unit
 * waiting, a poll goes only when the Route 53 client has nothing else to
 * send and a token to spare.  batch_deadline() is when the next poll is
 * due (0: none).  batch_untrack() stops following changes, now and
 * from then on (shutting down): the units waiting for INSYNC end
 * BE_APPLIED at once, their changes being accepted.
 */
void	batch_track(struct batch *, uint64_t now);
void	batch_untrack(struct batch *);
uint64_t batch_deadline(const struct batch *);

/* For apply(): the view, the mirror, and what a unit may ask. */
struct zview	*batch_view(struct bctx *);
const struct mirror *batch_mirror(struct bctx *);
/* Assert (name, type) unchanged in this batch: 0, or -1 no room. */
int	batch_assert(struct bctx *, const uint8_t *name, uint16_t type);
/*
 * Ask for name to be read before the unit is applied again: 1, 0 if it
 * was asked for already, -1 if too many names were (the whole zone is
 * read instead).
 */
int	batch_reread(struct bctx *, const uint8_t *name);
/* Set the SOA serial of this batch (the last unit to ask wins). */
void	batch_set_serial(struct bctx *, uint32_t serial);
/*
 * Leave the SOA serial as it is in this batch, unless a unit sets it: a
 * part of an increment that is not its last.  Such a batch's unknown
 * outcome is settled by reading its names again, not the SOA.
 */
void	batch_keep_serial(struct bctx *);
/*
 * What sending RRset s costs in a batch, as the pipeline counts it:
 * adds its records and value characters.  -1 if its text cannot be made.
 */
int	batch_cost(const struct rrset *s, size_t *records, size_t *chars);

#endif
