/** Shared fixtures for the guardrails tests. */
import { stackConfig } from "../helpers/program";
import { decode } from "../../components/stack-config";
import { CONFIG_NAMESPACE } from "../../components/config";

/** A shipped stack's `landing-zone:*` values, decoded as the program decodes them. */
export function rawConfig(stack: string): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [k, v] of Object.entries(stackConfig(stack))) {
        if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = decode(v);
    }
    return raw;
}

/** Deep copy of plain config data, to derive variants of a shipped stack. */
export function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v));
}
