import VigilCore

/// The fixed reference data the lab draws from: names, networks, software, vulnerabilities.
///
/// Network prefixes are simulated (the lab's own geolocation table) but use the real operators' AS
/// numbers and names, so the data reads as an analyst would see it. CVE ids are real; scores are the
/// NVD CVSS v3 base scores.
enum LabCatalog {
    static let firstNames = [
        "Ana", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam", "Maya",
        "Noah", "Olivia", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe",
        "Aditi", "Bruno", "Carmen", "Daniel", "Emeka", "Fatima", "Gabriel", "Hannah", "Ivan", "Julia", "Kenji",
        "Leila", "Marco", "Nadia", "Oscar", "Priya", "Rafael", "Sofia", "Tomas", "Uma", "Viktor", "Wen", "Yara",
        "Aaron", "Beatriz", "Chen", "Diego", "Eva", "Felix", "Giulia", "Hugo", "Isla", "Jamal", "Katarzyna", "Lucas",
        "Mei", "Nikhil", "Orla", "Paul", "Rhea", "Sven", "Thandiwe", "Valentina", "Will", "Amara", "Bilal", "Clara",
        "Dev", "Emma", "Finn", "Ho-jin", "Ingrid", "Javier", "Kofi",
    ]

    static let lastNames = [
        "Silva", "Okafor", "Nguyen", "Petrov", "Garcia", "Haddad", "Kim", "Tanaka", "Moreau", "Becker", "Iyer",
        "O'Brien", "Cohen", "Williams", "Rossi", "Santos", "Murphy", "Fernandes", "Khan", "Singh", "Ahmed",
        "Novak", "Zhang", "Lopez", "Demir", "Anderson", "Sharma", "Costa", "Ruiz", "Schmidt", "Eze", "Rahman",
        "Dubois", "Fischer", "Ivanova", "Keller", "Sato", "Hassan", "Bianchi", "Kowalski", "Mendes", "Park",
        "Jensen", "Larsen", "Osei", "Patel", "Rivera", "Suzuki", "Tran", "Varga", "Wagner", "Yilmaz", "Chopra",
        "Ito", "Mensah", "Lindqvist", "Horvat", "Alvarez", "Brennan", "Castillo", "Dimitrov", "Eriksen", "Farah",
        "Gomez", "Hughes", "Ibrahim", "Johansson", "Kaur", "Lee", "Morales", "Nakamura", "Ortiz", "Popescu",
        "Quispe", "Reyes", "Svensson", "Takahashi", "Uddin", "Vogel", "Walsh",
    ]

    static func net(
        _ cidr: String, _ asn: Int, _ asOrg: String, _ isp: String, _ domain: String, _ kind: NetworkLocation.Kind,
        _ city: String, _ state: String?, _ country: String, _ cc: String, _ postal: String?, _ lat: Double,
        _ lon: Double
    ) -> NetworkLocation {
        NetworkLocation(
            cidr: cidr, asn: asn, asOrg: asOrg, isp: isp, domain: domain, kind: kind, city: city, state: state,
            country: country, countryCode: cc, postalCode: postal, latitude: lat, longitude: lon)
    }

    // Offices and corporate VPN egress.
    static let sfOffice = net(
        "203.0.113.0/26", 7018, "att-internet4", "AT&T Enterprises", "att.com", .office, "San Francisco", "California",
        "United States", "US", "94105", 37.7898, -122.3942)
    static let nyOffice = net(
        "203.0.113.64/26", 701, "uunet", "Verizon Business", "verizon.com", .office, "New York", "New York",
        "United States", "US", "10013", 40.7209, -74.0007)
    static let londonOffice = net(
        "198.51.100.0/26", 5413, "daisy communications ltd", "Daisy Communications", "daisyuk.com", .office, "London",
        "England", "United Kingdom", "GB", "EC2A", 51.5237, -0.0806)
    static let lisbonOffice = net(
        "198.51.100.64/26", 3243, "meo", "MEO - Servicos de Comunicacoes e Multimedia", "meo.pt", .office, "Lisbon",
        "Lisbon", "Portugal", "PT", "1200-109", 38.7104, -9.1434)
    static let berlinOffice = net(
        "198.51.100.128/26", 3320, "deutsche telekom ag", "Deutsche Telekom AG", "telekom.de", .office, "Berlin",
        "Land Berlin", "Germany", "DE", "10117", 52.5125, 13.3895)
    static let singaporeOffice = net(
        "192.0.2.0/26", 9506, "singtel fibre broadband", "Singtel Fibre Broadband", "singtel.com", .office, "Singapore",
        nil, "Singapore", "SG", "018989", 1.2789, 103.8536)
    static let vpnUS = net(
        "192.0.2.64/27", 16509, "amazon.com inc.", "Amazon.com", "amazonaws.com", .vpn, "Ashburn", "Virginia",
        "United States", "US", "20147", 39.0469, -77.4903)
    static let vpnEU = net(
        "192.0.2.96/27", 16509, "amazon.com inc.", "Amazon.com", "amazonaws.com", .vpn, "Frankfurt am Main", "Hesse",
        "Germany", "DE", "60313", 50.1109, 8.6821)
    static let vpnAPAC = net(
        "192.0.2.128/27", 16509, "amazon.com inc.", "Amazon.com", "amazonaws.com", .vpn, "Singapore", nil, "Singapore",
        "SG", "018956", 1.2868, 103.8545)

