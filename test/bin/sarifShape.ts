import * as assert from "node:assert/strict";

/**
 * The required properties of SARIF 2.1.0 (sarif-schema-2.1.0.json) for the objects we emit, and what Microsoft's
 * SARIF validator warns about (SARIF1001: a rule `name` distinct from its `id`; SARIF2005: the driver's
 * `informationUri`). CI runs the validator itself on real output (.ci/run).
 */
export function assertValidSarif(sarif: any): void {
    const object = (v: unknown, where: string) =>
        assert.ok(v && typeof v === "object" && !Array.isArray(v), `${where} must be an object`);
    const string = (v: unknown, where: string) => assert.equal(typeof v, "string", `${where} must be a string`);
    object(sarif, "log");
    assert.equal(sarif.version, "2.1.0", "log.version");
    string(sarif.$schema, "log.$schema");
    assert.ok(Array.isArray(sarif.runs), "log.runs is required");
    sarif.runs.forEach((run: any, i: number) => {
        object(run.tool, `runs[${i}].tool`);
        object(run.tool.driver, `runs[${i}].tool.driver`);
        string(run.tool.driver.name, `runs[${i}].tool.driver.name`);
        assert.match(run.tool.driver.informationUri, /^https:\/\/\S+$/, `runs[${i}].tool.driver.informationUri`);
        const rules: any[] = run.tool.driver.rules ?? [];
        const ids = new Set<string>();
        rules.forEach((rule, j) => {
            string(rule.id, `rules[${j}].id`);
            assert.ok(!ids.has(rule.id), `rules[${j}].id is unique`);
            ids.add(rule.id);
            string(rule.name, `rules[${j}].name`);
            assert.notEqual(rule.name, rule.id, `rules[${j}].name is a readable name, not the id again (SARIF1001)`);
            for (const key of ["shortDescription", "fullDescription", "help"]) {
                if (rule[key] !== undefined) string(rule[key].text, `rules[${j}].${key}.text`);
            }
            if (rule.defaultConfiguration)
                assert.ok(["none", "note", "warning", "error"].includes(rule.defaultConfiguration.level));
        });
        (run.results ?? []).forEach((result: any, j: number) => {
            object(result.message, `results[${j}].message`);
            string(result.message.text, `results[${j}].message.text`);
            assert.ok(ids.has(result.ruleId), `results[${j}].ruleId names a rule`);
            if (result.ruleIndex !== undefined)
                assert.equal(rules[result.ruleIndex].id, result.ruleId, `results[${j}].ruleIndex`);
            assert.ok(["none", "note", "warning", "error"].includes(result.level), `results[${j}].level`);
            assert.ok(Array.isArray(result.locations) && result.locations.length > 0, `results[${j}].locations`);
            for (const loc of result.locations) {
                string(
                    loc.physicalLocation.artifactLocation.uri,
                    `results[${j}] artifactLocation.uri (code scanning needs it)`,
                );
                assert.ok(loc.physicalLocation.region.startLine >= 1);
                string(
                    loc.logicalLocations[0].fullyQualifiedName,
                    `results[${j}] logicalLocations[0].fullyQualifiedName`,
                );
            }
        });
    });
}
