/*
 * export.h: "r53d -e ZONE": print a hosted zone in zone-file form.
 *
 * An engine on the Route 53 client (aws/r53.h): it finds the hosted zone
 * (the zone's hosted-zone in the configuration, else the one zone that
 * ListHostedZonesByName returns with exactly that name), lists every
 * record set and prints them as they arrive:
 *
 *	owner<TAB>ttl<TAB>IN<TAB>type<TAB>value
 *
 * one line per value in master-file form (RFC 1035 section 5.1), as
 * BIND and dnspython read it: owner names absolute in DNS text form
 * (decimal \DDD escapes, "*" as is), values read as RDATA of their type
 * and written by rdata_to_text() (decimal escapes in strings, every name
 * absolute even where Route 53 holds it without the final dot).  A
 * value that cannot be read is printed as a comment, with a warning.
 * Alias record sets and record sets with a routing policy cannot be
 * written as plain records; they are printed as comments too:
 *
 *	; www.example.com. alias A -> x.elb.amazonaws.com. (zone Z35..,
 *	  evaluate-target-health false)
 *	; routing id=blue Weight=10: www.example.com. 60 IN A 192.0.2.1
 *
 * Text from Route 53 in comments has its bytes outside printable ASCII
 * escaped as \DDD, so that no comment can spill into a record.
 *
 * If two hosted zones have the name (a public and a private one, say),
 * the zone's private and vpc choose as for the daemon (mirror.h); if
 * that leaves more than one, the export refuses to guess: it names them
 * and asks for hosted-zone.
 * Messages go to the log (stderr in the foreground), never to out.
 *
 * Call order: export_start(), then run the loop with the client's
 * r53_pollfds(), r53_deadline() and r53_step() until export_finished();
 * export_status(); export_free().
 * The r53 client and out are borrowed and must outlive the export.
 */
#ifndef R53D_EXPORT_H
#define R53D_EXPORT_H

#include <stdio.h>

struct conf;
struct r53;
struct export;

/*
 * Start exporting zone (a domain name, trailing dot optional).  Returns
 * NULL after logging why (a bad name, out of memory, the client refused
 * the first operation).
 */
struct export	*export_start(struct r53 *r53, const struct conf *cf,
		    const char *zone, FILE *out);

/* 1 once the export has succeeded or failed. */
int		 export_finished(const struct export *ex);

/* After export_finished(): 0 on success, 1 on failure (logged). */
int		 export_status(const struct export *ex);

/* Record sets printed so far (plain and commented). */
unsigned long	 export_count(const struct export *ex);

void		 export_free(struct export *ex);

#endif
