/*
 * conf_aws.c: aws { ... }; -- the partition and the Route 53 endpoint
 * and region in it, trust anchors, credentials (access key and secret
 * key file, the source or profile to use, instance metadata, the STS and
 * container endpoints), request rate and burst, change rate and burst.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_impl.h"

/* AWS */

static int
url(struct parser *p, const char *kw, struct conf_url *u)
{
	char		 buf[CONF_STRING_MAX], b[100];
	const char	*h, *he, *s;
	unsigned long	 port;
	char		*end;
	size_t		 hl;

	if (cf_word(p, kw, buf, sizeof(buf)) == -1)
		return -1;
	memset(u, 0, sizeof(*u));
	if (strncasecmp(buf, "https://", 8) == 0) {
		u->tls = 1;
		u->port = 443;
		h = buf + 8;
	} else if (strncasecmp(buf, "http://", 7) == 0) {
		u->port = 80;
		h = buf + 7;
	} else
		goto bad;
	if (*h == '[') {
		if ((he = strchr(h, ']')) == NULL)
			goto bad;
		h++;
		s = he + 1;
	} else {
		for (he = h; isalnum((unsigned char)*he) || *he == '.' ||
		    *he == '-' || *he == '_'; he++)
			;
		s = he;
	}
	hl = (size_t)(he - h);
	if (hl == 0 || hl >= sizeof(u->host))
		goto bad;
	memcpy(u->host, h, hl);
	u->host[hl] = '\0';
	if (*s == ':') {
		errno = 0;
		port = strtoul(s + 1, &end, 10);
		if (!isdigit((unsigned char)s[1]) || errno == ERANGE ||
		    port == 0 || port > 65535)
			goto bad;
		u->port = (uint16_t)port;
		s = end;
	}
	if (*s == '/')
		s++;
	if (*s != '\0') {
		TERR(p, "%s %s: a path is not allowed", kw,
		    cf_tokdesc(&p->tok, b, sizeof(b)));
		return -1;
	}
	memcpy(u->url, buf, strlen(buf) + 1);
	return 0;
bad:
	TERR(p, "%s: invalid URL %s (want http[s]://host[:port])", kw,
	    cf_tokdesc(&p->tok, b, sizeof(b)));
	return -1;
}

enum {
	A_ENDPOINT = 1, A_REGION = 2, A_CA = 4, A_KEYID = 8, A_SECRET = 16,
	A_RATE = 32, A_IMDS = 64, A_IMDSURL = 128, A_PARTITION = 256,
	A_FIPS = 512, A_DUALSTACK = 1024, A_BURST = 2048, A_CRATE = 4096,
	A_CBURST = 8192, A_CREDS = 16384, A_PROFILE = 32768,
	A_STSURL = 65536, A_CONTURL = 131072
};

/* The values of "credentials", in enum conf_creds order. */
const char *const conf_creds_names[] = {
	"chain", "config", "environment", "web-identity", "profile",
	"container", "imds", NULL
};

struct awsctx {
	unsigned	 seen;
	const char	*file;
	int		 line;
	const char	*fips_file;	/* where fips yes was given */
	int		 fips_line;
	const char	*ds_file;	/* where dual-stack yes was */
	int		 ds_line;
};

/* Characters allowed in a word: the given set plus alphanumerics. */
static int
charset(const char *s, const char *extra)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

