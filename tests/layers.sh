#!/bin/sh
# The layering of ../shared/DESIGN.md, checked on every #include of the
# sources: r53d.c and the daemon's files at the top may use every layer;
# aws/ may use http/; dns/, http/ and aws/ may use nothing else of the
# project but the shared leaves log.h and sha256.h.  System headers
# (<...>: libc, BearSSL, c-ares) are always allowed.  Prints each
# include that breaks the rule and a closing "N passed, N failed" line,
# one check per source file.
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
for f in dns/*.[ch] http/*.[ch] aws/*.[ch] *.[ch]; do
	[ -f "$f" ] || continue
	dir=$(dirname "$f")
	case $dir in
	dns)	allowed="dns" ;;
	http)	allowed="http" ;;
	aws)	allowed="aws http" ;;
	.)	allowed="top dns http aws" ;;
	esac
	bad=0
	# Quoted includes only: <...> are the system's and the libraries'.
	for inc in $(sed -n 's/^#[ 	]*include[ 	]*"\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		log.h|sha256.h)
			continue ;;
		*/*)	layer=${inc%%/*} ;;
		*)	layer=top ;;
		esac
		ok=0
		for a in $allowed; do
			[ "$a" = "$layer" ] && ok=1
		done
		if [ $ok -eq 0 ]; then
			echo "$f: includes \"$inc\": $dir/ may not use $layer"
			bad=1
		fi
	done
	if [ $bad -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "layers: $passed passed, $failed failed"
[ $failed -eq 0 ]
