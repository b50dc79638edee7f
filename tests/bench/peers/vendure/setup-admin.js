'use strict';
// One-time reference data via the Admin API (superadmin):
// country + zone (as channel default tax/shipping zone), tax category + 0% rate,
// a flat-rate shipping method, the dummy payment method, and stock locations.
// Usage: node setup-admin.js [numLocations=3]
const { adminLogin } = require('./gql');
const N_LOC = Number(process.argv[2] || 3);
const arg = (name, value) => ({ name, value: String(value) });

(async () => {
  const a = await adminLogin();
  const country = (await a.q(`mutation { createCountry(input:{ code:"US", enabled:true, translations:[{languageCode:en, name:"United States"}] }){ id } }`)).createCountry;
  const zone = (await a.q(`mutation($m:[ID!]){ createZone(input:{ name:"Bench zone", memberIds:$m }){ id } }`, { m: [country.id] })).createZone;
  await a.q(`mutation($z:ID!){ updateChannel(input:{ id:1, defaultTaxZoneId:$z, defaultShippingZoneId:$z }){ __typename } }`, { z: zone.id });
  const taxCat = (await a.q(`mutation { createTaxCategory(input:{ name:"Standard", isDefault:true }){ id } }`)).createTaxCategory;
  await a.q(`mutation($z:ID!,$c:ID!){ createTaxRate(input:{ name:"Zero", enabled:true, value:0, categoryId:$c, zoneId:$z }){ id } }`, { z: zone.id, c: taxCat.id });
  const ship = (await a.q(`mutation($calc:[ConfigArgInput!]!){ createShippingMethod(input:{
      code:"pickup", fulfillmentHandler:"manual-fulfillment",
      checker:{ code:"default-shipping-eligibility-checker", arguments:[{name:"orderMinimum", value:"0"}] },
      calculator:{ code:"default-shipping-calculator", arguments:$calc },
      translations:[{ languageCode:en, name:"Store pickup", description:"" }] }){ id code } }`,
    { calc: [arg('rate', 0), arg('includesTax', 'auto'), arg('taxRate', 0)] })).createShippingMethod;
  const pay = (await a.q(`mutation { createPaymentMethod(input:{
      code:"dummy", enabled:true,
      handler:{ code:"dummy-payment-handler", arguments:[{name:"automaticSettle", value:"true"}] },
      translations:[{ languageCode:en, name:"Dummy", description:"" }] }){ id code } }`)).createPaymentMethod;
  const locs = [];
  for (let i = 1; i <= N_LOC; i++) {
    const name = `Store ${String(i).padStart(3, '0')}`;
    locs.push((await a.q(`mutation($n:String!){ createStockLocation(input:{ name:$n }){ id name } }`, { n: name })).createStockLocation);
  }
  const check = await a.q(`{ stockLocations(options:{take:1000}){ totalItems items{ id name } } }`);
  console.log(JSON.stringify({ country, zone, taxCat, ship, pay, stockLocations: check.stockLocations }, null, 1));
})().catch(e => { console.error(e); process.exit(1); });
