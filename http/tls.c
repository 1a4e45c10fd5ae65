/*
 * tls.c: BearSSL trust anchors, client context and record pump.
 * See tls.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Debian's BearSSL headers test an undefined macro under -Wundef. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop

#include "http/tls.h"
#include "log.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL	0
#endif

#define MAXDN		4096	/* bytes of one subject DN */

/* Days from 0000-01-01 (proleptic Gregorian) to 1970-01-01. */
#define UNIX_EPOCH_DAYS	719528

struct dnbuf {
	unsigned char	buf[MAXDN];
	size_t		len;
	int		overflow;
};

static void
dn_append(void *ctx, const void *data, size_t len)
{
	struct dnbuf	*dn = ctx;

	if (len > sizeof(dn->buf) - dn->len) {
		dn->overflow = 1;
		return;
	}
	memcpy(dn->buf + dn->len, data, len);
	dn->len += len;
}

/* A certificate's decoder, fed by the PEM decoder. */
struct certdec {
	br_x509_decoder_context	xd;
	int			trailing;	/* bytes past its end */
};

/*
 * BearSSL's decoder must not be fed once it has stopped (the
 * certificate decoded, or an error): it would run off its program.
 * Bytes past the end of the certificate make it unusable instead.
 */
static void
x509_push(void *ctx, const void *data, size_t len)
{
	struct certdec	*cd = ctx;

	if (len == 0)
		return;
	if (br_x509_decoder_last_error(&cd->xd) != BR_ERR_X509_TRUNCATED) {
		cd->trailing = 1;
		return;
	}
	br_x509_decoder_push(&cd->xd, data, len);
	if (cd->xd.hlen != 0)
		cd->trailing = 1;
}

static unsigned char *
dup(const void *p, size_t len)
{
	unsigned char	*q;

	if ((q = malloc(len > 0 ? len : 1)) != NULL)
		memcpy(q, p, len);
	return q;
}

static void
anchor_free(br_x509_trust_anchor *a)
{
	free(a->dn.data);
	if (a->pkey.key_type == BR_KEYTYPE_RSA) {
		free(a->pkey.key.rsa.n);
		free(a->pkey.key.rsa.e);
	} else if (a->pkey.key_type == BR_KEYTYPE_EC)
		free(a->pkey.key.ec.q);
}

/* Copy the decoded certificate into a. Returns 0, or -1. */
static int
anchor_make(br_x509_trust_anchor *a, br_x509_decoder_context *xd,
    const struct dnbuf *dn)
{
	const br_x509_pkey	*pk;

	memset(a, 0, sizeof(*a));
	if ((pk = br_x509_decoder_get_pkey(xd)) == NULL)
		return -1;
	a->flags = br_x509_decoder_isCA(xd) ? BR_X509_TA_CA : 0;
	a->pkey.key_type = pk->key_type;
	if ((a->dn.data = dup(dn->buf, dn->len)) == NULL)
		return -1;
	a->dn.len = dn->len;
	switch (pk->key_type) {
	case BR_KEYTYPE_RSA:
		a->pkey.key.rsa.n = dup(pk->key.rsa.n, pk->key.rsa.nlen);
		a->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		a->pkey.key.rsa.e = dup(pk->key.rsa.e, pk->key.rsa.elen);
		a->pkey.key.rsa.elen = pk->key.rsa.elen;
		if (a->pkey.key.rsa.n == NULL || a->pkey.key.rsa.e == NULL)
			goto fail;
		return 0;
	case BR_KEYTYPE_EC:
		a->pkey.key.ec.curve = pk->key.ec.curve;
		a->pkey.key.ec.q = dup(pk->key.ec.q, pk->key.ec.qlen);
		a->pkey.key.ec.qlen = pk->key.ec.qlen;
		if (a->pkey.key.ec.q == NULL)
			goto fail;
		return 0;
	}
fail:
	anchor_free(a);
	return -1;
}

void
http_tls_anchors_free(struct http_tls_anchors *ta)
{
	size_t	i;

	for (i = 0; i < ta->n; i++)
		anchor_free(&ta->ta[i]);
	free(ta->ta);
	ta->ta = NULL;
	ta->n = 0;
}

