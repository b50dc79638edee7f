'use strict';
// Create a single-use coupon: Promotion with couponCode, usageLimit=1 (global), perCustomerUsageLimit=1.
// Usage: node create-coupon.js <CODE> [percent=10]
const { adminLogin } = require('./gql');
const [CODE, PCT] = [process.argv[2] || 'ONCE-0001', process.argv[3] || '10'];
(async () => {
  const a = await adminLogin();
  const d = await a.q(`mutation($i:CreatePromotionInput!){ createPromotion(input:$i){
      ... on Promotion{ id couponCode usageLimit perCustomerUsageLimit enabled }
      ... on ErrorResult{ errorCode message } } }`, {
    i: {
      enabled: true, couponCode: CODE, usageLimit: 1, perCustomerUsageLimit: 1,
      conditions: [],
      actions: [{ code: 'order_percentage_discount', arguments: [{ name: 'discount', value: String(PCT) }] }],
      translations: [{ languageCode: 'en', name: `Single-use ${CODE}` }],
    },
  });
  console.log(JSON.stringify(d.createPromotion));
})().catch(e => { console.error(e.message); process.exit(1); });
