import Foundation
import Testing
import VigilCore
import VigilTesting

/// End-to-end tests of the `vigil` executable, run as a user runs it.
@Suite("vigil command line")
struct CommandLineTests {
    func run(
        _ arguments: [String], stdin: [UInt8]? = nil, in directory: URL? = nil
    ) async throws -> CommandRunner.Result {
        try await CommandRunner.vigil(arguments, stdin: stdin, in: directory)
    }

    /// A fresh directory holding `alerts.jsonl`, `count` lab alerts of seed 12, and the run that wrote them.
    func labAlertsFile(_ count: Int) async throws -> (URL, CommandRunner.Result) {
        let dir = try CommandRunner.temporaryDirectory()
        let alerts = try await run(["lab", "alerts", "--count", "\(count)", "--seed", "12"], in: dir)
        #expect(alerts.status == 0)
        try Data(alerts.stdoutBytes).write(to: dir.appendingPathComponent("alerts.jsonl"))
        return (dir, alerts)
    }

    @Test func printsItsVersionAndHelp() async throws {
        let version = try await run(["--version"])
        #expect(version.status == 0 && version.stdout == "vigil \(VigilVersion.current)\n")
        for command in [
            ["--help"], ["lab", "alerts", "--help"], ["lab", "show", "--help"], ["alerts", "validate", "--help"],
            ["init", "--help"], ["demo", "--help"],
        ] {
            let help = try await run(command)
            #expect(help.status == 0 && help.stdout.contains("USAGE"), "no help for \(command)")
        }
        #expect(try await run(["--help"]).stdout.contains("Exit codes"))
    }

    @Test func generatesReproducibleAlertsAndLabels() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let first = try await run(
            ["lab", "alerts", "--count", "60", "--seed", "11", "--labels", "labels.jsonl"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let labelsText = try String(contentsOf: dir.appendingPathComponent("labels.jsonl"), encoding: .utf8)
        let alertLines = first.stdout.split(separator: "\n")
        let labelLines = labelsText.split(separator: "\n")
        #expect(alertLines.count == 60 && labelLines.count == 60)
        let alertIDs = try alertLines.map { try #require(JSONParser.parse(String($0))["id"]?.stringValue) }
        let labelIDs = try labelLines.map { try #require(JSONParser.parse(String($0))["alert_id"]?.stringValue) }
        #expect(alertIDs == labelIDs)

        let second = try await run(
            ["lab", "alerts", "--count", "60", "--seed", "11", "--labels", "labels2.jsonl"], in: dir)
        #expect(second.stdoutBytes == first.stdoutBytes)
        #expect(try Data(contentsOf: dir.appendingPathComponent("labels2.jsonl")) == Data(labelsText.utf8))
        let other = try await run(["lab", "alerts", "--count", "60", "--seed", "12"])
        #expect(other.stdoutBytes != first.stdoutBytes)

        let validate = try await run(["alerts", "validate", "-"], stdin: first.stdoutBytes)
        #expect(validate.status == 0, "\(validate.stdout)")
        #expect(validate.stdout.contains("60 records, 60 valid, 0 invalid, 0 warnings (vigil.v1: 60)"))
    }

    @Test(arguments: [
        (["lab", "alerts", "--count=-5"], "--count -5 is outside"),
        (["lab", "alerts", "--benign-ratio", "1.5"], "--benign-ratio 1.5 is outside"),
        (["lab", "alerts", "--scenario", "nope"], "'nope' is not a lab scenario"),
        (["lab", "alerts", "--seed", "-1"], "seed"),
        (["lab", "show", "planets"], "planets"),
        (["--log-level", "loud", "demo"], "Unknown option '--log-level'"),
        (["demo", "--log-level", "loud"], "--log-level 'loud'"),
        (["triage", "-", "--untriaged", "/"], "--untriaged /: is a directory, expected a file name"),
        (
            ["triage", "-", "--untriaged", "/nonexistent-dir/left.jsonl"],
            "its directory /nonexistent-dir does not exist"
        ),
        (["triage", "-", "--untriaged", ""], "--untriaged is empty"),
        (["triage", "-", "--untriaged", "/etc/passwd"], "--untriaged /etc/passwd: already exists"),
    ])
    func rejectsBadUsage(arguments: [String], message: String) async throws {
        let result = try await run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func unwritableLabelsChangeNothing() async throws {
        let result = try await run(["lab", "alerts", "--count", "5", "--labels", "/nonexistent-dir/labels.jsonl"])
        #expect(result.status == 73)
        #expect(result.stderr.contains("/nonexistent-dir"))
        #expect(result.stdout.isEmpty)
    }

    @Test func labelsMustBeAFileName() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let result = try await run(["lab", "alerts", "--count", "5", "--labels", dir.path])
        #expect(result.status == 73 && result.stderr.contains("is a directory"))
        #expect(result.stdout.isEmpty)
    }

    @Test func writeFailuresAreErrorsNotSilence() async throws {
        for arguments in [["lab", "alerts", "--count", "300"], ["lab", "show", "users"], ["demo", "--count", "5"]] {
            let process = Process()
            process.executableURL = CommandRunner.vigilURL
            process.arguments = arguments
            process.currentDirectoryURL = try CommandRunner.temporaryDirectory()
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            let err = Pipe()
            process.standardError = err
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 73, "\(arguments) exited \(process.terminationStatus)")
            #expect(message.contains("cannot write to standard output"), "\(message)")
        }
    }

    @Test func interruptedRunsLeaveNoLabelsBehind() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let process = Process()
        process.executableURL = CommandRunner.vigilURL
        process.arguments = ["lab", "alerts", "--count", "5000000", "--labels", "labels.jsonl"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // Wait until the staged labels file exists, then interrupt. (Sleeping, not blocking: the test
        // pool has as few threads as the machine has cores.)
        var staged = false
        for _ in 0..<3000 where !staged && process.isRunning {
            staged = try FileManager.default.contentsOfDirectory(atPath: dir.path).contains {
                $0.hasPrefix(".labels.jsonl.tmp-")
            }
            if !staged { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(staged)
        process.terminate()
        // The signal must end the run at once, not when the five million alerts are written.
        for _ in 0..<3000 where process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("vigil lab alerts ignored SIGTERM")
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func validateReportsEachBadRecord() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let good = try await run(["lab", "alerts", "--count", "3", "--seed", "5"]).stdout.split(separator: "\n").map(
            String.init)
        let bad = good[1].replacingOccurrences(of: #""severity":"#, with: #""severity":"urgent","was":"#)
        let input = [good[0], bad, "{oops", good[2]].joined(separator: "\n")
        try input.write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)

        let result = try await run(["alerts", "validate", "in.jsonl"], in: dir)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error: line 2, field 'severity': 'urgent' is not a severity"))
        #expect(result.stdout.contains("error: line 3: invalid JSON at column 2"))
        #expect(result.stdout.contains("4 records, 2 valid, 2 invalid"))
        #expect(result.stderr.contains("2 invalid records in in.jsonl"))

        let json = try await run(["alerts", "validate", "--json", "--strict", "in.jsonl"], in: dir)
        #expect(json.status == 1)
        let report = try JSONParser.parse(json.stdout)
        #expect(report["invalid"] == 2 && report["accepted"] == 0 && report["strict"] == true)
        #expect(report["errors"]?[0]?["field"] == "severity")

        let missing = try await run(["alerts", "validate", "nope.jsonl"], in: dir)
        #expect(missing.status == 66 && missing.stderr.contains("nope.jsonl: no such file"))
        let directory = try await run(["alerts", "validate", dir.path])
        #expect(directory.status == 66 && directory.stderr.contains("is a directory"))
    }

    @Test func validateAcceptsOCSFAndPanther() async throws {
        for fixture in [
            "ocsf/detection-finding-aws.json", "ocsf/detection-findings-okta.jsonl", "panther/webhook-alert.json",
            "panther/api-alert-with-events.json",
        ] {
            let result = try await run(["alerts", "validate", Fixtures.url(fixture).path])
            #expect(result.status == 0, "\(fixture): \(result.stdout)")
        }
        let bad = try await run(["alerts", "validate", Fixtures.url("ocsf/detection-finding-bad.json").path])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("record 2, field 'finding_info'"))
        #expect(bad.stdout.contains("record 3, field 'severity_id'"))
    }

    @Test func initWritesAWorkingConfiguration() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let first = try await run(["init"], in: dir)
        #expect(first.status == 0)
        let text = try String(contentsOf: dir.appendingPathComponent("vigil.yaml"), encoding: .utf8)
        #expect(text.contains("enterprise_seed: 1") && text.contains("benign_ratio: 0.8"))
        let again = try await run(["init"], in: dir)
        #expect(again.status == 73 && again.stderr.contains("already exists"))
        #expect(try await run(["init", "--force"], in: dir).status == 0)
        // The written file is picked up from the working directory.
        let withConfig = try await run(["lab", "alerts", "--count", "2"], in: dir)
        #expect(withConfig.status == 0 && withConfig.stdout.split(separator: "\n").count == 2)

        // `init --force` repairs a broken file (it does not try to read it first).
        try "lab: [broken\n".write(to: dir.appendingPathComponent("vigil.yaml"), atomically: true, encoding: .utf8)
        #expect(try await run(["lab", "alerts", "--count", "1"], in: dir).status == 78)
        #expect(try await run(["init", "--force"], in: dir).status == 0)
        #expect(try await run(["lab", "alerts", "--count", "1"], in: dir).status == 0)

        try text.replacingOccurrences(of: "alert_seed: 7", with: "alert_seed: 99").write(
            to: dir.appendingPathComponent("seed99.yaml"), atomically: true, encoding: .utf8)
        let seeded = try await run(["lab", "alerts", "--config", "seed99.yaml", "--count", "3"], in: dir)
        let explicit = try await run(["lab", "alerts", "--count", "3", "--seed", "99"], in: dir)
        #expect(seeded.status == 0 && seeded.stdoutBytes == explicit.stdoutBytes)
    }

    /// An output path that is a symbolic link is refused, not followed (a link someone else made would choose which
    /// file is replaced) nor replaced; a FIFO (or device) is written to, never replaced by a regular file (`init
    /// --force --path /dev/full` used to replace the device node); `/dev/stderr` is written as it is open.
    @Test func outputsNeverFollowLinksNorReplaceSpecialFiles() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try "old\n".write(to: dir.appendingPathComponent("etc/real.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("vigil.yaml").path, withDestinationPath: "etc/real.yaml")
        #expect(try await run(["init"], in: dir).status == 73)
        let forced = try await run(["init", "--force"], in: dir)
        #expect(
            forced.status == 73 && forced.stderr.contains("is a symbolic link (to etc/real.yaml)"), "\(forced.stderr)")
        #expect(
            try FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("vigil.yaml").path)
                == "etc/real.yaml")
        #expect(try String(contentsOf: dir.appendingPathComponent("etc/real.yaml"), encoding: .utf8) == "old\n")
        #expect(try await run(["init", "--force", "--path", "etc/real.yaml"], in: dir).status == 0)

        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("labels.jsonl").path, withDestinationPath: "elsewhere.jsonl")
        let dangling = try await run(["lab", "alerts", "--count", "1", "--labels", "labels.jsonl"], in: dir)
        #expect(dangling.status == 73 && dangling.stderr.contains("is a symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("elsewhere.jsonl").path))