int
http_tls_anchors_load(struct http_tls_anchors *out, const char *file)
{
	static struct dnbuf	 dn;
	br_pem_decoder_context	 pc;
	struct certdec		 cd;
	struct http_tls_anchors	 ta = { NULL, 0 };
	br_x509_trust_anchor	*nta;
	unsigned char		 buf[4096];
	const char		*name;
	FILE			*f;
	size_t			 n, off, cap = 0, skipped = 0;
	int			 incert = 0, err = 0, line = 0;

	if ((f = fopen(file, "r")) == NULL) {
		log_warn("%s", file);
		return -1;
	}
	br_pem_decoder_init(&pc);
	while (!err && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (off = 0; !err && off < n; ) {
			off += br_pem_decoder_push(&pc, buf + off, n - off);
			switch (br_pem_decoder_event(&pc)) {
			case BR_PEM_BEGIN_OBJ:
				name = br_pem_decoder_name(&pc);
				incert = strcmp(name, "CERTIFICATE") == 0 ||
				    strcmp(name, "X509 CERTIFICATE") == 0;
				if (incert) {
					dn.len = 0;
					dn.overflow = 0;
					br_x509_decoder_init(&cd.xd, dn_append,
					    &dn);
					cd.trailing = 0;
					br_pem_decoder_setdest(&pc, x509_push,
					    &cd);
				} else
					br_pem_decoder_setdest(&pc, NULL,
					    NULL);
				break;
			case BR_PEM_END_OBJ:
				if (!incert)
					break;
				incert = 0;
				line++;
				if (br_x509_decoder_last_error(&cd.xd) != 0 ||
				    cd.trailing || dn.overflow) {
					skipped++;
					break;
				}
				if (ta.n == HTTP_TLS_MAXANCHORS) {
					log_warnx("%s: more than %d "
					    "certificates", file,
					    HTTP_TLS_MAXANCHORS);
					err = 1;
					break;
				}
				if (ta.n == cap) {
					cap = cap ? cap * 2 : 64;
					nta = reallocarray(ta.ta, cap,
					    sizeof(*ta.ta));
					if (nta == NULL) {
						log_warn("%s", file);
						err = 1;
						break;
					}
					ta.ta = nta;
				}
				if (anchor_make(&ta.ta[ta.n], &cd.xd, &dn) == -1) {
					skipped++;
					break;
				}
				ta.n++;
				break;
			case BR_PEM_ERROR:
				log_warnx("%s: malformed PEM", file);
				err = 1;
				break;
			}
		}
	}
	if (ferror(f)) {
		log_warn("%s", file);
		err = 1;
	}
	fclose(f);
	if (!err && ta.n == 0) {
		log_warnx("%s: no usable certificate", file);
		err = 1;
	}
	if (err) {
		http_tls_anchors_free(&ta);
		return -1;
	}
	if (skipped > 0)
		log_info("%s: skipped %zu unusable certificates", file,
		    skipped);
	http_tls_anchors_free(out);
	*out = ta;
	return (int)ta.n;
}

/*
 * DER: read one element (low tag numbers, definite lengths) at *pp.
 * Returns 0 and advances *pp past it, or -1.
 */
static int
der_get(const unsigned char **pp, const unsigned char *end, unsigned *tag,
    const unsigned char **vp, size_t *lenp)
{
	const unsigned char	*p = *pp;
	size_t			 len, n;

	if (end - p < 2)
		return -1;
	*tag = *p++;
	if ((*tag & 0x1f) == 0x1f)
		return -1;
	len = *p++;
	if (len & 0x80) {
		n = len & 0x7f;
		if (n == 0 || n > 3 || (size_t)(end - p) < n)
			return -1;
		for (len = 0; n > 0; n--)
			len = (len << 8) | *p++;
	}
	if ((size_t)(end - p) < len)
		return -1;
	*vp = p;
	*lenp = len;
	*pp = p + len;
	return 0;
}

