/*
 * conf_files.c: the files a configuration was read from, recorded by one
 * load and replayed by another, and their transport form.  See conf.h.
 *
 * Every file the parser reads (the main file, includes, secret files)
 * goes through cf_readfile().  With a record set, a successful read is
 * copied into it, with what fstat() said; with a replay set, reads are
 * served from it by path and the disk is never touched.  The privileged
 * parent records as root; the worker replays the same bytes as its own
 * user (priv.h), so both parse one configuration.
 *
 * Packed form (native byte order: both ends are one binary on one host):
 *
 *	"r53dconf" count:u32
 *	count times: pathlen:u32 path datalen:u32 data struct-stat
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_impl.h"

#define MAGIC		"r53dconf"
#define MAGIC_LEN	8
/* Files in a set: the includes, one secret file per key, and a few. */
#define FILES_MAX	(CONF_INCLUDE_MAX + CONF_KEYS_MAX + 16)

struct conf_file {
	char		*path;
	char		*data;		/* len octets, then a NUL */
	size_t		 len;
	struct stat	 st;
};

struct conf_files {
	struct conf_file	*v;
	size_t			 n, cap;
	size_t			 bytes;	/* of paths and data */
};

void
conf_files_free(struct conf_files *fs)
{
	size_t	i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		explicit_bzero(fs->v[i].data, fs->v[i].len);
		free(fs->v[i].data);
	}
	free(fs->v);
	free(fs);
}

/* Copy one file in; 0, or -1 (no memory, or past a limit). */
static int
add(struct conf_files *fs, const char *path, size_t plen, const char *data,
    size_t len, const struct stat *st)
{
	struct conf_file	*f;

	if (fs->n == FILES_MAX || plen >= CONF_PATH_MAX ||
	    len > CONF_FILE_MAX || fs->bytes + plen + len > CONF_FILES_BYTES)
		return -1;
	if (fs->n == fs->cap) {
		size_t	cap = fs->cap ? fs->cap * 2 : 8;

		if ((f = reallocarray(fs->v, cap, sizeof(*f))) == NULL)
			return -1;
		fs->v = f;
		fs->cap = cap;
	}
	f = &fs->v[fs->n];
	memset(f, 0, sizeof(*f));
	if ((f->path = malloc(plen + 1)) == NULL)
		return -1;
	if ((f->data = malloc(len + 1)) == NULL) {
		free(f->path);
		return -1;
	}
	memcpy(f->path, path, plen);
	f->path[plen] = '\0';
	memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->len = len;
	f->st = *st;
	fs->n++;
	fs->bytes += plen + len;
	return 0;
}

int
cf_files_record(struct conf_files *fs, const char *path, const char *data,
    size_t len, const struct stat *st)
{
	return add(fs, path, strlen(path), data, len, st);
}

int
cf_files_replay(const struct conf_files *fs, const char *path, size_t max,
    char **bufp, size_t *lenp, struct stat *st)
{
	const struct conf_file	*f = NULL;
	size_t			 i;
	char			*buf;

	for (i = 0; i < fs->n && f == NULL; i++)
		if (strcmp(fs->v[i].path, path) == 0)
			f = &fs->v[i];
	if (f == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (f->len > max) {
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc(f->len + 1)) == NULL)
		return -1;
	memcpy(buf, f->data, f->len + 1);
	*bufp = buf;
	*lenp = f->len;
	*st = f->st;
	return 0;
}

const char *
conf_files_main(const struct conf_files *fs)
{
	return fs != NULL && fs->n > 0 ? fs->v[0].path : NULL;
}

