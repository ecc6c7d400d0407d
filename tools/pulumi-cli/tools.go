//go:build tools

// Package tools pins the Pulumi CLI that the real-engine tests run. tools/get_pulumi.py builds
// it with `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi` in this module, from the Go
// module proxy; nothing built here is ever committed.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
