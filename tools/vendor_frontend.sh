#!/usr/bin/env bash
# Vendor the staff UI's front-end files from the npm registry (`make vendor`).
#
# The files are committed under src/veiviser/web/static/vendor/, so a running Veiviser needs
# neither npm nor a CDN: this script is only for updating them. Each package is pinned to one
# version and checked against its registry integrity hash (sha512) before anything is copied.
# To update: change a version below, put the new integrity from
# `npm view <package>@<version> dist.integrity`, run `make vendor`, and look at the page.
#
#   @digdir/designsystemet-css  Designsystemet's component CSS and its default theme (MIT).
#                               (@digdir/designsystemet-theme is deprecated in favour of the
#                               theme inside designsystemet-css, so it is not used.)
#   @fontsource-variable/inter  Inter, the theme's font, as a variable woff2 (OFL-1.1);
#                               the theme names Inter but ships no font files.
#   htmx.org                    htmx 2 (0BSD).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/src/veiviser/web/static/vendor"

PACKAGES=(
  "@digdir/designsystemet-css|1.22.0|sha512-f/+YOK1Gvl7ypdeRh0TDGs28eu8DkOPDAR+T8yLpnys9FxNWX05UNuhXJwYwRuzF9WUgjAhpJ5JKdodTDxWMEA=="
  "@fontsource-variable/inter|5.3.0|sha512-OupL48va4JNofb97w6NYeF9S7W/kHNKM0Er8Dem5nqi4jeOLrVJDoE8tZEpnMJmtkvNbB1EIPPwHcdkF6b1oUA=="
  "htmx.org|2.0.11|sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
)

command -v npm >/dev/null || { echo "vendor_frontend.sh: npm is needed (apt-get install -y npm)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Download one package tarball, verify its integrity, unpack it to $WORK/<dir>/package.
fetch() {
  local name="$1" version="$2" integrity="$3" dir="$4"
  mkdir -p "$WORK/$dir"
  local tarball
  tarball="$(cd "$WORK/$dir" && npm pack --silent "$name@$version")"
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$WORK/$dir/$tarball" | base64 -w0)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "vendor_frontend.sh: $name@$version has integrity $actual, expected $integrity" >&2
    exit 1
  fi
  tar -xzf "$WORK/$dir/$tarball" -C "$WORK/$dir"
}

rm -rf "$VENDOR/designsystemet" "$VENDOR/htmx"
mkdir -p "$VENDOR/designsystemet/fonts" "$VENDOR/htmx"

{
  echo "# Vendored front-end packages (npm), written by tools/vendor_frontend.sh: do not edit."
  echo "# package version integrity"
} >"$VENDOR/VERSIONS.txt"

for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name version integrity <<<"$entry"
  dir="${name//[@\/]/_}"
  fetch "$name" "$version" "$integrity" "$dir"
  pkg="$WORK/$dir/package"
  case "$name" in
    @digdir/designsystemet-css)
      cp "$pkg/dist/src/index.css" "$VENDOR/designsystemet/designsystemet.css"
      cp "$pkg/dist/theme/designsystemet.css" "$VENDOR/designsystemet/theme.css"
      cp "$pkg/LICENSE" "$VENDOR/designsystemet/LICENSE"
      ;;
    @fontsource-variable/inter)
      # Latin and Latin Extended cover bokmål, nynorsk and the Sámi letters.
      cp "$pkg/files/inter-latin-wght-normal.woff2" "$pkg/files/inter-latin-ext-wght-normal.woff2" \
        "$VENDOR/designsystemet/fonts/"
      cp "$pkg/LICENSE" "$VENDOR/designsystemet/fonts/LICENSE"
      ;;
    htmx.org)
      cp "$pkg/dist/htmx.min.js" "$VENDOR/htmx/htmx.min.js"
      cp "$pkg/LICENSE" "$VENDOR/htmx/LICENSE"
      ;;
  esac
  echo "$name $version $integrity" >>"$VENDOR/VERSIONS.txt"
done

# The font faces for the vendored Inter, with the unicode ranges fontsource uses, so that
# the theme's `--ds-font-family: Inter` finds a local font instead of a CDN.
{
  echo "/* Inter (OFL-1.1, fonts/LICENSE), vendored by tools/vendor_frontend.sh: do not edit. */"
  awk '/^\/\* inter-latin(-ext)?-wght-normal \*\/$/ { keep = 1 } keep { print } keep && /^}/ { keep = 0 }' \
    "$WORK/_fontsource-variable_inter/package/wght.css" |
    sed -e "s#url(./files/#url(fonts/#" -e "s#font-family: 'Inter Variable'#font-family: 'Inter'#"
} >"$VENDOR/designsystemet/inter.css"

echo "vendored into ${VENDOR#"$ROOT"/}:"
(cd "$VENDOR" && find . -type f | sort | sed 's#^\./#  #')
