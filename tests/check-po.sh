#!/bin/sh
# Fails when a translatable string has no German translation, when one is
# fuzzy, when po/POTFILES.in misses a file with translatable strings, or when
# msgfmt --check fails.
set -eu

srcdir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

for tool in xgettext msgmerge msgfmt; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is missing (install gettext)"; exit 1; }
done

cd "$srcdir"
grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort > "$work/listed"

# Every file that marks strings for translation must be listed.
grep -rlIE '\b(N?C?_|g_dngettext)\s*\(|translatable="yes"' src data \
  | grep -vE '\.(po|pot)$' | sort > "$work/marked" || true
missing=$(comm -13 "$work/listed" "$work/marked")
if [ -n "$missing" ]; then
  echo "FAIL: these files have translatable strings but are not in po/POTFILES.in:"
  echo "$missing"
  status=1
fi

xgettext --files-from="$work/listed" --directory=. --from-code=UTF-8 \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --add-comments=Translators \
  --output="$work/concierge.pot"

for lang in $(sed 's/#.*//' po/LINGUAS); do
  msgfmt --check --output-file=/dev/null "po/$lang.po" || { echo "FAIL: msgfmt --check po/$lang.po"; status=1; }
  msgmerge --quiet --no-fuzzy-matching --output-file="$work/$lang.po" "po/$lang.po" "$work/concierge.pot"
  stats=$(msgfmt --statistics --output-file=/dev/null "$work/$lang.po" 2>&1)
  echo "po/$lang.po: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "FAIL: po/$lang.po is incomplete against the sources:"
      msgattrib --untranslated --no-obsolete "$work/$lang.po" | grep -E '^msg(ctxt|id) ' || true
      msgattrib --only-fuzzy --no-obsolete "$work/$lang.po" | grep -E '^msg(ctxt|id) ' || true
      status=1 ;;
  esac
  # Fuzzy entries in the committed file itself are not translations either.
  if msgattrib --only-fuzzy --no-obsolete "po/$lang.po" | grep -q '^msgid'; then
    echo "FAIL: po/$lang.po has fuzzy entries"
    status=1
  fi
done

exit $status
