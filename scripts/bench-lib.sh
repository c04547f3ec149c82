# Shared by scripts/bench.sh and scripts/bench-parquet.sh: tools, and the generated files.

# need COMMAND PACKAGE: installs the Debian package when missing (as root), or stops.
need() {
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
  fi
  command -v "$1" >/dev/null || { echo "bench: $1 is required (apt-get install $2)" >&2; exit 1; }
}

# generated FORMAT MB: the path of a generated log of MB megabytes (made once, seed 42).
generated() {
  local file=bench-data/$1-$2mb.log
  mkdir -p bench-data
  if [[ ! -s $file ]]; then
    echo "generating $file ..." >&2
    target/release/axlog-testgen --format "$1" --mb "$2" --seed 42 -o "$file"
  fi
  echo "$file"
}
