import * as assert from "node:assert/strict";
import { countViolations, paint, shortUrn, violationTable } from "../../bin/lib/format";
import type { Violation } from "../../bin/lib/policyEngine";

const violation = (i: number): Violation => ({
    policy: `rule-${i % 3}`,
    urn: `urn:pulumi:prod::app::acme:index:Web$aws:ec2/securityGroup:SecurityGroup::sg-${String(Math.floor(i / 2)).padStart(4, "0")}`,
    enforcementLevel: i % 2 ? "advisory" : "mandatory",
    message: `finding ${i}`,
});

describe("tables people read", () => {
    it("names a resource by its own type and name (not its parents' types)", () => {
        assert.equal(
            shortUrn("urn:pulumi:prod::app::acme:index:Web$aws:ec2/securityGroup:SecurityGroup::sg::a"),
            "aws:ec2/securityGroup:SecurityGroup::sg::a",
        );
        assert.equal(shortUrn(undefined), "(stack)");
    });

    it("keeps a long report aligned, with one header, every violation once and its resource named once", () => {
        const violations = Array.from({ length: 1000 }, (_, i) => violation(i));
        const text = violationTable(violations, [], false, 140);
        const lines = text.split("\n");
        assert.equal(new Set(lines.map((l) => l.length)).size, 1, "every line has the table's width");
        assert.equal(lines.filter((l) => /│ Resource +│ Rule/.test(l)).length, 1);
        for (const i of [0, 499, 999])
            assert.equal(lines.filter((l) => new RegExp(`│ finding ${i} +│`).test(l)).length, 1, `finding ${i}`);
        assert.equal(lines.filter((l) => l.includes("::sg-0250 ")).length, 1);
    });

    it("counts violations by level, coloured only when asked", () => {
        const list = [violation(0), violation(1), violation(2)];
        assert.equal(countViolations(list), "2 mandatory, 1 advisory");
        assert.equal(countViolations([], paint(true)), "\u001b[32mnone\u001b[39m");
    });
});
