/**
 * A throwaway Pulumi project whose program is this repository's index.ts, with stack files of
 * the test's own: what a user does who copies a stack file and changes it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT } from "../helpers/program";

/** A shipped stack's `config:` block as written in its YAML file (keys with their namespace). */
export function shippedStackFile(stack: string): Record<string, any> {
    return parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")).config;
}

export interface TempProject {
    dir: string;
    /** Writes `Pulumi.<stack>.yaml` with this config block. */
    stack(name: string, config: Record<string, unknown>): void;
    remove(): void;
}

export function tempProject(prefix: string): TempProject {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lz-${prefix}-`));
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8").replace(/^main: .*$/m, `main: ${JSON.stringify(path.join(ROOT, "index.ts"))}`);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
    fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    return {
        dir,
        stack: (name, config) => fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config })),
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}
