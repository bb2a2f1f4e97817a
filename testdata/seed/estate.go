package main

// The Acme estate, as data. Everything the seed creates is derived from these
// tables; README.md lists the resulting facts (regenerate its tables with
// `go run ./testdata/seed -facts`).
//
// Determinism rules:
//   - record i of a topic (i = 0..Records-1) goes to partition i % Partitions,
//     so partition p holds Records/Partitions records, plus one when
//     p < Records%Partitions; offsets start at 0 and nothing is ever deleted;
//   - replicas of partition p of the topic at index t in topics are
//     brokers[(t+p)%3], brokers[(t+p+1)%3], ... (first one = preferred leader);
//   - a group commits, on partition p of each of its topics,
//     floor(recordsIn(p) * Num / Den), so lag = recordsIn(p) - that.

// brokers are the node ids of the test cluster (scripts/kafka.sh).
var brokers = []int32{1, 2, 3}

// ownedPrefixes: topics and subjects under these prefixes belong to the seed;
// ones that are not in the tables below are deleted.
var ownedPrefixes = []string{"orders.", "payments.", "inventory.", "com.acme."}

type topicSpec struct {
	Name       string
	Partitions int32
	RF         int16
	Configs    map[string]string // topic-level overrides; everything else is the broker default
	Records    int               // produced round-robin over the partitions
	Event      string            // event type, drives the generated key/value (see event in main.go)
	// Value, when set, writes the values in the Confluent wire format (magic 0, the 4-byte id the
	// registry gives Value's subject version, for Protobuf the message indexes, then the Avro or
	// Protobuf encoding of the event); otherwise they are plain JSON.
	Value *wireValue
	// TransactionalID, when set, writes the records in one committed transaction of a producer
	// with this transactional.id; otherwise the seed's idempotent producer writes them.
	TransactionalID string
}

// wireValue is the schema a topic's values are framed with.
type wireValue struct {
	Subject        string
	Version        int
	MessageIndexes []int // Protobuf: the path of the record's message in the schema file
}

const (
	day = 24 * 60 * 60 * 1000
)

var topics = []topicSpec{
	// orders
	{Name: "orders.order-placed.v1", Partitions: 6, RF: 3, Records: 120, Event: "OrderPlaced",
		Configs: map[string]string{"min.insync.replicas": "2", "retention.ms": ms(7 * day)}},
	{Name: "orders.order-shipped.v1", Partitions: 3, RF: 3, Records: 60, Event: "OrderShipped",
		Configs: map[string]string{"min.insync.replicas": "2"}},
	{Name: "orders.order-cancelled.v1", Partitions: 3, RF: 3, Records: 24, Event: "OrderCancelled",
		Configs: map[string]string{"retention.ms": ms(30 * day)},
		Value:   &wireValue{Subject: "orders.order-cancelled.v1-value", Version: 1}},
	{Name: "orders.order-returned.v1", Partitions: 2, RF: 1, Records: 10, Event: "OrderReturned"},
	{Name: "orders.order-status.v1", Partitions: 3, RF: 3, Records: 45, Event: "OrderStatusChanged",
		Configs: map[string]string{"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1"}},
	{Name: "orders.order-placed.v1.dlq", Partitions: 1, RF: 1, Records: 7, Event: "DeadLetter",
		Configs: map[string]string{"retention.ms": ms(14 * day)}},
	{Name: "orders.cart-events.v1", Partitions: 6, RF: 1, Records: 200, Event: "CartEvent",
		Configs: map[string]string{"retention.ms": ms(1 * day), "compression.type": "lz4"}},

	// payments
	{Name: "payments.payment-authorized.v1", Partitions: 6, RF: 3, Records: 150, Event: "PaymentAuthorized",
		Configs: map[string]string{"min.insync.replicas": "2", "max.message.bytes": "2097152"}},
	{Name: "payments.payment-captured.v1", Partitions: 6, RF: 3, Records: 90, Event: "PaymentCaptured",
		Configs: map[string]string{"min.insync.replicas": "2"}},
	{Name: "payments.payment-failed.v1", Partitions: 2, RF: 3, Records: 20, Event: "PaymentFailed"},
	{Name: "payments.refund-issued.v1", Partitions: 2, RF: 3, Records: 16, Event: "RefundIssued",
		Configs: map[string]string{"retention.ms": ms(365 * day)}},
	{Name: "payments.ledger-entries.v1", Partitions: 4, RF: 3, Records: 80, Event: "LedgerEntry",
		Configs:         map[string]string{"cleanup.policy": "compact", "min.insync.replicas": "2", "max.message.bytes": "524288"},
		Value:           &wireValue{Subject: "payments.ledger-entries.v1-value", Version: 1},
		TransactionalID: "acme-payments-settler"},
	{Name: "payments.fraud-scores.v1", Partitions: 3, RF: 1, Records: 60, Event: "FraudScore",
		Configs: map[string]string{"retention.ms": ms(3 * day), "compression.type": "zstd"}},
	{Name: "payments.payment-authorized.v1.dlq", Partitions: 1, RF: 1, Records: 5, Event: "DeadLetter"},

	// inventory
	{Name: "inventory.stock-level.v1", Partitions: 4, RF: 3, Records: 100, Event: "StockLevel",
		Configs: map[string]string{"cleanup.policy": "compact", "min.insync.replicas": "2"}},
	{Name: "inventory.stock-reserved.v1", Partitions: 3, RF: 3, Records: 75, Event: "StockReserved"},
	{Name: "inventory.stock-released.v1", Partitions: 3, RF: 3, Records: 30, Event: "StockReleased"},
	{Name: "inventory.warehouse-transfers.v1", Partitions: 2, RF: 1, Records: 14, Event: "WarehouseTransfer",
		Configs: map[string]string{"max.message.bytes": "5242880"},
		// [1, 0]: TransferEvents.TransferStarted, the first message nested in the file's second.
		Value: &wireValue{Subject: "inventory.warehouse-transfers.v1-value", Version: 1, MessageIndexes: []int{1, 0}}},
	{Name: "inventory.product-catalog.v1", Partitions: 1, RF: 3, Records: 40, Event: "Product",
		Configs: map[string]string{"cleanup.policy": "compact"}},
	{Name: "inventory.restock-requests.v1", Partitions: 1, RF: 1, Records: 11, Event: "RestockRequested",
		Configs: map[string]string{"retention.ms": ms(2 * day)}},
	{Name: "inventory.stock-audit.v1", Partitions: 2, RF: 3, Records: 0, Event: "StockAudit",
		Configs: map[string]string{"cleanup.policy": "compact,delete", "retention.ms": ms(7 * day)}},
}