        // /dev/stderr appended to a file: the labels are added after what was there.
        let appended = try await CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            [
                "-c",
                "echo earlier > log.txt && '\(CommandRunner.vigilURL.path)' lab alerts --count 2 --labels /dev/stderr > /dev/null 2>> log.txt",
            ],
            in: dir)
        #expect(appended.status == 0, "\(appended.stderr)")
        let log = try String(contentsOf: dir.appendingPathComponent("log.txt"), encoding: .utf8)
        #expect(log.hasPrefix("earlier\n") && log.split(separator: "\n").count == 3, "\(log)")

        // A FIFO with a reader: the labels go through it, and it is still a FIFO afterwards.
        let shell = try await CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            [
                "-c",
                "mkfifo labels.fifo && { cat labels.fifo > copied.jsonl & reader=$!; } && '\(CommandRunner.vigilURL.path)' lab alerts --count 3 --labels labels.fifo > /dev/null && wait $reader && test -p labels.fifo",
            ], in: dir)
        #expect(shell.status == 0, "\(shell.stderr)")
        let copied = try String(contentsOf: dir.appendingPathComponent("copied.jsonl"), encoding: .utf8)
        #expect(copied.split(separator: "\n").count == 3)
        #expect(try await run(["init", "--path", "etc", "--force"], in: dir).status == 73)
    }

    @Test(arguments: [
        ("lab:\n  seeds: 3\n", "lab.seeds (line 2): unknown key"),
        ("lab:\n  benign_ratio: 2\n", "lab.benign_ratio (line 2): 2.0 is outside 0…1"),
        ("log_level: loud\n", "log_level (line 1): 'loud' is not one of"),
        ("intake:\n  strict: maybe\n", "intake.strict (line 2): expected true or false"),
        ("version: 2\n", "version (line 1): 2 is not supported"),
        ("lab: [1, 2]\n", "lab (line 1): expected a mapping"),
        ("lab:\n  enterprise_seed: -4\n", "expected a non-negative integer seed"),
        ("key: [unclosed\n", "not valid YAML"),
        (
            "version: 1\nlab:\n  benign_ratio: 0.5\nlab:\n  benign_ratio: 0.4\n",
            "duplicated key(s): 'lab'. (first at line 2, column 1)"
        ),
        ("agents:\n  max_tier: 9\n", "agents.max_tier (line 2): 9 is outside 1…3"),
        (
            "mcp:\n  servers:\n    - name: ti\n      command: [x]\n      token_env: T\n",
            "mcp.servers[0].token_env (line 5): only a url server takes a bearer token"
        ),
        ("mcp:\n  allow_write: [identity, payroll]\n", "mcp.allow_write (line 2): 'payroll' is not a server"),
        ("mcp:\n  allow_write: identity\n", "mcp.allow_write (line 2): expected a list of server names"),
        ("mcp:\n  lab_alerts: 0\n", "mcp.lab_alerts (line 2): 0 is outside 1…100000"),
        ("siem:\n  backend: splunk\n", "siem.backend (line 2): 'splunk' is not lab or store"),
        ("mcp:\n  servers:\n    - name: ti\n", "mcp.servers[0] (line 3): give exactly one of command (stdio) or url"),
        (
            "mcp:\n  servers:\n    - {name: ti, command: [x], url: 'http://h/mcp'}\n",
            "mcp.servers[0] (line 3): give exactly one of command",
        ),
        ("mcp:\n  servers:\n    - {name: identity, command: [x]}\n", "'identity' is one of Vigil's own servers"),
        ("mcp:\n  servers:\n    - {name: 'Threat Intel', command: [x]}\n", "name 'Threat Intel' must be 1–32 of a-z"),
        (
            "mcp:\n  servers:\n    - {name: ti, url: 'ftp://h'}\n",
            "mcp.servers[0].url (line 3): 'ftp://h' is not an http(s) URL"
        ),
        ("mcp:\n  servers:\n    - {name: ti, command: [x], token_env: T}\n", "only a url server takes a bearer token"),
        (
            "mcp:\n  servers:\n    - {name: ti, command: [x]}\n    - {name: ti, command: [y]}\n",
            "mcp.servers[1] (line 4): the name 'ti' is used twice",
        ),
        ("mcp:\n  servers:\n    - {name: ti, command: [x], port: 3}\n", "mcp.servers[0].port (line 3): unknown key"),
        ("guard:\n  intent_model: {threshold: 0.8}\n", "guard.intent_model (line 2): url is required"),
        ("guard:\n  drift:\n    threshold: 0\n", "guard.drift.threshold (line 3): 0.0 is outside 1…20"),
        ("guard:\n  drift:\n    threshold: nan\n", "guard.drift.threshold (line 3): nan is outside 1…20"),
        ("guard:\n  drift:\n    window: 5\n", "guard.drift.window (line 3): unknown key"),
        ("guard:\n  drift:\n    enabled: sometimes\n", "guard.drift.enabled (line 3): expected true or false"),
        (
            "guard:\n  drift:\n    baseline_days: 1\n    recent_minutes: 2000\n",
            "guard.drift (line 3): the baseline (1 days) must be longer than the recent window (2000 minutes)"
        ),
        (
            "guard:\n  rate_limits: {'server:vigil-cloud': {per_second: 1, burst: 1}}\n",
            "guard.rate_limits.server:vigil-cloud (line 2): no server is named vigil-cloud (did you mean server:cloud?)"
        ),
        (
            "guard:\n  rate_limits: {'vendor:okta': {per_second: 1, burst: 1}}\n",
            "guard.rate_limits.vendor:okta (line 2): no server takes tokens from vendor:okta; list the servers that call its API under guard.vendors.okta"
        ),
        (
            "guard:\n  vendors: {okta: [identity, okta-admin]}\n",
            "guard.vendors.okta[1] (line 2): no server is named okta-admin; the servers are siem, identity"
        ),
        ("guard:\n  vendors: {okta: identity}\n", "guard.vendors.okta (line 2): expected a list of the servers"),
        ("guard:\n  vendors: {okta: []}\n", "guard.vendors.okta (line 2): expected a list of the servers"),
        ("guard:\n  vendors: {Okta: [identity]}\n", "guard.vendors.Okta (line 2): a vendor's name is 1-32 of a-z"),
        (
            "guard:\n  vendors: {okta: [identity], azure: [cloud, identity]}\n",
            "guard.vendors.okta[0] (line 2): identity is listed under azure already; a server calls one vendor's API"
        ),
        (
            "guard:\n  vendors: {okta: [identity, identity]}\n",
            "guard.vendors.okta[1] (line 2): identity is listed twice"
        ),
        (
            "guard:\n  vendors:\n    okta:\n      - identity\n      - okta-admin\n",
            "guard.vendors.okta[1] (line 5): no server is named okta-admin"
        ),
        ("guard:\n  intent_model: {url: 'ftp://h'}\n", "guard.intent_model.url (line 2): 'ftp://h' is not an http"),
        (
            "guard:\n  intent_model: {url: 'http://h', labels: []}\n",
            "guard.intent_model.labels (line 2): expected a non-empty"
        ),
        (
            "guard:\n  intent_model: {url: 'http://h', threshold: 0}\n",
            "guard.intent_model.threshold (line 2): 0.0 is outside"
        ),
        (
            "guard:\n  intent_model: {url: 'http://h', batch_size: 0}\n",
            "guard.intent_model.batch_size (line 2): 0 is outside 1…1024"
        ),
        ("guard:\n  intent_model: {url: 'http://h', on_failure: ignore}\n", "'ignore' is not quarantine or pass"),
        ("guard:\n  intent_model: {url: 'http://h', model: x}\n", "guard.intent_model.model (line 2): unknown key"),
        (
            "guard:\n  intent_model: {url: 'http://h', scanner_weight: -0.5}\n",
            "guard.intent_model.scanner_weight (line 2): -0.5 is outside 0…100"
        ),
        (
            "guard:\n  intent_model: {url: 'http://h', scanner_weight: 1000}\n",
            "guard.intent_model.scanner_weight (line 2): 1000.0 is outside 0…100"
        ),
        (
            "guard:\n  intent_model: {url: 'http://h', scanner_floor: 0.7}\n",
            "guard.intent_model.scanner_floor (line 2): 0.7 is outside 0…0.5"
        ),
        (
            "guard:\n  intent_model: {url: 'http://h', scanner_floor: many}\n",
            "guard.intent_model.scanner_floor (line 2): expected a number"
        ),
        (
            "guard:\n  intent_model: {url: 'http://h', scanner_floor: 0.05}\n",
            "guard.intent_model.scanner_floor (line 2): applies only with scanner_weight above 0 (set both, or neither)"
        ),
        (
            "guard:\n  announce: {server: identity}\n",
            "guard.announce.server (line 2): identity cannot post messages; use a chat server of mcp.servers, collaboration (the lab's simulated chat), or \"\" to post nowhere"
        ),
        (
            "mcp:\n  servers: [{name: ti, command: [x]}]\nguard:\n  announce:\n    channel: '#sec'\n    server: slack\n",
            "guard.announce.server (line 6): slack cannot post messages; use a chat server of mcp.servers (ti)"
        ),
        (
            "guard:\n  announce:\n    channel: '#sec'\n    tool: chat_post\n",
            "guard.announce.tool (line 4): the lab's chat posts with post_message, not chat_post"
        ),
        (
            "guard:\n  announce: {channel_argument: channel_id}\n",
            "guard.announce.channel_argument (line 2): the lab's post_message takes channel and text"
        ),
        (
            "mcp:\n  servers: [{name: chat, command: [x]}]\nguard:\n  announce: {server: chat, text_argument: channel}\n",
            "guard.announce.text_argument (line 4): the channel and the text need two arguments, not channel for both"
        ),
        (
            "guard:\n  announce: {channel: '#soc approvals'}\n",
            "guard.announce.channel (line 2): expected a channel name or id"
        ),
        ("guard:\n  announce: {tool: ''}\n", "guard.announce.tool (line 2): expected a name of 1-64 characters"),
        ("guard:\n  announce: {timeout: 61}\n", "guard.announce.timeout (line 2): 61 is outside 1…60"),
        ("guard:\n  announce: {to: '#security'}\n", "guard.announce.to (line 2): unknown key"),
        ("guard:\n  approvers: {name: alice}\n", "guard.approvers (line 2): expected a list of approvers"),
        (
            "guard:\n  approvers:\n    - {name: alice}\n",
            "guard.approvers[0] (line 3): an approver needs a name and a token_sha256"
        ),
        (
            "guard:\n  approvers:\n    - {name: alice, token_sha256: abc}\n",
            "guard.approvers[0].token_sha256 (line 3): expected the token's SHA-256, 64 hex digits"
        ),
        (
            "guard:\n  approvers:\n    - {name: alice, token_sha256: \(String(repeating: "g", count: 64))}\n",
            "guard.approvers[0].token_sha256 (line 3): expected the token's SHA-256"
        ),
        (
            "guard:\n  approvers:\n    - {name: ' alice', token_sha256: \(String(repeating: "a", count: 64))}\n",
            "guard.approvers[0].name (line 3): expected a name without spaces around it"
        ),
        (
            "guard:\n  approvers:\n    - {name: \"al\\nice\", token_sha256: \(String(repeating: "a", count: 64))}\n",
            "guard.approvers[0].name (line 3): expected a name on one line"
        ),
        (
            "guard:\n  approvers:\n    - {name: alice, token: x, token_sha256: \(String(repeating: "a", count: 64))}\n",
            "guard.approvers[0].token (line 3): unknown key"
        ),
        (
            "guard:\n  approvers:\n    - {name: alice, token_sha256: \(String(repeating: "a", count: 64))}\n"
                + "    - {name: alice, token_sha256: \(String(repeating: "b", count: 64))}\n",
            "guard.approvers[1] (line 4): the name 'alice' is listed twice"
        ),
        (
            "guard:\n  approvers:\n    - {name: alice, token_sha256: \(String(repeating: "a", count: 64))}\n"
                + "    - {name: bob, token_sha256: \(String(repeating: "A", count: 64))}\n",
            "guard.approvers[1] (line 4): bob has the same token as alice; each approver needs a token of their own"
        ),
    ])
    func rejectsBadConfiguration(yaml: String, message: String) async throws {
        let dir = try CommandRunner.temporaryDirectory()
        try yaml.write(to: dir.appendingPathComponent("vigil.yaml"), atomically: true, encoding: .utf8)
        let result = try await run(["lab", "alerts", "--count", "1"], in: dir)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let missing = try await run(["demo", "--config", "absent.yaml"], in: dir)
        #expect(missing.status == 66 && missing.stderr.contains("absent.yaml does not exist"))
    }

    /// The logs go into the embedded SIEM (`vigil ingest`), and `vigil triage --data` investigates the
    /// detected alerts with the SIEM on that store: each alert gets its family's playbook (the pack's
    /// rule ids are mapped), a verdict, and claims that cite calls.
    func triageDetectedAlertsOverTheStore(_ detected: String, in dir: URL) async throws {
        try detected.write(to: dir.appendingPathComponent("detected.jsonl"), atomically: true, encoding: .utf8)
        let ingest = try await run(["ingest", "ct.json", "okta.jsonl", "--db", "events.db"], in: dir)
        // The planted bad line is reported and the rest is stored.
        #expect(ingest.status == 0 && ingest.stdout.contains(" 1 malformed"), "\(ingest.stdout) \(ingest.stderr)")
        let triage = try await run(
            [
                "triage", "detected.jsonl", "--data", "events.db", "--alerts", "detected.jsonl", "--playbooks",
                Self.repository.appendingPathComponent("playbooks").path,
            ], in: dir)
        #expect(triage.status == 0, "\(triage.stderr)")
        let verdicts = try triage.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(verdicts.count == detected.split(separator: "\n").count && !verdicts.isEmpty)
        let specific = verdicts.filter {
            !($0["summary"]?.stringValue ?? "").contains("Alert without a specific playbook")
        }
        #expect(specific.count * 2 > verdicts.count, "most detected alerts get their family's playbook")
        for verdict in verdicts {
            for claim in verdict["evidence"]?.arrayValue ?? [] {
                #expect(claim["tool_call_ids"]?.arrayValue?.isEmpty == false, "\(verdict)")
            }
        }
        #expect(verdicts.contains { ($0["evidence"]?.arrayValue ?? []).isEmpty == false })
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    @Test func detectsOnLabLogsWithTheRulePack() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let alerts = try await run(["lab", "alerts", "--count", "300", "--seed", "9", "--benign-ratio", "0"])
        // Write the raw events as a CloudTrail S3 delivery file and an Okta JSON Lines file, with one bad line.
        var cloudTrail: [String] = []
        var okta: [String] = ["{broken"]
        for line in alerts.stdout.split(separator: "\n") {
            let alert = try JSONParser.parse(String(line))
            for event in alert["events"]?.arrayValue ?? [] {
                switch alert["log_type"]?.stringValue {
                case "AWS.CloudTrail": cloudTrail.append(event.serialized())
                case "Okta.SystemLog": okta.append(event.serialized())
                default: break
                }
            }
        }
        try "{\"Records\":[\(cloudTrail.joined(separator: ","))]}".write(
            to: dir.appendingPathComponent("ct.json"), atomically: true, encoding: .utf8)
        try okta.joined(separator: "\n").write(
            to: dir.appendingPathComponent("okta.jsonl"), atomically: true, encoding: .utf8)

        let result = try await run(["detect", "ct.json", "okta.jsonl"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        try await triageDetectedAlertsOverTheStore(result.stdout, in: dir)
        #expect(result.stderr.contains("ct.json: \(cloudTrail.count) records (AWS.CloudTrail), 0 malformed"))
        #expect(result.stderr.contains("okta.jsonl:1: invalid JSON"))
        let decoded = AlertDecoder(strict: true).decode(result.stdout)
        #expect(decoded.errors.isEmpty && decoded.alerts.count > 20)
        #expect(
            decoded.alerts.allSatisfy {
                $0.alert.source == "vigil-siem" && !$0.alert.mitre.isEmpty && !$0.alert.events.isEmpty
            })
        let again = try await run(["detect", "okta.jsonl", "ct.json"], in: dir)
        #expect(again.stdoutBytes == result.stdoutBytes, "the same logs give the same alerts in any file order")

        let missing = try await run(["detect", "ct.json", "absent.json"], in: dir)
        #expect(missing.status == 66 && missing.stderr.contains("absent.json: no such file"))
        #expect(!missing.stdout.isEmpty, "the readable file was still processed")
        #expect(try await run(["detect", "ct.json", "--window", "soon"], in: dir).status == 64)
        let sigma = try await run(
            ["detect", "ct.json", "--rules", Fixtures.sharedData("sigma/rules/cloud/aws").path], in: dir)
        #expect(sigma.status == 0 && !sigma.stdout.isEmpty)
    }

    @Test func ingestsSearchesAndDetectsOverTheStore() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let alerts = try await run(["lab", "alerts", "--count", "200", "--seed", "4"])
        var lines: [String] = ["not json"]
        for line in alerts.stdout.split(separator: "\n") {
            let alert = try JSONParser.parse(String(line))
            if alert["log_type"] == "Okta.SystemLog" {
                lines += (alert["events"]?.arrayValue ?? []).map { $0.serialized() }
            }
        }
        try lines.joined(separator: "\n").write(
            to: dir.appendingPathComponent("okta.jsonl"), atomically: true, encoding: .utf8)

        let first = try await run(["ingest", "okta.jsonl", "--db", "events.db"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout.contains(
                "okta.jsonl: \(lines.count - 1) records (Okta.SystemLog), \(lines.count - 1) new, 0 already stored, 1 malformed"
            ))
        #expect(first.stderr.contains("okta.jsonl:1: invalid JSON"))
        let second = try await run(["ingest", "okta.jsonl", "--db", "events.db"], in: dir)
        #expect(second.stdout.contains("0 new, \(lines.count - 1) already stored"))

        let counts = try await run(["search", "--db", "events.db", "--count-by", "action"], in: dir)
        #expect(counts.status == 0 && counts.stdout.contains("user.session.start"))
        let page = try await run(
            ["search", "--db", "events.db", "--where", "action=user.session.start", "--limit", "2"], in: dir)
        let events = page.stdout.split(separator: "\n")
        #expect(events.count == 2 && page.stderr.contains("more: --cursor="))
        let cursor = try #require(
            page.stderr.split(separator: "\n").first { $0.hasPrefix("more: ") }.map { String($0.dropFirst(6)) })
        let nextPage = try await run(
            ["search", "--db", "events.db", "--where", "action=user.session.start", "--limit", "2", cursor], in: dir)
        #expect(nextPage.status == 0 && nextPage.stdout.split(separator: "\n").first != events.first)
        #expect(try JSONParser.parse(String(events[0]))["action"] == "user.session.start")
        let seen = try await run(
            ["search", "--db", "events.db", "--where", "actor=nobody@meridian.example", "--seen"], in: dir)
        #expect(seen.stdout.contains("\"count\":0"))

        let detect = try await run(["detect", "--db", "events.db"], in: dir)
        #expect(detect.status == 0 && !detect.stdout.isEmpty)
        #expect(AlertDecoder(strict: true).decode(detect.stdout).errors.isEmpty)

        let unknownField = try await run(["search", "--db", "events.db", "--where", "password=x"], in: dir)
        #expect(unknownField.status == 64 && unknownField.stderr.contains("not a searchable field (one of log_type"))
        #expect(try await run(["search", "--db", "events.db", "--count-by", "password"], in: dir).status == 64)
        #expect(try await run(["search", "--db", "events.db", "--where", "nonsense"], in: dir).status == 64)
        #expect(try await run(["search", "--db", "events.db", "--from", "yesterday"], in: dir).status == 64)
        for limits in [["--limit", "0"], ["--limit", "1001"], ["--count-by", "action", "--seen"]] {
            #expect(try await run(["search", "--db", "events.db"] + limits, in: dir).status == 64, "\(limits)")
        }
        let absent = try await run(["search", "--db", "absent.db"], in: dir)
        #expect(absent.status == 66 && absent.stderr.contains("no event store"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("absent.db").path))
        #expect(try await run(["ingest", "missing.jsonl", "--db", "events.db"], in: dir).status == 66)
        // No file readable: nothing is created. A gzip file cut short: what was read before the cut is stored and
        // counted, and the exit status says the file was not read in full.
        #expect(try await run(["ingest", "missing.jsonl", "--db", "none.db"], in: dir).status == 66)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.db").path))
        let cutLines = (0..<20_000).map {
            #"{"eventVersion":"1.08","eventID":"cut-\#($0)","eventTime":"2026-11-02T09:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers"}"#
        }.joined(separator: "\n")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c > whole.gz && head -c $(( $(wc -c < whole.gz) / 2 )) whole.gz > cut.jsonl.gz"]
        gzip.currentDirectoryURL = dir
        let input = Pipe()
        gzip.standardInput = input
        try gzip.run()
        input.fileHandleForWriting.write(Data(cutLines.utf8))
        try input.fileHandleForWriting.close()
        gzip.waitUntilExit()
        let cut = try await run(["ingest", "cut.jsonl.gz", "--db", "cut.db"], in: dir)
        #expect(cut.status == 66 && cut.stderr.contains("gzip data ends early"), "\(cut.stderr)")
        let stored = try #require(cut.stdout.split(separator: "\n").first { $0.hasPrefix("cut.jsonl.gz: ") })
        let count = try #require(Int(stored.split(separator: " ")[1]))
        #expect(count > 0 && count < 20_000 && cut.stdout.contains("\(count) records, \(count) new"), "\(cut.stdout)")
        let cutSeen = try await run(["search", "--db", "cut.db", "--seen"], in: dir)
        #expect(cutSeen.stdout.contains("\"count\":\(count)"), "\(cutSeen.stdout)")
        let bogus = try await run(["ingest", "okta.jsonl", "--db", "events.db", "--log-type", "bogus"], in: dir)
        #expect(bogus.status == 64 && bogus.stderr.contains("'bogus' is not one of"))
        #expect(try await run(["detect", "okta.jsonl", "--log-type", "okta"], in: dir).status == 0)
    }

    /// A log or an alert file given as a pipe (`<(zcat …)`, /dev/stdin, `-`) is read whole: the bytes read to
    /// tell gzip apart used to be sought back to, which a pipe cannot do, so its first record was lost.
    @Test func readsLogsAndAlertsFromPipes() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let alerts = try await run(["lab", "alerts", "--count", "120", "--seed", "9", "--benign-ratio", "0"])
        var cloudTrail: [String] = []
        for line in alerts.stdout.split(separator: "\n") {
            let alert = try JSONParser.parse(String(line))
            if alert["log_type"] == "AWS.CloudTrail" {
                cloudTrail += (alert["events"]?.arrayValue ?? []).map { $0.serialized() }
            }
        }
        let delivery = "{\"Records\":[\(cloudTrail.joined(separator: ","))]}"
        try delivery.write(to: dir.appendingPathComponent("ct.json"), atomically: true, encoding: .utf8)
        let fromFile = try await run(["detect", "ct.json"], in: dir)
        #expect(fromFile.status == 0 && !fromFile.stdout.isEmpty, "\(fromFile.stderr)")

        let fromPipe = try await run(["detect", "/dev/stdin"], stdin: Array(delivery.utf8), in: dir)
        #expect(fromPipe.status == 0, "\(fromPipe.stderr)")
        #expect(fromPipe.stderr.contains("/dev/stdin: \(cloudTrail.count) records (AWS.CloudTrail), 0 malformed"))
        #expect(fromPipe.stdoutBytes == fromFile.stdoutBytes)

        // gzip through standard input, named `-`.
        let gzip = try await CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "gzip -c ct.json > ct.json.gz"], in: dir)
        #expect(gzip.status == 0, "\(gzip.stderr)")
        let compressed = try Array(Data(contentsOf: dir.appendingPathComponent("ct.json.gz")))
        let gzipped = try await run(["detect", "-"], stdin: compressed, in: dir)
        #expect(gzipped.status == 0 && gzipped.stdoutBytes == fromFile.stdoutBytes, "\(gzipped.stderr)")
        let ingested = try await run(["ingest", "-", "--db", "events.db"], stdin: compressed, in: dir)
        #expect(ingested.status == 0, "\(ingested.stderr)")
        #expect(ingested.stdout.contains("-: \(cloudTrail.count) records (AWS.CloudTrail), \(cloudTrail.count) new"))
        // Standard input can be read once: a second reader would get nothing and report an empty input.
        for arguments in [
            ["ingest", "-", "-", "--db", "events.db"], ["detect", "-", "/dev/stdin"],
            ["ingest", "-", "--db", "events.db", "--config", "/dev/stdin"],
            ["alerts", "validate", "/dev/fd/0", "--config", "/dev/stdin"],
            ["eval", "--alerts", "-", "--labels", "/dev/stdin"],
        ] {
            let twice = try await run(arguments, stdin: compressed, in: dir)
            #expect(
                twice.status == 64 && twice.stderr.contains("all read standard input, which can be read only once"),
                "\(arguments): \(twice.stderr)")
        }
        // Standard input that cannot be read is named as such, and no store is created.
        for arguments in [["ingest", "-", "--db", "none.db"], ["alerts", "validate", "-"], ["detect", "-"]] {
            let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
            let shell = try await CommandRunner.run(
                URL(fileURLWithPath: "/bin/sh"), ["-c", "'\(CommandRunner.vigilURL.path)' \(quoted) < /"], in: dir)
            #expect(shell.status == 66, "\(arguments): \(shell.status) \(shell.stderr)")
            #expect(
                shell.stderr.contains("standard input is a directory") || shell.stderr.contains("Is a directory"),
                "\(arguments): \(shell.stderr)")
        }
        // Started with standard input closed: `-` is refused rather than read from whatever file takes descriptor 0.
        for arguments in [["ingest", "-", "--db", "none.db"], ["detect", "-"], ["triage", "-"], ["guard", "scan"]] {
            let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
            let shell = try await CommandRunner.run(
                URL(fileURLWithPath: "/bin/sh"), ["-c", "'\(CommandRunner.vigilURL.path)' \(quoted) <&-"], in: dir)
            #expect(
                shell.status == 66 && shell.stderr.contains("standard input is closed"),
                "\(arguments): \(shell.status) \(shell.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.db").path))
        // Over stdio, standard input is the MCP channel.
        let mcp = try await run(["mcp", "siem", "--data", "events.db", "--alerts", "-"], in: dir)
        #expect(mcp.status == 64 && mcp.stderr.contains("over stdio, standard input carries MCP"), "\(mcp.stderr)")
        // Started with standard output closed: the results cannot be delivered, and that is an error.
        let closedOutput = try await CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "'\(CommandRunner.vigilURL.path)' lab alerts --count 1 >&-"],
            in: dir)
        #expect(
            closedOutput.status == 73 && closedOutput.stderr.contains("standard output is closed"),
            "\(closedOutput.stderr)")
        // A configuration read through /dev/stdin has no directory: its paths stay relative to the working one.
        try "guard:\n  policy: mine.yaml\n".write(
            to: dir.appendingPathComponent("piped.yaml"), atomically: true, encoding: .utf8)
        let devConfig = try await CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "'\(CommandRunner.vigilURL.path)' guard policy --config /dev/stdin < piped.yaml"], in: dir)
        #expect(
            devConfig.status == 66 && devConfig.stderr.contains("vigil: error: mine.yaml: no policy file here"),
            "\(devConfig.stderr)")

        let validated = try await run(["alerts", "validate", "/dev/stdin"], stdin: Array(alerts.stdoutBytes), in: dir)
        #expect(validated.status == 0 && validated.stdout.contains("120 records, 120 valid"), "\(validated.stdout)")

        // The configuration too: read, so its error names the key.
        let piped = try await run(
            ["lab", "alerts", "--count", "1", "--config", "/dev/stdin"], stdin: Array("lab:\n  seeds: 3\n".utf8),
            in: dir)
        #expect(piped.status == 78 && piped.stderr.contains("lab.seeds (line 2): unknown key"), "\(piped.stderr)")
        try Data([0x6C, 0x61, 0x62, 0x3A, 0xFF, 0x0A]).write(to: dir.appendingPathComponent("latin1.yaml"))
        let notText = try await run(["lab", "alerts", "--count", "1", "--config", "latin1.yaml"], in: dir)
        #expect(
            notText.status == 66 && notText.stderr.contains("latin1.yaml: the configuration file is not UTF-8 text"))
        let directory = try await run(["lab", "alerts", "--count", "1", "--config", dir.path], in: dir)
        #expect(directory.status == 66 && directory.stderr.contains("is a directory, expected a configuration file"))
    }

    @Test func checksSigmaRules() async throws {
        let all = try await run(["rules", "check", Fixtures.sharedData("sigma/rules").path])
        #expect(all.status == 0, "\(all.stdout)")
        #expect(all.stdout.contains("78 rules loaded (AWS.CloudTrail: 57, Okta.SystemLog: 21), 0 not usable"))
        let dir = try CommandRunner.temporaryDirectory()
        try
            "title: Windows\nlogsource: {product: windows, category: process_creation}\ndetection:\n  s: {Image: x}\n  condition: s\n"
            .write(to: dir.appendingPathComponent("w.yml"), atomically: true, encoding: .utf8)
        let bad = try await run(["rules", "check", dir.path])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("w.yml (Windows): unsupported: log source 'windows/process_creation'"))
        let missing = try await run(["rules", "check", "/no/such/dir"])
        #expect(missing.status == 66)
        let file = try await run(["rules", "check", dir.appendingPathComponent("w.yml").path])
        #expect(file.status == 66 && file.stderr.contains("is a file, expected a directory of Sigma rules"))
    }

    @Test func browsesTheLab() async throws {
        let users = try await run(["lab", "show", "users", "--json"])
        #expect(users.status == 0)
        #expect(try JSONParser.parse(users.stdout).arrayValue?.count ?? 0 >= 150)
        let accounts = try await run(["lab", "show", "accounts"])
        #expect(accounts.stdout.contains("meridian-prod") && accounts.stdout.contains("meridian-security"))
        let filtered = try await run(["lab", "show", "scenarios", "--filter", "fatigue"])
        #expect(filtered.stdout.contains("mfa_fatigue") && !filtered.stdout.contains("terraform_apply"))
        for kind in [
            "summary", "departments", "offices", "devices", "roles", "automation", "assets", "cves", "tickets",
            "channels", "oncall", "baselines", "networks", "rules",
        ] {
            let result = try await run(["lab", "show", kind, "--limit", "3"])
            #expect(result.status == 0 && !result.stdout.isEmpty, "lab show \(kind)")
        }
    }

    /// The README's main command, from a directory with nothing in it: the SOC runs on the lab with the
    /// embedded playbooks, and what it decided can be looked at afterwards.
    @Test func demoRunsTheSOCOnTheEmbeddedDefaults() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let result = try await run(["demo"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Meridian Labs") && result.stdout.contains("40 alerts from the lab SIEM"))
        #expect(result.stdout.contains("Reasoner: offline-reasoner"), "\(result.stdout)")
        let totals = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("Malicious escalated:") })
        let numbers = totals.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 4 && numbers[0] == numbers[1] && numbers[1] > 0, "\(totals)")
        #expect(!result.stdout.contains("MALICIOUS ALERT CLOSED"))
        #expect(result.stdout.contains("A closed case:") && result.stdout.contains("An escalated case:"))

        let reportLine = try #require(
            result.stdout.split(separator: "\n").first { $0.contains("Full report: vigil report ") })
        let id = String(reportLine.split(separator: " ").last ?? "")
        let report = try await run(["report", id], in: dir)
        #expect(report.status == 0 && report.stdout.contains(id), "\(report.stderr)")
        #expect(try await run(["audit", "verify"], in: dir).status == 0)
        // The run's configuration and every verdict are audit records.
        let configuration = try await run(["audit", "export", "--kind", "configuration"], in: dir)
        let setup = try JSONParser.parse(configuration.stdout)
        #expect(setup["data"]?["config"]?["path"] == "built-in defaults", "\(configuration.stdout)")
        #expect(
            setup["data"]?["policy"]?["path"] == "embedded default" && setup["data"]?["reasoner"] == "offline-reasoner")
        let verdicts = try await run(["audit", "export", "--kind", "verdict"], in: dir)
        let audited = try verdicts.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(audited.count == 40 && audited.contains { $0["data"]?["alert_id"]?.stringValue == id })
        // The list as JSON Lines; a directory named as the store is named as such.
        let listed = try await run(["report", "--list", "--json"], in: dir)
        let rows = try listed.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(listed.status == 0 && rows.count == 40 && rows.contains { $0["alert_id"]?.stringValue == id })
        #expect(rows.allSatisfy { $0["disposition"]?.stringValue != nil && $0["summary"]?.stringValue != nil })
        let directory = try await run(["report", "--list", "--cases", dir.path], in: dir)
        #expect(directory.status == 66 && directory.stderr.contains("is a directory, expected a case store"))
    }

    /// `vigil eval` and `vigil demo` stop as `vigil triage` does: at SIGTERM the investigations under way finish,
    /// their cases are saved, the audit log is closed with a signed checkpoint, the figures of what was triaged are
    /// printed (eval leaves --output as it was: a part is no measurement of the whole, and its staged copy is not
    /// left behind), and the process ends by the signal itself, as a shell's loop needs to see it. A Python driver
    /// starts it, sends the signal once the audit log holds a few alerts' calls, and prints how it ended (a
    /// negative code: by that signal) and how many cases the store holds.
    @Test(arguments: ["eval", "demo"])
    func evalAndDemoStopGracefully(command: String) async throws {
        let dir = try CommandRunner.temporaryDirectory()
        var arguments = ["demo", "--count", "5000"]
        if command == "eval" {
            let alerts = try await run(
                ["lab", "alerts", "--count", "5000", "--seed", "12", "--labels", "labels.jsonl"], in: dir)
            #expect(alerts.status == 0)
            try Data(alerts.stdoutBytes).write(to: dir.appendingPathComponent("alerts.jsonl"))
            try Data("earlier results\n".utf8).write(to: dir.appendingPathComponent("vigil-eval.json"))
            arguments = [
                "eval", "--alerts", "alerts.jsonl", "--labels", "labels.jsonl", "--lab-alerts", "5000",
                "--lab-seed", "12", "--concurrency", "2",
            ]
        }
        let driver = """
            import signal, sqlite3, subprocess, sys, time
            p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=open("out.txt", "wb"), stderr=open("err.txt", "wb"))
            records = 0
            for _ in range(2400):
                time.sleep(0.05)
                try:
                    with open("vigil-audit.log", "rb") as log:
                        records = sum(1 for _ in log)
                except FileNotFoundError:
                    pass
                if records >= 60 or p.poll() is not None:
                    break
            p.send_signal(signal.SIGTERM)
            code = p.wait()
            cases = sqlite3.connect("vigil-cases.db").execute("SELECT count(*) FROM cases").fetchone()[0]
            print(records, code, cases)
            """
        let shell = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            ["300", "python3", "-c", driver, CommandRunner.vigilURL.path] + arguments, in: dir)
        let ended = shell.stdout.split(separator: " ").compactMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(ended.count == 3, "\(shell.stdout) \(shell.stderr)")
        guard ended.count == 3 else { return }
        #expect(ended[0] >= 60, "the run wrote \(ended[0]) audit records in two minutes")
        #expect(ended[1] == -Int(SIGTERM), "ended by the signal itself, not with a status: \(ended[1])")
        let out = try String(contentsOf: dir.appendingPathComponent("out.txt"), encoding: .utf8)
        let err = try String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)
        let stopped = try #require(
            err.firstMatch(
                of: /stopped by a signal after (\d+) (of 5000 )?alerts \(their cases saved, the audit log closed\)/),
            "\(err)")
        let triaged = try #require(Int(stopped.1))
        #expect(triaged > 0 && triaged < 5000, "\(triaged)")
        #expect(ended[2] == triaged, "every alert triaged has its case saved: \(ended[2]) cases, \(triaged) alerts")
        if command == "eval" {
            #expect(out.hasPrefix("Evaluation of \(triaged) alerts ("), "\(out)")
            #expect(err.contains("vigil-eval.json was left as it was"), "\(err)")
            let kept = try String(contentsOf: dir.appendingPathComponent("vigil-eval.json"), encoding: .utf8)
            #expect(kept == "earlier results\n")
        } else {
            #expect(out.contains(". \(triaged) alerts in ") && out.contains("Malicious escalated: "), "\(out)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty, "\(left)")
        let verified = try await run(["audit", "verify"], in: dir)
        #expect(
            verified.status == 0 && !verified.stderr.contains("not yet signed"), "\(verified.stdout) \(verified.stderr)"
        )
    }

    /// Ctrl-C or SIGTERM during a triage stops it between alerts: every verdict written is whole and has its case,
    /// and the audit log is closed with a signed checkpoint. Killed at once, it cut a line in half, lost the cases
    /// of the verdicts it had printed and left the log's last records unsigned. (SIGTERM here: a shell's background
    /// job ignores SIGINT, and so does vigil then.)
    @Test func anInterruptedTriageLosesNothing() async throws {
        let (dir, alerts) = try await labAlertsFile(5000)
        let script = """
            '\(CommandRunner.vigilURL.path)' triage alerts.jsonl --lab-alerts 5000 --lab-seed 12 > v.jsonl 2> err.txt &
            pid=$!
            while [ ! -s v.jsonl ]; do sleep 0.05; done
            kill -TERM $pid
            wait $pid
            echo $?
            """
        let shell = try await CommandRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: dir)
        #expect(
            shell.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "143", "\(shell.stdout) \(shell.stderr)")
        let stderr = try String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)
        #expect(stderr.contains("stopping after the investigations under way"), "\(stderr)")
        let verdicts = try String(contentsOf: dir.appendingPathComponent("v.jsonl"), encoding: .utf8)
        #expect(verdicts.hasSuffix("\n"))
        let ids = try verdicts.split(separator: "\n").map {
            try #require(JSONParser.parse(String($0))["alert_id"]?.stringValue)
        }
        #expect(!ids.isEmpty && ids.count < 5000, "\(ids.count)")
        for id in [ids.first!, ids.last!] {
            #expect(try await run(["report", id], in: dir).status == 0, "no case for \(id)")
        }
        // The verdicts are those of the file's first lines, and the message names the line to go on from.
        let lines = alerts.stdout.split(separator: "\n")
        let firstIDs = try lines.prefix(ids.count).map { try JSONParser.parse(String($0))["id"]?.stringValue }
        #expect(firstIDs == ids)
        #expect(
            stderr.contains(
                "the alerts from line \(ids.count + 1) of alerts.jsonl on were not triaged (to go on from there: tail -n +\(ids.count + 1) alerts.jsonl | vigil triage - …)"
            ), "\(stderr)")
        let verified = try await run(["audit", "verify"], in: dir)
        #expect(
            verified.status == 0 && !verified.stderr.contains("not yet signed"), "\(verified.stdout) \(verified.stderr)"
        )
    }

    /// A stop while alerts come down a pipe loses none that triage took from it: the alerts it read and did not
    /// triage (the rest of its last read, a line cut in two read to its end) are saved, as written, to a file it
    /// names, and triaging that file gives the verdicts the run did not. Verdicts and file together are the pipe's
    /// first alerts, in order, with nothing missing and nothing twice.
    @Test(arguments: [false, true])
    func aStoppedPipeKeepsWhatItReadAndDidNotTriage(array: Bool) async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let alerts = try await run(["lab", "alerts", "--count", "1000", "--seed", "12"], in: dir)
        #expect(alerts.status == 0)
        let source = alerts.stdout.split(separator: "\n").map(String.init)
        // The file of what was not triaged is never the case store (nor the audit log), even before it exists.
        let clash = try await run(
            ["triage", "-", "--cases", "fresh.db", "--untriaged", "./fresh.db"], stdin: Array(source[0].utf8), in: dir)
        #expect(
            clash.status == 64 && clash.stderr.contains("--untriaged ./fresh.db is the case store"), "\(clash.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("fresh.db").path))
        // The same alerts as JSON Lines, or as one JSON array (whose alerts not yet triaged are kept one a line).
        let input = array ? "[\n" + source.joined(separator: ",\n") + "\n]\n" : alerts.stdout
        try Data(input.utf8).write(to: dir.appendingPathComponent("alerts.in"))
        let script = """
            cat alerts.in | '\(CommandRunner.vigilURL.path)' triage - --lab-alerts 1000 --lab-seed 12 --concurrency 1 \\
                --untriaged left.jsonl > v.jsonl 2> err.txt &
            pid=$!
            while [ ! -s v.jsonl ]; do sleep 0.02; done
            kill -TERM $pid
            wait $pid
            echo $?
            """
        let shell = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/timeout"), ["120", "/bin/sh", "-c", script], in: dir)
        #expect(shell.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "143", "\(shell.stdout)")
        let stderr = try String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)
        let verdicts = try String(contentsOf: dir.appendingPathComponent("v.jsonl"), encoding: .utf8)
        let triaged = try verdicts.split(separator: "\n").map {
            try #require(JSONParser.parse(String($0))["alert_id"]?.stringValue)
        }
        #expect(!triaged.isEmpty && triaged.count < source.count, "\(triaged.count)")
        let sourceIDs = try source.map { try #require(JSONParser.parse($0)["id"]?.stringValue) }
        #expect(Array(sourceIDs.prefix(triaged.count)) == triaged)
        let leftURL = dir.appendingPathComponent("left.jsonl")
        guard FileManager.default.fileExists(atPath: leftURL.path) else {
            // Only if the stop fell where the last read ended on a line's end and every line of it was triaged.
            #expect(!array && stderr.contains("nothing it read was left untriaged"), "\(stderr)")
            return
        }
        let left = try String(contentsOf: leftURL, encoding: .utf8)
        #expect(left.hasSuffix("\n"), "a line cut in two by the last read is read to its end")
        let kept = left.split(separator: "\n").map(String.init)
        let keptIDs = try kept.map { try #require(JSONParser.parse($0)["id"]?.stringValue) }
        let next = triaged.count..<min(source.count, triaged.count + kept.count)
        #expect(!kept.isEmpty && keptIDs == Array(sourceIDs[next]))
        // JSON Lines are kept byte for byte; a document's alerts, all of the rest of it.
        #expect(array ? triaged.count + kept.count == source.count : kept == Array(source[next]))
        #expect(
            stderr.contains(
                "what it read and did not triage (\(kept.count) line\(kept.count == 1 ? "" : "s"), \(left.utf8.count) bytes) is saved in left.jsonl: vigil triage left.jsonl triages it"
            ), "\(stderr)")
        let again = try await run(["triage", "left.jsonl", "--lab-alerts", "1000", "--lab-seed", "12"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let rest = try again.stdout.split(separator: "\n").map {
            try #require(JSONParser.parse(String($0))["alert_id"]?.stringValue)
        }
        #expect(rest.count == kept.count && triaged + rest == Array(sourceIDs.prefix(triaged.count + rest.count)))
    }

    /// A run that fails (here the case store, held locked by another process past SQLite's busy timeout) stops the
    /// investigations under way; the alerts it read and did not finish, those included, are kept as at a stop, and
    /// the error says where. Verdicts and kept alerts together are the input's first alerts, in order.
    @Test func aFailedRunKeepsWhatItReadAndDidNotTriage() async throws {
        let (dir, alerts) = try await labAlertsFile(1000)
        let script = """
            cat alerts.jsonl | '\(CommandRunner.vigilURL.path)' triage - --lab-alerts 1000 --lab-seed 12 \\
                --untriaged left.jsonl > v.jsonl 2> err.txt &
            pid=$!
            while [ ! -s v.jsonl ]; do sleep 0.02; done
            python3 -c "import sqlite3, time; c = sqlite3.connect('vigil-cases.db', isolation_level=None); c.execute('BEGIN EXCLUSIVE'); time.sleep(20)" &
            lock=$!
            wait $pid
            echo $?
            kill $lock
            """
        let shell = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/timeout"), ["120", "/bin/sh", "-c", script], in: dir)
        let stderr = try String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)
        #expect(shell.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "73", "\(shell.stdout) \(stderr)")
        let source = alerts.stdout.split(separator: "\n").map(String.init)
        let sourceIDs = try source.map { try #require(JSONParser.parse($0)["id"]?.stringValue) }
        let verdicts = try String(contentsOf: dir.appendingPathComponent("v.jsonl"), encoding: .utf8)
        let triaged = try verdicts.split(separator: "\n").map {
            try #require(JSONParser.parse(String($0))["alert_id"]?.stringValue)
        }
        #expect(!triaged.isEmpty && triaged.count < source.count && Array(sourceIDs.prefix(triaged.count)) == triaged)
        let left = try String(contentsOf: dir.appendingPathComponent("left.jsonl"), encoding: .utf8)
        let kept = left.split(separator: "\n").map(String.init)
        #expect(!kept.isEmpty && kept == Array(source[triaged.count..<min(source.count, triaged.count + kept.count)]))
        #expect(
            stderr.contains(
                "(after \(triaged.count) verdicts; what it read and did not triage (\(kept.count) line\(kept.count == 1 ? "" : "s"), \(left.utf8.count) bytes) is saved in left.jsonl"
            ), "\(stderr)")
    }

    /// A live feed that goes quiet: the verdicts of the alerts already read leave at once, their cases are saved
    /// within a second, and a kill -9 then loses none of them.
    /// The start of the quiet-feed scripts: `vigil triage -` reading a FIFO held open, three alerts written to it,
    /// and a wait (up to a minute) for their three verdicts; `$pid` is triage's.
    static let quietFeed = """
        mkfifo feed
        : > v.jsonl
        '\(CommandRunner.vigilURL.path)' triage - --lab-alerts 50 --lab-seed 12 < feed > v.jsonl 2> err.txt &
        pid=$!
        exec 3> feed
        head -3 alerts.jsonl >&3
        i=0
        while [ "$(wc -l < v.jsonl)" -lt 3 ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
        """

    @Test func aQuietFeedHoldsNothingBackAndAKillLosesNothing() async throws {
        let (dir, _) = try await labAlertsFile(50)
        let script = """
            \(Self.quietFeed)
            wc -l < v.jsonl
            sleep 3
            kill -9 $pid
            wait $pid
            echo $?
            exec 3>&-
            """
        let shell = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/timeout"), ["120", "/bin/sh", "-c", script], in: dir)
        let lines = shell.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(
            lines == ["3", "137"],
            "three verdicts while the feed was open, then killed: \(shell.stdout) \(shell.stderr)")
        let verdicts = try String(contentsOf: dir.appendingPathComponent("v.jsonl"), encoding: .utf8)
        let ids = try verdicts.split(separator: "\n").map {
            try #require(JSONParser.parse(String($0))["alert_id"]?.stringValue)
        }
        #expect(ids.count == 3)
        for id in ids {
            let report = try await run(["report", id], in: dir)
            #expect(report.status == 0, "no case for \(id): \(report.stderr)")
        }
    }

    /// A signal, or the reader of the verdicts going away (seen at the next verdict written), stops triage of a
    /// quiet feed without waiting for its next line; a closed stdout is an error. (`timeout` ends a script that
    /// hangs, so a hang fails the test instead of holding CI.)
    @Test func aQuietFeedStopsAtASignalOrWhenNobodyReads() async throws {
        let (dir, alerts) = try await labAlertsFile(50)
        let vigil = CommandRunner.vigilURL.path
        let signal = """
            \(Self.quietFeed)
            kill -TERM $pid
            wait $pid
            echo $?
            exec 3>&-
            """
        let stopped = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/timeout"), ["120", "/bin/sh", "-c", signal], in: dir)
        #expect(
            stopped.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "143",
            "\(stopped.stdout) \(stopped.stderr)")
        let err = try String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)
        #expect(err.contains("stopped by a signal after 3 verdicts"), "\(err)")
        #expect(err.contains("nothing it read was left untriaged; the input after it was not read"), "\(err)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy {
                !$0.hasPrefix("vigil-untriaged-")
            })
        #expect(try await run(["audit", "verify"], in: dir).status == 0)

        let gone = """
            mkfifo feed2 out2
            head -c 10 < out2 > /dev/null &
            reader=$!
            '\(vigil)' triage feed2 --lab-alerts 50 --lab-seed 12 --cases gone.db > out2 2> err2.txt &
            pid=$!
            exec 3<> feed2
            head -3 alerts.jsonl >&3
            wait $reader
            sed -n 4,6p alerts.jsonl >&3
            wait $pid
            echo $?
            exec 3>&-
            """
        let ended = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/timeout"), ["120", "/bin/sh", "-c", gone], in: dir)
        #expect(ended.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(ended.stdout) \(ended.stderr)")
        let err2 = try String(contentsOf: dir.appendingPathComponent("err2.txt"), encoding: .utf8)
        #expect(!err2.contains("error"), "the reader going away is not an error: \(err2)")
        // Of the six alerts fed, those it read were triaged (their cases saved) or are in the file of those read and
        // not triaged, never both, and in order: the first three, fed before the reader went away, at least. Any it
        // did not read were never taken from the feed, and the note says input after what it read was not read.
        let keptFile = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.hasPrefix("vigil-untriaged-")
        }
        #expect(keptFile.count <= 1)
        let kept =
            try keptFile.first.map {
                try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8).split(separator: "\n").map {
                    try #require(JSONParser.parse(String($0))["id"]?.stringValue)
                }
            } ?? []
        #expect(err2.contains(keptFile.first ?? "nothing it read was left untriaged"), "\(err2)")
        var accounted: [Bool] = []
        for line in alerts.stdout.split(separator: "\n").prefix(6) {
            let id = try #require(JSONParser.parse(String(line))["id"]?.stringValue)
            let report = try await run(["report", id, "--cases", "gone.db"], in: dir)
            #expect(!(report.status == 0 && kept.contains(id)), "\(id): triaged and kept")
            accounted.append(report.status == 0 || kept.contains(id))
        }
        let unread = accounted.firstIndex(of: false) ?? accounted.count
        #expect(unread >= 3 && accounted[unread...].allSatisfy { !$0 }, "\(accounted)")
        if unread < accounted.count { #expect(err2.contains("the input after it was not read"), "\(err2)") }

        let closed = try await CommandRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "'\(vigil)' triage alerts.jsonl --lab-alerts 50 --lab-seed 12 --cases closed.db >&-; echo $?"],
            in: dir)
        #expect(closed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "73", "\(closed.stdout)")
        #expect(
            closed.stderr.contains("cannot write to standard output: standard output is closed"), "\(closed.stderr)")
    }

    /// A JSON array with a repeated alert: the repeat is named (it used to be dropped without a word) and skipped,
    /// and the alerts after it are triaged.
    @Test func aRepeatInAnArrayIsNamedAndSkipped() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let alerts = try await run(["lab", "alerts", "--count", "3"], in: dir)
        let lines = alerts.stdout.split(separator: "\n").map(String.init)
        let array = "[\n" + [lines[0], lines[0], lines[1], lines[2]].joined(separator: ",\n") + "\n]\n"
        let result = try await run(["triage", "-", "--lab-alerts", "3"], stdin: Array(array.utf8), in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 3)
        #expect(result.stderr.contains("duplicate of record 1"), "\(result.stderr)")
    }

    @Test func stopsQuietlyWhenTheReaderGoesAway() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "'\(CommandRunner.vigilURL.path)' lab alerts --count 200000 | head -n 3 | wc -l"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    }
}
