# A real WebDAV server for the storage tests: Apache httpd with mod_dav_fs on 127.0.0.1:8490, basic auth,
# one test account (meridian-test / webdav-test-pass). The same folder is served as a plain WebDAV tree
# at /dav/ and in Nextcloud's layout at /remote.php/dav/files/meridian-test/. Config and data live under
# /var/tmp/meridian-webdav (MERIDIAN_WEBDAV_HOME), shared by every checkout on the machine; the server is started once and reloaded only when this config changes (idempotent).
apt_install apache2 curl
webdav_home="${MERIDIAN_WEBDAV_HOME:-/var/tmp/meridian-webdav}"
webdav_port="${MERIDIAN_WEBDAV_PORT:-8490}"
mkdir -p "$webdav_home/data" "$webdav_home/lock" "$webdav_home/logs"
[ -f "$webdav_home/htpasswd" ] || htpasswd -bc "$webdav_home/htpasswd" meridian-test webdav-test-pass 2>/dev/null
webdav_user="$(id -un)"; webdav_group="$(id -gn)"
if [ "$(id -u)" -eq 0 ]; then webdav_user=www-data; webdav_group=www-data; fi
chown -R "$webdav_user:$webdav_group" "$webdav_home/data" "$webdav_home/lock"
cat > "$webdav_home/httpd.conf.new" <<CONF
ServerRoot /etc/apache2
ServerName 127.0.0.1
Listen 127.0.0.1:$webdav_port
PidFile $webdav_home/httpd.pid
ErrorLog $webdav_home/logs/error.log
LogLevel warn
User $webdav_user
Group $webdav_group
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
LoadModule authn_file_module /usr/lib/apache2/modules/mod_authn_file.so
LoadModule auth_basic_module /usr/lib/apache2/modules/mod_auth_basic.so
LoadModule authz_user_module /usr/lib/apache2/modules/mod_authz_user.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dav_module /usr/lib/apache2/modules/mod_dav.so
LoadModule dav_fs_module /usr/lib/apache2/modules/mod_dav_fs.so
TypesConfig /etc/mime.types
DavLockDB $webdav_home/lock/davlock
# unlimited request bodies: the tests move 1 GiB files (Apache's default limit is 1 GiB)
LimitRequestBody 0
Timeout 60
Alias /remote.php/dav/files/meridian-test $webdav_home/data
Alias /dav $webdav_home/data
<Directory $webdav_home/data>
  Dav On
  AuthType Basic
  AuthName "Meridian test WebDAV"
  AuthUserFile $webdav_home/htpasswd
  Require valid-user
</Directory>
CONF
webdav_changed=""
if ! cmp -s "$webdav_home/httpd.conf.new" "$webdav_home/httpd.conf" 2>/dev/null; then
  mv "$webdav_home/httpd.conf.new" "$webdav_home/httpd.conf"; webdav_changed=1
else
  rm -f "$webdav_home/httpd.conf.new"
fi
if [ -f "$webdav_home/httpd.pid" ] && kill -0 "$(cat "$webdav_home/httpd.pid")" 2>/dev/null; then
  if [ -n "$webdav_changed" ]; then apache2 -f "$webdav_home/httpd.conf" -k graceful; fi
else
  apache2 -f "$webdav_home/httpd.conf" -k start
  echo "meridian: WebDAV test server on http://127.0.0.1:$webdav_port/dav/ (user meridian-test)"
fi
for _ in $(seq 1 50); do
  curl -s -o /dev/null -u meridian-test:webdav-test-pass -X PROPFIND -H 'Depth: 0' \
    "http://127.0.0.1:$webdav_port/remote.php/dav/files/meridian-test/" && break
  sleep 0.1
done
