package main

import (
	"github.com/pulumi-jetemail/pulumi-jetemail/sdk/go/jetemail"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Program declares a forward-mode domain and one forward rule on the native JetEmail provider.
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	domain := cfg.Get("domain")
	if domain == "" {
		domain = "go.example.com"
	}
	destination := cfg.Get("salesDestination")
	if destination == "" {
		destination = "sales-team@example.net"
	}
	support, err := jetemail.NewInboundDomain(ctx, "support", &jetemail.InboundDomainArgs{
		Domain:       pulumi.String(domain),
		DeliveryType: pulumi.String("forward"),
	})
	if err != nil {
		return err
	}
	sales, err := jetemail.NewForwardRule(ctx, "sales", &jetemail.ForwardRuleArgs{
		DomainUuid:  support.ID(),
		Localpart:   pulumi.String("sales"),
		Destination: pulumi.String(destination),
	})
	if err != nil {
		return err
	}
	ctx.Export("domainUuid", support.ID())
	ctx.Export("dnsRecords", support.DnsRecords)
	ctx.Export("salesRule", sales.ID())
	return nil
}
