/**
 * Runs the landing-zone program (index.ts) in-process under the Pulumi SDK's own mock
 * monitor and records every registration request, options included, as the engine sees it.
 */
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface Recorded {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string;
    provider: string;
    inputs: Record<string, any>;
    protect: boolean;
    retainOnDelete: boolean;
    importId: string;
    ignoreChanges: string[];
    aliases: string[];
    dependencies: string[];
}

export interface ProgramRun {
    resources: Recorded[];
    outputs: Record<string, any>;
    byType(type: string): Recorded[];
    one(type: string, name: string): Recorded;
}

/** 12 deterministic digits from a name. */
export function fakeAccountId(name: string): string {
    const h = crypto.createHash("sha256").update(name).digest();
    return String(h.readBigUInt64BE(0) % 10n ** 12n).padStart(12, "1");
}

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        const state: Record<string, any> = { ...args.inputs };
        let id = args.id || `${args.name}-id`;
        switch (args.type) {
            case "aws:organizations/organization:Organization":
                id = args.id || "o-exampleorg1";
                state.roots = [{ id: "r-ex12", arn: "arn:aws:organizations::111111111111:root/o-exampleorg1/r-ex12", name: "Root", policyTypes: [] }];
                state.masterAccountId = "111111111111";
                break;
            case "aws:organizations/account:Account":
                id = args.id || fakeAccountId(args.inputs.name);
                break;
            case "aws:organizations/organizationalUnit:OrganizationalUnit":
                id = `ou-ex12-${crypto.createHash("sha256").update(args.name).digest("hex").slice(0, 8)}`;
                break;
        }
        if (/^aws:iam\//.test(args.type) && args.inputs.name && !state.arn) {
            state.arn = `arn:aws:iam::111111111111:${args.type.split("/")[1].split(":")[0]}/${args.inputs.name}`;
        }
        return { id, state };
    },
    call(args) {
        switch (args.token) {
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: "111111111111", arn: "arn:aws:iam::111111111111:user/platform", userId: "AIDAEXAMPLE", id: "111111111111" };
            case "aws:index/getRegion:getRegion":
                return { name: "eu-west-1", region: "eu-west-1", id: "eu-west-1" };
            default:
                throw new Error(`unexpected invoke ${args.token}`);
        }
    },
};

/** Reads a shipped stack file into the engine's flat string form (structured values JSON-encoded). */
export function stackConfig(stack: string): Record<string, string> {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    const doc = parseYaml(fs.readFileSync(file, "utf8")) ?? {};
    return flatten(doc.config ?? {});
}

export function flatten(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
        const key = k.includes(":") ? k : `landing-zone:${k}`;
        out[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

/** Runs index.ts with the given flat config. Rejects with the program's error. */
export async function runProgram(config: Record<string, string>, opts: { preview?: boolean; stack?: string } = {}): Promise<ProgramRun> {
    const recorded: Recorded[] = [];
    let inflight = 0;
    await pulumi.runtime.setMocks(mocks, "landing-zone", opts.stack ?? "test", opts.preview ?? true);
    const monitor: any = (pulumi.runtime as any).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: any) => {
        inflight++;
        recorded.push({
            urn: "",
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent(),
            provider: req.getProvider(),
            inputs: req.getObject()?.toJavaScript() ?? {},
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            importId: req.getImportid(),
            ignoreChanges: req.getIgnorechangesList(),
            aliases: req.getAliasesList().map((a: any) => JSON.stringify(a.toObject())),
            dependencies: req.getDependenciesList(),
        });
        const rec = recorded[recorded.length - 1];
        return register(req, (err: any, resp: any) => {
            if (resp) rec.urn = resp.getUrn();
            inflight--;
            cb(err, resp);
        });
    };
    pulumi.runtime.setAllConfig(config, []);
    const program = path.join(ROOT, "index.ts");
    delete require.cache[require.resolve(program)];
    let outputs: Record<string, any>;
    try {
        outputs = (await (pulumi.runtime as any).runInPulumiStack(async () => require(program))) ?? {};
    } catch (e: any) {
        // Tell the caller how many resources got registered before the failure.
        if (e && typeof e === "object") e.registered = recorded.filter((r) => r.type !== "pulumi:pulumi:Stack").length;
        throw e;
    }
    // Let registrations that the outputs did not wait for finish.
    for (let quiet = 0; quiet < 5; ) {
        await new Promise((r) => setImmediate(r));
        quiet = inflight === 0 ? quiet + 1 : 0;
    }
    const resources = recorded.filter((r) => r.type !== "pulumi:pulumi:Stack");
    return {
        resources,
        outputs,
        byType: (type) => resources.filter((r) => r.type === type),
        one(type, name) {
            const found = resources.filter((r) => r.type === type && r.name === name);
            if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
            return found[0];
        },
    };
}
