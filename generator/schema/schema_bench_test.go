// Benchmarks: parsing the realistic e-commerce schemas of the tests, once per subject version as
// the site does, and diffing two versions.
package schema

import "testing"

func BenchmarkParseAvro(b *testing.B) {
	text := testdata(b, "order_placed_v2.avsc")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(Avro, text, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseProtobuf(b *testing.B) {
	text, refs := testdata(b, "payment.proto"), paymentRefs(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(Protobuf, text, refs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSON(b *testing.B) {
	text, refs := testdata(b, "refund.json"), refundRefs(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(JSON, text, refs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDiffAvro(b *testing.B) {
	v1, err := Parse(Avro, testdata(b, "order_placed_v1.avsc"), nil)
	if err != nil {
		b.Fatal(err)
	}
	v3, err := Parse(Avro, testdata(b, "order_placed_v3.avsc"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Diff(v1, v3, "FULL_TRANSITIVE")
	}
}
