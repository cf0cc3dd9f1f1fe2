#!/usr/bin/env bash
# Builds (once per machine) the Kubernetes control plane that MLForge's tests and sandbox run on:
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from k8s.io/kubernetes, and etcd from
# go.etcd.io/etcd/server/v3, at the versions pinned in go/kubernetes/go.mod and go/etcd/go.mod.
#
# usage: build.sh [OUTPUT_FILE]
#   Prints progress on stderr and the directory holding the five binaries on stdout (and into OUTPUT_FILE).
#
# Where the binaries come from, first match wins:
#   1. $MLFORGE_KUBE_BINARIES: a directory you provide with all five binaries (never built, never changed);
#   2. $KUBEBUILDER_ASSETS (setup-envtest / kube-api-test layout), when it holds all five;
#   3. the cache $MLFORGE_KUBE_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/mlforge/kubernetes)/<versions>/,
#      built there from source through the Go module proxy when missing (needs Go >= 1.26; about 11 to 15 minutes
#      cold on 2 cores, nothing when warm).
# MLFORGE_KUBE_VERSION=v1.X.Y builds another Kubernetes release than the pinned one (same etcd), for checking the
# CRDs on an older minor (the on-demand Maven profile crds-on-oldest-kubernetes does this).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd)
out_file="${1:-}"

say() { printf '[control-plane] %s\n' "$*" >&2; }
missing_in() { local d="$1" m=(); for b in "${binaries[@]}"; do [[ -x "$d/$b" ]] || m+=("$b"); done; echo "${m[*]:-}"; }
done_with() {
  say "using $1"
  [[ -n "$out_file" ]] && { mkdir -p "$(dirname "$out_file")"; printf '%s\n' "$1" > "$out_file"; }
  printf '%s\n' "$1"
  exit 0
}

if [[ -n "${MLFORGE_KUBE_BINARIES:-}" ]]; then
  missing="$(missing_in "$MLFORGE_KUBE_BINARIES")"
  if [[ -n "$missing" ]]; then
    say "MLFORGE_KUBE_BINARIES=$MLFORGE_KUBE_BINARIES lacks: $missing (it needs all of: ${binaries[*]})"
    exit 1
  fi
  done_with "$(cd "$MLFORGE_KUBE_BINARIES" && pwd)"
fi
if [[ -n "${KUBEBUILDER_ASSETS:-}" && -z "$(missing_in "$KUBEBUILDER_ASSETS")" ]]; then
  done_with "$(cd "$KUBEBUILDER_ASSETS" && pwd)"
fi

required() { awk -v m="$2" '{ for (i = 1; i < NF; i++) if ($i == m && $(i + 1) ~ /^v[0-9]/) { print $(i + 1); exit } }' "$here/go/$1/go.mod"; }
k8s_version="$(required kubernetes k8s.io/kubernetes)"
k8s_module="$here/go/kubernetes"
if [[ -n "${MLFORGE_KUBE_VERSION:-}" && "$MLFORGE_KUBE_VERSION" != "$k8s_version" ]]; then
  [[ "$MLFORGE_KUBE_VERSION" =~ ^v1\.[0-9]+\.[0-9]+$ ]] || { say "MLFORGE_KUBE_VERSION must look like v1.34.4"; exit 1; }
  k8s_version="$MLFORGE_KUBE_VERSION"
fi
etcd_version="$(required etcd go.etcd.io/etcd/server/v3)"
cache_root="${MLFORGE_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlforge/kubernetes}"
dir="$cache_root/$k8s_version-etcd-$etcd_version"
if [[ -z "$(missing_in "$dir")" ]]; then
  done_with "$dir"
fi

if ! command -v go >/dev/null 2>&1; then
  say "the control plane is not built yet ($dir lacks: $(missing_in "$dir")) and there is no Go toolchain to build it."
  say "Install Go >= 1.26 (with access to a Go module proxy), or set MLFORGE_KUBE_BINARIES to a directory that"
  say "holds ${binaries[*]} (Kubernetes $k8s_version, etcd $etcd_version)."
  exit 1
fi
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [[ "$go_minor" -lt 26 ]]; then
  say "Go $(go env GOVERSION) is too old to build Kubernetes $k8s_version: it needs Go >= 1.26 (or set MLFORGE_KUBE_BINARIES)."
  exit 1
fi

mkdir -p "$dir"
exec 9>"$dir.lock"
flock -n 9 || { say "waiting for another build of $dir to finish"; flock 9; }
if [[ -z "$(missing_in "$dir")" ]]; then
  done_with "$dir"
fi
start=$SECONDS
# Version stamps, as the Kubernetes release build sets them: Helm, kubectl and clients read them from /version.
minor="$(echo "$k8s_version" | cut -d. -f2)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
tmp="$(mktemp -d "$dir.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if [[ "$k8s_version" != "$(required kubernetes k8s.io/kubernetes)" ]]; then
  # the same module for another release: every staging module at the matching v0 version
  k8s_module="$tmp/kubernetes-module"
  mkdir -p "$k8s_module"
  staging="v0.${k8s_version#v1.}"
  {
    echo "module mlforge.io/e2e/control-plane/kubernetes"
    echo "go 1.26.0"
    echo "require k8s.io/kubernetes $k8s_version"
    awk '/^tool \(/,/^\)/' "$here/go/kubernetes/go.mod"
    # the staging modules that release points at ./staging, each pinned to the matching v0 release
    upstream="$(cd "$tmp" && go mod download -json "k8s.io/kubernetes@$k8s_version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
    echo "replace ("
    awk '$2 == "=>" && $3 ~ /^\.\/staging/ {print "\t" $1 " => " $1 " '"$staging"'"}' "$upstream"
    echo ")"
  } > "$k8s_module/go.mod"
  say "resolving the modules of Kubernetes $k8s_version ..."
  (cd "$k8s_module" && go mod tidy >&2)
fi
build() { # module-dir, binary, package
  local t0=$SECONDS
  say "building $2 ($3) ..."
  local module="$here/go/$1"
  [[ "$1" == kubernetes ]] && module="$k8s_module"
  (cd "$module" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/bin/$2" "$3")
  say "built $2 in $((SECONDS - t0)) s"
}
say "building Kubernetes $k8s_version and etcd $etcd_version from source into $dir (first time on this machine:"
say "about 15 minutes on 2 cores; later runs reuse it)"
(cd "$k8s_module" && say "downloading modules for Kubernetes $k8s_version ..." && go mod download)
(cd "$here/go/etcd" && say "downloading modules for etcd $etcd_version ..." && go mod download)
build etcd etcd go.etcd.io/etcd/server/v3
for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build kubernetes "$b" "k8s.io/kubernetes/cmd/$b"
done
mv "$tmp"/bin/* "$dir"/
say "control plane built in $((SECONDS - start)) s"
done_with "$dir"
