'use strict';
process.env.VENDURE_DISABLE_TELEMETRY = process.env.VENDURE_DISABLE_TELEMETRY || 'true';
const t0 = Date.now();
const { bootstrap } = require('@vendure/core');
const { config } = require('./vendure-config');

bootstrap(config)
  .then(app => {
    console.log(`READY in ${Date.now() - t0} ms (process uptime ${Math.round(process.uptime() * 1000)} ms) pid=${process.pid}`);
    const stop = async () => { await app.close(); process.exit(0); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })
  .catch(err => { console.error(err); process.exit(1); });