/* Does the certificate der carry iPAddress ip in subjectAltName? */
static int
san_has_ip(const unsigned char *der, size_t derlen, const unsigned char *ip,
    size_t iplen)
{
	static const unsigned char san_oid[] = { 0x55, 0x1d, 0x11 };
	const unsigned char	*p, *end, *v, *e, *ee, *x, *xe;
	unsigned		 tag;
	size_t			 len;

	p = der;
	end = der + derlen;
	if (der_get(&p, end, &tag, &v, &len) == -1 || tag != 0x30)
		return 0;				/* Certificate */
	p = v;
	if (der_get(&p, v + len, &tag, &v, &len) == -1 || tag != 0x30)
		return 0;				/* TBSCertificate */
	p = v;
	end = v + len;
	while (p < end) {
		if (der_get(&p, end, &tag, &v, &len) == -1)
			return 0;
		if (tag != 0xa3)			/* [3] extensions */
			continue;
		e = v;
		if (der_get(&e, v + len, &tag, &v, &len) == -1 || tag != 0x30)
			return 0;
		e = v;
		ee = v + len;
		while (e < ee) {
			if (der_get(&e, ee, &tag, &v, &len) == -1 ||
			    tag != 0x30)
				return 0;		/* Extension */
			x = v;
			xe = v + len;
			if (der_get(&x, xe, &tag, &v, &len) == -1 ||
			    tag != 0x06)
				return 0;
			if (len != sizeof(san_oid) ||
			    memcmp(v, san_oid, len) != 0)
				continue;
			if (der_get(&x, xe, &tag, &v, &len) == -1)
				return 0;
			if (tag == 0x01 &&		/* critical */
			    der_get(&x, xe, &tag, &v, &len) == -1)
				return 0;
			if (tag != 0x04)
				return 0;
			x = v;
			if (der_get(&x, v + len, &tag, &v, &len) == -1 ||
			    tag != 0x30)
				return 0;		/* GeneralNames */
			x = v;
			xe = v + len;
			while (x < xe) {
				if (der_get(&x, xe, &tag, &v, &len) == -1)
					return 0;
				if (tag == 0x87 && len == iplen &&
				    memcmp(v, ip, iplen) == 0)
					return 1;	/* [7] iPAddress */
			}
			return 0;
		}
	}
	return 0;
}

#define IPT(ctx)	((struct http_tls *)(void *)((char *)(ctx) - \
			    offsetof(struct http_tls, ipvt)))

static void
ipx_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct http_tls	*t = IPT(ctx);

	t->ncert = 0;
	t->eelen = 0;
	t->eeover = 0;
	t->xc.vtable->start_chain(&t->xc.vtable,
	    t->iplen > 0 ? NULL : server_name);
}

static void
ipx_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct http_tls	*t = IPT(ctx);

	t->ncert++;
	if (t->ncert == 1 && (t->ee == NULL || length > HTTP_TLS_MAXEECERT))
		t->eeover = 1;
	t->xc.vtable->start_cert(&t->xc.vtable, length);
}

static void
ipx_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct http_tls	*t = IPT(ctx);

	if (t->ncert == 1 && t->iplen > 0 && !t->eeover) {
		if (len > HTTP_TLS_MAXEECERT - t->eelen)
			t->eeover = 1;
		else {
			memcpy(t->ee + t->eelen, buf, len);
			t->eelen += len;
		}
	}
	t->xc.vtable->append(&t->xc.vtable, buf, len);
}

static void
ipx_end_cert(const br_x509_class **ctx)
{
	struct http_tls	*t = IPT(ctx);

	t->xc.vtable->end_cert(&t->xc.vtable);
}

static unsigned
ipx_end_chain(const br_x509_class **ctx)
{
	struct http_tls	*t = IPT(ctx);
	unsigned	 r;

	r = t->xc.vtable->end_chain(&t->xc.vtable);
	if (r != 0 || t->iplen == 0)
		return r;
	if (t->eeover || !san_has_ip(t->ee, t->eelen, t->ip, t->iplen))
		return BR_ERR_X509_BAD_SERVER_NAME;
	return 0;
}

