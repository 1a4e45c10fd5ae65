/*
 * tests/unit/rdata_cli.c: line-oriented front end to dns/rdata.c for
 * tests/rdata_ref.py.  Each input line is one of
 *
 *	w TYPE HEX	wire RDATA to Route 53 text
 *	m TYPE HEX	wire RDATA to master-file text
 *	t TYPE TEXT	Route 53 text to wire RDATA
 *	c TYPE HEX	canonical form of wire RDATA
 *
 * where TYPE is a number, and each answer is one line: "ok RESULT" or
 * "err".  Hex is lowercase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"

static char	line[300000];
static uint8_t	rd[RDATA_MAX + 1];
static char	text[300000];

static int
unhex(const char *s, uint8_t *out, size_t cap, size_t *lenp)
{
	size_t	n = strlen(s), i;
	unsigned v;

	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	*lenp = n / 2;
	return 0;
}

static void
puthex(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

int
main(void)
{
	char		*arg, *nl;
	unsigned long	 type;
	size_t		 len;
	int		 n;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (strlen(line) < 3 || line[1] != ' ') {
			printf("err\n");
			continue;
		}
		type = strtoul(line + 2, &arg, 10);
		if (*arg == ' ')
			arg++;
		switch (line[0]) {
		case 'w':
			if (unhex(arg, rd, sizeof(rd), &len) == -1 ||
			    (n = rdata_to_r53((uint16_t)type, rd, len, text,
			    sizeof(text))) < 0)
				printf("err\n");
			else
				printf("ok %s\n", text);
			break;
		case 'm':
			if (unhex(arg, rd, sizeof(rd), &len) == -1 ||
			    (n = rdata_to_text((uint16_t)type, rd, len, text,
			    sizeof(text))) < 0)
				printf("err\n");
			else
				printf("ok %s\n", text);
			break;
		case 't':
			if (rdata_from_r53((uint16_t)type, arg, strlen(arg),
			    rd, sizeof(rd), &len) == -1)
				printf("err\n");
			else {
				printf("ok ");
				puthex(rd, len);
				printf("\n");
			}
			break;
		case 'c':
			if (unhex(arg, rd, sizeof(rd), &len) == -1 ||
			    rdata_canon((uint16_t)type, rd, len, rd,
			    sizeof(rd)) == -1)
				printf("err\n");
			else {
				printf("ok ");
				puthex(rd, len);
				printf("\n");
			}
			break;
		default:
			printf("err\n");
		}
		fflush(stdout);
	}
	return 0;
}
