//go:build tools

// Package tools pins the Pulumi YAML language host (pulumi-language-yaml) that the
// real-engine tests use to run YAML programs; tools/get_pulumi.py builds it from the Go module
// proxy. Nothing built here is ever committed.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
