#!/bin/bash
# Healthy when the DEEPaaS API answers GET /v2/ with 200 (bash's /dev/tcp: no curl in the image).
exec 3<>/dev/tcp/127.0.0.1/5000 || exit 1
printf 'GET /v2/ HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 3 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "DEEPaaS API answered: $status"; exit 1 ;;
esac
