/// User-agent strings as the real clients send them.
enum UserAgents {
    static let chromeMac =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let chromeWindows =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let chromeLinux =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let safariIPhone =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    static let oktaVerifyIOS = "Okta Verify/9.28.0 (iPhone; iOS 18.1; Scale/3.00) DeviceSDK/2.5.0"
    static let oktaVerifyAndroid = "Okta Verify/9.27.1 (Android; 14; Scale/2.75) DeviceSDK/2.4.2"
    static let terraform =
        "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/iam#1.38.1"
    static let ciCLI =
        "aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#ecs.update-service"
    static let datadog = "aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) datadog-aws-integration"
    static let lambdaBoto3 =
        "Boto3/1.35.63 md/Botocore#1.35.63 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.35.63"
    static let awsCLIMac =
        "aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#s3.ls"
    static let console = "AWS Internal"
    static let consoleSignin =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    // What attackers' tooling tends to send.
    static let kaliCLI =
        "aws-cli/2.13.5 Python/3.11.4 Linux/6.3.0-kali1-amd64 exe/x86_64.kali.2023 prompt/off command/sts.get-caller-identity"
    static let pacu = "aws-cli/1.29.2 Python/3.10.12 Linux/5.15.0-76-generic botocore/1.31.2 Pacu"
    static let boto3Generic =
        "Boto3/1.28.40 md/Botocore#1.31.40 ua/2.0 os/linux#5.15.0-1041-azure md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.40"
    static let pythonRequests = "python-requests/2.31.0"
    static let curl = "curl/8.4.0"

    static func browser(for platform: Device.Platform) -> String {
        switch platform {
        case .mac: chromeMac
        case .windows: chromeWindows
        case .linux: chromeLinux
        }
    }
}
