import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadMocksFile } from "../../tools/plan/mocks-file";
import { ConfigError } from "../../tools/plan/project";
import { fixture, tempDir } from "./support";

describe("plan: mocks file (--mocks)", () => {
    it("reads YAML and JSON: invoke results and resource outputs", () => {
        const yaml = loadMocksFile(path.join(fixture("lookups"), "mocks.yaml"));
        assert.deepStrictEqual(yaml.invokes["aws:ec2/getAmi:getAmi"], { id: "ami-0123456789abcdef0", name: "golden-image-2024" });
        assert.deepStrictEqual(yaml.resources.web, { publicIp: "203.0.113.10" });
        const json = loadMocksFile(path.join(fixture("unknown-invoke"), "mocks.json"));
        assert.strictEqual(json.invokes["aws:ec2:getInstance"]!.instanceType, "t3.small");
        assert.deepStrictEqual(json.resources, {});
    });

    it("names what is wrong: an unknown section, a result that is not a mapping, a file that does not parse", () => {
        const t = tempDir("mocks-file-");
        try {
            const file = path.join(t.dir, "mocks.yaml");
            fs.writeFileSync(file, "invoke:\n  aws:ec2/getAmi:getAmi: {}\nresources:\n  web: 3\n");
            assert.throws(
                () => loadMocksFile(file),
                (e: unknown) =>
                    e instanceof ConfigError &&
                    /'invoke' is not a section of a mocks file; allowed: invokes, resources/.test(e.message) &&
                    /resources\.web: expected a mapping of output properties, not 3/.test(e.message),
            );
            fs.writeFileSync(path.join(t.dir, "m.json"), "{ invokes: ");
            assert.throws(
                () => loadMocksFile(path.join(t.dir, "m.json")),
                (e: unknown) => e instanceof ConfigError && /is not valid JSON/.test(e.message),
            );
            assert.throws(
                () => loadMocksFile(path.join(t.dir, "none.yaml")),
                (e: unknown) => e instanceof ConfigError && /none\.yaml/.test(e.message),
            );
        } finally {
            t.remove();
        }
    });
});
