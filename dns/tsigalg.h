/*
 * tsigalg.h: the TSIG (RFC 8945) HMAC algorithms r53d knows, shared by the
 * configuration parser and the TSIG code.  The numeric values are
 * internal; never put them on the wire.
 */
#ifndef R53D_TSIGALG_H
#define R53D_TSIGALG_H

enum tsig_alg {
	TSIG_HMAC_MD5,
	TSIG_HMAC_SHA1,
	TSIG_HMAC_SHA224,
	TSIG_HMAC_SHA256,
	TSIG_HMAC_SHA384,
	TSIG_HMAC_SHA512
};

#define TSIG_ALG_COUNT	6

#endif