type groupTopic struct {
	Topic    string
	Num, Den int // committed offset on partition p = recordsIn(p) * Num / Den
}

type groupSpec struct {
	Name   string
	Topics []groupTopic
}

var groups = []groupSpec{
	{Name: "order-fulfilment", Topics: []groupTopic{
		{"orders.order-placed.v1", 1, 2},
		{"orders.order-cancelled.v1", 3, 4},
	}},
	{Name: "payment-ledger", Topics: []groupTopic{
		{"payments.payment-authorized.v1", 2, 3},
		{"payments.payment-captured.v1", 1, 2},
		{"payments.refund-issued.v1", 1, 1},
	}},
	{Name: "inventory-sync", Topics: []groupTopic{
		{"inventory.stock-reserved.v1", 1, 3},
		{"inventory.stock-released.v1", 1, 2},
		{"orders.order-shipped.v1", 1, 2},
	}},
	{Name: "analytics-loader", Topics: []groupTopic{
		{"orders.order-placed.v1", 1, 4},
		{"payments.payment-captured.v1", 1, 4},
		{"inventory.stock-level.v1", 1, 2},
		{"orders.cart-events.v1", 9, 10},
	}},
}

type schemaRef struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

type subjectSpec struct {
	Subject       string
	Type          string      // AVRO, PROTOBUF or JSON
	Versions      []string    // schema text of version 1, 2, ...
	References    []schemaRef // used by every version
	Compatibility string      // per-subject override; "" = registry default (BACKWARD)
	RegisterUnder string      // compatibility set while registering, before Compatibility
	SoftDeleted   []int       // versions (1-based) soft-deleted after registration
	Topic, Role   string      // the topic and role (key/value) of a subject not named <topic>-<role>
	Strategy      string      // naming strategy site.yaml configures for Topic (RecordName, TopicRecordName)
}

