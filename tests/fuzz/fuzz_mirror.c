/*
 * fuzz_mirror.c: libFuzzer harness for applying ListResourceRecordSets
 * answers to a zone's mirror (mirror.c): the page is parsed by
 * aws/r53resp.c (through the fake Route 53 client of tests/fuzz/fakes.h)
 * and each record set goes through mirror_rrset_from_r53() into the
 * store.
 *
 * The input is the answer document; "example." is the zone.  It is
 * loaded whole twice (the second load replaces the first), then, in
 * partial mode (inetd), the apex and three names are read from it.
 * Invariants: every read ends (MIRROR_OK or MIRROR_FAIL); after a load
 * the store is in strict canonical order, with no empty node and its
 * RRset count the sum of its nodes'; a failed load leaves the previous
 * store as it was; nothing leaks.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrset.h"
#include "fakes.h"
#include "mirror.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t	origin[] = "\007example";

static void
check_store(const struct zstore *st)
{
	size_t	i, sum = 0;

	for (i = 0; i < zstore_nnodes(st); i++) {
		if (zstore_nth(st, i)->nset == 0)
			abort();
		sum += zstore_nth(st, i)->nset;
		if (i > 0 && name_cmp(zstore_nth(st, i - 1)->name,
		    zstore_nth(st, i)->name) >= 0)
			abort();
	}
	if (sum != st->nrrset)
		abort();
}

static enum mirror_status
finish(struct mirror *m)
{
	enum mirror_status	s = MIRROR_BUSY;
	int			i;

	for (i = 0; i < 64 && s == MIRROR_BUSY; i++) {
		(void)fake_r53_run();
		s = mirror_step(m, fake_now);
		fake_now += 10;
	}
	if (s == MIRROR_BUSY)
		abort();
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const rd[] = { "www.example.", "a.b.example.",
	    "*.example." };
	uint8_t		 names[3][DNS_NAME_MAX];
	struct mirror	*m;
	char		*doc;
	size_t		 before, i;
	int		 pass;

	if ((doc = malloc(size + 1)) == NULL ||
	    (m = malloc(sizeof(*m))) == NULL)
		abort();
	memcpy(doc, data, size);
	doc[size] = '\0';
	fake_r53_listing = doc;
	for (pass = 0; pass < 2; pass++) {
		mirror_init(m, fake_r53(), "example", origin);
		snprintf(m->hzid, sizeof(m->hzid), "%s", FAKE_ZONE_ID);
		if (pass == 1)
			mirror_set_partial(m);
		if (mirror_load(m) == -1)
			abort();
		if (finish(m) == MIRROR_OK) {
			check_store(&m->store);
			if (pass == 0 && !m->loaded)
				abort();
			(void)mirror_soa(m);
		}
		if (pass == 0) {
			before = m->store.nrrset;
			if (mirror_load(m) == -1)
				abort();
			if (finish(m) != MIRROR_OK && (m->store.nrrset !=
			    before))
				abort();
			check_store(&m->store);
		} else {
			for (i = 0; i < 3; i++)
				if (name_from_text(rd[i], names[i], NULL) == -1)
					abort();
			if (mirror_reread(m, (const uint8_t (*)[DNS_NAME_MAX])
			    names, 3, fake_now) == 0)
				(void)finish(m);
			check_store(&m->store);
			for (i = 0; i < 3; i++)
				(void)mirror_known(m, names[i]);
		}
		mirror_free(m);
		fake_r53_reset();
	}
	free(m);
	free(doc);
	return 0;
}