    // Home and mobile networks by office country.
    static let residential: [String: [NetworkLocation]] = [
        "US": [
            net(
                "73.162.0.0/16", 7922, "comcast cable communications, llc", "Comcast Cable", "comcast.net",
                .residential, "Oakland", "California", "United States", "US", "94610", 37.8116, -122.2409),
            net(
                "71.191.0.0/16", 701, "verizon fios", "Verizon Fios", "verizon.net", .residential, "Brooklyn",
                "New York", "United States", "US", "11215", 40.6681, -73.9806),
            net(
                "99.8.0.0/16", 7018, "att-internet4", "AT&T Internet", "sbcglobal.net", .residential, "San Jose",
                "California", "United States", "US", "95112", 37.3541, -121.8864),
            net(
                "172.56.0.0/16", 21928, "t-mobile usa, inc.", "T-Mobile USA", "tmodns.net", .mobile, "Jersey City",
                "New Jersey", "United States", "US", "07302", 40.7178, -74.0431),
        ],
        "GB": [
            net(
                "86.128.0.0/16", 2856, "british telecommunications plc", "BT", "btcentralplus.com", .residential,
                "London", "England", "United Kingdom", "GB", "SE1", 51.5033, -0.0896),
            net(
                "82.132.0.0/16", 5089, "virgin media limited", "Virgin Media", "virginm.net", .residential, "Croydon",
                "England", "United Kingdom", "GB", "CR0", 51.3762, -0.0982),
        ],
        "PT": [
            net(
                "85.243.0.0/16", 3243, "meo", "MEO", "telepac.pt", .residential, "Lisbon", "Lisbon", "Portugal", "PT",
                "1000-001", 38.7223, -9.1393),
            net(
                "89.152.0.0/16", 2860, "nos comunicacoes, s.a.", "NOS", "nos.pt", .residential, "Almada", "Setubal",
                "Portugal", "PT", "2800-001", 38.6790, -9.1569),
        ],
        "DE": [
            net(
                "91.64.0.0/16", 3209, "vodafone gmbh", "Vodafone Kabel Deutschland", "vodafone.de", .residential,
                "Berlin", "Land Berlin", "Germany", "DE", "10243", 52.5120, 13.4392),
            net(
                "79.192.0.0/16", 3320, "deutsche telekom ag", "Deutsche Telekom", "t-ipconnect.de", .residential,
                "Potsdam", "Brandenburg", "Germany", "DE", "14467", 52.3989, 13.0657),
        ],
        "SG": [
            net(
                "116.86.0.0/16", 9506, "singtel fibre broadband", "Singtel", "singnet.com.sg", .residential,
                "Singapore", nil, "Singapore", "SG", "238823", 1.3000, 103.8400),
            net(
                "182.55.0.0/16", 55430, "starhub ltd", "StarHub", "starhub.net.sg", .residential, "Singapore", nil,
                "Singapore", "SG", "529510", 1.3521, 103.9447),
        ],
    ]

