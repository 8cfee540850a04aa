/** `--registry [NAME=]REPOSITORY`: names key the manifest's refs, so stacks pick the ref of their cloud. */
import { strict as assert } from "node:assert";
import { cloudOfRegistryHost } from "../../../components/core/clouds";
import { isLoopbackHost, parseRegistries } from "../../../bin/lib/release/registries";

describe("release registries (--registry)", () => {
    const named: Array<[string, { name: string; repository: string; host: string; insecure: boolean }]> = [
        [
            "aws=127.0.0.1:5001/app",
            { name: "aws", repository: "127.0.0.1:5001/app", host: "127.0.0.1:5001", insecure: true },
        ],
        [
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api",
            {
                name: "aws",
                repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api",
                host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                insecure: false,
            },
        ],
        [
            "europe-west1-docker.pkg.dev/proj/images/api",
            {
                name: "gcp",
                repository: "europe-west1-docker.pkg.dev/proj/images/api",
                host: "europe-west1-docker.pkg.dev",
                insecure: false,
            },
        ],
        ["eu.gcr.io/proj/api", { name: "gcp", repository: "eu.gcr.io/proj/api", host: "eu.gcr.io", insecure: false }],
        [
            "contoso.azurecr.io/api",
            { name: "azure", repository: "contoso.azurecr.io/api", host: "contoso.azurecr.io", insecure: false },
        ],
        [
            "mirror=localhost:5000/team/api",
            { name: "mirror", repository: "localhost:5000/team/api", host: "localhost:5000", insecure: true },
        ],
    ];
    for (const [spec, expected] of named) {
        it(`reads ${spec} as ${expected.name} -> ${expected.repository}`, () => {
            assert.deepEqual(parseRegistries([spec]), [expected]);
        });
    }

    it("treats a host given with --insecure-registry as plain HTTP", () => {
        const [target] = parseRegistries(["lab=registry.lab:5000/api"], ["registry.lab:5000"]);
        assert.equal(target.insecure, true);
    });

    const refused: Array<[string[], RegExp]> = [
        [
            ["127.0.0.1:5001/app"],
            /cannot tell which cloud 127.0.0.1:5001 belongs to; name it, e.g. aws=127.0.0.1:5001\/app/,
        ],
        [["aws=127.0.0.1:5001/app:v1"], /give the repository only; the tag is --version/],
        [[`aws=127.0.0.1:5001/app@sha256:${"a".repeat(64)}`], /give the repository only/],
        [["aws=app"], /expected \[NAME=\]HOST\/REPOSITORY/],
        [["AWS=127.0.0.1:5001/app"], /the name "AWS" must be lowercase/],
        [["aws=127.0.0.1:5001/a", "aws=127.0.0.1:5002/b"], /the name "aws" is given twice/],
        [["aws=127.0.0.1:5001/a", "gcp=127.0.0.1:5001/a"], /the repository 127.0.0.1:5001\/a is given twice/],
        [[], /at least one --registry is required/],
    ];
    for (const [specs, message] of refused) {
        it(`refuses ${specs.length ? specs.join(" ") : "no registry"}`, () => {
            assert.throws(() => parseRegistries(specs), message);
        });
    }

    it("knows the clouds' registry hosts and nothing else", () => {
        assert.equal(cloudOfRegistryHost("123456789012.dkr.ecr.us-east-1.amazonaws.com"), "aws");
        assert.equal(cloudOfRegistryHost("us-docker.pkg.dev"), "gcp");
        assert.equal(cloudOfRegistryHost("myreg.azurecr.io"), "azure");
        assert.equal(cloudOfRegistryHost("docker.io"), undefined);
        assert.equal(cloudOfRegistryHost("ecr.example.com"), undefined);
    });

    it("treats loopback hosts as plain HTTP, as docker does", () => {
        assert.deepEqual(
            ["127.0.0.1:5001", "127.9.9.9", "localhost:5000", "[::1]:5000", "10.0.0.1:5000", "registry.local"].map(
                isLoopbackHost,
            ),
            [true, true, true, true, false, false],
        );
    });
});