// subjects are registered in this order (referenced subjects first).
var subjects = []subjectSpec{
	{Subject: "com.acme.common.Address", Type: "AVRO", Versions: []string{avroAddress}},
	{Subject: "orders.order-placed.v1-key", Type: "AVRO", Versions: []string{`"string"`}},
	{Subject: "orders.order-placed.v1-value", Type: "AVRO", Compatibility: "FULL",
		Versions: []string{avroOrderPlacedV1, avroOrderPlacedV2, avroOrderPlacedV3}},
	{Subject: "orders.order-shipped.v1-value", Type: "AVRO", Versions: []string{avroOrderShipped},
		References: []schemaRef{{Name: "com.acme.common.Address", Subject: "com.acme.common.Address", Version: 1}}},
	{Subject: "orders.order-cancelled.v1-value", Type: "AVRO", Versions: []string{avroOrderCancelled}},
	{Subject: "payments.payment-authorized.v1-value", Type: "PROTOBUF",
		Versions: []string{protoPaymentAuthorizedV1, protoPaymentAuthorizedV2}},
	{Subject: "payments.payment-captured.v1-value", Type: "PROTOBUF", Versions: []string{protoPaymentCaptured}},
	{Subject: "payments.refund-issued.v1-value", Type: "JSON", Versions: []string{jsonRefundIssued}},
	{Subject: "payments.ledger-entries.v1-value", Type: "AVRO", Versions: []string{avroLedgerEntry}},
	{Subject: "inventory.stock-level.v1-value", Type: "JSON", Versions: []string{jsonStockLevelV1, jsonStockLevelV2}},
	{Subject: "inventory.stock-reserved.v1-value", Type: "AVRO", Versions: []string{avroStockReserved}},
	{Subject: "inventory.product-catalog.v1-value", Type: "AVRO", Compatibility: "NONE", Versions: []string{avroProduct}},
	// Added after the first 12, so their ids (17…) do not shift the ones above.
	{Subject: "com.acme.orders.v1.OrderReturned", Type: "AVRO", Versions: []string{avroOrderReturned},
		Topic: "orders.order-returned.v1", Role: "value", Strategy: "RecordName"},
	{Subject: "com.acme.common.Money", Type: "PROTOBUF", Versions: []string{protoMoney}},
	{Subject: "payments.payment-failed.v1-com.acme.payments.v1.PaymentFailed", Type: "PROTOBUF",
		Versions:   []string{protoPaymentFailed},
		References: []schemaRef{{Name: "com/acme/common/money.proto", Subject: "com.acme.common.Money", Version: 1}},
		Topic:      "payments.payment-failed.v1", Role: "value", Strategy: "TopicRecordName"},
	// No topic inventory.stock-forecast.v1 exists: an orphan subject. Registered under NONE, v2
	// adds a field without a default, which the BACKWARD set afterwards marks as breaking; v2
	// is soft-deleted, and v3 adds a field with a default instead.
	{Subject: "inventory.stock-forecast.v1-value", Type: "AVRO", Compatibility: "BACKWARD", RegisterUnder: "NONE",
		Versions:    []string{avroStockForecastV1, avroStockForecastV2, avroStockForecastV3},
		SoftDeleted: []int{2}},
	// Added last, so the ids above stay 1…22: the value of inventory.warehouse-transfers.v1,
	// whose records name a nested message (message indexes [1, 0]).
	{Subject: "inventory.warehouse-transfers.v1-value", Type: "PROTOBUF", Versions: []string{protoWarehouseTransfer}},
}

// aclSpec is one ALLOW ACL for any host. The seed writes them only on a cluster with an
// authorizer (scripts/kafka.sh with KDOCS_KAFKA_AUTHORIZER=1); without one Kafka answers
// SECURITY_DISABLED and keeps no ACLs. The principals never connect: the ACLs say who is
// allowed to write and read, which is what kdocs shows of them.
type aclSpec struct {
	Principal string
	Operation string // WRITE or READ
	Resource  string // TOPIC, GROUP or TRANSACTIONAL_ID
	Name      string
	Prefixed  bool // PREFIXED pattern; LITERAL otherwise
}

// aclPrincipalPrefix: ACLs of principals under it belong to the seed; ones not listed are deleted.
const aclPrincipalPrefix = "User:acme-"

var acls = []aclSpec{
	{Principal: "User:acme-orders-service", Operation: "WRITE", Resource: "TOPIC", Name: "orders.", Prefixed: true},
	{Principal: "User:acme-orders-service", Operation: "READ", Resource: "TOPIC", Name: "payments.payment-authorized.v1"},
	{Principal: "User:acme-orders-service", Operation: "READ", Resource: "GROUP", Name: "order-fulfilment"},
	{Principal: "User:acme-payments-settler", Operation: "WRITE", Resource: "TOPIC", Name: "payments.ledger-entries.v1"},
	{Principal: "User:acme-payments-settler", Operation: "READ", Resource: "TOPIC", Name: "payments.", Prefixed: true},
	{Principal: "User:acme-payments-settler", Operation: "WRITE", Resource: "TRANSACTIONAL_ID", Name: "acme-payments-settler"},
}

