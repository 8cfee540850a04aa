import { table } from "./support";

const REMOTE = "command:remote:Command";
const LOCAL = "command:local:Command";
const connection = { host: "10.0.0.5", user: "ubuntu", privateKey: "(key)" };

describe("in-place-change-forbid", () => {
    table("in-place-change-forbid", [
        {
            it: "rejects a remote command that runs a package manager on an instance",
            type: REMOTE,
            inputs: { connection, create: "sudo apt-get update && sudo apt-get install -y nginx" },
            expect: [
                'create runs "sudo apt-get update && sudo apt-get install -y nginx" on 10.0.0.5 over SSH, including a package install (sudo apt-get install -y nginx): a change to a running server',
            ],
        },
        {
            it: "rejects a remote command that only restarts a service (still a change in place)",
            type: REMOTE,
            inputs: { connection, create: "sudo systemctl restart app" },
            expect: ['create runs "sudo systemctl restart app" on 10.0.0.5 over SSH: a change to a running server'],
        },
        {
            it: "rejects copying a file to a server (CopyToRemote)",
            type: "command:remote:CopyToRemote",
            inputs: { connection, source: { path: "./app.conf" }, remotePath: "/etc/app.conf" },
            expect: ["copies ./app.conf to 10.0.0.5:/etc/app.conf over SSH"],
        },
        {
            it: "rejects the older CopyFile",
            type: "command:remote:CopyFile",
            inputs: { connection, localPath: "app.tar", remotePath: "/opt/app.tar" },
            expect: ["copies app.tar to 10.0.0.5:/opt/app.tar"],
        },
        {
            it: "rejects a local command that runs a playbook against servers (a provisioner in all but name)",
            type: LOCAL,
            inputs: { create: "ansible-playbook -i inventory.ini site.yml" },
            expect: ['create connects to a server: "ansible-playbook -i inventory.ini site.yml"'],
        },
        {
            it: "rejects a local command that SSHes in and installs, naming the install",
            type: LOCAL,
            inputs: { create: "ssh -o StrictHostKeyChecking=no ubuntu@10.0.0.5 'sudo yum install -y httpd'" },
            expect: [
                'create connects to a server: "ssh -o StrictHostKeyChecking=no ubuntu@10.0.0.5 sudo yum ...", including a package install (sudo yum install -y httpd)',
            ],
        },
        {
            it: "rejects gcloud compute ssh and az vm run-command in local commands",
            type: LOCAL,
            inputs: {
                create: "gcloud compute ssh web-1 --command 'sudo reboot'",
                update: "az vm run-command invoke -g rg -n vm --command-id RunShellScript --scripts 'apt-get upgrade -y'",
            },
            expect: ["create connects to a server", "update connects to a server"],
        },
        {
            it: "accepts a local command that builds or tests without touching a server",
            type: LOCAL,
            inputs: { create: "npm ci && npm test # ssh is not used here" },
            expect: [],
        },
        {
            it: "rejects Azure Run Command on a VM",
            type: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine",
            inputs: { vmName: "vm", source: { script: "apt-get install -y nginx" } },
            expect: ['Run Command runs "apt-get install -y nginx" on a running VM, including a package install'],
        },
        {
            it: "rejects an SSM association running a shell script document",
            type: "aws:ssm/association:Association",
            inputs: { name: "AWS-RunShellScript", parameters: { commands: "yum update -y" } },
            expect: ['runs SSM document "AWS-RunShellScript" on running instances'],
        },
        {
            it: "accepts an SSM association that only gathers inventory, and a patch baseline scan",
            type: "aws:ssm/association:Association",
            inputs: { name: "AWS-GatherSoftwareInventory" },
            expect: [],
        },
        {
            it: "accepts AWS-RunPatchBaseline with Operation Scan",
            type: "aws:ssm/association:Association",
            inputs: { name: "AWS-RunPatchBaseline", parameters: { Operation: "Scan" } },
            expect: [],
        },
        {
            it: "rejects a GCP OS Config patch deployment",
            type: "gcp:osconfig/patchDeployment:PatchDeployment",
            inputs: { patchDeploymentId: "weekly", instanceFilter: { all: true } },
            expect: ["patches running VMs in place"],
        },
        {
            it: "rejects an OS policy in ENFORCEMENT mode and accepts one in VALIDATION mode",
            type: "gcp:osconfig/osPolicyAssignment:OsPolicyAssignment",
            inputs: {
                osPolicies: [
                    { id: "a", mode: "VALIDATION" },
                    { id: "b", mode: "ENFORCEMENT" },
                ],
            },
            expect: ["osPolicies[1] enforces an OS policy on running VMs (mode ENFORCEMENT)"],
        },
        {
            it: "reports a create that is not a command text",
            type: REMOTE,
            inputs: { connection, create: { script: "x" } },
            expect: ['cannot read create {"script":"x"}: not a command text'],
        },
    ]);
});