    // Places people travel to for work (hotels, conferences, customer sites).
    static let travel: [NetworkLocation] = [
        net(
            "83.33.0.0/16", 3352, "telefonica de espana", "Telefonica de Espana", "rima-tde.net", .residential,
            "Madrid", "Madrid", "Spain", "ES", "28013", 40.4168, -3.7038),
        net(
            "145.53.0.0/16", 1136, "kpn b.v.", "KPN", "kpn.net", .residential, "Amsterdam", "North Holland",
            "Netherlands", "NL", "1012", 52.3731, 4.8922),
        net(
            "126.0.0.0/16", 17676, "softbank corp.", "SoftBank", "bbtec.net", .residential, "Tokyo", "Tokyo", "Japan",
            "JP", "100-0005", 35.6812, 139.7671),
        net(
            "177.34.0.0/16", 28573, "claro nxt telecomunicacoes ltda", "Claro Brasil", "virtua.com.br", .residential,
            "Sao Paulo", "Sao Paulo", "Brazil", "BR", "01310", -23.5613, -46.6565),
        net(
            "49.207.0.0/16", 24309, "atria convergence technologies", "ACT Fibernet", "actcorp.in", .residential,
            "Bengaluru", "Karnataka", "India", "IN", "560001", 12.9716, 77.5946),
        net(
            "1.128.0.0/16", 1221, "telstra limited", "Telstra", "telstra.net", .residential, "Sydney",
            "New South Wales", "Australia", "AU", "2000", -33.8688, 151.2093),
        net(
            "24.48.0.0/16", 5769, "videotron telecom ltee", "Videotron", "videotron.ca", .residential, "Montreal",
            "Quebec", "Canada", "CA", "H3B", 45.5019, -73.5674),
        net(
            "5.51.0.0/16", 15557, "societe francaise du radiotelephone", "SFR", "sfr.net", .residential, "Paris",
            "Ile-de-France", "France", "FR", "75002", 48.8675, 2.3436),
        net(
            "97.115.0.0/16", 209, "centurylink communications, llc", "CenturyLink", "qwest.net", .residential, "Denver",
            "Colorado", "United States", "US", "80202", 39.7508, -104.9966),
        net(
            "104.28.0.0/16", 13335, "cloudflare, inc.", "Cloudflare WARP", "cloudflare.com", .vpn, "Chicago",
            "Illinois", "United States", "US", "60602", 41.8832, -87.6324),
    ]

    // Networks attackers use: hosting, anonymising VPNs, Tor, and residential proxies abroad.
    static let hostile: [NetworkLocation] = [
        net(
            "159.223.0.0/16", 14061, "digitalocean, llc", "DigitalOcean", "digitalocean.com", .hosting, "North Bergen",
            "New Jersey", "United States", "US", "07047", 40.7930, -74.0247),
        net(
            "45.77.0.0/16", 20473, "the constant company, llc", "Vultr", "vultr.com", .hosting, "Piscataway",
            "New Jersey", "United States", "US", "08854", 40.5511, -74.4606),
        net(
            "89.38.96.0/20", 9009, "m247 europe srl", "M247", "m247.com", .hosting, "Bucharest", "Bucuresti", "Romania",
            "RO", "010011", 44.4268, 26.1025),
        net(
            "185.156.46.0/24", 60068, "datacamp limited", "Datacamp", "cdn77.com", .vpn, "Amsterdam", "North Holland",
            "Netherlands", "NL", "1101", 52.3105, 4.9470),
        net(
            "185.220.101.0/24", 208294, "stiftung erneuerbare freiheit", "Tor exit", "torproject.org", .tor, "Berlin",
            "Land Berlin", "Germany", "DE", "10115", 52.5320, 13.3849),
        net(
            "95.216.0.0/16", 24940, "hetzner online gmbh", "Hetzner", "hetzner.com", .hosting, "Helsinki", "Uusimaa",
            "Finland", "FI", "00100", 60.1699, 24.9384),
        net(
            "51.68.0.0/16", 16276, "ovh sas", "OVH", "ovh.net", .hosting, "Gravelines", "Hauts-de-France", "France",
            "FR", "59820", 50.9866, 2.1256),
        net(
            "95.24.0.0/16", 8402, "pjsc vimpelcom", "Beeline", "beeline.ru", .residential, "Moscow", "Moscow", "Russia",
            "RU", "101000", 55.7558, 37.6173),
        net(
            "105.112.0.0/16", 36873, "airtel networks limited", "Airtel Nigeria", "airtel.com.ng", .mobile, "Lagos",
            "Lagos", "Nigeria", "NG", "100001", 6.5244, 3.3792),
        net(
            "113.160.0.0/16", 45899, "vnpt corp", "VNPT", "vnpt.vn", .residential, "Hanoi", "Hanoi", "Vietnam", "VN",
            "100000", 21.0278, 105.8342),
        net(
            "47.88.0.0/16", 45102, "alibaba us technology co., ltd.", "Alibaba Cloud", "aliyun.com", .hosting,
            "Singapore", nil, "Singapore", "SG", "068898", 1.2800, 103.8500),
    ]

