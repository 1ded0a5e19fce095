/**
 * Reads the stack's `landing-zone:*` config namespace as raw values for the schema.
 * Thin on purpose: no validation here, the schema (./config.ts) does it all at once.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./problems";

/** Every key of the namespace, structured values decoded, so unknown keys are reported too. */
export function readStackConfig(): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        raw[fullKey.slice(prefix.length)] = decode(value);
    }
    return raw;
}

/**
 * The engine hands every value over as a string; structured (object or list) values and
 * booleans arrive JSON-encoded. Plain strings stay strings even when they look like numbers
 * (account IDs must keep their leading zeros).
 */
export function decode(value: string): unknown {
    const t = value.trim();
    if (t.startsWith("{") || t.startsWith("[") || t === "true" || t === "false") {
        try {
            return JSON.parse(t);
        } catch {
            return value;
        }
    }
    return value;
}
