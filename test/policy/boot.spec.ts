import * as assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { findInstalls } from "../../policy/model/boot";
import { CANDIDATE } from "../../policy/model/script/commands";
import { table } from "./support";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("boot-install-forbid", () => {
    table("boot-install-forbid", [
        {
            it: "rejects apt-get install in an instance's user data",
            type: "aws:ec2/instance:Instance",
            inputs: { ami: "ami-1", userData: "#!/bin/bash\napt-get update\napt-get install -y nginx\n" },
            expect: ["userData runs a package install (apt-get install -y nginx)"],
        },
        {
            it: "rejects yum install in base64 user data of a launch template",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            inputs: { imageId: "ami-1", userData: b64("#!/bin/sh\nyum install -y httpd\n") },
            expect: ["yum install -y httpd"],
        },
        {
            it: "rejects dnf in userDataBase64 on an instance",
            type: "aws:ec2/instance:Instance",
            inputs: { ami: "ami-1", userDataBase64: b64("dnf -y install git") },
            expect: ["userDataBase64 runs"],
        },
        {
            it: "rejects curl | sh in a GCP startup script",
            type: "gcp:compute/instance:Instance",
            inputs: { metadataStartupScript: "curl -fsSL https://get.example.com | sudo bash" },
            expect: ["metadataStartupScript runs a remote script"],
        },
        {
            it: "rejects wget | bash in startup-script metadata of a template",
            type: "gcp:compute/instanceTemplate:InstanceTemplate",
            inputs: { metadata: { "startup-script": "wget -qO- https://x.sh | bash" } },
            expect: ["metadata.startup-script runs a remote script"],
        },
        {
            it: "rejects pip install in a regional template's user-data (cloud-init)",
            type: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
            inputs: { metadata: { "user-data": "#cloud-config\nruncmd:\n  - pip3 install flask\n" } },
            expect: ["pip3 install flask"],
        },
        {
            it: "rejects cloud-config packages: in Azure customData (base64)",
            type: "azure-native:compute:VirtualMachine",
            inputs: { osProfile: { customData: b64("#cloud-config\npackages:\n  - nginx\n") } },
            expect: ["osProfile.customData runs a package install (packages: nginx)"],
        },
        {
            it: "rejects npm install in a scale set's userData",
            type: "azure-native:compute:VirtualMachineScaleSet",
            inputs: { virtualMachineProfile: { userData: b64("cd /app && npm install") } },
            expect: ["virtualMachineProfile.userData"],
        },
        {
            it: "rejects apk add and zypper in one script, naming both",
            type: "aws:ec2/instance:Instance",
            inputs: { userData: "apk add curl\nzypper -n in vim" },
            expect: ["apk add curl"],
        },
        {
            it: "accepts a boot script that only reads config and starts the service",
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            inputs: {
                imageId: "ami-1",
                userData: b64("#!/bin/sh\necho ENV=prod >> /etc/app.env\nsystemctl start app\n"),
            },
            expect: [],
        },
        {
            it: "accepts cloud-config with package_update: false",
            type: "azure-native:compute:VirtualMachine",
            inputs: {
                osProfile: {
                    customData: b64("#cloud-config\npackage_update: false\nruncmd:\n  - systemctl start app\n"),
                },
            },
            expect: [],
        },
        {
            it: "accepts a resource without boot scripts",
            type: "gcp:compute/instance:Instance",
            inputs: { metadata: { "enable-oslogin": "TRUE" } },
            expect: [],
        },
    ]);

    const installs: Array<[string, string | undefined]> = [
        ["apt install -y jq", "package install"],
        ["sudo apt-get -q -y install jq", "package install"],
        ["yum update -y", "package install"],
        ["microdnf install tar", "package install"],
        ["python3 -m pip install requests", "language package install"],
        ["gem install bundler", "language package install"],
        ["<powershell>Install-WindowsFeature Web-Server</powershell>", "package install"],
        ["curl -sL https://x | python3", "remote script"],
        ['sh -c "$(curl -fsSL https://x)"', "remote script"],
        ["#ps1_sysnative\niex ((New-Object Net.WebClient).DownloadString('https://x'))", "remote script"],
        ["echo installing nothing", undefined],
        ["curl -fsS https://health/ > /dev/null", undefined],
        ["apt-cache policy nginx", undefined],
    ];
    for (const [line, kind] of installs) {
        it(`${kind ? `finds a ${kind} in` : "finds nothing in"} \`${line}\``, () => {
            assert.deepEqual(
                findInstalls(line)
                    .map((f) => f.kind)
                    .slice(0, 1),
                kind ? [kind] : [],
            );
        });
    }
});

