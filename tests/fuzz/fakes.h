/*
 * fakes.h: what harnesses link instead of the daemon's clocks and its
 * Route 53 client (tests/fuzz/fakes.c), so that the zone engines,
 * mirrors and write pipelines run without network and the same input
 * always takes the same path.
 *
 * Clocks: loop_now() returns fake_now (monotonic ms) and time() returns
 * fake_wall; harnesses set and advance them.
 *
 * Log: each line is formatted and dropped (fake_log_lines counts them);
 * debug lines are on.  fatal() and fatalx() abort: from input, they
 * are defects.
 *
 * Route 53: the r53_*() operations the engines use are queued, not
 * sent; fake_r53_run() completes them in order (with those their
 * callbacks submit), answering from the fake account:
 *
 *   ListHostedZonesByName, GetHostedZone: one public zone, ID
 *	FAKE_ZONE_ID, of the name asked for (any ID given is that zone);
 *   ListResourceRecordSets: the record sets of fake_r53_listing, a
 *	ListResourceRecordSetsResponse document parsed by the real parser
 *	(r53_parse_list_rrsets()) each time, or only the first time when
 *	fake_r53_listing_fixed is set (harnesses whose listing never
 *	changes: the parse is most of their time); with a name, only the
 *	sets of that name (and type, if given); NULL fails with a 500;
 *   ChangeResourceRecordSets: the body is made at once with
 *	r53_change_batch_xml() (0 when it cannot be, as the real client
 *	refuses it) and handed to fake_r53_on_change, which says how the
 *	request ends; without it, accepted as PENDING;
 *   GetChange: INSYNC.
 *
 * fake_r53_reset() drops every operation without callback.
 */
#ifndef R53D_TESTS_FUZZ_FAKES_H
#define R53D_TESTS_FUZZ_FAKES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "aws/r53.h"

#define FAKE_ZONE_ID	"ZFAKE0123456789"

extern uint64_t	 fake_now;
extern time_t	 fake_wall;
extern size_t	 fake_log_lines;

/* How a ChangeResourceRecordSets ends. */
struct fake_answer {
	enum r53_outcome outcome;
	int		 status;
	char		 code[64];
	char		 message[R53_ERRMSG_SIZE];
};

extern const char *fake_r53_listing;
extern int	   fake_r53_listing_fixed;
/* xml[0..len) is the body, NUL-terminated; set *ans. */
extern void	(*fake_r53_on_change)(const char *comment,
		    const struct r53_change *, size_t, const char *xml,
		    size_t len, struct fake_answer *ans);

/* Complete what is queued; returns how many operations ended. */
size_t		 fake_r53_run(void);
void		 fake_r53_reset(void);
/* A struct r53 to hand to the engines; never dereferenced. */
struct r53	*fake_r53(void);

#endif
