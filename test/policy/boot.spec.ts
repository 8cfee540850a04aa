import * as assert from "node:assert/strict";
import { findInstalls } from "../../policy/model/boot";
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
            expect: ["osProfile.customData runs a package install (packages:)"],
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
        ["python3 -m pip install requests", "package install"],
        ["gem install bundler", "package install"],
        ["Install-WindowsFeature Web-Server", "package install"],
        ["curl -sL https://x | python3", "remote script"],
        ['sh -c "$(curl -fsSL https://x)"', "remote script"],
        ["iex ((New-Object Net.WebClient).DownloadString('https://x'))", "remote script"],
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