static const br_x509_pkey *
ipx_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct http_tls	*t;

	t = (const struct http_tls *)(const void *)((const char *)ctx -
	    offsetof(struct http_tls, ipvt));
	return t->xc.vtable->get_pkey(&t->xc.vtable, usages);
}

static const br_x509_class ipx_vtable = {
	sizeof(struct http_tls),
	ipx_start_chain,
	ipx_start_cert,
	ipx_append,
	ipx_end_cert,
	ipx_end_chain,
	ipx_get_pkey
};

/*
 * TLS 1.2 with forward secrecy and AEAD only: what every AWS endpoint
 * offers.  Static RSA key exchange, CBC, CCM and 3DES are left out, so
 * BearSSL's code for them is not linked (br_ssl_client_init_full()
 * takes them all: about 30 KiB more on 32-bit ARM).
 */
static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
};

/* Signatures in certificates and key exchanges: SHA-1 to SHA-512. */
static const br_hash_class *const hashes[] = {
	&br_sha1_vtable, &br_sha224_vtable, &br_sha256_vtable,
	&br_sha384_vtable, &br_sha512_vtable
};

static void
client_init(br_ssl_client_context *cc, br_x509_minimal_context *xc,
    const br_x509_trust_anchor *ta, size_t nta)
{
	const br_hash_class	*hc;
	size_t			 i;

	br_ssl_client_zero(cc);
	br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12);
	br_x509_minimal_init(xc, &br_sha256_vtable, ta, nta);
	br_ssl_engine_set_suites(&cc->eng, suites,
	    sizeof(suites) / sizeof(suites[0]));
	br_ssl_engine_set_default_rsavrfy(&cc->eng);
	br_ssl_engine_set_default_ecdsa(&cc->eng);
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(&cc->eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(&cc->eng),
	    br_ssl_engine_get_ecdsa(&cc->eng));
	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		hc = hashes[i];
		br_ssl_engine_set_hash(&cc->eng,
		    (int)(hc->desc >> BR_HASHDESC_ID_OFF & BR_HASHDESC_ID_MASK),
		    hc);
		br_x509_minimal_set_hash(xc,
		    (int)(hc->desc >> BR_HASHDESC_ID_OFF & BR_HASHDESC_ID_MASK),
		    hc);
	}
	br_ssl_engine_set_x509(&cc->eng, &xc->vtable);
	br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(&cc->eng);
	br_ssl_engine_set_default_chapol(&cc->eng);
}

int
http_tls_init(struct http_tls *t, const struct http_tls_anchors *ta)
{
	memset(t, 0, sizeof(*t));
	if ((t->iobuf = malloc(BR_SSL_BUFSIZE_BIDI)) == NULL) {
		log_warn("TLS buffer");
		return -1;
	}
	client_init(&t->sc, &t->xc, ta->ta, ta->n);
	br_ssl_engine_set_buffer(&t->sc.eng, t->iobuf, BR_SSL_BUFSIZE_BIDI,
	    1);
	t->ipvt = &ipx_vtable;
	br_ssl_engine_set_x509(&t->sc.eng, &t->ipvt);
	return 0;
}

void
http_tls_free(struct http_tls *t)
{
	free(t->iobuf);
	t->iobuf = NULL;
	free(t->ee);
	t->ee = NULL;
}

void
http_tls_set_time(struct http_tls *t, time_t when)
{
	t->fixed_time = when;
}

int
http_tls_reset(struct http_tls *t, const char *servername)
{
	uint64_t	s;

	t->sockerr = 0;
	t->eof = 0;
	if (t->fixed_time > 0) {
		s = (uint64_t)t->fixed_time;
		br_x509_minimal_set_time(&t->xc,
		    (uint32_t)(s / 86400 + UNIX_EPOCH_DAYS),
		    (uint32_t)(s % 86400));
	} else
		br_x509_minimal_set_time(&t->xc, 0, 0);	/* time(3) */
	t->iplen = 0;
	if (inet_pton(AF_INET, servername, t->ip) == 1)
		t->iplen = 4;
	else if (inet_pton(AF_INET6, servername, t->ip) == 1)
		t->iplen = 16;
	if (t->iplen > 0 && t->ee == NULL &&
	    (t->ee = malloc(HTTP_TLS_MAXEECERT)) == NULL)
		return -1;
	if (!br_ssl_client_reset(&t->sc, t->iplen > 0 ? NULL : servername,
	    0))
		return -1;
	return 0;
}

