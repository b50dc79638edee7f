'use strict';
// Minimal, offline Vendure 3.7 config for benchmarking (no admin UI, no asset server,
// no email plugin, no search plugin). Telemetry: set VENDURE_DISABLE_TELEMETRY=true (see index.js).
const { dummyPaymentHandler, DefaultLogger, LogLevel } = require('@vendure/core');
const { NamedLocationStockLocationStrategy, NamedLocationStockInterceptor } = require('./named-location-strategy');

const env = process.env;
exports.config = {
  apiOptions: {
    hostname: '127.0.0.1',
    port: Number(env.VENDURE_PORT || 3055),
    adminApiPath: 'admin-api',
    shopApiPath: 'shop-api',
    adminApiPlayground: false,
    shopApiPlayground: false,
    introspection: true,
    cors: false,                         // server-to-server benchmark: no CORS needed
  },
  authOptions: {
    // 'bearer': session token returned in response header `vendure-auth-token`, sent back as `Authorization: Bearer <token>`.
    // 'api-key': Admin/Shop API keys sent in header `vendure-api-key` (bcrypt-checked on EVERY request: slow).
    tokenMethod: ['bearer', 'api-key'],
    requireVerification: false,          // guest checkout & registration without e-mail verification
    superadminCredentials: {
      identifier: env.SUPERADMIN_USERNAME || 'superadmin',
      password: env.SUPERADMIN_PASSWORD || 'bench-superadmin-pw',
    },
    cookieOptions: { secret: 'scratch-not-secret' },
  },
  dbConnectionOptions: {
    type: 'postgres',
    host: env.DB_HOST || '127.0.0.1',
    port: Number(env.DB_PORT || 5432),
    username: env.DB_USER || 'postgres',
    password: env.DB_PASSWORD || '',
    database: env.DB_NAME || 'vendure_peer_scratch',
    schema: 'public',
    synchronize: env.DB_SYNCHRONIZE !== 'false', // create/alter the schema on start (no migrations); DB_SYNCHRONIZE=false once created
    logging: false,
  },
  paymentOptions: {
    paymentMethodHandlers: [dummyPaymentHandler],   // code: 'dummy-payment-handler'
  },
  catalogOptions: {
    stockLocationStrategy: new NamedLocationStockLocationStrategy(),
  },
  orderOptions: {
    orderInterceptors: [new NamedLocationStockInterceptor()],
  },
  customFields: {
    OrderLine: [{ name: 'stockLocationName', type: 'string', nullable: true, public: true }],
  },
  logger: new DefaultLogger({ level: env.VENDURE_LOG_LEVEL === 'verbose' ? LogLevel.Verbose : LogLevel.Info }),
  plugins: [],
};