static int
aws_opt(struct parser *p, const char *kw, void *arg)
{
	struct awsctx	*ac = arg;
	struct conf_aws	*a = &p->conf->aws;
	char		 buf[CONF_STRING_MAX], b[100];
	const char	*file;
	int		 line, rv;

	if (strcasecmp(kw, "partition") == 0) {
		if (cf_once(p, &ac->seen, A_PARTITION, kw) == -1 ||
		    cf_word(p, kw, buf, sizeof(buf)) == -1)
			return -1;
		if ((a->partition = partition_find(buf)) == NULL) {
			TERR(p, "partition: expected one of %s, got %s",
			    partition_names(), cf_tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "fips") == 0) {
		if (cf_once(p, &ac->seen, A_FIPS, kw) == -1)
			return -1;
		ac->fips_file = cf_peek(p)->file;
		ac->fips_line = p->tok.line;
		return cf_end(p, cf_boolean(p, kw, &a->fips));
	}
	if (strcasecmp(kw, "dual-stack") == 0) {
		if (cf_once(p, &ac->seen, A_DUALSTACK, kw) == -1)
			return -1;
		ac->ds_file = cf_peek(p)->file;
		ac->ds_line = p->tok.line;
		return cf_end(p, cf_boolean(p, kw, &a->dual_stack));
	}
	if (strcasecmp(kw, "endpoint") == 0) {
		if (cf_once(p, &ac->seen, A_ENDPOINT, kw) == -1)
			return -1;
		return cf_end(p, url(p, kw, &a->endpoint));
	}
	if (strcasecmp(kw, "imds-endpoint") == 0) {
		if (cf_once(p, &ac->seen, A_IMDSURL, kw) == -1)
			return -1;
		return cf_end(p, url(p, kw, &a->imds_endpoint));
	}
	if (strcasecmp(kw, "sts-endpoint") == 0) {
		if (cf_once(p, &ac->seen, A_STSURL, kw) == -1)
			return -1;
		return cf_end(p, url(p, kw, &a->sts_endpoint));
	}
	if (strcasecmp(kw, "container-endpoint") == 0) {
		if (cf_once(p, &ac->seen, A_CONTURL, kw) == -1)
			return -1;
		return cf_end(p, url(p, kw, &a->container_endpoint));
	}
	if (strcasecmp(kw, "credentials") == 0) {
		if (cf_once(p, &ac->seen, A_CREDS, kw) == -1 ||
		    cf_word(p, kw, buf, sizeof(buf)) == -1)
			return -1;
		for (rv = 0; conf_creds_names[rv] != NULL; rv++)
			if (strcasecmp(buf, conf_creds_names[rv]) == 0)
				break;
		if (conf_creds_names[rv] == NULL) {
			TERR(p, "credentials %s: want chain, config, "
			    "environment, web-identity, profile, container or "
			    "imds", cf_tokdesc(&p->tok, b, sizeof(b)));
			return -1;
		}
		a->credentials = rv;
		return expect_semi(p);
	}
	if (strcasecmp(kw, "profile") == 0) {
		if (cf_once(p, &ac->seen, A_PROFILE, kw) == -1 ||
		    cf_word(p, kw, a->profile, sizeof(a->profile)) == -1)
			return -1;
		if (!charset(a->profile, "-_.+=@,")) {
			TERR(p, "invalid profile %s", cf_tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "region") == 0) {
		if (cf_once(p, &ac->seen, A_REGION, kw) == -1 ||
		    cf_word(p, kw, a->region, sizeof(a->region)) == -1)
			return -1;
		if (!charset(a->region, "-")) {
			TERR(p, "invalid region %s", cf_tokdesc(&p->tok, b,
			    sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "ca-file") == 0) {
		if (cf_once(p, &ac->seen, A_CA, kw) == -1)
			return -1;
		return cf_end(p, cf_pathopt(p, kw, &a->ca_file));
	}
	if (strcasecmp(kw, "access-key-id") == 0) {
		if (cf_once(p, &ac->seen, A_KEYID, kw) == -1 ||
		    cf_word(p, kw, a->access_key_id,
		    sizeof(a->access_key_id)) == -1)
			return -1;
		if (!charset(a->access_key_id, "")) {
			TERR(p, "invalid access-key-id %s", cf_tokdesc(&p->tok,
			    b, sizeof(b)));
			return -1;
		}
		return expect_semi(p);
	}
	if (strcasecmp(kw, "secret-access-key-file") == 0) {
		if (cf_once(p, &ac->seen, A_SECRET, kw) == -1)
			return -1;
		file = cf_peek(p)->file;
		line = p->tok.line;
		if (cf_pathopt(p, kw, &a->secret_key_file) == -1 ||
		    expect_semi(p) == -1)
			return -1;
		if (p->flags & CONF_NOFILES) {
			cf_perr(p, file, line, "%s not allowed here", kw);
			return 0;
		}
		cf_readsecret(p, kw, a->secret_key_file, a->secret_key,
		    sizeof(a->secret_key), file, line);
		return 0;
	}
	if (strcasecmp(kw, "rate") == 0) {
		if (cf_once(p, &ac->seen, A_RATE, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, CONF_RATE_MAX, &a->rate);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "burst") == 0) {
		if (cf_once(p, &ac->seen, A_BURST, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, CONF_RATE_MAX, &a->burst);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "change-rate") == 0) {
		if (cf_once(p, &ac->seen, A_CRATE, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, CONF_RATE_MAX, &a->change_rate);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "change-burst") == 0) {
		if (cf_once(p, &ac->seen, A_CBURST, kw) == -1)
			return -1;
		rv = cf_number(p, kw, 1, CONF_RATE_MAX, &a->change_burst);
		return cf_end(p, rv);
	}
	if (strcasecmp(kw, "imds") == 0) {
		if (cf_once(p, &ac->seen, A_IMDS, kw) == -1)
			return -1;
		return cf_end(p, cf_boolean(p, kw, &a->imds));
	}
	TERR(p, "unknown keyword \"%s\" in aws", kw);
	return -1;
}

/*
 * The endpoint variants asked for must exist in the partition, in
 * whatever order the keywords came; errors at the variant's line.
 */
static void
variants(struct parser *p, const struct awsctx *ac)
{
	const struct conf_aws	*a = &p->conf->aws;
	const struct partition	*pt;

	pt = a->partition != NULL ? a->partition : partition_default();
	if (a->fips && a->dual_stack) {
		cf_perr(p, ac->ds_file, ac->ds_line, "dual-stack: no "
		    "endpoint is documented for FIPS and dual-stack together");
		return;
	}
	if (a->fips && pt->fips_host == NULL)
		cf_perr(p, ac->fips_file, ac->fips_line, "fips: partition "
		    "%s has no FIPS endpoint for Route 53", pt->name);
	if (a->dual_stack && pt->dualstack_host == NULL)
		cf_perr(p, ac->ds_file, ac->ds_line, "dual-stack: partition "
		    "%s has no documented dual-stack endpoint for Route 53",
		    pt->name);
}

int
cf_aws(struct parser *p, int *seen)
{
	struct awsctx	 ac;
	int		 rv;

	memset(&ac, 0, sizeof(ac));
	ac.file = p->tok.file;
	ac.line = p->tok.line;
	if (*seen) {
		TERR(p, "duplicate aws block");
		return -1;
	}
	*seen = 1;
	if (expect_lbrace(p) == -1)
		return -1;
	rv = cf_stmt_block(p, "aws", aws_opt, &ac);
	if ((ac.seen & A_KEYID) && !(ac.seen & A_SECRET))
		cf_perr(p, ac.file, ac.line, "aws: access-key-id needs "
		    "secret-access-key-file");
	if (!(ac.seen & A_KEYID) && (ac.seen & A_SECRET))
		cf_perr(p, ac.file, ac.line, "aws: secret-access-key-file "
		    "needs access-key-id");
	variants(p, &ac);
	if (p->conf->aws.credentials == CONF_CREDS_CONFIG &&
	    !(ac.seen & A_KEYID))
		cf_perr(p, ac.file, ac.line, "aws: credentials config needs "
		    "access-key-id and secret-access-key-file");
	return rv;
}
