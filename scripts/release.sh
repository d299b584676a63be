#!/usr/bin/env bash
# Releases version X.Y.Z: checks, builds and tests, tags vX.Y.Z, moves the major tag vX, and prints the push
# commands. It pushes nothing. Usage: scripts/release.sh X.Y.Z   (or: npm run release -- X.Y.Z)
#
# Before running it: add a "## [X.Y.Z]" section to CHANGELOG.md, set "version": "X.Y.Z" in package.json, and
# commit both on main. RELEASE_CHECK_COMMAND replaces `npm run all` (the script's own tests use it).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "release: $*" >&2
  exit 1
}

version="${1:-}"
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
  fail "give the version as X.Y.Z, such as 1.2.3 (got '${version}')"
major="v${version%%.*}"
tag="v${version}"

branch="$(git rev-parse --abbrev-ref HEAD)"
[ "$branch" = main ] || fail "releases are made from main; this is '${branch}'"
[ -z "$(git status --porcelain)" ] || fail "the working tree has changes; commit or stash them first:
$(git status --short)"
if git rev-parse -q --verify "refs/tags/${tag}" >/dev/null; then fail "${tag} already exists"; fi

package_version="$(node -p "require('./package.json').version")"
[ "$package_version" = "$version" ] ||
  fail "package.json says version ${package_version}; set it to ${version} and commit"
grep -Eq "^## \[${version//./\\.}\]" CHANGELOG.md ||
  fail "CHANGELOG.md has no '## [${version}]' section; add what changed and commit"

echo "release: building and testing (${RELEASE_CHECK_COMMAND:-npm run all})"
bash -c "${RELEASE_CHECK_COMMAND:-npm run all}"

# `npm run all` formats and rebuilds dist/: any change means the commit is not what was tested.
if [ -n "$(git status --porcelain -- dist)" ]; then
  fail "dist/ differs from the build of this commit: commit the rebuilt dist/ and run again"
fi
[ -z "$(git status --porcelain)" ] || fail "the build changed files (formatting?); commit them and run again:
$(git status --short)"

commit="$(git rev-parse HEAD)"
git tag -a "$tag" -m "$tag" "$commit"
# The major tag follows the newest release, so users of @${major} get it.
git tag -f -a "$major" -m "$major (${tag})" "$commit" >/dev/null

echo "release: tagged ${tag} and moved ${major} to ${commit}"
echo "Push main (if it is not pushed yet) and the tags with:"
echo "  git push origin main"
echo "  git push origin ${tag}"
echo "  git push --force origin ${major}"
