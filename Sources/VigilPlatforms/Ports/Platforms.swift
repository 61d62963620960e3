/// The seven platforms Vigil's MCP servers wrap, as one bundle.
public struct Platforms: Sendable {
    public var siem: any SIEMPlatform
    public var identity: any IdentityPlatform
    public var cloud: any CloudPlatform
    public var ticketing: any TicketingPlatform
    public var collaboration: any CollaborationPlatform
    public var vulnerability: any VulnerabilityPlatform
    public var endpoint: any EndpointPlatform

    public init(
        siem: any SIEMPlatform, identity: any IdentityPlatform, cloud: any CloudPlatform,
        ticketing: any TicketingPlatform, collaboration: any CollaborationPlatform,
        vulnerability: any VulnerabilityPlatform, endpoint: any EndpointPlatform
    ) {
        self.siem = siem
        self.identity = identity
        self.cloud = cloud
        self.ticketing = ticketing
        self.collaboration = collaboration
        self.vulnerability = vulnerability
        self.endpoint = endpoint
    }
}
