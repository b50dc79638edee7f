'use strict';
// "Stock of one variant at every location" via the Admin API.
// Creates (once) a read-only role + API key, then queries with header `vendure-api-key` (no login/session).
// Usage: node stock-query.js <sku>
const fs = require('fs');
const { adminLogin } = require('./gql');
const BASE = process.env.VENDURE_URL || 'http://127.0.0.1:3055';
const SKU = process.argv[2] || 'SQL-7';
const KEYFILE = __dirname + '/.stock-reader-api-key';

const STOCK_QUERY = `query($sku:String!){ productVariants(options:{ filter:{ sku:{ eq:$sku } }, take:1 }){ items{
  id sku stockOnHand stockAllocated
  stockLevels{ stockLocationId stockLocation{ name } stockOnHand stockAllocated } } } }`;

(async () => {
  if (!fs.existsSync(KEYFILE)) {
    const a = await adminLogin();
    const role = (await a.q(`mutation { createRole(input:{ code:"stock-reader", description:"read catalog/stock",
        permissions:[ReadCatalog, ReadProduct, ReadStockLocation], channelIds:[1] }){ id } }`)).createRole;
    const key = (await a.q(`mutation($r:[ID!]!){ createApiKey(input:{ roleIds:$r, translations:[{ languageCode:en, name:"bench stock reader" }] }){ apiKey entityId } }`, { r: [role.id] })).createApiKey;
    fs.writeFileSync(KEYFILE, key.apiKey);
    console.log('created role', role.id, 'api key entity', key.entityId);
  }
  // Auth option A: API key header (stateless, but bcrypt-compared on every request).
  // Auth option B (--bearer): log in once, then `Authorization: Bearer <vendure-auth-token>` (session cached).
  let headers = { 'content-type': 'application/json' };
  if (process.argv.includes('--bearer')) {
    const a = await adminLogin();
    headers.authorization = `Bearer ${a.token}`;
  } else {
    headers['vendure-api-key'] = fs.readFileSync(KEYFILE, 'utf8');
  }
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const res = await fetch(`${BASE}/admin-api`, { method: 'POST', headers,
      body: JSON.stringify({ query: STOCK_QUERY, variables: { sku: SKU } }) });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    const v = body.data.productVariants.items[0];
    console.log(`${headers.authorization ? 'bearer' : 'api-key'}: ${v.sku} (id ${v.id}) total onHand=${v.stockOnHand} allocated=${v.stockAllocated}; ${v.stockLevels.length} locations; ${Date.now() - t0} ms`);
    if (i === 2) for (const s of v.stockLevels.slice(0, 8)) console.log(`  ${s.stockLocation.name}: onHand=${s.stockOnHand} allocated=${s.stockAllocated}`);
  }
})().catch(e => { console.error(e.message || e); process.exit(1); });
