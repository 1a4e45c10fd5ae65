/*
 * zone.h: the engine of each configured zone: its life cycle, the
 * queries it answers, and the one step function that decides what it
 * does next.
 *
 * A zone's engine holds its mirror (mirror.h: finding the hosted zone,
 * loading it, re-reading names), its write pipeline (batch.h: units of
 * change to Route 53 change batches) and its producers of units: UPDATE
 * (upd.h), and zone transfers from primaries (secondary.h).  Route 53 callbacks only record; zone_step(), run for every
 * zone on every loop pass, looks at what was recorded and at the time,
 * and starts what comes next: find, load, build and send a batch, act on
 * its outcome, read names or the SOA back, or wait (with backoff after
 * failures).  While a zone is not loaded it answers SERVFAIL.
 *
 * Life cycle: zones_init() once with the Route 53 client; zones_setconf()
 * at start-up and after each reload (engines of zones that stay keep
 * their mirror and units; removed zones end their units); zones_poll()
 * and zones_timer() on every loop pass; zones_drain() when shutting
 * down, then the loop until zones_idle(); zones_free() at exit.  The struct
 * conf passed in must outlive the engines' use of it.
 */
#ifndef R53D_ZONE_H
#define R53D_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

struct conf;
struct loop;
struct r53;
struct updq;
struct zone;

struct client;

/* A request handed back to the dispatcher (serve_request()). */
typedef void	 zone_dispatch_fn(const struct client *, const uint8_t *,
		    size_t);

/*
 * partial: inetd mode; every zone's mirror reads its apex and then only
 * the names requests need (mirror.h), and queries wait for them: they
 * are held and handed back to fn once the names are read.
 */
void		 zones_init(struct r53 *, int partial, zone_dispatch_fn *fn);
void		 zones_setconf(const struct conf *);
void		 zones_poll(struct loop *);
/* Step every zone. */
void		 zones_timer(uint64_t now);
/*
 * Shutting down: stop following changes to INSYNC (units waiting for it
 * are answered: their changes were accepted) and stop transfers; the
 * units queued and the batches out go on.  zones_idle() is 1 once no
 * zone holds a unit queued or a batch out.
 */
void		 zones_drain(void);
int		 zones_idle(void);
void		 zones_free(void);
/* 1 when every zone is loaded (tests, start-up logging). */
int		 zones_ready(void);

/* What a zone holds now, for the statistics (stats.h). */
struct zone_figures {
	const char	*name;
	int		 loaded;
	size_t		 names, rrsets;	/* in the mirror */
	size_t		 queued;	/* units waiting in the pipeline */
	size_t		 updates;	/* UPDATEs queued or in a batch */
};
/* fn(arg, figures) for every zone. */
void		 zones_each(void (*fn)(void *, const struct zone_figures *),
		    void *arg);

/* The engine of the zone holding qname (longest match), or NULL. */
struct zone	*zone_find(const uint8_t *qname);
int		 zone_loaded(const struct zone *);
const struct zone_conf *zone_conf(const struct zone *);
/* The zone's apex, lowercased wire form of zone_conf()->name. */
const uint8_t	*zone_origin(const struct zone *);
/* The zone's UPDATE producer, for upd_take(). */
struct updq	*zone_upd(struct zone *);
/* 1 when the zone has primaries: transfers, not UPDATEs, change it. */
int		 zone_is_secondary(const struct zone *);
/* An allowed NOTIFY for the zone (with its SOA serial, if it had one). */
void		 zone_notify(struct zone *, int has_serial, uint32_t serial);

/*
 * Partial mode: whether a query for qname can be answered from the
 * mirror now (ZQ_ANSWER), must wait for names to be read (ZQ_HOLD: hold
 * it with zone_query_hold(), which copies the request; -1 when too many
 * are held), or is to be answered SERVFAIL (ZQ_FAIL: the names could
 * not be read in time).  Always ZQ_ANSWER in full mode.
 */
enum { ZQ_ANSWER, ZQ_HOLD, ZQ_FAIL };
int		 zone_query_wait(struct zone *, const uint8_t *qname);
int		 zone_query_hold(struct zone *, const struct client *,
		    const uint8_t *qname, const uint8_t *msg, size_t len);

/*
 * Answer a query from the mirror into w (already holding the header and
 * question).  Returns the rcode to set; the AA flag is set in w.
 */
int		 zone_query(struct zone *, const struct dns_msg *,
		    struct dns_wmsg *w);

#endif