const protoWarehouseTransfer = `syntax = "proto3";
package com.acme.inventory.v1;

// A warehouse of the Acme network.
message Warehouse {
  string code = 1;
}

// The events of a stock transfer between two warehouses.
message TransferEvents {
  // Stock left one warehouse for another.
  message TransferStarted {
    string transfer_id = 1;
    string sku = 2;
    Warehouse from = 3;
    Warehouse to = 4;
    int32 quantity = 5;
  }
}
`

const avroOrderReturned = `{
  "type": "record",
  "name": "OrderReturned",
  "namespace": "com.acme.orders.v1",
  "doc": "A customer sent items of an order back.",
  "fields": [
    {"name": "orderId", "type": "string"},
    {"name": "sku", "type": "string"},
    {"name": "quantity", "type": "int"},
    {"name": "reason", "type": {"type": "enum", "name": "ReturnReason",
      "symbols": ["DAMAGED", "WRONG_ITEM", "NOT_AS_DESCRIBED"]}}
  ]
}`

const protoMoney = `syntax = "proto3";
package com.acme.common;

// An amount of money in minor units of a currency.
message Money {
  int64 amount_minor = 1;
  string currency = 2;
}
`

const protoPaymentFailed = `syntax = "proto3";
package com.acme.payments.v1;

import "com/acme/common/money.proto";

// The acquirer declined a payment.
message PaymentFailed {
  string payment_id = 1;
  string order_id = 2;
  com.acme.common.Money amount = 3;
  // INSUFFICIENT_FUNDS, CARD_EXPIRED or DO_NOT_HONOR.
  string error_code = 4;
}
`

const avroStockForecastV1 = `{
  "type": "record",
  "name": "StockForecast",
  "namespace": "com.acme.inventory.v1",
  "fields": [
    {"name": "sku", "type": "string"},
    {"name": "warehouse", "type": "string"},
    {"name": "forecastQty", "type": "int"}
  ]
}`

const avroStockForecastV2 = `{
  "type": "record",
  "name": "StockForecast",
  "namespace": "com.acme.inventory.v1",
  "fields": [
    {"name": "sku", "type": "string"},
    {"name": "warehouse", "type": "string"},
    {"name": "forecastQty", "type": "int"},
    {"name": "horizonDays", "type": "int"}
  ]
}`

const avroStockForecastV3 = `{
  "type": "record",
  "name": "StockForecast",
  "namespace": "com.acme.inventory.v1",
  "fields": [
    {"name": "sku", "type": "string"},
    {"name": "warehouse", "type": "string"},
    {"name": "forecastQty", "type": "int"},
    {"name": "confidence", "type": "double", "default": 0.0, "doc": "0..1"}
  ]
}`

const avroAddress = `{
  "type": "record",
  "name": "Address",
  "namespace": "com.acme.common",
  "doc": "A postal address.",
  "fields": [
    {"name": "street", "type": "string"},
    {"name": "city", "type": "string"},
    {"name": "postalCode", "type": "string"},
    {"name": "country", "type": "string", "doc": "ISO 3166-1 alpha-2 code"}
  ]
}`

const avroOrderPlacedV1 = `{
  "type": "record",
  "name": "OrderPlaced",
  "namespace": "com.acme.orders.v1",
  "doc": "An order was placed by a customer.",
  "fields": [
    {"name": "orderId", "type": "string"},
    {"name": "customerId", "type": "string"},
    {"name": "amountMinor", "type": "long", "doc": "Total in minor units (cents)"},
    {"name": "currency", "type": "string"},
    {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
  ]
}`

const avroOrderPlacedV2 = `{
  "type": "record",
  "name": "OrderPlaced",
  "namespace": "com.acme.orders.v1",
  "doc": "An order was placed by a customer.",
  "fields": [
    {"name": "orderId", "type": "string"},
    {"name": "customerId", "type": "string"},
    {"name": "amountMinor", "type": "long", "doc": "Total in minor units (cents)"},
    {"name": "currency", "type": "string"},
    {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "couponCode", "type": ["null", "string"], "default": null}
  ]
}`

const avroOrderPlacedV3 = `{
  "type": "record",
  "name": "OrderPlaced",
  "namespace": "com.acme.orders.v1",
  "doc": "An order was placed by a customer.",
  "fields": [
    {"name": "orderId", "type": "string"},
    {"name": "customerId", "type": "string"},
    {"name": "amountMinor", "type": "long", "doc": "Total in minor units (cents)"},
    {"name": "currency", "type": "string"},
    {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "couponCode", "type": ["null", "string"], "default": null},
    {"name": "channel", "type": "string", "default": "web", "doc": "web, mobile or store"}
  ]
}`

