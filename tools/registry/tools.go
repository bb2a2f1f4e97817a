//go:build tools

// Package tools pins the build-time tools used by the kdocs integration
// environment. It is its own module so that their (large) dependency trees
// never enter the main kdocs module.
//
// Build the schema registry with:
//
//	cd tools/registry && go build -o ../../.cache/bin/schema-registry github.com/axonops/axonops-schema-registry/cmd/schema-registry
//
// (scripts/registry.sh does this on demand.)
package tools

import (
	_ "github.com/axonops/axonops-schema-registry/cmd/schema-registry"
)
