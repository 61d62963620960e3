import Testing
import VigilCore

@testable import VigilLab

@Suite("Lab enterprise")
struct EnterpriseTests {
    let e = Enterprise.generate()

    @Test func hasAnOrganisationOfAtLeast150People() throws {
        #expect(e.people.count >= 150)
        #expect(e.departments.count >= 8)
        #expect(Set(e.people.map(\.login)).count == e.people.count, "logins are unique")
        #expect(Set(e.people.map(\.id)).count == e.people.count)
        for person in e.people {
            #expect(person.login.hasSuffix("@meridian.example"))
            #expect(e.office(named: person.office) != nil)
            #expect(!person.mfaFactors.isEmpty, "\(person.login) has no MFA factor")
            #expect(!person.devices.isEmpty && person.devices.allSatisfy { e.device(id: $0)?.owner == person.login })
            #expect(person.workStartHour < person.workEndHour)
            #expect(person.homeNetwork.contains(person.homeIP))
            if let manager = person.manager {
                #expect(e.person(login: manager) != nil, "manager \(manager) of \(person.login) does not exist")
                #expect(manager != person.login)
            }
        }
        #expect(e.people.filter { $0.manager == nil }.count == 1, "exactly one person (the CEO) has no manager")
        #expect(e.people(inGroup: "executives").count >= 5)
        #expect(Set(e.people.map(\.homeNetwork.countryCode)).count >= 4)
    }

    @Test func hasAtLeastFourAWSAccountsWithIdentitiesAndResources() {
        #expect(e.accounts.count >= 4)
        for environment in [CloudAccount.Environment.production, .staging, .development, .security] {
            #expect(e.accounts.contains { $0.environment == environment })
        }
        for account in e.accounts {
            #expect(account.id.count == 12 && account.id.allSatisfy(\.isNumber))
            #expect(!account.roles.isEmpty && !account.resources.isEmpty && !account.regions.isEmpty)
            for role in account.roles {
                #expect(role.arn == "arn:aws:iam::\(account.id):role/\(role.name)")
                #expect(role.principalID.hasPrefix("AROA") && role.principalID.count == 21)
                #expect(!role.trustedBy.contains { $0.contains("{") }, "unresolved trust placeholder in \(role.name)")
            }
            for user in account.users {
                #expect(user.arn == "arn:aws:iam::\(account.id):user/\(user.name)")
                for key in user.accessKeys {
                    #expect(key.id.hasPrefix("AKIA") && key.id.count == 20)
                }
            }
        }
        #expect(Set(e.accounts.map(\.id)).count == e.accounts.count)
        #expect(e.accounts.flatMap(\.users).count >= 5)
    }

    @Test func hasAutomationPrincipals() {
        for kind in [AutomationPrincipal.Kind.terraform, .ciDeploy, .backup, .monitoring, .keyRotation] {
            #expect(e.automation.contains { $0.kind == kind }, "no \(kind) principal")
        }
        for principal in e.automation {
            #expect(
                e.accounts.contains {
                    $0.id == principal.accountID && $0.roles.contains { $0.arn == principal.roleARN }
                })
        }
    }

    @Test func hasEndpointsAssetsAndRealCVEs() throws {
        #expect(e.devices.filter { $0.kind == "server" }.count >= 20)
        #expect(e.devices.allSatisfy { !$0.software.isEmpty && $0.id.count == 32 })
        #expect(Set(e.devices.map(\.hostname)).count == e.devices.count)
        let open = e.assets.flatMap(\.vulnerabilities)
        #expect(open.count >= 10)
        for vulnerability in open {
            let cve = try #require(e.cve(vulnerability.cve), "\(vulnerability.cve) not in the catalog")
            #expect(cve.id.wholeMatch(of: /CVE-\d{4}-\d{4,7}/) != nil)
            #expect((0...10).contains(cve.cvss))
        }
        #expect(
            e.assets.contains {
                $0.internetFacing && $0.vulnerabilities.contains { e.cve($0.cve)?.severity == .critical }
            })
    }

    @Test func hasTicketsChatOnCallAndBaselines() {
        #expect(e.tickets.count >= 50)
        #expect(Set(e.tickets.map(\.key)).count == e.tickets.count)
        #expect(e.tickets.contains { $0.type == "Travel Notice" } && e.tickets.contains { $0.type == "Change" })
        #expect(e.channels.contains { $0.name == "soc-alerts" })
        #expect(e.onCall.count >= 3 && e.onCall.allSatisfy { !$0.members.isEmpty })
        #expect(
            e.onCall[0].onCall(at: e.epoch.adding(seconds: 604_800), epoch: e.epoch)
                == e.onCall[0].members[1 % e.onCall[0].members.count])
        for person in e.people {
            #expect(e.baselines.contains { $0.entity == "user:\(person.login)" })
        }
        for principal in e.automation {
            #expect(e.baselines.contains { $0.entity == "principal:\(principal.roleARN)" })
        }
    }

    @Test func geolocatesEveryLabAddress() {
        let person = e.people[0]
        #expect(e.network(for: person.homeIP) == person.homeNetwork)
        let network = LabCatalog.hostile[0]
        #expect(network.contains(network.address(12_345)))
        #expect(!network.contains("10.0.0.1"))
    }

    @Test func isDeterministic() {
        let again = Enterprise.generate()
        #expect(again.people == e.people && again.accounts == e.accounts && again.devices == e.devices)
        #expect(again.tickets == e.tickets && again.baselines == e.baselines)
        let other = Enterprise.generate(seed: 2)
        #expect(other.people.map(\.login) != e.people.map(\.login) || other.accounts.map(\.id) != e.accounts.map(\.id))
        #expect(other.people.count == e.people.count)
    }
}
