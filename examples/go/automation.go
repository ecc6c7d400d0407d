//go:build automation

// Built with -tags automation, this runs Program as an inline program through Pulumi's
// Automation API, one command a call:
//
//	go run -tags automation . up|preview|refresh|destroy [key=value ...]
//
// key=value pairs are set as stack config first (e.g. salesDestination=ops@example.net). The
// stack is PULUMI_STACK (default "dev") in PULUMI_WORK_DIR (default the current directory);
// the backend, the passphrase and JETEMAIL_API_KEY / JETEMAIL_API_URL come from the
// environment. The CLI's output streams to stderr; the last line on stdout is a JSON summary.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: automation up|preview|refresh|destroy [key=value ...]")
		os.Exit(2)
	}
	result, err := run(context.Background(), os.Args[1], os.Args[2:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	line, _ := json.Marshal(result)
	fmt.Println(string(line))
}

func getenv(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func run(ctx context.Context, command string, settings []string) (map[string]any, error) {
	wd, _ := os.Getwd()
	stack, err := auto.UpsertStackInlineSource(ctx, getenv("PULUMI_STACK", "dev"), "jetemail-go",
		Program, auto.WorkDir(getenv("PULUMI_WORK_DIR", wd)))
	if err != nil {
		return nil, err
	}
	for _, setting := range settings {
		key, value, _ := strings.Cut(setting, "=")
		if err := stack.SetConfig(ctx, key, auto.ConfigValue{Value: value}); err != nil {
			return nil, err
		}
	}
	switch command {
	case "up":
		r, err := stack.Up(ctx, optup.ErrorProgressStreams(os.Stderr), optup.ProgressStreams(os.Stderr))
		if err != nil {
			return nil, err
		}
		outputs := map[string]any{}
		for k, v := range r.Outputs {
			if v.Secret {
				outputs[k] = "[secret]"
			} else {
				outputs[k] = v.Value
			}
		}
		return map[string]any{"stdout": r.StdOut, "changes": r.Summary.ResourceChanges, "outputs": outputs}, nil
	case "preview":
		r, err := stack.Preview(ctx, optpreview.Diff(), optpreview.ProgressStreams(os.Stderr))
		if err != nil {
			return nil, err
		}
		return map[string]any{"stdout": r.StdOut, "changes": r.ChangeSummary}, nil
	case "refresh":
		r, err := stack.Refresh(ctx, optrefresh.ProgressStreams(os.Stderr))
		if err != nil {
			return nil, err
		}
		return map[string]any{"stdout": r.StdOut, "changes": r.Summary.ResourceChanges}, nil
	case "destroy":
		r, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		if err != nil {
			return nil, err
		}
		return map[string]any{"stdout": r.StdOut, "changes": r.Summary.ResourceChanges}, nil
	}
	return nil, fmt.Errorf("unknown command %s: up, preview, refresh or destroy", command)
}
