/*
 * sigv4_cli.c: print r53d's SigV4 canonical request, string to sign and
 * Authorization value for a request given on the command line, so that
 * tests/sigv4_botocore.py can compare them with botocore's.
 *
 * usage: sigv4_cli method path region service epoch akid secret token
 *	      bodyfile [-h name:value] ... [-q key=value] ...
 * path, keys and values are raw (not %-encoded); token "-" means none;
 * bodyfile "-" means an empty body.  Output: the three strings, each
 * followed by a NUL byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"

#define BODYMAX	65536

int
main(int argc, char *argv[])
{
	static char		body[BODYMAX], out[BODYMAX];
	struct sigv4_header	h[SIGV4_MAX_HEADERS];
	struct sigv4_param	q[SIGV4_MAX_PARAMS];
	struct sigv4_request	req;
	struct sigv4_creds	cr;
	char			date[SIGV4_DATE_SIZE], *c;
	size_t			nh = 0, nq = 0, blen = 0;
	FILE			*f;
	int			i;

	if (argc < 10) {
		fprintf(stderr, "usage: sigv4_cli method path region service "
		    "epoch akid secret token bodyfile [-h n:v] [-q k=v]\n");
		return 2;
	}
	if (strcmp(argv[9], "-") != 0) {
		if ((f = fopen(argv[9], "rb")) == NULL) {
			perror(argv[9]);
			return 2;
		}
		blen = fread(body, 1, sizeof(body), f);
		fclose(f);
		if (blen == sizeof(body)) {
			fprintf(stderr, "body too big\n");
			return 2;
		}
	}
	for (i = 10; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-h") == 0 && nh < SIGV4_MAX_HEADERS &&
		    (c = strchr(argv[i + 1], ':')) != NULL) {
			*c = '\0';
			h[nh].name = argv[i + 1];
			h[nh++].value = c + 1;
		} else if (strcmp(argv[i], "-q") == 0 &&
		    nq < SIGV4_MAX_PARAMS) {
			c = strchr(argv[i + 1], '=');
			if (c != NULL)
				*c++ = '\0';
			q[nq].key = argv[i + 1];
			q[nq++].value = c;
		} else {
			fprintf(stderr, "bad argument %s\n", argv[i]);
			return 2;
		}
	}
	if (i != argc) {
		fprintf(stderr, "odd argument count\n");
		return 2;
	}
	memset(&req, 0, sizeof(req));
	req.method = argv[1];
	req.path = argv[2];
	req.region = argv[3];
	req.service = argv[4];
	req.when = (time_t)strtoll(argv[5], NULL, 10);
	req.params = q;
	req.nparams = nq;
	req.headers = h;
	req.nheaders = nh;
	req.body = body;
	req.bodylen = blen;
	cr.access_key_id = argv[6];
	cr.secret_key = argv[7];
	cr.session_token = strcmp(argv[8], "-") == 0 ? NULL : argv[8];

	if (sigv4_canonical_request(&req, &cr, out, sizeof(out)) < 0) {
		fprintf(stderr, "canonical request failed\n");
		return 1;
	}
	fwrite(out, 1, strlen(out) + 1, stdout);
	if (sigv4_string_to_sign(&req, &cr, out, sizeof(out)) < 0) {
		fprintf(stderr, "string to sign failed\n");
		return 1;
	}
	fwrite(out, 1, strlen(out) + 1, stdout);
	if (sigv4_sign(&req, &cr, date, out, sizeof(out)) < 0) {
		fprintf(stderr, "sign failed\n");
		return 1;
	}
	fwrite(out, 1, strlen(out) + 1, stdout);
	return 0;
}
