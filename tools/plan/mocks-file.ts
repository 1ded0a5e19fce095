// A user's answers for what the offline plan cannot know (`--mocks <file>`), JSON or YAML:
//
//   invokes:                                   # invoke token -> its result
//     aws:ec2/getInstance:getInstance: { id: i-0123456789abcdef0, instanceType: t3.micro }
//   resources:                                 # resource type, or logical name -> its outputs
//     aws:ec2/instance:Instance: { publicIp: 203.0.113.10 }
//     web: { publicIp: 203.0.113.11 }
//
// Tokens and types may also be written in their short form (aws:ec2:getInstance). A resource's
// outputs are known in the plan, as if the cloud had answered; `id` sets its ID.
import * as fs from "fs";
import * as YAML from "yaml";
import type { UserMocks } from "./mocks";
import { ConfigError } from "./project";

const SECTIONS = ["invokes", "resources"] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function loadMocksFile(file: string): UserMocks {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ConfigError(`mocks file ${file}: ${(e as Error).message}`);
    }
    let doc: unknown;
    try {
        doc = /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text);
    } catch (e) {
        throw new ConfigError(`mocks file ${file} is not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${(e as Error).message.split("\n")[0]}`);
    }
    doc ??= {};
    if (!isRecord(doc)) throw new ConfigError(`mocks file ${file}: expected a mapping with ${SECTIONS.join(" and ")}`);
    const problems: string[] = [];
    for (const k of Object.keys(doc)) {
        if (!(SECTIONS as readonly string[]).includes(k)) problems.push(`'${k}' is not a section of a mocks file; allowed: ${SECTIONS.join(", ")}`);
    }
    const mocks: UserMocks = { invokes: {}, resources: {} };
    for (const section of SECTIONS) {
        const table = doc[section] ?? {};
        if (!isRecord(table)) {
            problems.push(`${section}: expected a mapping of ${section === "invokes" ? "invoke tokens to results" : "resource types or names to outputs"}`);
            continue;
        }
        for (const [key, value] of Object.entries(table)) {
            if (!isRecord(value)) problems.push(`${section}.${key}: expected a mapping of ${section === "invokes" ? "result" : "output"} properties, not ${JSON.stringify(value)}`);
            else mocks[section][key] = value;
        }
    }
    if (problems.length) throw new ConfigError(`mocks file ${file}:\n  - ${problems.join("\n  - ")}`);
    return mocks;
}