short
http_tls_events(struct http_tls *t, int want_read)
{
	unsigned	st;
	short		ev = 0;

	st = br_ssl_engine_current_state(&t->sc.eng);
	if (st & BR_SSL_CLOSED)
		return 0;
	if (st & BR_SSL_SENDREC)
		ev |= POLLOUT;
	if ((st & BR_SSL_RECVREC) && want_read)
		ev |= POLLIN;
	return ev;
}

int
http_tls_pump(struct http_tls *t, int fd, int want_read, int *sentp)
{
	br_ssl_engine_context	*eng = &t->sc.eng;
	unsigned char		*p;
	unsigned		 st;
	size_t			 len;
	ssize_t			 n;
	int			 progress, wblocked = 0;

	if (t->sockerr || t->eof)
		return -1;
	do {
		progress = 0;
		st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED)
			return -1;
		if ((st & BR_SSL_SENDREC) && !wblocked) {
			p = br_ssl_engine_sendrec_buf(eng, &len);
			n = send(fd, p, len, MSG_NOSIGNAL);
			if (n > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)n);
				if (sentp != NULL)
					*sentp = 1;
				progress = 1;
			} else if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK || errno == EINTR))
				wblocked = 1;
			else {
				t->sockerr = n == -1 ? errno : EPIPE;
				return -1;
			}
		}
		if ((st & BR_SSL_RECVREC) && want_read) {
			p = br_ssl_engine_recvrec_buf(eng, &len);
			n = recv(fd, p, len, 0);
			if (n > 0) {
				br_ssl_engine_recvrec_ack(eng, (size_t)n);
				progress = 1;
				wblocked = 0;
			} else if (n == 0) {
				t->eof = 1;
				return -1;
			} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				t->sockerr = errno;
				return -1;
			}
		}
	} while (progress);
	return 0;
}

int
http_tls_ready(struct http_tls *t)
{
	unsigned	st;

	st = br_ssl_engine_current_state(&t->sc.eng);
	return !(st & BR_SSL_CLOSED) && (st & (BR_SSL_SENDAPP |
	    BR_SSL_RECVAPP)) != 0;
}

size_t
http_tls_write(struct http_tls *t, const void *buf, size_t len)
{
	unsigned char	*p;
	size_t		 room;

	if (!(br_ssl_engine_current_state(&t->sc.eng) & BR_SSL_SENDAPP))
		return 0;
	p = br_ssl_engine_sendapp_buf(&t->sc.eng, &room);
	if (room > len)
		room = len;
	memcpy(p, buf, room);
	br_ssl_engine_sendapp_ack(&t->sc.eng, room);
	return room;
}

void
http_tls_flush(struct http_tls *t)
{
	br_ssl_engine_flush(&t->sc.eng, 0);
}

size_t
http_tls_read(struct http_tls *t, void *buf, size_t len)
{
	unsigned char	*p;
	size_t		 avail;

	if (!(br_ssl_engine_current_state(&t->sc.eng) & BR_SSL_RECVAPP))
		return 0;
	p = br_ssl_engine_recvapp_buf(&t->sc.eng, &avail);
	if (avail > len)
		avail = len;
	memcpy(buf, p, avail);
	br_ssl_engine_recvapp_ack(&t->sc.eng, avail);
	return avail;
}

int
http_tls_error(struct http_tls *t)
{
	int	err;

	if (t->sockerr)
		return -1;
	err = br_ssl_engine_last_error(&t->sc.eng);
	return err;	/* 0 with eof, or after close_notify */
}

