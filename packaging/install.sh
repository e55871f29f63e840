#!/usr/bin/env bash
# `make install`: installs what `make` staged in BUILD/lib (it never compiles):
#   packaging/install.sh BUILD VERSION   (with DESTDIR, PREFIX, LIBDIR, INCDIR, DATADIR, BINDIR set)
# The pkg-config file and the CMake package are relocatable: their paths are relative to
# the prefix (pkg-config --define-prefix) or to the CMake file itself.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1 version=$2
: "${PREFIX:?}" "${LIBDIR:?}" "${INCDIR:?}" "${DATADIR:?}" "${BINDIR:?}"
DESTDIR=${DESTDIR:-}
for dir in "PREFIX=$PREFIX" "LIBDIR=$LIBDIR" "INCDIR=$INCDIR" "DATADIR=$DATADIR" "BINDIR=$BINDIR"; do
  case ${dir#*=} in
    /*) ;;
    *) echo "install: ${dir%%=*} must be an absolute path, not '${dir#*=}'" >&2; exit 1 ;;
  esac
done
staged=$build/lib/libbgprogress.so.$version
[ -f "$staged" ] && [ -f "$build/lib/libbgprogress.a" ] ||
  { echo "install: nothing built in $build/lib: run make first" >&2; exit 1; }
[ -x "$build/bin/bgprogress" ] ||
  { echo "install: no $build/bin/bgprogress (the command): run make first" >&2; exit 1; }
soname=$(objdump -p "$staged" | awk '/SONAME/ { print $2 }')
# The C compiler links libgcc_s and libc by itself; named, they make Meson look for a static
# libgcc_s that does not exist.
private=$(tr ' ' '\n' < "$build/native-static-libs" | grep -vxE -- '-lgcc_s|-lc' | xargs)
rel() { realpath -m --relative-to="$2" "$1"; } # path $1 relative to directory $2
under_prefix() { case "$1" in "$PREFIX"/*) echo "\${prefix}/$(rel "$1" "$PREFIX")" ;; *) echo "$1" ;; esac; }

lib=$DESTDIR$LIBDIR
install -d "$lib/pkgconfig" "$lib/cmake/bgprogress" "$DESTDIR$INCDIR" "$DESTDIR$DATADIR/bgprogress"
# Installed without debug information (the build tree keeps it).
install -m 755 "$staged" "$lib/"
"${STRIP:-strip}" --strip-debug "$lib/libbgprogress.so.$version"
ln -sf "libbgprogress.so.$version" "$lib/$soname"
ln -sf "$soname" "$lib/libbgprogress.so"
install -m 644 "$build/lib/libbgprogress.a" "$lib/"
"${STRIP:-strip}" --strip-debug "$lib/libbgprogress.a"
install -m 644 include/bgprogress.h "$DESTDIR$INCDIR/"
install -m 644 packaging/bgprogress.supp "$DESTDIR$DATADIR/bgprogress/"
install -d "$DESTDIR$BINDIR" "$DESTDIR$DATADIR/man/man1"
install -m 755 "$build/bin/bgprogress" "$DESTDIR$BINDIR/"
"${STRIP:-strip}" --strip-debug "$DESTDIR$BINDIR/bgprogress"
install -m 644 docs/bgprogress.1 "$DESTDIR$DATADIR/man/man1/"
# The man pages, where `make` made them (it needs Doxygen): links stay links.
if [ -d "$build/man/man3" ]; then
  install -d "$DESTDIR$DATADIR/man/man3"
  cp -P "$build"/man/man3/*.3 "$DESTDIR$DATADIR/man/man3/"
  chmod 644 "$DESTDIR$DATADIR/man/man3/bgprogress.3"
fi

sed -e "s|@PREFIX@|$PREFIX|" -e "s|@LIBDIR@|$(under_prefix "$LIBDIR")|" \
    -e "s|@INCDIR@|$(under_prefix "$INCDIR")|" -e "s|@VERSION@|$version|" \
    -e "s|@PRIVATE@|$private|" packaging/bgprogress.pc.in > "$lib/pkgconfig/bgprogress.pc"

cmake_dir=$LIBDIR/cmake/bgprogress
private_cmake=$(for l in $private; do echo -n "${l#-l};"; done)
sizeof_void_p=$(getconf LONG_BIT 2>/dev/null | awk '{ print $1 / 8 }')
for f in bgprogressConfig bgprogressConfigVersion; do
  sed -e "s|@CMAKE_TO_PREFIX@|$(rel "$PREFIX" "$cmake_dir")|" \
      -e "s|@LIBREL@|$(rel "$LIBDIR" "$PREFIX")|" -e "s|@INCREL@|$(rel "$INCDIR" "$PREFIX")|" \
      -e "s|@VERSION@|$version|" -e "s|@SONAME@|$soname|" -e "s|@PRIVATE_CMAKE@|${private_cmake%;}|" \
      -e "s|@SIZEOF_VOID_P@|$sizeof_void_p|" "packaging/cmake/$f.cmake.in" > "$lib/cmake/bgprogress/$f.cmake"
done
chmod 644 "$lib/pkgconfig/bgprogress.pc" "$lib"/cmake/bgprogress/*.cmake
echo "install: libbgprogress $version into $DESTDIR$PREFIX"
# Into the live system: say how programs will find the shared library.
if [ -z "$DESTDIR" ] && command -v ldconfig >/dev/null; then
  if ldconfig -v -N -X 2>/dev/null | grep -q "^$LIBDIR:"; then
    ldconfig -p 2>/dev/null | grep -q "$LIBDIR/$soname" ||
      echo "install: run 'ldconfig' (as root) so that programs find $soname in $LIBDIR"
  else
    echo "install: $LIBDIR is not in the loader's path: add it to /etc/ld.so.conf.d/ and run" \
      "'ldconfig', or link with -Wl,-rpath,$LIBDIR (or set LD_LIBRARY_PATH)"
  fi
fi
