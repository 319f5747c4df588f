#!/usr/bin/env bash
# Backs up the site: its PostgreSQL database and its uploaded media.
#
# Usage:  DATABASE_URL=postgres://user:password@host:5432/psgsite ops/backup.sh <dir>
#
# Writes, in <dir> (made if missing; refused if it already holds a backup):
#   db.dump          the database, from pg_dump --format=custom (compressed; pg_restore reads it)
#   media.tar.gz     the uploaded images and documents, when they are on the local disk
#                    (DJANGO_MEDIA_ROOT, or media/ beside the code as the settings default)
#   SHA256SUMS       checksums of the above, which ops/restore.sh checks first
#
# Environment: the app's own variables, so it can run where the app runs.
#   DATABASE_URL              required; the database to back up (any libpq address:
#                             postgres://user:password@host:port/name?sslmode=require)
#   DJANGO_MEDIA_ROOT         where uploads are kept on the local disk (default: media/)
#   AWS_STORAGE_BUCKET_NAME   when set, uploads are in that S3 bucket and are not copied here:
#                             keep versioning on in the bucket, or copy it beside the dump with
#                             aws s3 sync s3://$AWS_STORAGE_BUCKET_NAME <dir>/media
#
# The dump is consistent (one snapshot) and taken while the site runs; pg_dump must be of the
# server's major version or newer. Copy <dir> off the machine: a backup on the database's own
# disk is lost with it.
set -euo pipefail

usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -eq 1 ] || usage
dir=$1
: "${DATABASE_URL:?Set DATABASE_URL to the database to back up}"
here=$(cd "$(dirname "$0")/.." && pwd)
media_root=${DJANGO_MEDIA_ROOT:-$here/media}

mkdir -p "$dir"
if [ -e "$dir/db.dump" ]; then
    echo "backup: $dir already holds a backup; give a new directory" >&2
    exit 1
fi

echo "backup: dumping the database to $dir/db.dump"
pg_dump --format=custom --file="$dir/db.dump.partial" "$DATABASE_URL"
# A dump pg_restore cannot read is no backup: list its contents before keeping it.
pg_restore --list "$dir/db.dump.partial" >/dev/null
mv "$dir/db.dump.partial" "$dir/db.dump"
files=(db.dump)

if [ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
    echo "backup: media are in the S3 bucket $AWS_STORAGE_BUCKET_NAME, not copied here." \
        "Keep the bucket's versioning on, or copy it with:" \
        "aws s3 sync s3://$AWS_STORAGE_BUCKET_NAME $dir/media" \
        "${AWS_S3_ENDPOINT_URL:+--endpoint-url $AWS_S3_ENDPOINT_URL}"
elif [ -d "$media_root" ]; then
    echo "backup: archiving the media in $media_root to $dir/media.tar.gz"
    tar --create --gzip --file="$dir/media.tar.gz.partial" --directory="$media_root" .
    mv "$dir/media.tar.gz.partial" "$dir/media.tar.gz"
    files+=(media.tar.gz)
else
    echo "backup: no media folder at $media_root (set DJANGO_MEDIA_ROOT); none archived" >&2
fi

(cd "$dir" && sha256sum "${files[@]}" >SHA256SUMS)
echo "backup: done: $dir (${files[*]})"
