/*
 * fuzz_update.c: libFuzzer harness for an UPDATE from the wire to the
 * change batch: serve.c takes it, upd.c parses its sections into RRs
 * and evaluates them (dns/update.c) on the pipeline's view of a loaded
 * mirror, batch.c and batch_send.c turn the view into changes, and the
 * body Route 53 would get (r53_change_batch_xml()) is read back with
 * aws/xml.c.
 *
 * Input: an octet of flags (bits 0-1: how Route 53 ends each batch:
 * accepted, refused as an InvalidChangeBatch naming its first change,
 * unknown outcome, failure), then up to three UPDATEs, each a
 * prerequisite count octet, an update count octet, a two-octet length
 * and that many octets of raw RRs.  The harness puts the header (ID,
 * opcode UPDATE) and the zone section ("example." SOA IN, at offset 12
 * for compression pointers) in front, and sends them all from loopback
 * over UDP before the zone runs, so that they share a batch.
 *
 * Invariants, besides those of ASan and UBSan: every body is well
 * formed and holds exactly the changes (tests/fuzz/xmlcheck.h); a batch
 * deletes and creates the apex SOA exactly once each, the new serial
 * differing from the old; every UPDATE is answered exactly once, with
 * its ID, by the end of update-timeout.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "rig.h"
#include "serve.h"
#include "xmlcheck.h"
#include "zone.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NUPD	3

static const char	conftext[] =
	"aws { imds no; };\n"
	"zone \"example\" { allow-update { 127.0.0.1; }; queue-limit 4; };\n";

#define RRSET(n, t, v)	"<ResourceRecordSet><Name>" n "</Name><Type>" t \
	"</Type><TTL>300</TTL><ResourceRecords>" v "</ResourceRecords>" \
	"</ResourceRecordSet>"
#define RR(v)		"<ResourceRecord><Value>" v "</Value></ResourceRecord>"

static const char	listing[] =
	"<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws.com"
	"/doc/2013-04-01/\"><ResourceRecordSets>"
	RRSET("example.", "NS", RR("ns1.example.") RR("ns2.example."))
	RRSET("example.", "SOA", RR("ns1.example. hostmaster.example. "
	    "4294967295 7200 900 1209600 300"))
	RRSET("example.", "TXT", RR("&quot;v=spf1 -all&quot;"))
	RRSET("\\052.example.", "A", RR("192.0.2.42"))
	RRSET("a.example.", "A", RR("192.0.2.1") RR("192.0.2.2"))
	RRSET("a.example.", "TXT", RR("&quot;a&quot; &quot;b c&quot;"))
	RRSET("alias.example.", "A", "")
	RRSET("c.example.", "CNAME", RR("a.example."))
	RRSET("m.example.", "MX", RR("10 a.example."))
	RRSET("sub.example.", "NS", RR("ns.sub.example."))
	RRSET("ns.sub.example.", "A", RR("192.0.2.53"))
	"</ResourceRecordSets><IsTruncated>false</IsTruncated>"
	"<MaxItems>300</MaxItems></ListResourceRecordSetsResponse>";

static const uint8_t	zonesec[] = "\007example\000\000\006\000\001";

/* Bits 0-1 of the flags: how Route 53 ends each batch. */
static const enum rig_end	ends[4] = {
	RIG_ACCEPTED, RIG_INVALID, RIG_UNKNOWN, RIG_FAILURE
};

static struct conf	*cf;
static enum rig_end	 how;
static size_t		 nbatches;

/* The serial in the Route 53 text of an SOA. */
static unsigned long
soa_serial(const char *v)
{
	const char	*p = v;
	int		 i;

	for (i = 0; i < 2; i++) {
		if ((p = strchr(p, ' ')) == NULL)
			abort();
		p++;
	}
	return strtoul(p, NULL, 10);
}

static void
on_change(const char *comment, const struct r53_change *c, size_t n,
    const char *xml, size_t len, struct fake_answer *a)
{
	unsigned long	old = 0, new = 0;
	size_t		i, ndel = 0, ncre = 0;

	xmlcheck_batch(xml, len, comment, c, n);
	for (i = 0; i < n; i++) {
		if (strcmp(c[i].type, "SOA") != 0 ||
		    strcmp(c[i].name, "example.") != 0)
			continue;
		if (c[i].nvalues != 1)
			abort();
		if (c[i].action == R53_DELETE) {
			ndel++;
			old = soa_serial(c[i].values[0]);
		} else if (c[i].action == R53_CREATE) {
			ncre++;
			new = soa_serial(c[i].values[0]);
		} else
			abort();
	}
	if (ndel != 1 || ncre != 1 || old == new)
		abort();
	nbatches++;
	rig_answer(how, c[0].name, c[0].type, a);
}

static void
send_update(uint16_t id, int npre, int nupd, const uint8_t *rrs, size_t len)
{
	struct client	 cl;
	uint8_t		*m;
	size_t		 mlen = 12 + sizeof(zonesec) - 1 + len;

	if ((m = malloc(mlen)) == NULL)
		abort();
	memset(m, 0, 12);
	m[0] = (uint8_t)(id >> 8);
	m[1] = (uint8_t)id;
	m[2] = 5 << 3;		/* UPDATE */
	m[5] = 1;
	m[7] = (uint8_t)npre;
	m[9] = (uint8_t)nupd;
	memcpy(m + 12, zonesec, sizeof(zonesec) - 1);
	memcpy(m + 12 + sizeof(zonesec) - 1, rrs, len);
	rig_udp(&cl);
	serve_request(&cl, m, mlen, NULL);
	free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg	 a;
	uint8_t		 buf[DNS_MSG_MAX];
	int		 answered[NUPD] = { 0 }, sent = 0, i;
	size_t		 len, pos;
	ssize_t		 n;

	if (cf == NULL)
		cf = rig_setup(conftext, sizeof(conftext) - 1);
	if (size < 1)
		return 0;
	how = ends[data[0] & 3];
	nbatches = 0;
	rig_load(cf, listing, on_change);
	for (pos = 1; sent < NUPD && size - pos >= 4; sent++) {
		len = (size_t)data[pos + 2] << 8 | data[pos + 3];
		if (len > size - pos - 4)
			len = size - pos - 4;
		send_update((uint16_t)(0x4200 + sent), data[pos],
		    data[pos + 1], data + pos + 4, len);
		pos += 4 + len;
	}
	/* update-timeout (60 s) ends every UPDATE. */
	for (i = 0; i < 100; i++) {
		zones_timer(fake_now);
		(void)fake_r53_run();
		fake_now += 1000;
	}
	while ((n = recv(rig_udpfd[1], buf, sizeof(buf), 0)) >= 0) {
		if (dns_msg_parse(&a, buf, (size_t)n) != DNS_PARSE_OK ||
		    a.opcode != 5 || (a.id & 0xff00) != 0x4200 ||
		    (a.id & 0xff) >= sent)
			abort();
		if (answered[a.id & 0xff]++ > 0)
			abort();
	}
	for (i = 0; i < sent; i++)
		if (answered[i] != 1)
			abort();
	rig_end();
	return 0;
}
