/*
 * batch_verify.c: the write pipeline's unknown outcomes (see batch.h and
 * batch.c): after the SOA was read back, batch_checked() decides from
 * its serial, or keeps what the batch wrote and has its names read
 * again, in rounds, for batch_verified() to compare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "batch_impl.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "log.h"
#include "mirror.h"

/* Record sets in a page of ListResourceRecordSets (Route 53's default). */
#define LIST_PAGE	300

void
batch_verify_free(struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->nvset; i++)
		rrset_unref(b->vset[i].set);
	free(b->vset);
	b->vset = NULL;
	b->nvset = b->vcur = 0;
}

/*
 * Keep what the batch wrote (the view's transitions) and drop the view,
 * whose pointers into the store the reads would leave dangling.
 */
static int
verify_keep(struct batch *b)
{
	struct ztrans	t;
	size_t		cur = 0, n = zview_ntrans(&b->view), i = 0;

	batch_verify_free(b);
	if (n == 0 || (b->vset = calloc(n, sizeof(*b->vset))) == NULL)
		return -1;
	while (i < n && zview_trans_next(&b->view, &cur, &t)) {
		memcpy(b->vset[i].name, t.name, name_len(t.name,
		    DNS_NAME_MAX));
		b->vset[i].type = t.type;
		b->vset[i].set = t.new != NULL ?
		    rrset_ref((struct rrset *)(uintptr_t)t.new) : NULL;
		i++;
	}
	b->nvset = i;
	zview_free(&b->view);
	zview_init(&b->view, &b->mirror->store);
	return 0;
}

/* The next names to read, at most MIRROR_REREAD_MAX. */
static size_t
verify_names(struct batch *b, uint8_t (*names)[DNS_NAME_MAX])
{
	size_t	n = 0;

	while (b->vcur < b->nvset) {
		const uint8_t *nm = b->vset[b->vcur].name;

		if (n > 0 && name_equal(names[n - 1], nm)) {
			b->vcur++;
			continue;
		}
		if (n == MIRROR_REREAD_MAX)
			break;
		memcpy(names[n++], nm, name_len(nm, DNS_NAME_MAX));
		b->vcur++;
	}
	return n;
}

/* The names the batch wrote. */
static size_t
verify_count(const struct batch *b)
{
	size_t	i, n = 0;

	for (i = 0; i < b->nvset; i++)
		if (i == 0 || !name_equal(b->vset[i - 1].name,
		    b->vset[i].name))
			n++;
	return n;
}

/* Applied: the units end NOERROR; the store holds what was read. */
static void
applied_unknown_id(struct batch *b)
{
	log_info("zone %s: the batch with serial %u was applied", b->name,
	    b->newserial);
	snprintf(b->code, sizeof(b->code), "%s", "");
	snprintf(b->msg, sizeof(b->msg), "%s", "");
}

enum bnext
batch_checked(struct batch *b, uint32_t serial, uint64_t now,
    uint8_t (*names)[DNS_NAME_MAX], size_t *n)
{
	(void)now;
	if (serial == b->newserial && b->setserial) {
		/* Absolute RRsets from a primary: whoever wrote, they hold. */
		applied_unknown_id(b);
		batch_commit(b, "(unknown id)", 0);
		return BN_AGAIN;
	}
	if (serial != b->oldserial && verify_keep(b) == 0) {
		if (!b->mirror->partial && verify_count(b) >
		    b->mirror->store.nrrset / LIST_PAGE + 1) {
			/* Fewer requests: read the whole zone (*n 0). */
			log_info("zone %s: Route 53 has serial %u; reading the "
			    "zone to see whether the batch with serial %u was "
			    "applied", b->name, serial, b->newserial);
			b->vcur = b->nvset;
			*n = 0;
			return BN_VERIFY;
		}
		log_info("zone %s: Route 53 has serial %u; reading the names "
		    "of the batch with serial %u to see whether it was "
		    "applied", b->name, serial, b->newserial);
		*n = verify_names(b, names);
		return BN_VERIFY;
	}
	if (serial == b->newserial) {
		/* Out of memory to verify: the serial alone tells. */
		applied_unknown_id(b);
		batch_commit(b, "(unknown id)", 0);
		return BN_AGAIN;
	}
	log_info("zone %s: the batch with serial %u was not applied; "
	    "evaluating it again", b->name, b->newserial);
	batch_requeue(b);
	/* The SOA may have changed behind our back. */
	memcpy(names[0], b->origin, name_len(b->origin, DNS_NAME_MAX));
	*n = 1;
	return BN_REREAD;
}

enum bnext
batch_verified(struct batch *b, uint64_t now,
    uint8_t (*names)[DNS_NAME_MAX], size_t *n)
{
	const struct rrset	*s;
	size_t			 i, differ = 0;
	uint32_t		 serial = 0;

	(void)now;
	if (b->vcur < b->nvset) {
		*n = verify_names(b, names);
		return BN_VERIFY;
	}
	*n = 0;
	for (i = 0; i < b->nvset; i++) {
		s = zstore_get(&b->mirror->store, b->vset[i].name,
		    b->vset[i].type);
		if (!rrset_same(s, b->vset[i].set))
			differ++;
	}
	batch_verify_free(b);
	if (differ == 0) {
		/* The store already holds it: nothing to commit. */
		applied_unknown_id(b);
		batch_end_units(b, BE_APPLIED, "(unknown id)", 0);
		return BN_AGAIN;
	}
	if (batch_store_serial(b, &serial) == 0 && serial == b->oldserial) {
		log_info("zone %s: the batch with serial %u was not applied; "
		    "evaluating it again", b->name, b->newserial);
		batch_requeue(b);
		return BN_AGAIN;
	}
	log_warnx("zone %s: the batch with serial %u may or may not have "
	    "been applied: Route 53 has serial %u and %zu RRsets the batch "
	    "wrote differ; its updates fail", b->name, b->newserial, serial,
	    differ);
	snprintf(b->code, sizeof(b->code), "%s", "");
	snprintf(b->msg, sizeof(b->msg), "outcome unknown: written over "
	    "since (serial %u)", serial);
	batch_end_units(b, BE_FAILED, NULL, 0);
	return BN_AGAIN;
}