    // Cloud networks automation runs from.
    static let githubRunners = net(
        "20.102.0.0/16", 8075, "microsoft corporation", "Microsoft Azure (GitHub Actions)", "azure.com", .cloud,
        "Boydton", "Virginia", "United States", "US", "23917", 36.6676, -78.3875)
    static let ciNAT = net(
        "3.80.12.0/24", 16509, "amazon.com inc.", "Amazon.com", "amazonaws.com", .cloud, "Ashburn", "Virginia",
        "United States", "US", "20147", 39.0438, -77.4874)
    static let datadog = net(
        "3.233.144.0/20", 14618, "amazon-aes", "Amazon.com", "amazonaws.com", .cloud, "Ashburn", "Virginia",
        "United States", "US", "20149", 39.0469, -77.4903)

    static var allNetworks: [NetworkLocation] {
        [sfOffice, nyOffice, londonOffice, lisbonOffice, berlinOffice, singaporeOffice, vpnUS, vpnEU, vpnAPAC]
            + residential.keys.sorted().flatMap { residential[$0]! } + travel + hostile + [
                githubRunners, ciNAT, datadog,
            ]
    }

    static let cves: [CVERecord] = [
        CVERecord(
            id: "CVE-2021-44228", product: "Apache Log4j 2",
            summary: "Log4Shell: JNDI lookup in log messages allows remote code execution", cvss: 10.0,
            knownExploited: true),
        CVERecord(
            id: "CVE-2023-4966", product: "Citrix NetScaler ADC",
            summary: "Citrix Bleed: sensitive information disclosure leaking session tokens", cvss: 9.4,
            knownExploited: true),
        CVERecord(
            id: "CVE-2024-3400", product: "Palo Alto Networks PAN-OS",
            summary: "Command injection in GlobalProtect allows unauthenticated code execution", cvss: 10.0,
            knownExploited: true),
        CVERecord(
            id: "CVE-2023-34362", product: "Progress MOVEit Transfer",
            summary: "SQL injection allows unauthenticated access to the database", cvss: 9.8, knownExploited: true),
        CVERecord(
            id: "CVE-2022-22965", product: "Spring Framework",
            summary: "Spring4Shell: data binding on JDK 9+ allows remote code execution", cvss: 9.8,
            knownExploited: true),
        CVERecord(
            id: "CVE-2023-44487", product: "HTTP/2 implementations (nginx, Envoy, Go)",
            summary: "HTTP/2 Rapid Reset denial of service", cvss: 7.5, knownExploited: true),
        CVERecord(
            id: "CVE-2024-6387", product: "OpenSSH server",
            summary: "regreSSHion: signal handler race in sshd allows remote code execution as root", cvss: 8.1,
            knownExploited: false),
        CVERecord(
            id: "CVE-2023-38545", product: "curl / libcurl", summary: "Heap overflow in SOCKS5 proxy handshake",
            cvss: 9.8, knownExploited: false),
        CVERecord(
            id: "CVE-2022-0778", product: "OpenSSL", summary: "Infinite loop in BN_mod_sqrt when parsing certificates",
            cvss: 7.5, knownExploited: false),
        CVERecord(
            id: "CVE-2021-3156", product: "sudo",
            summary: "Baron Samedit: heap overflow allows local privilege escalation to root", cvss: 7.8,
            knownExploited: true),
        CVERecord(
            id: "CVE-2023-22515", product: "Atlassian Confluence Data Center",
            summary: "Broken access control allows creating administrator accounts", cvss: 10.0, knownExploited: true),
        CVERecord(
            id: "CVE-2024-21762", product: "Fortinet FortiOS SSL VPN",
            summary: "Out-of-bounds write allows unauthenticated remote code execution", cvss: 9.8, knownExploited: true
        ),
        CVERecord(
            id: "CVE-2023-46604", product: "Apache ActiveMQ",
            summary: "OpenWire deserialization allows remote code execution", cvss: 9.8, knownExploited: true),
        CVERecord(
            id: "CVE-2024-3094", product: "xz-utils / liblzma",
            summary: "Backdoor in release tarballs compromises sshd via liblzma", cvss: 10.0, knownExploited: false),
        CVERecord(
            id: "CVE-2022-42889", product: "Apache Commons Text",
            summary: "Text4Shell: string interpolation allows remote code execution", cvss: 9.8, knownExploited: false),
        CVERecord(
            id: "CVE-2021-41773", product: "Apache HTTP Server 2.4.49", summary: "Path traversal and file disclosure",
            cvss: 7.5, knownExploited: true),
        CVERecord(
            id: "CVE-2020-1472", product: "Microsoft Netlogon",
            summary: "Zerologon: privilege escalation to domain administrator", cvss: 10.0, knownExploited: true),
        CVERecord(
            id: "CVE-2023-23397", product: "Microsoft Outlook",
            summary: "Elevation of privilege via NTLM relay from a crafted reminder", cvss: 9.8, knownExploited: true),
        CVERecord(
            id: "CVE-2024-23897", product: "Jenkins", summary: "Arbitrary file read through the CLI argument parser",
            cvss: 9.8, knownExploited: true),
        CVERecord(
            id: "CVE-2023-42793", product: "JetBrains TeamCity",
            summary: "Authentication bypass allows remote code execution", cvss: 9.8, knownExploited: true),
        CVERecord(
            id: "CVE-2022-0847", product: "Linux kernel",
            summary: "Dirty Pipe: overwriting read-only files allows privilege escalation", cvss: 7.8,
            knownExploited: true),
        CVERecord(
            id: "CVE-2024-1086", product: "Linux kernel nf_tables",
            summary: "Use-after-free allows local privilege escalation", cvss: 7.8, knownExploited: true),
        CVERecord(
            id: "CVE-2023-4863", product: "libwebp (Chrome, Electron apps)", summary: "Heap overflow in WebP decoding",
            cvss: 8.8, knownExploited: true),
        CVERecord(
            id: "CVE-2024-4577", product: "PHP-CGI on Windows",
            summary: "Argument injection allows remote code execution", cvss: 9.8, knownExploited: true),
        CVERecord(
            id: "CVE-2023-48795", product: "SSH protocol (Terrapin)",
            summary: "Prefix truncation weakens SSH channel integrity", cvss: 5.9, knownExploited: false),
        CVERecord(
            id: "CVE-2023-5678", product: "OpenSSL", summary: "Excessive time in DH key generation and checks",
            cvss: 5.3, knownExploited: false),
    ]

