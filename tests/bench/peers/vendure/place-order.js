'use strict';
// Place ONE order end-to-end through the Shop API (guest checkout), allocating stock at a named location,
// and show the variant's stock per location (Admin API) before and after.
// Usage: node place-order.js <sku> <storeName> [qty=1] [couponCode] [--no-address]
const { client, adminLogin } = require('./gql');
const [SKU, STORE, QTY, COUPON] = [process.argv[2], process.argv[3], Number(process.argv[4] || 1), process.argv[5]];
const NO_ADDRESS = process.argv.includes('--no-address');
const EMAIL = process.env.EMAIL || `guest-${Date.now()}@example.com`;

const ORDER = `fragment O on Order { id code state totalQuantity subTotalWithTax shippingWithTax totalWithTax couponCodes discounts{ description amountWithTax }
  lines{ id quantity productVariant{ id sku } customFields{ stockLocationName } } }`;
const ERR = `... on ErrorResult { errorCode message }`;
const ADD_ERR = `${ERR} ... on OrderInterceptorError { interceptorError } ... on InsufficientStockError { quantityAvailable }`;
function must(r, label) {
  if (r && r.errorCode) throw new Error(`${label}: ${r.errorCode} ${r.message}${r.interceptorError ? ' -- ' + r.interceptorError : ''}${r.quantityAvailable != null ? ' quantityAvailable=' + r.quantityAvailable : ''}`);
  return r;
}

async function stock(admin, variantId) {
  const d = await admin.q(`query($id:ID!){ productVariant(id:$id){ sku stockOnHand stockAllocated
      stockLevels{ stockLocation{ name } stockOnHand stockAllocated } } }`, { id: variantId });
  return d.productVariant.stockLevels.map(s => `${s.stockLocation.name}: onHand=${s.stockOnHand} allocated=${s.stockAllocated}`).join(' | ');
}

(async () => {
  const admin = await adminLogin();
  const v = (await admin.q(`query($s:String!){ productVariants(options:{ filter:{ sku:{ eq:$s } } }){ items{ id sku } } }`, { s: SKU })).productVariants.items[0];
  if (!v) throw new Error(`no variant ${SKU}`);
  console.log('BEFORE', await stock(admin, v.id));

  const shop = client('shop-api');            // no token yet: the first mutation opens an anonymous session
  const t0 = Date.now();
  let r = must((await shop.q(`mutation($v:ID!,$q:Int!,$cf:OrderLineCustomFieldsInput){ addItemToOrder(productVariantId:$v, quantity:$q, customFields:$cf){ ...O ${ADD_ERR} } } ${ORDER}`,
    { v: v.id, q: QTY, cf: { stockLocationName: STORE } })).addItemToOrder, 'addItemToOrder');
  console.log('session token (vendure-auth-token):', shop.token.slice(0, 10) + '…', 'order', r.code);
  if (COUPON) {
    r = must((await shop.q(`mutation($c:String!){ applyCouponCode(couponCode:$c){ ...O ${ERR} } } ${ORDER}`, { c: COUPON })).applyCouponCode, 'applyCouponCode');
    console.log('coupon applied:', r.couponCodes, r.discounts);
  }
  must((await shop.q(`mutation($e:String!){ setCustomerForOrder(input:{ emailAddress:$e, firstName:"Bench", lastName:"Guest" }){ ... on Order{ id } ${ERR} } }`, { e: EMAIL })).setCustomerForOrder, 'setCustomerForOrder');
  if (!NO_ADDRESS) {
    must((await shop.q(`mutation { setOrderShippingAddress(input:{ streetLine1:"1 Main St", city:"Springfield", postalCode:"12345", countryCode:"US" }){ ... on Order{ id } ${ERR} } }`)).setOrderShippingAddress, 'setOrderShippingAddress');
  }
  const sm = (await shop.q(`{ eligibleShippingMethods{ id code priceWithTax } }`)).eligibleShippingMethods;
  must((await shop.q(`mutation($id:[ID!]!){ setOrderShippingMethod(shippingMethodId:$id){ ... on Order{ id } ${ERR} } }`, { id: [sm[0].id] })).setOrderShippingMethod, 'setOrderShippingMethod');
  must((await shop.q(`mutation { transitionOrderToState(state:"ArrangingPayment"){ ... on Order{ id state } ... on OrderStateTransitionError{ errorCode message transitionError } } }`)).transitionOrderToState, 'transitionOrderToState');
  r = must((await shop.q(`mutation { addPaymentToOrder(input:{ method:"dummy", metadata:{} }){ ...O ${ERR} } } ${ORDER}`)).addPaymentToOrder, 'addPaymentToOrder');
  console.log(`PLACED ${r.code} state=${r.state} total=${r.totalWithTax} in ${Date.now() - t0} ms (${shop.calls} Shop API round trips)`);
  console.log('AFTER ', await stock(admin, v.id));
})().catch(e => { console.error(e.message || e); process.exit(1); });
