#!/usr/bin/env bash
# Restores a backup made by ops/backup.sh: the database, then the uploaded media.
#
# Usage:  DATABASE_URL=postgres://user:password@host:5432/psgsite_restored ops/restore.sh [--force] <dir>
#
# DATABASE_URL names the database to restore into: a new, empty one, made beforehand with
#   createdb --host=HOST --username=USER psgsite_restored
# (or the hosting provider's console), the site's user owning it. Objects are made with that
# user as owner (pg_restore --no-owner), so the backup's roles need not exist here. The restore
# is one transaction: it works entirely or leaves the database as it was.
#
# A database that already has tables is refused unless --force is given; then everything the
# backup holds is dropped and made again (pg_restore --clean --if-exists). Stop the web servers
# and the schedulers first. Restoring into a new database and pointing DATABASE_URL at it is
# safer: the old one stays until the new one has been checked.
#
# media.tar.gz, when the backup has it, is unpacked into DJANGO_MEDIA_ROOT (default: media/
# beside the code); files already there with other names are kept. With media on S3
# (AWS_STORAGE_BUCKET_NAME set) restore the bucket from its versions, or from a copy with
# aws s3 sync <dir>/media s3://$AWS_STORAGE_BUCKET_NAME
#
# Then run the release command (manage.py migrate, setup_roles) if the code is newer than the
# backup, and start the servers.
set -euo pipefail

usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
force=false
if [ "${1:-}" = "--force" ]; then force=true; shift; fi
[ $# -eq 1 ] || usage
dir=$1
: "${DATABASE_URL:?Set DATABASE_URL to the database to restore into}"
here=$(cd "$(dirname "$0")/.." && pwd)
media_root=${DJANGO_MEDIA_ROOT:-$here/media}

[ -f "$dir/db.dump" ] || { echo "restore: no db.dump in $dir" >&2; exit 1; }
if [ -f "$dir/SHA256SUMS" ]; then
    (cd "$dir" && sha256sum --check --quiet SHA256SUMS)
fi

tables=$(psql "$DATABASE_URL" --no-psqlrc --tuples-only --no-align --command \
    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" -gt 0 ] && [ "$force" != true ]; then
    echo "restore: the database already has $tables tables. Restore into a new database, or" \
        "give --force to replace its contents (stop the servers and schedulers first)." >&2
    exit 1
fi

echo "restore: restoring $dir/db.dump"
pg_restore --no-owner --no-privileges --clean --if-exists --single-transaction \
    --dbname="$DATABASE_URL" "$dir/db.dump"
# pg_restore brings no planner statistics: gather them before the site is served.
psql "$DATABASE_URL" --no-psqlrc --quiet --command "ANALYZE"

if [ -f "$dir/media.tar.gz" ]; then
    if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
        echo "restore: AWS_STORAGE_BUCKET_NAME is set: media.tar.gz is not unpacked; copy its" \
            "files to the bucket if they are wanted there" >&2
    else
        echo "restore: unpacking the media into $media_root"
        mkdir -p "$media_root"
        tar --extract --gzip --file="$dir/media.tar.gz" --directory="$media_root"
    fi
elif [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
    echo "restore: media are in the S3 bucket $AWS_STORAGE_BUCKET_NAME: restore it from its" \
        "versions, or with aws s3 sync <copy> s3://$AWS_STORAGE_BUCKET_NAME"
fi
echo "restore: done"
