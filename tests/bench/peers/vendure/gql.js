'use strict';
// Tiny GraphQL client that keeps a Vendure bearer session per "client" object.
const BASE = process.env.VENDURE_URL || 'http://127.0.0.1:3055';
function client(api /* 'shop-api' | 'admin-api' */, token) {
  const c = {
    token, calls: 0,
    async q(query, variables = {}) {
      c.calls++;
      const headers = { 'content-type': 'application/json' };
      if (c.token) headers['authorization'] = `Bearer ${c.token}`;
      if (c.channelToken) headers['vendure-token'] = c.channelToken;
      const res = await fetch(`${BASE}/${api}`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const t = res.headers.get('vendure-auth-token');
      if (t) c.token = t;                  // session token issued/rotated by the server
      if (!res.ok && !(res.headers.get('content-type') || '').includes('json')) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const body = await res.json();
      if (body.errors || !body.data) throw new Error(`HTTP ${res.status}: ` + JSON.stringify(body.errors || body, null, 1));
      return body.data;
    },
  };
  return c;
}
async function adminLogin(username = 'superadmin', password = process.env.SUPERADMIN_PASSWORD || 'bench-superadmin-pw') {
  const a = client('admin-api');
  const d = await a.q(`mutation($u:String!,$p:String!){ login(username:$u,password:$p){ __typename ... on CurrentUser{ id identifier } ... on ErrorResult{ message } } }`, { u: username, p: password });
  if (d.login.__typename !== 'CurrentUser') throw new Error(JSON.stringify(d.login));
  return a;
}
module.exports = { client, adminLogin };