const avroOrderShipped = `{
  "type": "record",
  "name": "OrderShipped",
  "namespace": "com.acme.orders.v1",
  "fields": [
    {"name": "orderId", "type": "string"},
    {"name": "carrier", "type": "string"},
    {"name": "trackingNumber", "type": "string"},
    {"name": "shippedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "shipTo", "type": "com.acme.common.Address"}
  ]
}`

const avroOrderCancelled = `{
  "type": "record",
  "name": "OrderCancelled",
  "namespace": "com.acme.orders.v1",
  "fields": [
    {"name": "orderId", "type": "string"},
    {"name": "reason", "type": {"type": "enum", "name": "CancelReason",
      "symbols": ["CUSTOMER_REQUEST", "PAYMENT_FAILED", "OUT_OF_STOCK", "FRAUD_SUSPECTED"]}},
    {"name": "cancelledAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
  ]
}`

const avroLedgerEntry = `{
  "type": "record",
  "name": "LedgerEntry",
  "namespace": "com.acme.payments.v1",
  "fields": [
    {"name": "accountId", "type": "string"},
    {"name": "entryId", "type": "string"},
    {"name": "direction", "type": {"type": "enum", "name": "Direction", "symbols": ["DEBIT", "CREDIT"]}},
    {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
    {"name": "currency", "type": "string"},
    {"name": "balanceAfter", "type": {"type": "bytes", "logicalType": "decimal", "precision": 14, "scale": 2}}
  ]
}`

const avroStockReserved = `{
  "type": "record",
  "name": "StockReserved",
  "namespace": "com.acme.inventory.v1",
  "fields": [
    {"name": "reservationId", "type": "string"},
    {"name": "orderId", "type": "string"},
    {"name": "sku", "type": "string"},
    {"name": "warehouse", "type": "string"},
    {"name": "quantity", "type": "int"}
  ]
}`

const avroProduct = `{
  "type": "record",
  "name": "Product",
  "namespace": "com.acme.inventory.v1",
  "fields": [
    {"name": "sku", "type": "string"},
    {"name": "name", "type": "string"},
    {"name": "category", "type": "string"},
    {"name": "priceMinor", "type": "long"},
    {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []}
  ]
}`

const protoPaymentAuthorizedV1 = `syntax = "proto3";
package com.acme.payments.v1;

// A card payment was authorized by the acquirer.
message PaymentAuthorized {
  string payment_id = 1;
  string order_id = 2;
  int64 amount_minor = 3;
  string currency = 4;
  string card_brand = 5;
  string authorized_at = 6;
}
`

const protoPaymentAuthorizedV2 = `syntax = "proto3";
package com.acme.payments.v1;

// A card payment was authorized by the acquirer.
message PaymentAuthorized {
  string payment_id = 1;
  string order_id = 2;
  int64 amount_minor = 3;
  string currency = 4;
  string card_brand = 5;
  string authorized_at = 6;
  string merchant_id = 7;
}
`

const protoPaymentCaptured = `syntax = "proto3";
package com.acme.payments.v1;

message PaymentCaptured {
  string payment_id = 1;
  string order_id = 2;
  int64 amount_minor = 3;
  string currency = 4;
  string captured_at = 5;
}
`

const jsonRefundIssued = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "RefundIssued",
  "type": "object",
  "properties": {
    "refundId": {"type": "string"},
    "paymentId": {"type": "string"},
    "orderId": {"type": "string"},
    "amountMinor": {"type": "integer", "minimum": 0},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "issuedAt": {"type": "string", "format": "date-time"}
  },
  "required": ["refundId", "paymentId", "orderId", "amountMinor", "currency", "issuedAt"],
  "additionalProperties": false
}`

const jsonStockLevelV1 = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "StockLevel",
  "type": "object",
  "properties": {
    "sku": {"type": "string"},
    "warehouse": {"type": "string"},
    "onHand": {"type": "integer"},
    "updatedAt": {"type": "string", "format": "date-time"}
  },
  "required": ["sku", "warehouse", "onHand", "updatedAt"],
  "additionalProperties": false
}`

const jsonStockLevelV2 = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "StockLevel",
  "type": "object",
  "properties": {
    "sku": {"type": "string"},
    "warehouse": {"type": "string"},
    "onHand": {"type": "integer"},
    "reserved": {"type": "integer"},
    "updatedAt": {"type": "string", "format": "date-time"}
  },
  "required": ["sku", "warehouse", "onHand", "updatedAt"],
  "additionalProperties": false
}`
