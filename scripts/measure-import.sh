#!/usr/bin/env bash
# Measures, for issue 4: the time `ceres import candidats` takes for a file of N candidates
# (default 2,000) into the tutorial's session, on a fresh SQLite database with the demo:
# first import (every row checked, created and audited), the same file again (every row
# checked, nothing written), and a file whose last row is refused (everything rolled back).
# Usage: scripts/measure-import.sh [path/to/ceres] [rows]
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/ceres}
rows=${2:-2000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CERES_DATA_DIR=$dir DATABASE_URL= RUST_LOG=warn RUST_BACKTRACE=0

"$bin" demo >/dev/null 2>&1

# Candidates born in Paris arrondissements, in Lille or in Ajaccio (before and after 1976).
communes=(75101 75115 75120 59350 20004 2A004)
years=(1960 1968 1975 1970 1972 1990)
{
  echo "id_ceres;civilite;nom_naissance;prenoms;date_naissance;commune_naissance;adresse_ligne;code_postal;ville;resultat"
  for ((i = 0; i < rows; i++)); do
    k=$((i % 6))
    printf '%d;Madame;LEFÈVRE-N’DIAYE;Anne Sophie;%02d/%02d/%d;%s;%d bis avenue Jean Jaurès;75019;Paris;Admis\n' \
      $((5000000 + i)) $((i % 28 + 1)) $((i % 12 + 1)) "${years[$k]}" "${communes[$k]}" $((i % 200 + 1))
  done
} >"$dir/good.csv"
cp "$dir/good.csv" "$dir/bad.csv"
sed -i '$ s/;Paris;Admis$/;Paris;Admis ou presque/' "$dir/bad.csv"
sed -i '1,$ s/^5/6/' "$dir/bad.csv"

measure() {
  local label=$1 file=$2
  local start end
  start=$(date +%s%N)
  "$bin" import candidats --session TITRE_B_2023_470415 "$file" >"$dir/out" 2>/dev/null || true
  end=$(date +%s%N)
  echo "$label ($rows rows): $(( (end - start) / 1000000 )) ms — $(tail -n 1 "$dir/out")"
}

measure "first import" "$dir/good.csv"
measure "same file again" "$dir/good.csv"
measure "last row refused" "$dir/bad.csv"
