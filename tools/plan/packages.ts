// Which @pulumi/* packages a program will run with. The project's own come first (resolved from
// its directory, as Node.js does); one it does not have comes from this repository, which the
// plan says. A project that asks for another major version than this repository's is refused:
// a program written for @pulumi/aws 6 may use modules that 7 removed, and the plan would be
// wrong rather than fail.
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { findPackageJson } from "./project";
import { REPO_ROOT } from "./paths";

export interface PackageCheck {
    /** Set when the project cannot be planned with this repository's packages. */
    refusal?: string;
    notes: string[];
}

function versionAt(name: string, from: string): string | undefined {
    try {
        const file = require.resolve(`${name}/package.json`, { paths: [from] });
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version;
    } catch {
        return undefined;
    }
}

/** The version of a package in this repository's node_modules, if it has it. */
export function repositoryVersion(name: string): string | undefined {
    return versionAt(name, REPO_ROOT);
}

export function checkPackages(projectDir: string): PackageCheck {
    const file = findPackageJson(projectDir);
    const notes: string[] = [];
    if (!file) return { notes };
    let pkg: Record<string, unknown>;
    try {
        pkg = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
        return { notes };
    }
    const declared: Record<string, string> = {};
    for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
        const deps = pkg[field];
        if (deps && typeof deps === "object") Object.assign(declared, deps);
    }
    const refused: string[] = [];
    for (const [name, range] of Object.entries(declared)) {
        if (!name.startsWith("@pulumi/") || typeof range !== "string") continue;
        if (versionAt(name, projectDir) !== undefined) continue; // the project's own
        const ours = repositoryVersion(name);
        if (!ours || !semver.validRange(range)) continue;
        if (semver.satisfies(ours, range)) continue;
        const wanted = semver.minVersion(range);
        if (wanted && semver.major(wanted) !== semver.major(ours)) {
            refused.push(`${name} ${range} (this repository has ${ours})`);
        } else {
            notes.push(`${path.relative(process.cwd(), file) || file} asks for ${name} ${range}; this repository's ${ours} is used`);
        }
    }
    if (refused.length) {
        return {
            notes,
            refusal:
                `the project needs ${refused.join(" and ")}, another major version, and has no node_modules of its own with it: ` +
                `run \`npm install\` in ${path.dirname(file)} so that the plan uses the project's own packages`,
        };
    }
    return { notes };
}
