-- Bulk-load Vendure 3.7 catalogue + stock by SQL (schema created beforehand by synchronize:true).
-- psql -v n_loc=3 -v n_var=10 -v vpp=1 -v prefix=SQL -v stock=50 -f load-sql.sql
--   n_loc : stock locations "Store 001".."Store NNN" (created if missing, joined to the default channel)
--   n_var : variants to create; vpp = variants per product; prefix = SKU/slug prefix; stock = stockOnHand per location
-- Stock is written to EVERY stock location of the default channel (id 1), including "Default Stock Location".
\set ON_ERROR_STOP on
\timing on
BEGIN;
SELECT id AS channel_id, "defaultCurrencyCode" AS currency FROM channel WHERE code = '__default_channel__' \gset
SELECT id AS tax_category_id FROM tax_category WHERE "isDefault" ORDER BY id LIMIT 1 \gset

-- 1. stock locations (+ channel join: MultiChannelStockLocationStrategy only counts locations of the active channel)
INSERT INTO stock_location (name, description)
SELECT format('Store %s', lpad(i::text, 3, '0')), ''
FROM generate_series(1, :n_loc) i
WHERE NOT EXISTS (SELECT 1 FROM stock_location s WHERE s.name = format('Store %s', lpad(i::text, 3, '0')));
INSERT INTO stock_location_channels_channel ("stockLocationId", "channelId")
SELECT s.id, :channel_id FROM stock_location s
WHERE NOT EXISTS (SELECT 1 FROM stock_location_channels_channel c WHERE c."stockLocationId" = s.id AND c."channelId" = :channel_id);

-- 2. products (+ translation with unique slug, + channel join)
CREATE TEMP TABLE np ON COMMIT DROP AS
WITH ins AS (
  INSERT INTO product (enabled) SELECT true FROM generate_series(1, ceil(:n_var::numeric / :vpp)::int) RETURNING id
) SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM ins;
INSERT INTO product_translation ("languageCode", name, slug, description, "baseId")
SELECT 'en', format('%s Product %s', :'prefix', rn), format('%s-product-%s', lower(:'prefix'), rn), '', id FROM np;
INSERT INTO product_channels_channel ("productId", "channelId") SELECT id, :channel_id FROM np;

-- 3. variants (+ translation, channel join, price in the channel currency)
CREATE TEMP TABLE nv ON COMMIT DROP AS
WITH ins AS (
  INSERT INTO product_variant (sku, "productId", "taxCategoryId", enabled)
  SELECT format('%s-%s', :'prefix', v), np.id, :tax_category_id, true
  FROM generate_series(0, :n_var - 1) v JOIN np ON np.rn = v / :vpp
  RETURNING id, sku, "productId"
) SELECT * FROM ins;
INSERT INTO product_variant_translation ("languageCode", name, "baseId")
SELECT 'en', format('%s variant %s', :'prefix', sku), id FROM nv;
INSERT INTO product_variant_channels_channel ("productVariantId", "channelId") SELECT id, :channel_id FROM nv;
INSERT INTO product_variant_price ("currencyCode", "channelId", price, "variantId")
SELECT :'currency', :channel_id, 1000 + (id % 500), id FROM nv;

-- 4. stock at every location of the channel (unique index on ("productVariantId","stockLocationId"))
INSERT INTO stock_level ("productVariantId", "stockLocationId", "stockOnHand", "stockAllocated")
SELECT nv.id, c."stockLocationId", :stock, 0
FROM nv CROSS JOIN stock_location_channels_channel c WHERE c."channelId" = :channel_id;
COMMIT;
ANALYZE product, product_translation, product_variant, product_variant_translation, product_variant_price,
        product_channels_channel, product_variant_channels_channel, stock_level, stock_location;
SELECT (SELECT count(*) FROM stock_location) AS locations, (SELECT count(*) FROM product_variant) AS variants,
       (SELECT count(*) FROM stock_level) AS stock_levels;
