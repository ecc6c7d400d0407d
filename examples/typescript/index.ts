// A forward-mode domain and one forward rule, on the native JetEmail provider.
import * as pulumi from "@pulumi/pulumi";
import * as jetemail from "@pulumi-jetemail/jetemail";

const config = new pulumi.Config();

const support = new jetemail.InboundDomain("support", {
    domain: config.get("domain") ?? "ts.example.com",
    deliveryType: "forward",
});

const sales = new jetemail.ForwardRule("sales", {
    domainUuid: support.id,
    localpart: "sales",
    destination: config.get("salesDestination") ?? "sales-team@example.net",
});

export const domainUuid = support.id;
export const dnsRecords = support.dnsRecords;
export const salesRule = sales.id;