static const char *
alert_name(int a)
{
	switch (a) {
	case 10:	return "unexpected_message";
	case 20:	return "bad_record_mac";
	case 40:	return "handshake_failure";
	case 42:	return "bad_certificate";
	case 43:	return "unsupported_certificate";
	case 44:	return "certificate_revoked";
	case 45:	return "certificate_expired";
	case 46:	return "certificate_unknown";
	case 47:	return "illegal_parameter";
	case 48:	return "unknown_ca";
	case 50:	return "decode_error";
	case 51:	return "decrypt_error";
	case 70:	return "protocol_version";
	case 71:	return "insufficient_security";
	case 80:	return "internal_error";
	case 112:	return "unrecognized_name";
	default:	return "alert";
	}
}

const char *
http_tls_strerror(int err)
{
	switch (err) {
	case BR_ERR_OK:
		return "connection closed";
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
		return "server does not speak TLS 1.2";
	case BR_ERR_BAD_CIPHER_SUITE:
		return "no cipher suite in common with the server";
	case BR_ERR_BAD_MAC:
		return "record authentication failed";
	case BR_ERR_NO_RANDOM:
		return "no random source";
	case BR_ERR_BAD_SNI:
		return "server refused the server name";
	case BR_ERR_BAD_SIGNATURE:
		return "bad handshake signature";
	case BR_ERR_IO:
		return "I/O error";
	case BR_ERR_X509_EMPTY_CHAIN:
		return "server sent no certificate";
	case BR_ERR_X509_BAD_SIGNATURE:
		return "certificate signature is invalid";
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_WRONG_KEY_TYPE:
		return "unsupported certificate key or algorithm";
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		return "certificate key is too weak";
	case BR_ERR_X509_TIME_UNKNOWN:
		return "no clock to check the certificate validity against";
	case BR_ERR_X509_EXPIRED:
		return "certificate not valid at current time";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "certificate does not match the server name";
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return "certificate has an unsupported critical extension";
	case BR_ERR_X509_NOT_CA:
		return "certificate chain has a non-CA issuer";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return "certificate key usage forbids TLS server use";
	case BR_ERR_X509_NOT_TRUSTED:
		return "certificate is not trusted (unknown CA: check "
		    "ca-file)";
	case BR_ERR_X509_LIMIT_EXCEEDED:
		return "certificate chain too long";
	case BR_ERR_X509_DN_MISMATCH:
		return "certificate chain is out of order";
	}
	if (err > BR_ERR_X509_OK && err < 64)
		return "malformed certificate";
	if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_SEND_FATAL_ALERT)
		return "server sent a fatal alert";
	if (err >= BR_ERR_SEND_FATAL_ALERT)
		return "handshake failed (fatal alert sent)";
	return "TLS protocol error";
}

void
http_tls_describe(struct http_tls *t, int err, char *buf, size_t len)
{
	struct tm	tm;
	time_t		now;
	char		ts[32];

	if (err == -1) {
		snprintf(buf, len, "%s", strerror(t->sockerr));
		return;
	}
	if (err == BR_ERR_X509_EXPIRED) {
		now = t->fixed_time > 0 ? t->fixed_time : time(NULL);
		if (gmtime_r(&now, &tm) == NULL ||
		    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			snprintf(ts, sizeof(ts), "%lld", (long long)now);
		snprintf(buf, len, "certificate not valid at current time "
		    "%s: is the system clock set?", ts);
		return;
	}
	if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_SEND_FATAL_ALERT) {
		snprintf(buf, len, "server sent fatal alert %d (%s)",
		    err - BR_ERR_RECV_FATAL_ALERT,
		    alert_name(err - BR_ERR_RECV_FATAL_ALERT));
		return;
	}
	if (err >= BR_ERR_SEND_FATAL_ALERT) {
		snprintf(buf, len, "handshake failed (sent alert %d, %s)",
		    err - BR_ERR_SEND_FATAL_ALERT,
		    alert_name(err - BR_ERR_SEND_FATAL_ALERT));
		return;
	}
	snprintf(buf, len, "%s (BearSSL error %d)", http_tls_strerror(err),
	    err);
}
