/// The policy Vigil uses when `guard.policy` names no file that exists: the same text as the
/// repository's `policies/guard.yaml` (a test keeps them equal).
extension GuardPolicy {
    public static let defaultText = """
        # The Guard's policy: which agent tier may call which MCP tool, which calls are refused outright,
        # which wait for a human, and how many actions a window allows. Every decision names the rule that
        # made it (see docs/security.md). Tool patterns are SERVER.TOOL with * wildcards.
        version: 1

        # Deny by default: a tier may call only the tools listed under the tool's class. Listing a tool under
        # destructive lets the tier *ask*: destructive calls still wait for a human approval unless a rule
        # with decision allow names them. The lists name Vigil's seven servers: a third-party server's tools
        # (mcp.servers) are refused until a tier names them, whatever class they declare.
        tiers:
          tier1:
            read: [siem.*, identity.*, cloud.*, ticketing.*, collaboration.*, vulnerability.*, endpoint.*]
            write: [ticketing.add_comment, ticketing.create_ticket, collaboration.post_message, cloud.learn_ip_baseline]
            destructive: []
          tier2:
            read: [siem.*, identity.*, cloud.*, ticketing.*, collaboration.*, vulnerability.*, endpoint.*]
            write: [ticketing.*, collaboration.*, cloud.snapshot_volume]
            destructive: []
          tier3:
            read: [siem.*, identity.*, cloud.*, ticketing.*, collaboration.*, vulnerability.*, endpoint.*]
            write: [siem.*, identity.*, cloud.*, ticketing.*, collaboration.*, vulnerability.*, endpoint.*]
            destructive: [siem.*, identity.*, cloud.*, ticketing.*, collaboration.*, vulnerability.*, endpoint.*]

        # Classes beyond what each tool declares (a third-party tool declares its class in its MCP annotations;
        # unannotated, it is destructive).
        classes:
          cloud.snapshot_volume: write

        # Rules, in order. A deny wins over everything (an approval does not lift it); approve holds the
        # call for a human; allow lets a destructive call through without one.
        rules:
          - name: never-act-on-security-account
            description: Containment never touches the security account (meridian-security) or its principals.
            tools: ["cloud.*", "endpoint.*"]
            classes: [write, destructive]
            when:
              - argument: "*"
                contains: ["264705010919", "meridian-security"]
            decision: deny
          - name: never-act-in-security-account
            description: Nor on what lives in it when named without the account (a user, role, access key or instance).
            tools: ["cloud.*", "endpoint.*"]
            classes: [write, destructive]
            when:
              - argument: "*"
                in_account: ["264705010919"]
            decision: deny
          - name: executives-need-approval
            description: Actions on members of executives or okta-super-admins always need a human.
            tools: ["identity.*"]
            classes: [write, destructive]
            when:
              - argument: login
                member_of: [executives, okta-super-admins]
            decision: approve
          - name: break-glass-accounts-are-never-suspended
            description: The break-glass administrators keep access during an incident.
            tools: [identity.suspend_user, identity.reset_mfa]
            when:
              - argument: login
                member_of: [break-glass]
            decision: deny
          - name: messages-stay-in-security-channels
            description: Agents post only to the security team's channels, never company-wide or outside.
            tools: [collaboration.post_message]
            when:
              - argument: channel
                matches: ["#soc-*", "#security*", "#incident-*", "C05MGGFLON3", "C0VNEWVXXCN", "C0P2SFRVAGC"]
                not: true
            decision: deny

        # Action limits over a sliding window: overall, or per value of an argument.
        limits:
          - name: suspensions-per-hour
            tools: [identity.suspend_user]
            max: 3
            window: 1h
            decision: deny
          - name: same-user-once-a-day
            tools: [identity.suspend_user, identity.reset_mfa, identity.revoke_sessions]
            per: login
            max: 1
            window: 24h
            decision: approve
          - name: isolations-per-hour
            tools: [endpoint.isolate_device, cloud.isolate_instance]
            max: 5
            window: 1h
            decision: deny

        # Untrusted content: the alert itself (its text and raw events; its structured entities are trusted),
        # tool results an attacker can write into, and every third-party server's results (mcp.servers) unless
        # listed under trusted. A value first seen there may not fill the target of a write (the login to
        # suspend, the ticket to comment on) without approval.
        taint:
          untrusted:
            - alert
            - siem.*
            - ticketing.get_ticket
            - ticketing.search_tickets
            - collaboration.*
            - endpoint.recent_processes
            - endpoint.installed_software
            - vulnerability.*
        """

    /// The embedded default policy.
    public static let standard: GuardPolicy = {
        do {
            return try GuardPolicy.parse(yaml: defaultText)
        } catch {
            preconditionFailure("the embedded default policy does not parse: \(error)")
        }
    }()
}
