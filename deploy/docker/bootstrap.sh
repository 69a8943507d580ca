#!/bin/sh
# One-shot demo bootstrap, run by the `bootstrap` service once the coordinator is healthy:
# creates the federation and one invitation per bank, and gives each agent's volume only what that
# agent needs (the CA certificate, its own client certificate and key, its one-time token).
# Idempotent: a second `docker compose up` changes nothing.
set -eu
cli="node /app/coordinator/dist/cli/main.js"
state=/var/lib/syndicate-bootstrap
export SYNDICATE_URL=https://coordinator:8080 SYNDICATE_CA=/pki/certs/ca.pem SYNDICATE_TOKEN_FILE="$state/admin.token"
field() { node -e "process.stdout.write(String(JSON.parse(require('fs').readFileSync(0,'utf8'))['$1']))"; }

if [ ! -s "$state/federation" ]; then
  $cli federation create --plan /etc/syndicate/plan.json --json | field id > "$state/federation.tmp"
  mv "$state/federation.tmp" "$state/federation"
fi
federation=$(cat "$state/federation")

for bank in ${SYNDICATE_BANKS:-alpine baltic cascade}; do
  out="/agents/$bank"
  mkdir -p "$out/certs/agents"
  cp /pki/certs/ca.pem "$out/certs/ca.pem"
  cp /pki/certs/agents/"$bank".pem "$out/certs/agents/$bank.pem"
  (umask 077 && cp /pki/certs/agents/"$bank".key "$out/certs/agents/$bank.key")
  if [ ! -s "$out/token" ]; then
    (umask 077 && $cli participant invite --federation "$federation" --name "$bank" --expires-in 7d --json | field token > "$out/token.tmp")
    mv "$out/token.tmp" "$out/token"
  fi
  # The agents run as uid 1000 (node); the directory is theirs alone.
  chown -R 1000:1000 "$out" && chmod 0700 "$out"
  echo "bootstrap: $bank ready in $federation"
done
