#!/bin/sh
# Run r53d on the shipped example: the bundled Route 53 emulator on
# 127.0.0.1:8053 holding example.com, and r53d in the foreground on
# 127.0.0.1 and ::1 port 5353 with tests/demo/r53d.conf.example.  Ctrl-C
# stops both.
cd "$(dirname "$0")/.." || exit 1
/usr/bin/python3 tests/r53emu.py --listen 127.0.0.1:8053 \
    --zone example.com --max-runtime 86400 --quiet &
emu=$!
trap 'kill $emu 2>/dev/null' EXIT INT TERM
sleep 1
cat <<EOT
Route 53 emulator on http://127.0.0.1:8053 (pid $emu), r53d on port 5353.
Try, in another terminal:

  dig @127.0.0.1 -p 5353 example.com SOA
  nsupdate -y hmac-sha256:ddns-key:dt3VXTwDhGcTRyOzTceHkquGopBDj00mpd3SO955CqA= <<END
  server 127.0.0.1 5353
  update add www.example.com 300 A 192.0.2.1
  send
  END
  dig @127.0.0.1 -p 5353 www.example.com A
  ./r53d -c tests/demo/r53d.conf.example -e example.com

EOT
./r53d -d -c tests/demo/r53d.conf.example
