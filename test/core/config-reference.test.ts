/**
 * The config reference and Pulumi.yaml's list of optional keys are generated from the schema:
 * they fail here when stale (regenerate with `npm run docs`), and they cover every key.
 */
import * as assert from "assert";
import * as fs from "fs";
import { z } from "zod";
import { configSchema } from "../../components/config";
import { PROJECT_FILE, REFERENCE_FILE, renderConfigReference, withOptionalKeysComment } from "../../components/config-reference";

describe("config reference (generated from the schema)", () => {
    it("docs/config-reference.md is what `npm run docs` writes", () => {
        assert.equal(fs.readFileSync(REFERENCE_FILE, "utf8"), renderConfigReference(), "stale: run npm run docs");
    });

    it("the optional-keys comment of Pulumi.yaml is what `npm run docs` writes", () => {
        const project = fs.readFileSync(PROJECT_FILE, "utf8");
        assert.equal(project, withOptionalKeysComment(project), "stale: run npm run docs");
    });

    it("names every key of the schema, nested keys included, each with a description", () => {
        const reference = fs.readFileSync(REFERENCE_FILE, "utf8");
        const keys: string[] = [];
        const walk = (prefix: string, s: z.ZodType): void => {
            const inner = unwrap(s);
            if (prefix) keys.push(prefix);
            const children = (at: string, o: z.ZodType) => {
                for (const [k, v] of Object.entries((unwrap(o) as z.ZodObject).shape)) walk(at ? `${at}.${k}` : k, v as z.ZodType);
            };
            if (inner instanceof z.ZodObject) children(prefix, inner);
            else if (inner instanceof z.ZodRecord && unwrap(inner.valueType as z.ZodType) instanceof z.ZodObject) children(`${prefix}.<key>`, inner.valueType as z.ZodType);
            else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodObject) children(`${prefix}[]`, inner.element as z.ZodType);
        };
        walk("", configSchema);
        const rows = keys.filter((k) => k !== "");
        assert.ok(rows.length > 80, `${rows.length} keys`);
        for (const key of rows) {
            const row = reference.split("\n").find((l) => l.startsWith(`| \`${key}\` |`));
            assert.ok(row, `${key} is in the reference`);
            assert.ok(!row!.endsWith("|  |"), `${key} has a description`);
        }
    });
});

/** Optional, default and prefault wrappers off. */
function unwrap(s: z.ZodType): z.ZodType {
    let inner = s;
    for (;;) {
        const def = (inner as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
        if (!["optional", "default", "prefault"].includes(def.type) || !def.innerType) return inner;
        inner = def.innerType;
    }
}
