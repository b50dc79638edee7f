'use strict';
// Deterministic check (no concurrency): stock drops below the order quantity between addItemToOrder and
// addPaymentToOrder -> what does the Shop API answer, and is anything allocated?
const { client } = require('./gql');
const { execFileSync } = require('child_process');
const psql = sql => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'vendure_peer_scratch', '-Atc', sql]).toString().trim();
(async () => {
  const vid = psql(`select id from product_variant where sku='SQL-8'`);
  const loc = psql(`select id from stock_location where name='Store 001'`);
  psql(`update stock_level set "stockOnHand"=10, "stockAllocated"=0 where "productVariantId"=${vid} and "stockLocationId"=${loc}`);
  const s = client('shop-api');
  const E = '... on ErrorResult{ errorCode message }';
  console.log(JSON.stringify(await s.q(`mutation{ addItemToOrder(productVariantId:"${vid}", quantity:5, customFields:{stockLocationName:"Store 001"}){ ... on Order{ code } ${E} } }`)));
  await s.q(`mutation{ setCustomerForOrder(input:{ emailAddress:"race-${Date.now()}@example.com", firstName:"R", lastName:"C" }){ ${E} } }`);
  await s.q(`mutation{ setOrderShippingMethod(shippingMethodId:["1"]){ ${E} } }`);
  console.log(JSON.stringify(await s.q(`mutation{ transitionOrderToState(state:"ArrangingPayment"){ ... on Order{ state } ${E} } }`)));
  psql(`update stock_level set "stockAllocated"=7 where "productVariantId"=${vid} and "stockLocationId"=${loc}`); // someone else took 7
  try {
    console.log(JSON.stringify(await s.q(`mutation{ addPaymentToOrder(input:{ method:"dummy", metadata:{} }){ ... on Order{ code state } ${E} } }`)));
  } catch (e) { console.log('addPaymentToOrder error:', e.message.replace(/\s+/g, ' ').slice(0, 300)); }
  console.log(JSON.stringify(await s.q(`{ activeOrder{ code state payments{ state } } }`)));
  console.log('stock_level now:', psql(`select "stockOnHand", "stockAllocated" from stock_level where "productVariantId"=${vid} and "stockLocationId"=${loc}`));
})().catch(e => { console.error(e.message); process.exit(1); });
