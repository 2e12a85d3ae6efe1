#!/bin/sh
# One-shot (docker-compose.yml, service temporal-namespace, image temporalio/admin-tools): waits until the
# Temporal frontend answers, then creates the namespace scf-release uses unless it exists. Idempotent.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is not set}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-30d}"

attempt=1
until temporal operator cluster health --address "$ADDRESS"; do
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal at $ADDRESS is not healthy after $attempt attempts" >&2
    exit 1
  fi
  echo "Waiting for Temporal at $ADDRESS (attempt $attempt)"
  attempt=$((attempt + 1))
  sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "Namespace $NAMESPACE exists"
else
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
  echo "Namespace $NAMESPACE created (retention $RETENTION)"
fi
