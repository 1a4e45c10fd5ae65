/*
 * conf_print.c: the configuration printed back in canonical form, with
 * every default, for "r53d -nv".  Secrets are never printed.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>

#include "acl.h"
#include "conf.h"
#include "conf_impl.h"

/* Print a string quoted, escaping quotes. */
static void
pq(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
print_acl(FILE *fp, const char *ind, const char *kw, const struct acl *acl)
{
	const struct acl_elem	*e;
	char			 b[INET6_ADDRSTRLEN];
	size_t			 i;

	fprintf(fp, "%s%s {", ind, kw);
	for (i = 0; i < acl->nelems; i++) {
		e = &acl->elems[i];
		fprintf(fp, " %s", e->negate ? "!" : "");
		switch (e->type) {
		case ACL_ANY:
			fprintf(fp, "any;");
			break;
		case ACL_NONE:
			fprintf(fp, "none;");
			break;
		case ACL_KEY:
			fprintf(fp, "key ");
			pq(fp, e->key);
			fputc(';', fp);
			break;
		case ACL_PREFIX:
			inet_ntop(e->family, e->addr, b, sizeof(b));
			fprintf(fp, "%s/%u;", b, e->plen);
			break;
		}
	}
	fprintf(fp, " };\n");
}

/* version and hostname: the string, none, or what is used when unset. */
static void
print_txt(FILE *fp, const char *kw, const char *v, int none,
    const char *def)
{
	if (none)
		fprintf(fp, "%s none;\n", kw);
	else if (v != NULL) {
		fprintf(fp, "%s ", kw);
		pq(fp, v);
		fprintf(fp, ";\n");
	} else
		fprintf(fp, "# %s not set: %s\n", kw, def);
}

void
conf_print(FILE *fp, const struct conf *c)
{
	const struct zone_conf	*z;
	const struct conf_key	*k;
	const struct grant	*g;
	char			 b[INET6_ADDRSTRLEN], tb[16];
	static const char	*match[] = { "name", "subdomain", "wildcard",
				    "acme-challenge" };
	unsigned		 port;
	size_t			 i, j, t;

	for (i = 0; i < c->nlisten; i++) {
		cf_sockaddr_str(&c->listen[i].ss, b, sizeof(b), &port);
		fprintf(fp, "listen %s port %u;\n", b, port);
	}
	if (c->user != NULL) {
		fprintf(fp, "user ");
		pq(fp, c->user);
		fprintf(fp, ";\n");
	} else
		fprintf(fp, "# user not set: \"%s\" when started as root\n",
		    CONF_DEFAULT_USER);
	if (c->pid_file != NULL) {
		fprintf(fp, "pid-file ");
		pq(fp, c->pid_file);
		fprintf(fp, ";\n");
	}
	if (c->chroot != NULL) {
		fprintf(fp, "chroot ");
		pq(fp, c->chroot);
		fprintf(fp, ";\n");
	}
	fprintf(fp, "tcp-clients %u;\n", c->tcp_clients);
	fprintf(fp, "tcp-idle-timeout %u;\n", c->tcp_idle_timeout);
	fprintf(fp, "shutdown-timeout %u;\n", c->shutdown_timeout);
	fprintf(fp, "dry-run %s;\n", c->dry_run ? "yes" : "no");
	print_acl(fp, "", "allow-stats", &c->allow_stats);
	print_txt(fp, "version", c->version, c->version_none,
	    "\"" CONF_DEFAULT_VERSION "\"");
	print_txt(fp, "hostname", c->hostname, c->hostname_none,
	    "the system's host name");

	for (i = 0; i < c->nkeys; i++) {
		k = &c->keys[i];
		fprintf(fp, "\nkey ");
		pq(fp, k->name);
		fprintf(fp, " {\n\talgorithm %s", conf_tsig_alg_name(k->alg));
		if (k->truncbits != 0)
			fprintf(fp, "-%u", k->truncbits);
		fprintf(fp, ";\n\tsecret \"...\";\n};\n");
	}

	fprintf(fp, "\naws {\n\tpartition %s;\n\tfips %s;\n\tdual-stack %s;\n"
	    "\tendpoint ", c->aws.partition->name, c->aws.fips ? "yes" : "no",
	    c->aws.dual_stack ? "yes" : "no");
	pq(fp, c->aws.endpoint.url);
	fprintf(fp, ";\n\tregion ");
	pq(fp, c->aws.region);
	fprintf(fp, ";\n\tca-file ");
	pq(fp, c->aws.ca_file);
	fprintf(fp, ";\n");
	if (c->aws.access_key_id[0] != '\0') {
		fprintf(fp, "\taccess-key-id ");
		pq(fp, c->aws.access_key_id);
		fprintf(fp, ";\n");
	}
	if (c->aws.secret_key_file != NULL) {
		fprintf(fp, "\tsecret-access-key-file ");
		pq(fp, c->aws.secret_key_file);
		fprintf(fp, ";\n");
	}
	fprintf(fp, "\trate %u;\n\tburst %u;\n\tchange-rate %u;\n"
	    "\tchange-burst %u;\n\timds %s;\n\timds-endpoint ", c->aws.rate,
	    c->aws.burst, c->aws.change_rate, c->aws.change_burst,
	    c->aws.imds ? "yes" : "no");
	pq(fp, c->aws.imds_endpoint.url);
	fprintf(fp, ";\n\tcredentials %s;\n",
	    conf_creds_names[c->aws.credentials]);
	if (c->aws.profile[0] != '\0') {
		fprintf(fp, "\tprofile ");
		pq(fp, c->aws.profile);
		fprintf(fp, ";\n");
	}
	if (c->aws.sts_endpoint.url[0] != '\0') {
		fprintf(fp, "\tsts-endpoint ");
		pq(fp, c->aws.sts_endpoint.url);
		fprintf(fp, ";\n");
	}
	if (c->aws.container_endpoint.url[0] != '\0') {
		fprintf(fp, "\tcontainer-endpoint ");
		pq(fp, c->aws.container_endpoint.url);
		fprintf(fp, ";\n");
	}
	fprintf(fp, "};\n");

	for (i = 0; i < c->nzones; i++) {
		z = &c->zones[i];
		fprintf(fp, "\nzone ");
		pq(fp, z->name);
		fprintf(fp, " {\n");
		if (z->hosted_zone[0] != '\0') {
			fprintf(fp, "\thosted-zone ");
			pq(fp, z->hosted_zone);
			fprintf(fp, ";\n");
		}
		if (z->private_zone != -1)
			fprintf(fp, "\tprivate %s;\n", z->private_zone ? "yes" :
			    "no");
		if (z->vpc[0] != '\0') {
			fprintf(fp, "\tvpc ");
			pq(fp, z->vpc);
			fprintf(fp, ";\n");
		}
		print_acl(fp, "\t", "allow-update", &z->allow_update);
		for (j = 0; j < z->ngrants; j++) {
			g = &z->grants[j];
			fprintf(fp, "\tgrant ");
			pq(fp, g->key);
			fprintf(fp, " %s", match[g->match]);
			if (g->match != GRANT_ACME) {
				fputc(' ', fp);
				pq(fp, g->name);
			}
			for (t = 0; t < g->ntypes; t++)
				fprintf(fp, " %s", cf_rrtype_name(g->types[t],
				    tb, sizeof(tb)));
			fprintf(fp, ";\n");
		}
		print_acl(fp, "\t", "allow-query", &z->allow_query);
		if (z->nprimaries > 0) {
			fprintf(fp, "\tprimaries {");
			for (j = 0; j < z->nprimaries; j++) {
				cf_sockaddr_str(&z->primaries[j].ss, b,
				    sizeof(b), &port);
				fprintf(fp, " %s port %u", b, port);
				if (z->primaries[j].key[0] != '\0') {
					fprintf(fp, " key ");
					pq(fp, z->primaries[j].key);
				}
				fputc(';', fp);
			}
			fprintf(fp, " };\n");
		}
		print_acl(fp, "\t", "allow-notify", &z->allow_notify);
		fprintf(fp, "\tserial-policy %s;\n",
		    z->serial_policy == SERIAL_UNIXTIME ? "unixtime" :
		    "increment");
		fprintf(fp, "\twait-insync %s;\n", z->wait_insync ? "yes" :
		    "no");
		fprintf(fp, "\tcoalesce %s;\n", z->coalesce ? "yes" : "no");
		fprintf(fp, "\tdhcid %s;\n", z->dhcid ? "yes" : "no");
		fprintf(fp, "\tdry-run %s;\n", z->dry_run ? "yes" : "no");
		fprintf(fp, "\tupdate-timeout %u;\n", z->update_timeout);
		fprintf(fp, "\tqueue-limit %u;\n", z->queue_limit);
		if (z->nprimaries > 0) {
			fprintf(fp, "\trequest-ixfr %s;\n", z->request_ixfr ?
			    "yes" : "no");
			fprintf(fp, "\tmax-transfer-size %u;\n",
			    z->max_transfer_size);
			fprintf(fp, "\ttransfer-timeout %u;\n",
			    z->transfer_timeout);
			fprintf(fp, "\tmin-refresh-time %u;\n", z->min_refresh);
			fprintf(fp, "\tmax-refresh-time %u;\n", z->max_refresh);
			fprintf(fp, "\tmin-retry-time %u;\n", z->min_retry);
			fprintf(fp, "\tmax-retry-time %u;\n", z->max_retry);
		}
		fprintf(fp, "};\n");
	}
}