size_t
conf_files_count(const struct conf_files *fs)
{
	return fs != NULL ? fs->n : 0;
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int
conf_files_pack(const struct conf_files *fs, uint8_t **outp, size_t *lenp)
{
	uint8_t	*out, *p;
	size_t	 len = MAGIC_LEN + 4, i, pl;

	for (i = 0; i < fs->n; i++)
		len += 4 + strlen(fs->v[i].path) + 4 + fs->v[i].len +
		    sizeof(struct stat);
	if ((out = malloc(len)) == NULL)
		return -1;
	p = out;
	memcpy(p, MAGIC, MAGIC_LEN);
	p += MAGIC_LEN;
	put32(p, (uint32_t)fs->n);
	p += 4;
	for (i = 0; i < fs->n; i++) {
		pl = strlen(fs->v[i].path);
		put32(p, (uint32_t)pl);
		memcpy(p + 4, fs->v[i].path, pl);
		p += 4 + pl;
		put32(p, (uint32_t)fs->v[i].len);
		memcpy(p + 4, fs->v[i].data, fs->v[i].len);
		p += 4 + fs->v[i].len;
		memcpy(p, &fs->v[i].st, sizeof(struct stat));
		p += sizeof(struct stat);
	}
	*outp = out;
	*lenp = len;
	return 0;
}

struct conf_files *
conf_files_unpack(const uint8_t *buf, size_t len)
{
	struct conf_files	*fs;
	struct stat		 st;
	size_t			 off, pl, dl;
	uint32_t		 n, i;

	if (len < MAGIC_LEN + 4 || memcmp(buf, MAGIC, MAGIC_LEN) != 0)
		return NULL;
	n = get32(buf + MAGIC_LEN);
	if (n == 0 || n > FILES_MAX || (fs = conf_files_new()) == NULL)
		return NULL;
	off = MAGIC_LEN + 4;
	for (i = 0; i < n; i++) {
		if (len - off < 4)
			goto bad;
		pl = get32(buf + off);
		off += 4;
		if (pl == 0 || len - off < pl + 4)
			goto bad;
		dl = get32(buf + off + pl);
		if (len - off - pl - 4 < dl + sizeof(st))
			goto bad;
		memcpy(&st, buf + off + pl + 4 + dl, sizeof(st));
		if (memchr(buf + off, '\0', pl) != NULL ||
		    add(fs, (const char *)buf + off, pl,
		    (const char *)buf + off + pl + 4, dl, &st) == -1)
			goto bad;
		off += pl + 4 + dl + sizeof(st);
	}
	if (off != len)
		goto bad;
	return fs;
bad:
	conf_files_free(fs);
	return NULL;
}

/* Whether uid, with the one group gid, has the permission asked. */
static int
may(const struct stat *st, uid_t uid, gid_t gid, mode_t usr, mode_t grp,
    mode_t oth)
{
	if (uid == 0)
		return 1;
	if (st->st_uid == uid)
		return (st->st_mode & usr) != 0;
	if (st->st_gid == gid)
		return (st->st_mode & grp) != 0;
	return (st->st_mode & oth) != 0;
}

/* One file: 1 after a warning, 0 when the worker cannot change it. */
static int
check_worker(const char *path, const struct stat *st, uid_t uid, gid_t gid,
    const char *user, conf_report_fn *report, void *arg)
{
	struct stat	 dst;
	char		 dir[CONF_PATH_MAX], msg[CONF_PATH_MAX + 300];
	const char	*sl;
	size_t		 dl;

	if (may(st, uid, gid, S_IWUSR, S_IWGRP, S_IWOTH)) {
		snprintf(msg, sizeof(msg), "%s: warning: user %s may write "
		    "this file, which r53d reads as root (owner uid %u, "
		    "group %u, mode %04o)", path, user, (unsigned)st->st_uid,
		    (unsigned)st->st_gid, (unsigned)(st->st_mode & 07777));
		report(arg, msg);
		return 1;
	}
	/* Whoever may write the directory may replace the file in it. */
	if ((sl = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else {
		dl = sl == path ? 1 : (size_t)(sl - path);
		if (dl >= sizeof(dir))
			return 0;
		memcpy(dir, path, dl);
		dir[dl] = '\0';
	}
	if (stat(dir, &dst) == -1 ||
	    !may(&dst, uid, gid, S_IWUSR, S_IWGRP, S_IWOTH) ||
	    !may(&dst, uid, gid, S_IXUSR, S_IXGRP, S_IXOTH))
		return 0;
	/* In a sticky directory only the owners may. */
	if ((dst.st_mode & S_ISVTX) && st->st_uid != uid && dst.st_uid != uid)
		return 0;
	snprintf(msg, sizeof(msg), "%s: warning: user %s may replace this "
	    "file, which r53d reads as root: it may write the directory %s "
	    "(owner uid %u, group %u, mode %04o)", path, user, dir,
	    (unsigned)dst.st_uid, (unsigned)dst.st_gid,
	    (unsigned)(dst.st_mode & 07777));
	report(arg, msg);
	return 1;
}

int
conf_files_check_worker(const struct conf_files *fs, const char *const *extra,
    uid_t uid, gid_t gid, const char *user, conf_report_fn *report,
    void *arg)
{
	struct stat	 st;
	size_t		 i, j;
	int		 n = 0, dup;

	if (uid == 0)
		return 0;
	for (i = 0; fs != NULL && i < fs->n; i++)
		n += check_worker(fs->v[i].path, &fs->v[i].st, uid, gid, user,
		    report, arg);
	for (j = 0; extra != NULL && extra[j] != NULL; j++) {
		dup = 0;
		for (i = 0; fs != NULL && i < fs->n; i++)
			if (strcmp(fs->v[i].path, extra[j]) == 0)
				dup = 1;
		if (!dup && stat(extra[j], &st) == 0)
			n += check_worker(extra[j], &st, uid, gid, user,
			    report, arg);
	}
	return n;
}

struct conf_files *
conf_files_new(void)
{
	return calloc(1, sizeof(struct conf_files));
}
