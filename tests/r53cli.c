/*
 * r53cli: run one Route 53 client operation against the configured
 * endpoint and print the result in lines a test can parse.
 *
 * usage: r53cli [-fqv] [-a attempts] [-B base_ms] [-n repeat] [-r rate]
 *	      [-s stop_after] [-t op_timeout_ms] [-T response_ms]
 *	      -c conf command [arg ...]
 *
 *   change ZONEID 'ACTION NAME TYPE TTL VALUE[|VALUE...]' ...
 *   getchange ID
 *   list ZONEID [NAME [TYPE]]
 *   listname ZONEID NAME		only the record sets of NAME
 *   byname [NAME]
 *   getzone ID
 *   export ZONE			the r53d -e engine
 *
 * Output, one line each:
 *   change ID STATUS
 *   rrset NAME TYPE TTL VALUE[|VALUE...]
 *   alias NAME TYPE ZONEID DNSNAME EVAL
 *   routing NAME TYPE ID ROUTING
 *   zone ID NAME private=0|1 count=N [ns=A,B,...]
 *   ok OP attempts=N [count=N pages=N stopped=0|1]
 *   fail OUTCOME status=N code=CODE attempts=N message=TEXT
 * Exit: 0 success, 1 Route 53 error, 2 failure, 3 outcome unknown,
 * 64 usage.  With -n the command runs that many times, one after the
 * other, and "bench ..." figures go to stderr; -f closes the connection
 * after each (a fresh handshake every time).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/r53.h"
#include "conf.h"
#include "export.h"
#include "log.h"
#include "loop.h"

#define MAXCHANGES	64
#define MAXVALUES	R53_VALUES_MAX

static struct loop	 io;
static struct r53	*r53;
static int		 finished, rc;
static unsigned long	 count, stop_after;
static int		 quiet;
static char		 op_change[] = "change", op_getchange[] = "getchange",
			 op_list[] = "list", op_byname[] = "byname",
			 op_getzone[] = "getzone";

static void
usage(void)
{
	fprintf(stderr, "usage: r53cli [-fqv] [-a attempts] [-B base_ms] "
	    "[-n repeat] [-r rate] [-s stop_after]\n"
	    "\t[-t op_timeout_ms] [-T response_ms] -c conf command "
	    "[arg ...]\n");
	exit(64);
}

static void
report(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static void
result(const char *op, const struct r53_result *res)
{
	finished = 1;
	switch (res->outcome) {
	case R53_SUCCESS:
		rc = 0;
		if (quiet)
			return;
		printf("ok %s attempts=%u", op, res->attempts);
		if (strcmp(op, "list") == 0 || strcmp(op, "byname") == 0)
			printf(" count=%lu pages=%u stopped=%d", count,
			    res->pages, res->stopped);
		printf("\n");
		return;
	case R53_AWS_ERROR:
		rc = 1;
		break;
	case R53_FAILURE:
		rc = 2;
		break;
	case R53_UNKNOWN:
		rc = 3;
		break;
	}
	printf("fail %s status=%d code=%s attempts=%u message=%s\n",
	    r53_outcome_name(res->outcome), res->status,
	    res->code[0] != '\0' ? res->code : "-", res->attempts,
	    res->message);
}

static void
change_done(void *arg, const struct r53_result *res,
    const struct r53_change_info *ci)
{
	if (ci != NULL && !quiet)
		printf("change %s %s\n", ci->id,
		    ci->status == R53_INSYNC ? "INSYNC" : "PENDING");
	result(arg, res);
}

static int
each_rrset(void *arg, const struct r53_rrset *rr)
{
	size_t	i;

	(void)arg;
	count++;
	if (!quiet) {
		if (rr->flags & R53_RRSET_ALIAS)
			printf("alias %s %s %s %s %d\n", rr->name, rr->type,
			    rr->alias_zone_id, rr->alias_dns_name,
			    rr->alias_evaluate_health);
		else {
			printf("rrset %s %s %u ", rr->name, rr->type,
			    rr->ttl);
			for (i = 0; i < rr->nvalues; i++)
				printf("%s%s", i > 0 ? "|" : "",
				    rr->values[i]);
			printf("\n");
		}
		if (rr->flags & R53_RRSET_ROUTING)
			printf("routing %s %s %s %s\n", rr->name, rr->type,
			    rr->set_identifier != NULL ? rr->set_identifier :
			    "-", rr->routing);
	}
	return stop_after != 0 && count >= stop_after;
}

static void
list_done(void *arg, const struct r53_result *res)
{
	result(arg, res);
}

static void
print_zone(const struct r53_zone *z)
{
	size_t	i;

	printf("zone %s %s private=%d count=%lld", z->id, z->name,
	    z->private_zone, z->rrset_count);
	for (i = 0; i < z->nname_servers; i++)
		printf("%s%s", i == 0 ? " ns=" : ",", z->name_servers[i]);
	printf("\n");
}

static int
each_zone(void *arg, const struct r53_zone *z)
{
	(void)arg;
	count++;
	if (!quiet)
		print_zone(z);
	return stop_after != 0 && count >= stop_after;
}

static void
zone_done(void *arg, const struct r53_result *res, const struct r53_zone *z)
{
	if (z != NULL && !quiet)
		print_zone(z);
	result(arg, res);
}

/* A decimal number in [lo, hi]; *errstr NULL on success. */
static unsigned long long
strtonum_(const char *s, unsigned long long lo, unsigned long long hi,
    const char **errstr)
{
	unsigned long long	 v;
	char			*end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 ||
	    v < lo || v > hi) {
		*errstr = "invalid";
		return 0;
	}
	*errstr = NULL;
	return v;
}

