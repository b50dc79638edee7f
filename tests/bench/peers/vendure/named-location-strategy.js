// Allocate an order line's stock at ONE named StockLocation.
// The location name is carried by an OrderLine custom field `stockLocationName`
// (set in the Shop API: addItemToOrder(..., customFields: { stockLocationName: "Store 001" })).
// Falls back to the stock MultiChannelStockLocationStrategy when the field is empty.
'use strict';
const {
  MultiChannelStockLocationStrategy,
  TransactionalConnection,
  StockLevel,
  StockLocation,
} = require('@vendure/core');

class NamedLocationStockLocationStrategy extends MultiChannelStockLocationStrategy {
  async forAllocation(ctx, stockLocations, orderLine, quantity) {
    const name = orderLine.customFields && orderLine.customFields.stockLocationName;
    if (!name) return super.forAllocation(ctx, stockLocations, orderLine, quantity);
    const location = stockLocations.find(l => l.name === name);
    if (!location) throw new Error(`Unknown stock location "${name}"`);
    // Lock the stock_level row (SELECT ... FOR UPDATE) inside the addPaymentToOrder transaction.
    // Vendure 3.7.3 then does a read-modify-write UPDATE of stockAllocated in the same transaction;
    // holding the row lock serialises concurrent allocations so none is lost, and lets us refuse to oversell.
    const level = await this.connection.getRepository(ctx, StockLevel)
      .createQueryBuilder('sl')
      .setLock('pessimistic_write')
      .where('sl.productVariantId = :v AND sl.stockLocationId = :l', { v: orderLine.productVariantId, l: location.id })
      .getOne();
    const available = level ? level.stockOnHand - level.stockAllocated : 0;
    if (available < quantity) {
      throw new Error(`Insufficient stock at "${name}": ${available} available, ${quantity} requested`);
    }
    return [{ location, quantity }];
  }
  // forRelease / forSale / forCancellation are inherited from BaseStockLocationStrategy:
  // they follow the Allocation rows, so they hit the same location automatically.
}

// Optional: reject addItemToOrder / adjustOrderLine when the named location lacks stock.
// (Vendure's own saleable-stock check sums stock over every location of the channel.)
class NamedLocationStockInterceptor {
  init(injector) { this.connection = injector.get(TransactionalConnection); }
  async check(ctx, productVariantId, customFields, quantity) {
    const name = customFields && customFields.stockLocationName;
    if (!name) return;
    const loc = await this.connection.getRepository(ctx, StockLocation).findOne({ where: { name } });
    if (!loc) return `Unknown stock location "${name}"`;
    const sl = await this.connection.getRepository(ctx, StockLevel)
      .findOne({ where: { productVariantId, stockLocationId: loc.id } });
    const available = sl ? sl.stockOnHand - sl.stockAllocated : 0;
    if (available < quantity) return `Only ${available} left at "${name}"`;
  }
  willAddItemToOrder(ctx, order, input) {
    const existing = order.lines.find(l => l.productVariantId == input.productVariant.id &&
      (l.customFields || {}).stockLocationName === (input.customFields || {}).stockLocationName);
    const qty = input.quantity + (existing ? existing.quantity : 0);
    return this.check(ctx, input.productVariant.id, input.customFields, qty);
  }
  willAdjustOrderLine(ctx, order, input) {
    return this.check(ctx, input.orderLine.productVariantId,
      input.customFields || input.orderLine.customFields, input.quantity);
  }
}

module.exports = { NamedLocationStockLocationStrategy, NamedLocationStockInterceptor };
