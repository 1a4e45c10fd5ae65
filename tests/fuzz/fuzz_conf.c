/*
 * fuzz_conf.c: the configuration parser on arbitrary text.
 *
 * Files are refused (CONF_NOFILES), so the input is the whole world; a
 * configuration that parses is printed, and its ACLs and grants queried.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
discard(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	struct conf		*c;
	struct sockaddr_in6	 sin6;
	size_t			 i;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		return 0;
	c = conf_parse("fuzz.conf", (const char *)data, size, CONF_NOFILES,
	    discard, NULL);
	if (c == NULL)
		return 0;
	conf_print(devnull, c);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr.s6_addr[15] = 1;
	for (i = 0; i < c->nzones; i++) {
		(void)acl_match(&c->zones[i].allow_update,
		    (struct sockaddr *)&sin6, c->nkeys ? c->keys[0].name : NULL);
		(void)acl_grant_allows(&c->zones[i], c->nkeys ?
		    c->keys[0].name : NULL, c->zones[i].name, 16);
		(void)conf_zone_for(c, c->zones[i].name);
	}
	conf_free(c);
	return 0;
}