/* "ACTION NAME TYPE TTL V1|V2" into c; the string is cut in place. */
static int
parse_change(char *s, struct r53_change *c, const char **vals,
    size_t *nvals)
{
	char		*f[4], *p, *v;
	const char	*errstr;
	int		 i;

	for (i = 0; i < 4; i++) {
		while (*s == ' ')
			s++;
		f[i] = s;
		if ((p = strchr(s, ' ')) == NULL)
			return -1;
		*p = '\0';
		s = p + 1;
	}
	if (strcmp(f[0], "CREATE") == 0)
		c->action = R53_CREATE;
	else if (strcmp(f[0], "DELETE") == 0)
		c->action = R53_DELETE;
	else if (strcmp(f[0], "UPSERT") == 0)
		c->action = R53_UPSERT;
	else
		return -1;
	c->name = f[1];
	c->type = f[2];
	c->ttl = (uint32_t)strtonum_(f[3], 0, R53_TTL_MAX, &errstr);
	if (errstr != NULL)
		return -1;
	c->values = vals;
	*nvals = 0;
	while (s != NULL && *nvals < MAXVALUES) {
		v = strsep(&s, "|");
		vals[(*nvals)++] = v;
	}
	c->nvalues = *nvals;
	return 0;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Submit the command once.  0 if accepted. */
static int
submit(int argc, char **argv, const struct conf *cf, struct export **exp)
{
	static struct r53_change	 ch[MAXCHANGES];
	static const char		*vals[MAXCHANGES][MAXVALUES];
	static char			*copies[MAXCHANGES];
	size_t				 nv;
	const char			*cmd = argv[0];
	int				 i, n;
	uint32_t			 id = 0;

	count = 0;
	if (strcmp(cmd, "change") == 0 && argc >= 3) {
		n = argc - 2;
		if (n > MAXCHANGES)
			usage();
		for (i = 0; i < n; i++) {
			free(copies[i]);
			if ((copies[i] = strdup(argv[2 + i])) == NULL)
				return -1;
			if (parse_change(copies[i], &ch[i], vals[i], &nv) == -1) {
				fprintf(stderr, "bad change: %s\n", argv[2 + i]);
				exit(64);
			}
		}
		id = r53_change(r53, argv[1], "r53cli", ch, (size_t)n,
		    change_done, op_change);
	} else if (strcmp(cmd, "getchange") == 0 && argc == 2)
		id = r53_get_change(r53, argv[1], change_done, op_getchange);
	else if (strcmp(cmd, "list") == 0 && argc >= 2 && argc <= 4)
		id = r53_list_rrsets(r53, argv[1], argc > 2 ? argv[2] : NULL,
		    argc > 3 ? argv[3] : NULL, 0, each_rrset, list_done,
		    op_list);
	else if (strcmp(cmd, "listname") == 0 && argc == 3)
		id = r53_list_rrsets(r53, argv[1], argv[2], NULL,
		    R53_LIST_ONLY_NAME, each_rrset, list_done, op_list);
	else if (strcmp(cmd, "byname") == 0 && argc <= 2)
		id = r53_list_zones_by_name(r53, argc > 1 ? argv[1] : NULL,
		    each_zone, list_done, op_byname);
	else if (strcmp(cmd, "getzone") == 0 && argc == 2)
		id = r53_get_zone(r53, argv[1], zone_done, op_getzone);
	else if (strcmp(cmd, "export") == 0 && argc == 2) {
		if ((*exp = export_start(r53, cf, argv[1], stdout)) == NULL)
			return -1;
		return 0;
	} else
		usage();
	return id == 0 ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct r53_opts	 o;
	struct aws_settings 	 as;
	struct pollfd	 pfd[R53_FDS_MAX];
	size_t		 npfd;
	struct conf	*cf;
	struct export	*ex = NULL;
	const char	*path = NULL, *errstr;
	unsigned long	 repeat = 1, k, connects, handshakes, requests;
	int		 ch, verbose = 0, fresh = 0;
	double		 t0, t1;
	uint64_t	 now;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt(argc, argv, "a:B:c:fn:qr:s:t:T:v")) != -1) {
		switch (ch) {
		case 'a':
			o.max_attempts = (unsigned)strtonum_(optarg, 1, 100,
			    &errstr);
			break;
		case 'B':
			o.base_ms = (unsigned)strtonum_(optarg, 1, 60000,
			    &errstr);
			break;
		case 'c':
			path = optarg;
			errstr = NULL;
			break;
		case 'f':
			fresh = 1;
			errstr = NULL;
			break;
		case 'n':
			repeat = (unsigned long)strtonum_(optarg, 1, 10000000,
			    &errstr);
			break;
		case 'q':
			quiet = 1;
			errstr = NULL;
			break;
		case 'r':
			o.rate = (unsigned)strtonum_(optarg, 1, 1000000,
			    &errstr);
			break;
		case 's':
			stop_after = (unsigned long)strtonum_(optarg, 1,
			    100000000, &errstr);
			break;
		case 't':
			o.op_timeout_ms = (unsigned)strtonum_(optarg, 1,
			    3600000, &errstr);
			break;
		case 'T':
			o.response_ms = (unsigned)strtonum_(optarg, 1,
			    3600000, &errstr);
			break;
		case 'v':
			verbose++;
			errstr = NULL;
			break;
		default:
			usage();
		}
		if (errstr != NULL)
			usage();
	}
	argc -= optind;
	argv += optind;
	if (path == NULL || argc < 1)
		usage();
	log_init(1, verbose);
	if ((cf = conf_load(path, report, NULL)) == NULL)
		return 64;
	memset(&as, 0, sizeof(as));
	as.endpoint = cf->aws.endpoint.url;
	as.region = cf->aws.region;
	as.ca_file = cf->aws.ca_file;
	as.access_key_id = cf->aws.access_key_id;
	as.secret_key = cf->aws.secret_key;
	as.rate = cf->aws.rate;
	as.burst = cf->aws.burst;
	as.change_rate = cf->aws.change_rate;
	as.change_burst = cf->aws.change_burst;
	as.imds = cf->aws.imds;
	as.imds_endpoint = cf->aws.imds_endpoint.url;
	if ((r53 = r53_new(&as, &o)) == NULL)
		return 2;

	t0 = now_s();
	for (k = 0; k < repeat; k++) {
		finished = 0;
		rc = 2;
		if (submit(argc, argv, cf, &ex) == -1) {
			printf("fail refused\n");
			return 2;
		}
		while (!finished && (ex == NULL || !export_finished(ex))) {
			loop_reset(&io);
			npfd = r53_pollfds(r53, pfd, R53_FDS_MAX);
			loop_add_pollfds(&io, pfd, npfd);
			loop_deadline(&io, r53_deadline(r53));
			now = loop_now();
			if (poll(io.pfd, (nfds_t)io.n,
			    loop_timeout(&io, now)) == -1 && errno != EINTR) {
				perror("poll");
				return 2;
			}
			loop_dispatch(&io);
			r53_step(r53, pfd, npfd, loop_now());
		}
		if (ex != NULL) {
			rc = export_status(ex);
			export_free(ex);
			ex = NULL;
		}
		if (rc != 0)
			break;
		if (fresh)
			r53_disconnect(r53);
	}
	t1 = now_s();
	if (repeat > 1) {
		r53_stats(r53, &connects, &handshakes, &requests);
		fprintf(stderr, "bench requests=%lu seconds=%.3f rps=%.1f "
		    "ms_per_request=%.3f connects=%lu handshakes=%lu\n",
		    k, t1 - t0, (double)k / (t1 - t0),
		    (t1 - t0) * 1000.0 / (double)(k ? k : 1), connects,
		    handshakes);
	}
	fflush(stdout);
	r53_free(r53);
	conf_free(cf);
	return rc;
}
