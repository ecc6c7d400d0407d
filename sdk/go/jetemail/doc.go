// JetEmail inbound mail: domains, delivery modes, forward rules, DNS verification and lookups.
package jetemail