    static let macSoftware: [Software] = [
        Software(name: "Google Chrome", vendor: "Google", version: "131.0.6778.86"),
        Software(name: "Slack", vendor: "Slack Technologies", version: "4.41.105"),
        Software(name: "Zoom", vendor: "Zoom Video Communications", version: "6.2.11"),
        Software(name: "1Password", vendor: "AgileBits", version: "8.10.54"),
        Software(name: "Okta Verify", vendor: "Okta", version: "9.28.0"),
        Software(name: "Falcon Sensor", vendor: "CrowdStrike", version: "7.19.18003"),
        Software(name: "Microsoft Office", vendor: "Microsoft", version: "16.91"),
    ]
    static let engineeringSoftware: [Software] = [
        Software(name: "Docker Desktop", vendor: "Docker", version: "4.36.0"),
        Software(name: "Visual Studio Code", vendor: "Microsoft", version: "1.95.3"),
        Software(name: "AWS CLI", vendor: "Amazon", version: "2.22.4"),
        Software(name: "Terraform", vendor: "HashiCorp", version: "1.9.8"),
        Software(name: "iTerm2", vendor: "George Nachman", version: "3.5.10"),
        Software(name: "kubectl", vendor: "Kubernetes", version: "1.31.3"),
    ]
    static let windowsSoftware: [Software] = [
        Software(name: "Google Chrome", vendor: "Google", version: "131.0.6778.86"),
        Software(name: "Microsoft 365 Apps", vendor: "Microsoft", version: "16.0.18129.20116"),
        Software(name: "Microsoft Teams", vendor: "Microsoft", version: "24295.605.3225.8804"),
        Software(name: "Slack", vendor: "Slack Technologies", version: "4.41.105"),
        Software(name: "Zoom", vendor: "Zoom Video Communications", version: "6.2.11"),
        Software(name: "Okta Verify", vendor: "Okta", version: "5.2.1"),
        Software(name: "Falcon Sensor", vendor: "CrowdStrike", version: "7.19.18003"),
        Software(name: "Microsoft Intune Management Extension", vendor: "Microsoft", version: "1.83.107.0"),
        Software(name: "Adobe Acrobat Reader", vendor: "Adobe", version: "24.004.20272"),
    ]
    static let serverSoftware: [Software] = [
        Software(name: "openssh-server", vendor: "OpenBSD", version: "9.6p1"),
        Software(name: "nginx", vendor: "F5", version: "1.24.0"),
        Software(name: "openssl", vendor: "OpenSSL", version: "3.0.13"),
        Software(name: "falcon-sensor", vendor: "CrowdStrike", version: "7.18.17106"),
        Software(name: "datadog-agent", vendor: "Datadog", version: "7.59.0"),
    ]

    static let awsRegions = [
        "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1",
        "sa-east-1", "ap-south-1", "ca-central-1", "ap-southeast-3", "me-south-1", "af-south-1",
    ]
}
