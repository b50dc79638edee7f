#!/bin/bash
# Minimal guest checkout with curl against the Shop API (5 mutations), allocating at a named location.
# Usage: ./order-curl.sh <productVariantId> <storeName> [qty] [shippingMethodId=1]
set -euo pipefail
URL=${VENDURE_URL:-http://127.0.0.1:3055}/shop-api
VID=$1; STORE=$2; QTY=${3:-1}; SMID=${4:-1}
HDR=$(mktemp); trap 'rm -f "$HDR"' EXIT
gql() { # $1 = JSON body; uses/updates $TOKEN
  curl -sS -D "$HDR" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} --data "$1" "$URL"
  local t; t=$(grep -i '^vendure-auth-token:' "$HDR" | tr -d '\r' | awk '{print $2}') || true
  if [ -n "$t" ]; then TOKEN=$t; fi
  echo
}
TOKEN=
# 1. addItemToOrder (creates the anonymous session + order; response header vendure-auth-token carries the session token)
gql "{\"query\":\"mutation(\$v:ID!,\$q:Int!,\$s:String){ addItemToOrder(productVariantId:\$v, quantity:\$q, customFields:{stockLocationName:\$s}){ ... on Order{ code state } ... on ErrorResult{ errorCode message } } }\",\"variables\":{\"v\":\"$VID\",\"q\":$QTY,\"s\":\"$STORE\"}}"
# 2. setCustomerForOrder (guest)
gql "{\"query\":\"mutation{ setCustomerForOrder(input:{emailAddress:\\\"curl-$RANDOM$RANDOM@example.com\\\", firstName:\\\"Curl\\\", lastName:\\\"Guest\\\"}){ ... on Order{ id } ... on ErrorResult{ errorCode message } } }\"}"
# 3. setOrderShippingMethod (id from `eligibleShippingMethods`; constant in a benchmark)
gql "{\"query\":\"mutation{ setOrderShippingMethod(shippingMethodId:[\\\"$SMID\\\"]){ ... on Order{ id } ... on ErrorResult{ errorCode message } } }\"}"
# 4. transitionOrderToState ArrangingPayment
gql '{"query":"mutation{ transitionOrderToState(state:\"ArrangingPayment\"){ ... on Order{ state } ... on OrderStateTransitionError{ errorCode message transitionError } } }"}'
# 5. addPaymentToOrder (dummy handler, automaticSettle=true -> PaymentSettled; stock allocated in this transaction)
gql '{"query":"mutation{ addPaymentToOrder(input:{method:\"dummy\", metadata:{}}){ ... on Order{ code state totalWithTax } ... on ErrorResult{ errorCode message } } }"}'
