/*
 * rig.c: the daemon's front half for whole-zone harnesses; see rig.h.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "replay.h"
#include "rig.h"
#include "serve.h"
#include "zone.h"

int	rig_udpfd[2] = { -1, -1 };

static void
redispatch(const struct client *cl, const uint8_t *m, size_t len)
{
	serve_request(cl, m, len, NULL);
}

static void
report(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static void
nonblocking(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		abort();
}

struct conf *
rig_setup(const char *text, size_t len)
{
	struct conf	*cf;

	if ((cf = conf_parse("fuzz.conf", text, len, CONF_NOFILES, report,
	    NULL)) == NULL)
		abort();
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, rig_udpfd) == -1)
		abort();
	nonblocking(rig_udpfd[0]);
	nonblocking(rig_udpfd[1]);
	serve_setconf(cf);
	zones_init(fake_r53(), 0, redispatch);
	return cf;
}

void
rig_load(struct conf *cf, const char *listing,
    void (*on_change)(const char *, const struct r53_change *, size_t,
    const char *, size_t, struct fake_answer *))
{
	int	i;

	fake_r53_on_change = on_change;
	fake_r53_listing = listing;
	fake_r53_listing_fixed = 1;
	zones_setconf(cf);
	for (i = 0; i < 8 && !zones_ready(); i++) {
		zones_timer(fake_now);
		(void)fake_r53_run();
	}
	if (!zones_ready())
		abort();
}

void
rig_answer(enum rig_end how, const char *name, const char *type,
    struct fake_answer *a)
{
	switch (how) {
	case RIG_ACCEPTED:
		break;
	case RIG_INVALID:
		a->outcome = R53_AWS_ERROR;
		a->status = 400;
		snprintf(a->code, sizeof(a->code), "InvalidChangeBatch");
		snprintf(a->message, sizeof(a->message), "[Tried to delete "
		    "resource record set [name='%s', type='%s'] but it was "
		    "not found]", name, type);
		break;
	case RIG_FAILURE:
		a->outcome = R53_FAILURE;
		a->status = 0;
		snprintf(a->message, sizeof(a->message), "connection reset");
		break;
	case RIG_UNKNOWN:
		a->outcome = R53_UNKNOWN;
		a->status = 0;
		snprintf(a->message, sizeof(a->message), "no answer");
		break;
	}
}

static void
loopback(struct client *cl, int proto)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&cl->peer;

	memset(cl, 0, sizeof(*cl));
	cl->proto = proto;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

void
rig_udp(struct client *cl)
{
	loopback(cl, CLIENT_UDP);
	((struct sockaddr_in *)&cl->peer)->sin_port = htons(5300);
	cl->peerlen = 0;
	cl->ufd = rig_udpfd[0];
	cl->slot = -1;
}

void
rig_tcp(struct client *cl)
{
	loopback(cl, CLIENT_TCP);
	cl->peerlen = sizeof(struct sockaddr_in);
}

void
rig_end(void)
{
	zones_free();
	fake_r53_reset();
	replay_free();
	fake_now += 200000;
}