const gz = (s: string) => gzipSync(Buffer.from(s)).toString("base64");
const INSTANCE = "aws:ec2/instance:Instance";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const GCE = "gcp:compute/instance:Instance";
const VM = "azure-native:compute:VirtualMachine";
const windowsVm = (customData: string) => ({
    osProfile: { adminUsername: "a", adminPassword: "P@ss", windowsConfiguration: {}, customData: b64(customData) },
});
const mime = (...parts: Array<[string, string]>) =>
    [
        'Content-Type: multipart/mixed; boundary="==B=="',
        "MIME-Version: 1.0",
        "",
        ...parts.flatMap(([type, body]) => ["--==B==", `Content-Type: ${type}; charset="us-ascii"`, "", body]),
        "--==B==--",
        "",
    ].join("\n");

describe("boot-install-forbid: boot scripts read as the guest reads them", () => {
    table("boot-install-forbid", [
        {
            it: "does not count a comment that mentions apt-get install",
            type: INSTANCE,
            inputs: { userData: "#!/bin/bash\n# we used to apt-get install nginx here\nsystemctl start app\n" },
            expect: [],
        },
        {
            it: "does not count apt-get install inside a quoted echo",
            type: INSTANCE,
            inputs: { userData: '#!/bin/sh\necho "run apt-get install yourself" > /etc/motd\n' },
            expect: [],
        },
        {
            it: "reads assignments, sudo and options before the verb (DEBIAN_FRONTEND=noninteractive sudo -E apt-get -y install)",
            type: INSTANCE,
            inputs: {
                userData:
                    "DEBIAN_FRONTEND=noninteractive sudo -E apt-get -o Dpkg::Options::=--force-confold -y install nginx",
            },
            expect: ["a package install (sudo -E apt-get -o Dpkg::Options::=--force-confold -y install nginx)"],
        },
        {
            it: "reads env and timeout wrappers around a language package manager",
            type: INSTANCE,
            inputs: { userData: "env PIP_NO_CACHE_DIR=1 timeout 300 pip3 install -r /opt/app/requirements.txt" },
            expect: ["a language package install (env PIP_NO_CACHE_DIR=1 timeout 300 pip3 install"],
        },
        {
            it: "rejects process substitution of a download (bash <(curl ...))",
            type: GCE,
            inputs: { metadataStartupScript: "bash <(curl -fsSL https://get.example.com/setup)" },
            expect: ["metadataStartupScript runs a remote script"],
        },
        {
            it: 'rejects eval "$(wget -qO- ...)"',
            type: GCE,
            inputs: { metadataStartupScript: 'eval "$(wget -qO- https://example.com/env.sh)"' },
            expect: ["a remote script"],
        },
        {
            it: "rejects a script downloaded then executed (curl -o, then bash)",
            type: INSTANCE,
            inputs: {
                userData:
                    "curl -fsSLo /tmp/agent.sh https://vendor.example.com/agent.sh\nbash /tmp/agent.sh --install\n",
            },
            expect: ["a downloaded script run (bash /tmp/agent.sh --install)"],
        },
        {
            it: "rejects a vendor installer downloaded and run (wget, chmod +x, ./installer.run)",
            type: INSTANCE,
            inputs: {
                userData:
                    "wget https://vendor.example.com/driver-installer.run\nchmod +x driver-installer.run\n./driver-installer.run --silent\n",
            },
            expect: ["a vendor installer (./driver-installer.run --silent)"],
        },
        {
            it: "rejects an archive downloaded, extracted and run (curl | tar, then the extracted installer)",
            type: INSTANCE,
            inputs: { userData: "curl -sL https://x.example.com/cli.tgz | tar xz -C /opt/cli && /opt/cli/aws/install" },
            expect: ["a vendor installer (/opt/cli/aws/install)"],
        },
        {
            it: "rejects a here document written to a file and executed",
            type: INSTANCE,
            inputs: { userData: "cat > /tmp/setup.sh <<'EOF'\nyum install -y httpd\nEOF\nsh /tmp/setup.sh\n" },
            expect: ["a package install (yum install -y httpd)"],
        },
        {
            it: "rejects an install inside an if, a loop and a function",
            type: INSTANCE,
            inputs: { userData: "setup() { for p in a b; do npm install -g $p; done; }\nif true; then setup; fi" },
            expect: ["a language package install (npm install -g $…)"],
        },
        {
            it: "rejects npx (downloads and runs a package)",
            type: INSTANCE,
            inputs: { userData: "npx -y some-cli@latest init" },
            expect: ["a remote script (npx -y some-cli@latest init)"],
        },
        {
            it: "accepts fetching secrets and config at boot (Secrets Manager, SSM, the metadata service)",
            type: INSTANCE,
            inputs: {
                userData: [
                    "#!/bin/bash",
                    "TOKEN=$(curl -sX PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')",
                    "aws secretsmanager get-secret-value --secret-id db --query SecretString --output text > /run/app/db",
                    "aws ssm get-parameter --name /app/config --query Parameter.Value --output text > /etc/app.json",
                    "systemctl start app",
                ].join("\n"),
            },
            expect: [],
        },
        {
            it: "accepts gcloud secrets and curl to the GCP metadata server piped into jq",
            type: GCE,
            inputs: {
                metadataStartupScript:
                    "gcloud secrets versions access 3 --secret=db > /run/db\ncurl -s -H Metadata-Flavor:Google http://metadata.google.internal/computeMetadata/v1/instance/attributes/env | jq -r . > /etc/app.env",
            },
            expect: [],
        },
        {
            it: "decodes gzip user data (base64 of gzip in a launch template)",
            type: LT,
            inputs: { imageId: "ami-1", userData: gz("#!/bin/bash\ndnf install -y nginx\n") },
            expect: ["userData runs a package install (dnf install -y nginx)"],
        },
        {
            it: "reads MIME multipart user data part by part",
            type: INSTANCE,
            inputs: {
                userData: mime(
                    ["text/cloud-config", "#cloud-config\nruncmd:\n  - systemctl start app\n"],
                    ["text/x-shellscript", "#!/bin/bash\napk add curl\n"],
                ),
            },
            expect: ["a package install (apk add curl)"],
        },
        {
            it: "reads cloud-config runcmd entries written as argv lists",
            type: GCE,
            inputs: { metadata: { "user-data": "#cloud-config\nruncmd:\n  - [apt-get, install, -y, nginx]\n" } },
            expect: ["metadata.user-data runs a package install (apt-get install -y nginx)"],
        },
        {
            it: "reads cloud-config bootcmd",
            type: GCE,
            inputs: { metadata: { "user-data": "#cloud-config\nbootcmd:\n  - zypper -n in vim\n" } },
            expect: ["a package install (zypper -n in vim)"],
        },
        {
            it: "reads write_files that runcmd then executes (base64 content)",
            type: INSTANCE,
            inputs: {
                userData: `#cloud-config\nwrite_files:\n  - path: /opt/setup.sh\n    encoding: b64\n    content: ${b64("#!/bin/sh\ngem install rails\n")}\n    permissions: "0755"\nruncmd:\n  - /opt/setup.sh\n`,
            },
            expect: ["a language package install (gem install rails)"],
        },
        {
            it: "accepts write_files that nothing executes (a config file)",
            type: INSTANCE,
            inputs: {
                userData:
                    "#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    content: 'apt-get install is documented here'\n",
            },
            expect: [],
        },
        {
            it: "rejects cloud-config package_upgrade: true and configuration management modules",
            type: INSTANCE,
            inputs: {
                userData: "#cloud-config\npackage_upgrade: true\nchef:\n  server_url: https://chef.example.com\n",
            },
            expect: [
                "a package install (package_upgrade: true), a configuration management run (chef: (cloud-config module))",
            ],
        },
        {
            it: "rejects #include URLs (cloud-init fetches and runs them)",
            type: INSTANCE,
            inputs: { userData: "#include\nhttps://config.example.com/bootstrap.sh\n" },
            expect: ["an included URL (#include https://config.example.com/bootstrap.sh)"],
        },
        {
            it: "rejects a GCP startup-script-url (a remote startup script)",
            type: "gcp:compute/instanceTemplate:InstanceTemplate",
            inputs: { metadata: { "startup-script-url": "gs://bucket/bootstrap.sh" } },
            expect: ["a remote startup script (metadata.startup-script-url: gs://bucket/bootstrap.sh)"],
        },
        {
            it: "reads PowerShell custom data on a Windows VM (choco, msiexec, iwr | iex)",
            type: VM,
            inputs: windowsVm(
                "choco install -y googlechrome\nStart-Process msiexec -ArgumentList '/i C:\\agent.msi /qn'\niwr https://x.example.com/a.ps1 -UseBasicParsing | iex",
            ),
            expect: ["a package install (choco install -y googlechrome), a vendor installer (Start-Process msiexec"],
        },
        {
            it: "reads EC2Launch <powershell> blocks: download then run an installer",
            type: INSTANCE,
            inputs: {
                userData:
                    "<powershell>\nInvoke-WebRequest -Uri https://x.example.com/setup.exe -OutFile C:\\Temp\\setup.exe\nStart-Process C:\\Temp\\setup.exe -ArgumentList '/S' -Wait\n</powershell>",
            },
            expect: ["a vendor installer (Start-Process C:\\Temp\\setup.exe"],
        },
        {
            it: "accepts PowerShell that reads a Key Vault secret and starts a service",
            type: VM,
            inputs: windowsVm(
                "# Install-Package is not used here\n$s = Get-AzKeyVaultSecret -VaultName v -Name db -AsPlainText\nStart-Service app",
            ),
            expect: [],
        },
        {
            it: "reads a Windows startup script by its metadata key (windows-startup-script-cmd)",
            type: GCE,
            inputs: { metadata: { "windows-startup-script-cmd": "winget install --id Git.Git -e & echo done" } },
            expect: ["a package install (winget install --id Git.Git -e)"],
        },
        {
            it: "reads a Custom Script extension's command and its fileUris",
            type: "azure-native:compute:VirtualMachineExtension",
            inputs: {
                vmName: "vm",
                publisher: "Microsoft.Azure.Extensions",
                type: "CustomScript",
                settings: { fileUris: ["https://x.blob.core.windows.net/s/setup.sh"], commandToExecute: "sh setup.sh" },
            },
            expect: [
                "settings.commandToExecute runs a vendor installer (sh setup.sh)",
                "settings.fileUris[0] runs a remote startup script",
            ],
        },
        {
            it: "reports a shell script it cannot parse",
            type: INSTANCE,
            inputs: { userData: "#!/bin/bash\nif then fi (\n" },
            expect: ["cannot read userData"],
        },
        {
            it: "reports binary user data that is not gzip",
            type: LT,
            inputs: { imageId: "ami-1", userData: Buffer.from([0, 1, 2, 3, 250, 251, 252, 7]).toString("base64") },
            expect: ["binary content that is neither text nor gzip"],
        },
        {
            it: "reports a script for an interpreter the pack cannot read (python)",
            type: INSTANCE,
            inputs: { userData: "#!/usr/bin/env python3\nimport subprocess\n" },
            expect: ["a script for python3"],
        },
    ]);
});

describe("boot scripts: the parser's walk is skipped only where nothing could be found", () => {
    const lines = [
        "sudo -E apt-get -y install nginx",
        "curl -fsSL https://x | sudo bash",
        "bash <(wget -qO- https://y)",
        "aws s3 cp s3://b/agent.run /tmp/ && /tmp/agent.run",
        "gsutil cp gs://b/setup.sh . && sh setup.sh",
        "./vendor-installer.bin --silent",
        "npx -y cli",
        "Install-Module Az",
        "ansible-pull -U https://git/x",
        "ssh host 'sudo yum install -y httpd'",
        "gcloud compute ssh web-1",
        "az vm run-command invoke -g rg -n vm",
    ];
    for (const line of lines) {
        it(`walks \`${line}\` (CANDIDATE matches)`, () => {
            assert.ok(CANDIDATE.test(line));
        });
    }
    it("does not walk a script that only fetches secrets and starts services, and still finds nothing in it", () => {
        const script = "aws secretsmanager get-secret-value --secret-id db > /run/db\nsystemctl start app";
        assert.equal(CANDIDATE.test(script), false);
        assert.deepEqual(findInstalls(script), []);
    });
});
